package graph_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"coursegraph/apitest"
	"coursegraph/models"
	"coursegraph/store"
	"coursegraph/store/storetest"

	"github.com/google/go-cmp/cmp"
)

// addComment stores a comment on the article (a global id) with the status and
// time, straight through the store, so that a test can give a later comment an
// earlier time than one stored before it.
func addComment(t *testing.T, s *store.Store, article string, status models.CommentStatus, at time.Time, body string) string {
	t.Helper()
	_, key, err := models.ParseGlobalID(article, "article")
	if err != nil {
		t.Fatal(err)
	}
	c := &models.Comment{ArticleID: key, Status: status, AuthorName: "Reader", AuthorEmail: "reader@example.com", Body: body, CreatedAt: at.UTC()}
	if err := s.CreateComment(context.Background(), c); err != nil {
		t.Fatalf("create comment: %v", err)
	}
	return c.GlobalID()
}

// queuePage is one page of the moderation queue as the tests read it.
type queuePage struct {
	Comments struct {
		TotalCount int
		PageInfo   struct {
			HasNextPage bool
			EndCursor   *string
		}
		Edges []struct {
			Node struct {
				ID      string
				Body    string
				Status  string
				Article struct {
					ID     string
					Title  string
					Author struct{ Name string }
				}
			}
		}
	}
}

const queueQuery = `query($status: CommentStatus, $first: Int, $after: String) {
  comments(status: $status, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { cursor node { id body status authorEmail article { id title author { name } } } }
  }
}`

// readQueue walks the whole queue of status page by page and returns the bodies
// in order, each with its article's title and author, and the totalCount.
func readQueue(t *testing.T, a *apitest.API, status string, first int) ([]string, int) {
	t.Helper()
	var out []string
	total := -1
	vars := map[string]any{"first": first}
	if status != "" {
		vars["status"] = status
	}
	for pages := 0; ; pages++ {
		if pages > 20 {
			t.Fatal("the queue never ends")
		}
		var p queuePage
		if err := json.Unmarshal(a.OK(queueQuery, vars), &p); err != nil {
			t.Fatal(err)
		}
		if total != -1 && p.Comments.TotalCount != total {
			t.Errorf("totalCount changed between pages: %d then %d", total, p.Comments.TotalCount)
		}
		total = p.Comments.TotalCount
		for _, e := range p.Comments.Edges {
			n := e.Node
			out = append(out, fmt.Sprintf("%s on %s by %s (%s)", n.Body, n.Article.Title, n.Article.Author.Name, n.Status))
		}
		if !p.Comments.PageInfo.HasNextPage {
			return out, total
		}
		vars["after"] = *p.Comments.PageInfo.EndCursor
	}
}

