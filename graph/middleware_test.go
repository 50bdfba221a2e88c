package graph_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"coursegraph/apitest"
	"coursegraph/graph"
	"coursegraph/store/storetest"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/transport"
)

// TestFieldMiddlewareSeesResolversAndMethodsButNotStructFields pins what the
// executor rewrite (graph/internal/inlinelists) changed: a non-null struct
// field marshalled by graph/scalars is marshalled in place, without a field
// context or field middleware; resolvers and methods still pass through it,
// with their field context.
func TestFieldMiddlewareSeesResolversAndMethodsButNotStructFields(t *testing.T) {
	s := storetest.OpenSQLite(t)
	c := storetest.CreateCourse(t, s)
	storetest.CreateSchedule(t, s, c, storetest.CreateBatch(t, s))
	svc := apitest.NewService(t, s)
	srv := handler.New(graph.NewSchema(svc))
	srv.AddTransport(transport.POST{})
	srv.AroundResponses(graph.PerResponse(svc))
	var mu sync.Mutex
	var seen []string
	srv.AroundFields(func(ctx context.Context, next graphql.Resolver) (any, error) {
		fc := graphql.GetFieldContext(ctx)
		mu.Lock()
		seen = append(seen, fc.Object+"."+fc.Field.Name)
		mu.Unlock()
		return next(ctx)
	})
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, withJSON(httptest.NewRequest(http.MethodPost, "/", strings.NewReader(
		`{"query":"{ courses(first: 1) { edges { node { title fee { amount formatted } schedules { batch { name startTime } } } } } }"}`))))
	if !strings.Contains(rec.Body.String(), `"startTime":`) || strings.Contains(rec.Body.String(), `"errors"`) {
		t.Fatalf("answer: %s", rec.Body.String())
	}
	for _, f := range []string{"Query.courses", "CourseConnection.edges", "Course.fee", "Money.formatted", "Course.schedules", "Schedule.batch"} {
		if !slices.Contains(seen, f) {
			t.Errorf("middleware did not see %s (saw %v)", f, seen)
		}
	}
	for _, f := range []string{"Course.title", "Money.amount", "Batch.name", "Batch.startTime"} {
		if slices.Contains(seen, f) {
			t.Errorf("middleware saw the struct field %s", f)
		}
	}
}

func withJSON(r *http.Request) *http.Request {
	r.Header.Set("Content-Type", "application/json")
	return r
}
