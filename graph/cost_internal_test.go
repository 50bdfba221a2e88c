package graph

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"coursegraph/bench/scenario"

	"github.com/99designs/gqlgen/complexity"
	"github.com/vektah/gqlparser/v2"
)

// TestCostedSchemaCostsWhatTheGeneratedOneCosts compares the cost of every
// document of graph/testdata and of bench/, and of documents that reach the
// costed lists through an interface, fragments and variables, as the cost limit
// computes it, over the costed schema and over the generated one.
func TestCostedSchemaCostsWhatTheGeneratedOneCosts(t *testing.T) {
	cfg := Config{Resolvers: &Resolver{}}
	setComplexity(&cfg.Complexity)
	generated := NewExecutableSchema(cfg)
	costed := withCosts(generated, &cfg.Complexity)

	docs := map[string]string{
		"articles page": scenario.ArticlesPage, "article by slug": scenario.ArticleBySlug, "inbox": scenario.Inbox,
		"through an interface": `query($id: ID!, $n: Int) { node(id: $id) { ... on Article { comments(first: $n) { edges { node { body } } } related(first: 7) { title } } ... on Tag { articles(first: 30) { edges { node { title } } } } } }`,
		"through fragments":    `query($n: Int) { ...Q } fragment Q on Query { courses(first: $n) { edges { node { title } } } search(query: "x", first: 20) { __typename } }`,
	}
	files, err := filepath.Glob("testdata/*.graphql")
	if err != nil || len(files) == 0 {
		t.Fatalf("testdata: %v, %d files", err, len(files))
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		docs[f] = string(b)
	}
	ctx := context.Background()
	for name, text := range docs {
		doc, errs := gqlparser.LoadQuery(generated.Schema(), text)
		if errs != nil {
			t.Fatalf("%s: %v", name, errs)
		}
		for _, vars := range []map[string]any{nil, {"n": int64(40), "first": int64(40)}} {
			for _, op := range doc.Operations {
				want := complexity.Calculate(ctx, generated, op, vars)
				if got := complexity.Calculate(ctx, costed, op, vars); got != want {
					t.Errorf("%s (variables %v): costs %d over the costed schema, %d over the generated one", name, vars, got, want)
				}
			}
		}
	}
}

// TestCostedSchemaAsksNothingOfAFieldWithoutACost pins the point of
// costedSchema: a field without a cost of its own costs no allocation.
func TestCostedSchemaAsksNothingOfAFieldWithoutACost(t *testing.T) {
	s := Schema(&Resolver{})
	ctx := context.Background()
	if n := testing.AllocsPerRun(100, func() { s.Complexity(ctx, "Article", "title", 1, nil) }); n != 0 {
		t.Errorf("Complexity(Article.title) allocates %v times, want 0", n)
	}
	if _, ok := s.Complexity(ctx, "Article", "comments", 1, map[string]any{}); !ok {
		t.Error("Article.comments has no cost of its own; want the one setComplexity gives it")
	}
}