// TestModerationQueueListsOneStatusAcrossArticlesNewestFirst stores comments of
// every status on two articles by different authors, with times that do not
// follow the order they were stored in (and two in the same second), and reads
// the queue a page at a time.
func TestModerationQueueListsOneStatusAcrossArticlesNewestFirst(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		admin, editor, staff := staffAPI(t, s)
		alpha := writeArticle(t, editor, "Alpha", "Body.", nil, true)
		beta := writeArticle(t, admin, "Beta", "Body.", nil, true)
		base := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
		addComment(t, s, alpha, models.CommentPending, base.Add(2*time.Hour), "p3")
		addComment(t, s, beta, models.CommentPending, base, "p1")
		addComment(t, s, alpha, models.CommentApproved, base.Add(5*time.Hour), "a1")
		addComment(t, s, beta, models.CommentPending, base.Add(3*time.Hour), "p4")
		addComment(t, s, alpha, models.CommentPending, base.Add(time.Hour), "p2a")
		addComment(t, s, beta, models.CommentPending, base.Add(time.Hour), "p2b") // same second as p2a, stored later
		addComment(t, s, beta, models.CommentSpam, base.Add(4*time.Hour), "s1")
		addComment(t, s, alpha, models.CommentRejected, base.Add(6*time.Hour), "r1")

		wantPending := []string{
			"p4 on Beta by admin (PENDING)", "p3 on Alpha by editor (PENDING)", "p2b on Beta by admin (PENDING)",
			"p2a on Alpha by editor (PENDING)", "p1 on Beta by admin (PENDING)",
		}
		for _, first := range []int{1, 2, 3, 100} {
			t.Run(fmt.Sprintf("pending, by default, %d a page", first), func(t *testing.T) {
				got, total := readQueue(t, editor, "", first)
				if diff := cmp.Diff(wantPending, got); diff != "" || total != 5 {
					t.Errorf("totalCount %d, want 5; queue (-want +got):\n%s", total, diff)
				}
			})
		}
		for status, want := range map[string][]string{
			"APPROVED": {"a1 on Alpha by editor (APPROVED)"},
			"REJECTED": {"r1 on Alpha by editor (REJECTED)"},
			"SPAM":     {"s1 on Beta by admin (SPAM)"},
		} {
			t.Run("the "+status+" ones, for an admin too", func(t *testing.T) {
				got, total := readQueue(t, admin, status, 20)
				if diff := cmp.Diff(want, got); diff != "" || total != 1 {
					t.Errorf("totalCount %d, want 1; queue (-want +got):\n%s", total, diff)
				}
			})
		}

		t.Run("a comment moderated leaves the queue", func(t *testing.T) {
			var p queuePage
			apitest.Decode(t, editor.OK(queueQuery, map[string]any{"first": 1}), &p)
			editor.OK(`mutation($id: ID!) { moderateComment(id: $id, status: APPROVED) { id } }`, map[string]any{"id": p.Comments.Edges[0].Node.ID})
			got, total := readQueue(t, editor, "", 20)
			if diff := cmp.Diff(wantPending[1:], got); diff != "" || total != 4 {
				t.Errorf("totalCount %d, want 4; queue (-want +got):\n%s", total, diff)
			}
		})

		t.Run("bad input is refused with the field", func(t *testing.T) {
			var p queuePage
			apitest.Decode(t, editor.OK(queueQuery, map[string]any{"first": 1}), &p)
			pendingCursor := *p.Comments.PageInfo.EndCursor
			var articlePage struct {
				Article struct {
					Comments struct{ PageInfo struct{ EndCursor string } }
				}
			}
			apitest.Decode(t, editor.OK(`query($id: ID!) { article(id: $id) { comments(first: 1, status: PENDING) { pageInfo { endCursor } } } }`, map[string]any{"id": alpha}), &articlePage)
			for _, c := range []struct {
				name  string
				vars  map[string]any
				field string
			}{
				{"first 0", map[string]any{"first": 0}, "first"},
				{"first 101", map[string]any{"first": 101}, "first"},
				{"a cursor that is not one", map[string]any{"after": "bm90IGEgY3Vyc29y"}, "after"},
				{"a cursor of another status", map[string]any{"status": "SPAM", "after": pendingCursor}, "after"},
				{"a cursor of an article's comments", map[string]any{"after": articlePage.Article.Comments.PageInfo.EndCursor}, "after"},
			} {
				t.Run(c.name, func(t *testing.T) {
					resp, _ := editor.Post(queueQuery, c.vars)
					fieldErr(t, resp, "BAD_USER_INPUT", c.field)
					if string(resp.Data) != "null" {
						t.Errorf("data = %s, want null", resp.Data)
					}
				})
			}
			resp, _ := editor.Post(`{ comments(status: WAITING) { totalCount } }`, nil)
			if resp.Code() != "GRAPHQL_VALIDATION_FAILED" {
				t.Errorf("an unknown status: %+v, want GRAPHQL_VALIDATION_FAILED", resp.Errors)
			}
		})

		t.Run("only editors and admins may read it", func(t *testing.T) {
			anon := *editor
			anon.Token = ""
			for caller, want := range map[*apitest.API]string{&anon: "UNAUTHENTICATED", staff: "FORBIDDEN"} {
				resp, _ := caller.Post(queueQuery, nil)
				if resp.Code() != want || string(resp.Data) != "null" || strings.Contains(string(resp.Data), "p4") {
					t.Errorf("got %s %+v, want %s and no data", resp.Data, resp.Errors, want)
				}
			}
		})
	})
}

