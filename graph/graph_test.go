package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"coursegraph/apitest"
	"coursegraph/logging"
	"coursegraph/models"
	"coursegraph/store"
	"coursegraph/store/seed"
	"coursegraph/store/storetest"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden responses in testdata")

// TestGolden sends each testdata/<case>.graphql to the API over the demo data
// (store/seed) on every engine and compares the whole apitest.Response with
// testdata/<case>.golden.json. Both engines must give the same answer. It is the
// one test of this package on the seed: its subject is the demo data's answers.
// Every other test makes its own fixtures (fixtures_test.go).
func TestGolden(t *testing.T) {
	cases, err := filepath.Glob("testdata/*.graphql")
	if err != nil || len(cases) == 0 {
		t.Fatalf("no golden cases: %v", err)
	}
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		if err := seed.Run(context.Background(), s); err != nil {
			t.Fatalf("seed: %v", err)
		}
		a := apitest.New(t, s)
		for _, file := range cases {
			name := strings.TrimSuffix(filepath.Base(file), ".graphql")
			t.Run(name, func(t *testing.T) {
				q, err := os.ReadFile(file)
				if err != nil {
					t.Fatal(err)
				}
				_, rec := a.Post(string(q), nil)
				var pretty bytes.Buffer
				if err := json.Indent(&pretty, rec.Body.Bytes(), "", "  "); err != nil {
					t.Fatal(err)
				}
				pretty.WriteByte('\n')
				golden := strings.TrimSuffix(file, ".graphql") + ".golden.json"
				if *update && strings.Contains(t.Name(), "/sqlite/") { // MySQL must then agree

					if err := os.WriteFile(golden, pretty.Bytes(), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatalf("%v (run go test ./graph -update to write it)", err)
				}
				if diff := cmp.Diff(string(want), pretty.String()); diff != "" {
					t.Errorf("apitest.Response differs from %s (-want +got):\n%s", golden, diff)
				}
			})
		}
	})
}

// TestRelationsCostTheSameStatementsWhateverThePageSize shows there is no N+1: the
// nested query runs one statement per relation level, with 6 courses as with 60.
func TestRelationsCostTheSameStatementsWhateverThePageSize(t *testing.T) {
	const query = `{ courses(first: 50) { edges { node { schedules { batch { name } course { title } } } } } }`
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		morning := storetest.CreateBatch(t, s, func(b *models.Batch) { b.Ordinal = 1 })
		evening := storetest.CreateBatch(t, s, func(b *models.Batch) { b.Ordinal, b.Period = 2, models.Evening })
		addCourses := func(n int) {
			for range n {
				c := storetest.CreateCourse(t, s)
				storetest.CreateSchedule(t, s, c, morning)
				storetest.CreateSchedule(t, s, c, evening)
			}
		}
		a := apitest.New(t, s)
		counter := storetest.CountStatements(s)

		addCourses(6)
		counter.Reset()
		a.OK(query, nil)
		with6 := counter.Count()

		addCourses(54)
		counter.Reset()
		data := a.OK(query, nil)
		with60 := counter.Count()

		var got struct {
			Courses struct {
				Edges []struct{ Node struct{ Schedules []any } }
			}
		}
		if err := json.Unmarshal(data, &got); err != nil || len(got.Courses.Edges) != 50 || len(got.Courses.Edges[49].Node.Schedules) != 2 {
			t.Fatalf("expected 50 courses with 2 schedules each; got %d (%v)", len(got.Courses.Edges), err)
		}
		// courses, then schedules by course with their batches joined; the
		// schedules' courses are the page's, already at hand.
		const want = 2
		if with6 != want || with60 != want {
			t.Errorf("statements: %d with 6 courses, %d with 60; want %d for both", with6, with60, want)
		}
		t.Logf("statements per request: %d with 6 courses, %d with 60", with6, with60)
	})
}

