package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"coursegraph/auth"
	"coursegraph/graph/loaders"
	"coursegraph/models"
	"coursegraph/service"
	"coursegraph/store"
	"coursegraph/store/storetest"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/transport"
)

// TestListElementsNeverWaitForALoader checks that loading ahead covers what list
// queries select: once a list resolver has returned, no element's relation is
// still being fetched by another goroutine, so none of gqlgen's element goroutines
// parks on a loader. Without loading ahead, dozens of them do.
func TestListElementsNeverWaitForALoader(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		off := service.Limit{Burst: -1}
		svc, err := service.New(s, service.Options{BcryptCost: 4, CommentsPerAddress: off})
		if err != nil {
			t.Fatal(err)
		}
		var batches []*models.Batch
		for i := range 4 {
			batches = append(batches, storetest.CreateBatch(t, s, func(b *models.Batch) {
				b.Ordinal, b.Name, b.StartTime, b.EndTime = i+1, fmt.Sprintf("Batch %d", i+1), models.LocalTime(8*60+i*60), models.LocalTime(8*60+i*60+50)
			}))
		}
		for i := range 30 {
			c := storetest.CreateCourse(t, s)
			storetest.CreateSchedule(t, s, c, batches[i%4])
			storetest.CreateSchedule(t, s, c, batches[(i+1)%4])
		}
		ctx := context.Background()
		for i := range 3 {
			name, email, role := fmt.Sprintf("Author %d", i), fmt.Sprintf("author%d@example.com", i), models.RoleEditor
			author, err := svc.CreateUser(auth.AsSystem(ctx), models.UserInput{Name: &name, Email: &email, Role: &role}, "a long enough password")
			if err != nil {
				t.Fatal(err)
			}
			as := auth.WithUser(ctx, author)
			for j := range 5 {
				title, body := fmt.Sprintf("Article %d.%d", i, j), "Some words."
				a, err := svc.CreateArticle(as, models.ArticleInput{Title: &title, Body: &body, Tags: []string{fmt.Sprintf("Tag %d", j%3), "Common"}})
				if err != nil {
					t.Fatal(err)
				}
				if _, err := svc.PublishArticle(as, a.ID, nil); err != nil {
					t.Fatal(err)
				}
				for k := range 2 {
					c, err := svc.PostComment(ctx, models.CommentInput{ArticleID: a.ID, AuthorName: "R", AuthorEmail: "r@example.com", Body: fmt.Sprintf("Comment %d", k)})
					if err != nil {
						t.Fatal(err)
					}
					if _, err := svc.ModerateComment(as, c.ID, models.CommentApproved); err != nil {
						t.Fatal(err)
					}
				}
			}
		}
		waited := -1
		// gqlgen's own server over the schema, with loaders per response as the
		// HTTP side mounts them (the graph package cannot import that side).
		h := handler.New(NewSchema(svc))
		h.AddTransport(transport.POST{})
		h.AroundResponses(PerResponse(svc))
		// Inside PerResponse: each response's loaders, once it is complete.
		h.AroundResponses(func(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
			resp := next(ctx)
			waited = loaders.For(ctx).Waited()
			return resp
		})
		for _, q := range []struct {
			query string
			vars  map[string]any
		}{
			{`{ courses(first: 30) { edges { node { title schedules { batch { name schedules { course { title } } } course { slug } } } } } }`, nil},
			{`{ schedules(first: 60) { edges { node { batch { name } course { title schedules { batch { name } } } } } } }`, nil},
			{`{ batches { name schedules { course { title } } } }`, nil},
			{`{ articles(first: 15) { edges { node { title author { name } tags { name articleCount } commentCount comments(first: 1) { edges { node { body } } } } } } }`, nil},
			// Arguments from variables are read as gqlgen coerces them, so that
			// loading ahead fills the very loaders the field resolvers ask.
			{`query($n: Int, $status: CommentStatus, $related: Int) { articles(first: 15) { edges { node { title
				comments(first: $n, status: $status) { edges { node { body article { title } } } }
				related(first: $related) { title author { name } tags { name } } } } } }`,
				map[string]any{"n": 2, "status": "APPROVED", "related": 2}},
			{`query($n: Int) { tags { name articles(first: $n) { edges { node { title author { name } tags { slug } commentCount } } } } }`,
				map[string]any{"n": 3}},
		} {
			query := q.query
			body, _ := json.Marshal(map[string]any{"query": query, "variables": q.vars})
			req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK || bytes.Contains(rec.Body.Bytes(), []byte(`"errors"`)) {
				t.Fatalf("%s: %d %s", query, rec.Code, rec.Body.String())
			}
			if waited != 0 {
				t.Errorf("%s: %d loads waited for another goroutine's fetch; want 0", query, waited)
			}
		}
	})
}