// TestModerationQueueCostsAConstantNumberOfStatements reads a full page of the
// queue with each comment's article and author: the editor's session, the
// comments, their articles (with their authors joined) and the count are one
// statement each, for comments on 3 articles as for comments on 30 articles by 3
// authors.
func TestModerationQueueCostsAConstantNumberOfStatements(t *testing.T) {
	const query = `{ comments(first: 100) { totalCount edges { cursor node { id authorName authorEmail body createdAt status article { id title slug status author { name } } } } } }`
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		admin, editor, _ := staffAPI(t, s)
		admin.AddUser("second@example.com", models.RoleEditor)
		authors := []*apitest.API{editor, admin, admin.SignIn("second@example.com", apitest.Password)}
		counter := storetest.CountStatements(s)
		at := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
		made := 0
		counts := map[int]int{}
		for _, n := range []int{3, 30} {
			for ; made < n; made++ {
				article := writeArticle(t, authors[made%3], fmt.Sprintf("Article %d", made), "Body.", nil, made%2 == 0)
				for c := range 3 {
					at = at.Add(time.Minute)
					addComment(t, s, article, models.CommentPending, at, fmt.Sprintf("Comment %d.%d", made, c))
				}
			}
			counter.Reset()
			data := editor.OK(query, nil)
			counts[n] = counter.Count()
			var got struct {
				Comments struct {
					TotalCount int
					Edges      []struct {
						Node struct {
							Body    string
							Article struct {
								Title  string
								Author struct{ Name string }
							}
						}
					}
				}
			}
			if err := json.Unmarshal(data, &got); err != nil {
				t.Fatal(err)
			}
			e := got.Comments.Edges
			if got.Comments.TotalCount != 3*n || len(e) != 3*n || e[0].Node.Body != fmt.Sprintf("Comment %d.2", n-1) {
				t.Fatalf("with %d articles, the page is wrong: %s", n, data)
			}
			// Each comment has its own article and that article's author, drafts
			// included: a batch that mixed them up would show here.
			for _, edge := range e {
				var k, c int
				if _, err := fmt.Sscanf(edge.Node.Body, "Comment %d.%d", &k, &c); err != nil {
					t.Fatal(err)
				}
				want := fmt.Sprintf("Article %d by %s", k, []string{"editor", "admin", "second"}[k%3])
				if got := edge.Node.Article.Title + " by " + edge.Node.Article.Author.Name; got != want {
					t.Errorf("%s is on %s, want %s", edge.Node.Body, got, want)
				}
			}
		}
		if counts[3] != 4 || counts[30] != 4 {
			t.Errorf("statements: %d with 3 articles, %d with 30; want 4 for both", counts[3], counts[30])
		}
		t.Logf("statements per request: %d with 3 articles, %d with 30", counts[3], counts[30])
	})
}

// TestModerationQueueFullPageIsWithinTheCostLimit asks, with the default limits,
// for a full page of the queue with what a dashboard shows, which passes; and for
// each comment's article's own comments, a hundred times a hundred, which the cost
// limit refuses.
func TestModerationQueueFullPageIsWithinTheCostLimit(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		_, editor, _ := staffAPI(t, s)
		article := writeArticle(t, editor, "Alpha", "Body.", []string{"Go"}, true)
		addComment(t, s, article, models.CommentPending, time.Now(), "Hello.")
		full := `{ comments(first: 100) { totalCount pageInfo { hasNextPage endCursor }
  edges { cursor node { id authorName authorEmail body createdAt status
    article { id slug title status publishedAt commentCount author { id name } tags { name } } } } } }`
		editor.OK(full, nil)

		resp, _ := editor.Post(`{ comments(first: 100) { edges { node { article { comments(first: 100) { edges { node { body } } } } } } } }`, nil)
		if resp.Code() != "QUERY_TOO_COMPLEX" || resp.Errors[0].Extensions["actual"].(float64) < 10000 {
			t.Errorf("the queue's articles' comments: %+v, want QUERY_TOO_COMPLEX costing over 100 x 100", resp.Errors)
		}
	})
}