func TestCoursesPagination(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		// Six courses, made out of fee order, two pairs at the same fee.
		var made []*models.Course
		for _, fee := range []models.Amount{500000, 1250000, 300000, 1250000, 800000, 500000} {
			made = append(made, storetest.CreateCourse(t, s, func(c *models.Course) { c.FeeAmount = fee }))
		}
		a := apitest.New(t, s)
		const q = `query($after: String) { courses(first: 4, after: $after, orderBy: {field: FEE, direction: DESC}) {
			totalCount edges { cursor node { slug } } pageInfo { hasNextPage hasPreviousPage endCursor startCursor } } }`
		type page struct {
			Courses struct {
				TotalCount int
				Edges      []struct {
					Cursor string
					Node   struct{ Slug string }
				}
				PageInfo struct {
					HasNextPage, HasPreviousPage bool
					EndCursor, StartCursor       *string
				}
			}
		}
		var p1, p2 page
		apitest.Decode(t, a.OK(q, nil), &p1)
		apitest.Decode(t, a.OK(q, map[string]any{"after": *p1.Courses.PageInfo.EndCursor}), &p2)
		var slugs []string
		for _, e := range append(p1.Courses.Edges, p2.Courses.Edges...) {
			slugs = append(slugs, e.Node.Slug)
		}
		// Equal fees keep the direction for their tie-break: the later course first.
		var want []string
		for _, i := range []int{3, 1, 4, 5, 0, 2} {
			want = append(want, made[i].Slug)
		}
		if diff := cmp.Diff(want, slugs); diff != "" {
			t.Errorf("two pages by fee, dearest first (-want +got):\n%s", diff)
		}
		if p1.Courses.TotalCount != 6 || !p1.Courses.PageInfo.HasNextPage || p1.Courses.PageInfo.HasPreviousPage {
			t.Errorf("first page info: %+v total %d", p1.Courses.PageInfo, p1.Courses.TotalCount)
		}
		if p2.Courses.PageInfo.HasNextPage || !p2.Courses.PageInfo.HasPreviousPage || *p2.Courses.PageInfo.StartCursor != p2.Courses.Edges[0].Cursor {
			t.Errorf("last page info: %+v", p2.Courses.PageInfo)
		}
	})
}

func TestNodeResolvesEveryGlobalID(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		c := newCatalogue(t, s)
		a := apitest.New(t, s)
		var list struct {
			Schedules struct {
				Edges []struct {
					Node struct {
						ID     string
						Course struct{ ID, Title string }
						Batch  struct{ ID, Name string }
					}
				}
			}
		}
		apitest.Decode(t, a.OK(`{ schedules { edges { node { id course { id title } batch { id name } } } } }`, nil), &list)
		if len(list.Schedules.Edges) != 2 {
			t.Fatalf("schedules = %+v; want the fixture's two", list.Schedules.Edges)
		}
		type testCase struct{ name, id, want string }
		var cases []testCase
		for i, e := range list.Schedules.Edges {
			sc := e.Node
			if sc.ID != c.schedules[i].GlobalID() || sc.Course.ID != c.courses[i].GlobalID() || sc.Batch.ID != c.batches[i].GlobalID() {
				t.Errorf("schedule %d = %+v; want %s of %s in %s", i, sc, c.schedules[i].GlobalID(), c.courses[i].GlobalID(), c.batches[i].GlobalID())
			}
			cases = append(cases,
				testCase{fmt.Sprint("course ", i), sc.Course.ID, `{"node":{"__typename":"Course","title":"` + c.courses[i].Title + `"}}`},
				testCase{fmt.Sprint("batch ", i), sc.Batch.ID, `{"node":{"__typename":"Batch","name":"` + c.batches[i].Name + `"}}`},
				testCase{fmt.Sprint("schedule ", i), sc.ID, `{"node":{"__typename":"Schedule","course":{"id":"` + c.courses[i].GlobalID() + `"}}}`})
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				got := a.OK(`query($id: ID!) { node(id: $id) { __typename ... on Course { title } ... on Batch { name } ... on Schedule { course { id } } } }`, map[string]any{"id": tc.id})
				if diff := cmp.Diff(tc.want, string(got)); diff != "" {
					t.Errorf("(-want +got):\n%s", diff)
				}
			})
		}
		t.Run("an unknown course is null", func(t *testing.T) {
			got := a.OK(`query($id: ID!) { node(id: $id) { __typename } course(slug: "no-such-course") { id } }`, map[string]any{"id": missing(models.KindCourse)})
			if diff := cmp.Diff(`{"node":null,"course":null}`, string(got)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	})
}

