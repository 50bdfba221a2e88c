package gqlserver

import (
	"context"
	"testing"

	"coursegraph/bench/scenario"
	"coursegraph/graph"
	"coursegraph/service"
	"coursegraph/store/storetest"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2"
)

// TestAnOperationsCostIsKeptOnlyWhenNoVariableChangesIt: the cost limit keeps
// the cost of an operation whose costed fields take no variable (Q3's article
// is looked up by a variable, but its comments' page is fixed), and computes
// again, for every request, that of an operation whose page size is a variable.
func TestAnOperationsCostIsKeptOnlyWhenNoVariableChangesIt(t *testing.T) {
	svc, err := service.New(storetest.OpenSQLite(t), service.Options{BcryptCost: 4})
	if err != nil {
		t.Fatal(err)
	}
	c := newCostLimit(DefaultComplexityLimit, nil, nil)
	if err := c.Validate(graph.NewSchema(svc)); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	operation := func(query string, vars map[string]any) *graphql.OperationContext {
		doc, errs := gqlparser.LoadQuery(c.es.Schema(), query)
		if errs != nil {
			t.Fatal(errs)
		}
		return &graphql.OperationContext{Operation: doc.Operations[0], Variables: vars}
	}

	q3 := operation(scenario.ArticleBySlug, map[string]any{"slug": "a"})
	want := c.cost(ctx, q3)
	if want < 100 {
		t.Fatalf("Q3 costs %d; want its hundred comments counted", want)
	}
	if n := testing.AllocsPerRun(100, func() {
		if got := c.cost(ctx, q3); got != want {
			t.Fatalf("Q3 costs %d, then %d", want, got)
		}
	}); n != 0 {
		t.Errorf("Q3's cost, once known, costs %v allocations; want 0", n)
	}

	paged := operation(`query($n: Int) { articles(first: $n) { edges { node { title } } } }`, nil)
	for _, n := range []int64{5, 50, 5} {
		paged.Variables = map[string]any{"n": n}
		if got := c.cost(ctx, paged); got != 1+int(n)*3 {
			t.Errorf("articles(first: %d) costs %d; want %d", n, got, 1+n*3)
		}
	}
	through := operation(`query($n: Int, $id: ID!) { node(id: $id) { ... on Article { related(first: $n) { title } } } }`, nil)
	for _, n := range []int64{2, 9} {
		through.Variables = map[string]any{"n": n, "id": "x"}
		if got := c.cost(ctx, through); got != 2+int(n) {
			t.Errorf("node { related(first: %d) } costs %d; want %d", n, got, 2+n)
		}
	}
}