// TestBadInputIsBadUserInputNamingTheArgument checks each kind of bad argument.
func TestBadInputIsBadUserInputNamingTheArgument(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		batch := storetest.CreateBatch(t, s).GlobalID()
		a := apitest.New(t, s)
		for _, tc := range []struct {
			name, query, field string
		}{
			{"first above the maximum", `{ courses(first: 101) { totalCount } }`, "first"},
			{"first far above the maximum, under the cost limit as the maximum", `{ courses(first: 100000) { edges { node { title } } } }`, "first"},
			{"first below one", `{ schedules(first: 0) { totalCount } }`, "first"},
			{"a malformed cursor", `{ courses(after: "not-a-cursor") { totalCount } }`, "after"},
			{"a cursor from another order", `{ courses(after: "eyJvIjoic2NoZWR1bGU6YmF0Y2giLCJrIjoiMSIsImkiOjF9") { totalCount } }`, "after"},
			{"a malformed id", `{ course(id: "###") { title } }`, "id"},
			{"an id of another type", `{ course(id: "` + batch + `") { title } }`, "id"},
			{"neither id nor slug", `{ course { title } }`, "id"},
			{"a negative fee filter", `{ courses(filter: {minFee: "-1"}) { totalCount } }`, "filter.minFee"},
			{"a malformed fee", `{ courses(filter: {maxFee: "12.345"}) { totalCount } }`, "filter.maxFee"},
			{"a float fee", `{ courses(filter: {maxFee: 12.5}) { totalCount } }`, "filter.maxFee"},
			{"a malformed course id filter", `{ schedules(filter: {courseId: "nope"}) { totalCount } }`, "filter.courseId"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				resp, _ := a.Post(tc.query, nil)
				if len(resp.Errors) != 1 {
					t.Fatalf("want one error, got %+v", resp.Errors)
				}
				e := resp.Errors[0]
				if e.Extensions["code"] != "BAD_USER_INPUT" || e.Extensions["field"] != tc.field {
					t.Errorf("extensions = %v; want code BAD_USER_INPUT, field %s (message %q)", e.Extensions, tc.field, e.Message)
				}
			})
		}
	})
}

func TestDatabaseFailureIsAnInternalErrorWithoutDetailsAndIsLogged(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		a := apitest.New(t, s)
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		resp, rec := a.Post(`{ courses { totalCount } }`, nil)
		if len(resp.Errors) != 1 {
			t.Fatalf("want one error, got %+v", resp.Errors)
		}
		e := resp.Errors[0]
		if e.Message != "internal error" || e.Extensions["code"] != "INTERNAL_SERVER_ERROR" {
			t.Errorf("error = %+v; want internal error, INTERNAL_SERVER_ERROR", e)
		}
		body := rec.Body.String()
		for _, leak := range []string{"sql", "SELECT", "database", "goroutine"} {
			if strings.Contains(body, leak) {
				t.Errorf("apitest.Response leaks %q: %s", leak, body)
			}
		}
		id := rec.Header().Get(logging.RequestIDHeader)
		if id == "" || !strings.Contains(a.Log.String(), `"request_id":"`+id+`"`) || !strings.Contains(a.Log.String(), "closed") {
			t.Errorf("the cause is not logged with request id %q:\n%s", id, a.Log.String())
		}
	})
}

func TestGetServesQueriesAndAnswersGraphQLResponseJSON(t *testing.T) {
	s := storetest.OpenSQLite(t)
	storetest.CreateCentre(t, s, func(c *models.Centre) { c.Currency = "BDT" })
	a := apitest.New(t, s)
	req := httptest.NewRequest(http.MethodGet, "/graphql?query="+url.QueryEscape(`{ centre { name currency } }`), nil)
	req.Header.Set("Accept", "application/graphql-response+json")
	rec := httptest.NewRecorder()
	a.Handler.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"currency":"BDT"`) {
		t.Fatalf("GET query: %d %s", rec.Code, rec.Body.String())
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/graphql-response+json") {
		t.Errorf("Content-Type = %q; want application/graphql-response+json", ct)
	}
}

func TestQueriesOverTheComplexityLimitAreRefusedBeforeTheyRun(t *testing.T) {
	s := storetest.OpenSQLite(t)
	a := apitest.New(t, s)
	counter := storetest.CountStatements(s)
	resp, _ := a.Post(`{ articles(first: 100) { edges { node { related(first: 20) { related(first: 20) { comments(first: 100) { edges { node { body } } } } } } } } }`, nil)
	if resp.Code() != "QUERY_TOO_COMPLEX" || counter.Count() != 0 {
		t.Errorf("code %q after %d statements; want QUERY_TOO_COMPLEX before any", resp.Code(), counter.Count())
	}
	a.OK(`{ articles(first: 20) { edges { node { title related { title } comments(first: 3) { edges { node { body } } } } } } }`, nil)
}
