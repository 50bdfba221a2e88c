package graph_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"coursegraph/apitest"
	"coursegraph/models"
	"coursegraph/service"
	"coursegraph/store"
	"coursegraph/store/storetest"

	"github.com/google/go-cmp/cmp"
)

// writeArticle creates and (unless draft) publishes an article through the API as
// editor, and returns its global id.
func writeArticle(t *testing.T, editor *apitest.API, title, body string, tags []string, publish bool) string {
	t.Helper()
	var got struct{ CreateArticle struct{ ID string } }
	data := editor.OK(`mutation($in: CreateArticleInput!) { createArticle(input: $in) { id } }`,
		map[string]any{"in": map[string]any{"title": title, "body": body, "tags": tags, "summary": "About " + title}})

	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatal(err)
	}
	if publish {
		editor.OK(`mutation($id: ID!) { publishArticle(id: $id) { id } }`, map[string]any{"id": got.CreateArticle.ID})
	}
	return got.CreateArticle.ID
}

// TestArticleListCostsAConstantNumberOfStatements is the query: the
// articles come with their authors, and tags, comment counts and the first comments
// of every article are one query each.
func TestArticleListCostsAConstantNumberOfStatements(t *testing.T) {
	const query = `{ articles(first: 20) { edges { node { title author { name } tags { name } commentCount comments(first: 3) { edges { node { authorName body } } } } } } }`
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		_, editor, _ := staffAPI(t, s)
		anon := *editor
		anon.Token = ""
		counter := storetest.CountStatements(s)
		counts := map[int]int{}
		made := 0
		for _, n := range []int{5, 50} {
			for ; made < n; made++ {
				id := writeArticle(t, editor, fmt.Sprintf("Article %d", made), "Body.", []string{"Go", fmt.Sprintf("T%d", made%4)}, true)
				for c := range 4 {
					var posted struct{ PostComment struct{ ID string } }
					apitest.Decode(t, anon.OK(`mutation($a: ID!, $b: String!) { postComment(input: {articleId: $a, authorName: "R", authorEmail: "r@example.com", body: $b}) { id } }`,
						map[string]any{"a": id, "b": fmt.Sprintf("Comment %d", c)}),
						&posted)

					editor.OK(`mutation($id: ID!) { moderateComment(id: $id, status: APPROVED) { id } }`, map[string]any{"id": posted.PostComment.ID})
				}
			}
			counter.Reset()
			data := anon.OK(query, nil)
			counts[n] = counter.Count()
			var got struct {
				Articles struct {
					Edges []struct {
						Node struct {
							Author       struct{ Name string }
							Tags         []struct{ Name string }
							CommentCount int
							Comments     struct{ Edges []any }
						}
					}
				}
			}
			if err := json.Unmarshal(data, &got); err != nil {
				t.Fatal(err)
			}
			e := got.Articles.Edges
			if len(e) != min(n, 20) || e[0].Node.Author.Name != "editor" || len(e[0].Node.Tags) != 2 || e[0].Node.CommentCount != 4 || len(e[0].Node.Comments.Edges) != 3 {
				t.Fatalf("with %d articles, the page is wrong: %s", n, data)
			}
		}
		// articles with their authors joined, tags, comment counts, first comments.
		if counts[5] != 4 || counts[50] != 4 {
			t.Errorf("statements: %d with 5 articles, %d with 50; want 4 for both", counts[5], counts[50])
		}
		t.Logf("statements per request: %d with 5 articles, %d with 50", counts[5], counts[50])
	})
}

// TestHiddenArticlesAndCommentsShowOnNoPublicPath makes one article of each hidden
// kind (draft, scheduled, archived, deleted) and unapproved comments, all sharing
// tags and words with a published one, and tries every public way to reach them.
func TestHiddenArticlesAndCommentsShowOnNoPublicPath(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		_, editor, _ := staffAPI(t, s)
		anon := *editor
		anon.Token = ""
		tags := []string{"Secret Topic"}
		body := "All about zebrafish databases."
		visible := writeArticle(t, editor, "Visible zebrafish", body, tags, true)
		draft := writeArticle(t, editor, "Draft zebrafish", body, tags, false)
		scheduled := writeArticle(t, editor, "Scheduled zebrafish", body, tags, false)
		editor.OK(`mutation($id: ID!, $at: Time!) { publishArticle(id: $id, at: $at) { status } }`,
			map[string]any{"id": scheduled, "at": time.Now().Add(48 * time.Hour).UTC().Format(time.RFC3339)})

		archived := writeArticle(t, editor, "Archived zebrafish", body, tags, true)
		editor.OK(`mutation($id: ID!) { unpublishArticle(id: $id, archive: true) { status } }`, map[string]any{"id": archived})
		deleted := writeArticle(t, editor, "Deleted zebrafish", body, tags, true)
		editor.OK(`mutation($id: ID!) { deleteArticle(id: $id) }`, map[string]any{"id": deleted})
		for _, status := range []string{"", "REJECTED", "SPAM"} {
			var posted struct{ PostComment struct{ ID string } }
			apitest.Decode(t, anon.OK(`mutation($a: ID!) { postComment(input: {articleId: $a, authorName: "R", authorEmail: "r@example.com", body: "hidden words"}) { id } }`, map[string]any{"a": visible}), &posted)
			if status != "" {
				editor.OK(`mutation($id: ID!, $s: CommentStatus!) { moderateComment(id: $id, status: $s) { id } }`, map[string]any{"id": posted.PostComment.ID, "s": status})
			}
		}
		hidden := []string{draft, scheduled, archived, deleted}
		paths := map[string]string{
			"the article list":    `{ articles { totalCount edges { node { id title } } } }`,
			"a tag page":          `{ tag(slug: "secret-topic") { articleCount articles { totalCount edges { node { id } } } } }`,
			"the tags list":       `{ tags { slug articleCount } }`,
			"related articles":    fmt.Sprintf(`{ article(id: %q) { related(first: 20) { id } comments { totalCount edges { node { body } } } commentCount } }`, visible),
			"search":              `{ search(query: "zebrafish") { ... on Article { id title } } }`,
			"the search filter":   `{ articles(filter: {search: "zebrafish"}) { totalCount edges { node { id } } } }`,
			"the article by slug": `{ a: article(slug: "draft-zebrafish") { id } b: article(slug: "scheduled-zebrafish") { id } c: article(slug: "archived-zebrafish") { id } d: article(slug: "deleted-zebrafish") { id } }`,
		}
		for _, id := range hidden {
			paths["node "+id] = fmt.Sprintf(`{ node(id: %q) { id } article(id: %q) { id } }`, id, id)
		}
		for name, q := range paths {
			t.Run(name, func(t *testing.T) {
				got := string(anon.OK(q, nil))
				for _, id := range hidden {
					if strings.Contains(got, id) {
						t.Errorf("a hidden article (%s) shows: %s", id, got)
					}
				}
				for _, word := range []string{"Draft", "Scheduled", "Archived", "Deleted", "hidden words"} {
					if strings.Contains(got, word) {
						t.Errorf("%q shows: %s", word, got)
					}
				}
			})
		}
		if got := string(anon.OK(`{ tag(slug: "secret-topic") { articleCount } articles { totalCount } }`, nil)); got != `{"tag":{"articleCount":1},"articles":{"totalCount":1}}` {
			t.Errorf("counts = %s; want only the visible article", got)
		}
		// Editors see drafts when they ask for them.
		if got := string(editor.OK(`{ articles(filter: {status: DRAFT}) { edges { node { title } } } }`, nil)); got != `{"articles":{"edges":[{"node":{"title":"Draft zebrafish"}}]}}` {
			t.Errorf("editor's drafts = %s", got)
		}
		resp, _ := anon.Post(`{ articles(filter: {status: DRAFT}) { totalCount } }`, nil)
		fieldErr(t, resp, "UNAUTHENTICATED", "")
	})
}

func TestAScheduledArticleAppearsAtItsTimeWithoutAJob(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		clock := &apitest.Clock{}
		clock.Set(time.Now())
		a := apitest.NewWith(t, apitest.NewService(t, s, func(o *service.Options) { o.Clock = clock.Now }))
		a.AddUser("editor@example.com", models.RoleEditor)
		editor := a.SignIn("editor@example.com", apitest.Password)
		anon := *editor
		anon.Token = ""
		id := writeArticle(t, editor, "Exam Timetable", "Dates inside.", nil, false)
		at := time.Now().Add(time.Hour).UTC().Truncate(time.Second)
		editor.OK(`mutation($id: ID!, $at: Time!) { publishArticle(id: $id, at: $at) { status publishedAt } }`, map[string]any{"id": id, "at": at.Format(time.RFC3339)})
		if got := string(anon.OK(`{ article(slug: "exam-timetable") { title } }`, nil)); got != `{"article":null}` {
			t.Errorf("before its time: %s", got)
		}
		clock.Set(at.Add(time.Second))
		if got := string(anon.OK(`{ article(slug: "exam-timetable") { title } articles { totalCount } }`, nil)); got != `{"article":{"title":"Exam Timetable"},"articles":{"totalCount":1}}` {
			t.Errorf("after its time: %s", got)
		}
	})
}

func TestArticleRenderingThroughTheAPI(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		_, editor, _ := staffAPI(t, s)
		body := "## Intro\n\nHello <script>alert(1)</script> and [x](javascript:alert(1)).\n\n<img src=x onerror=alert(1)>\n\n## FAQ\n\n### Why?\n\nBecause.\n"
		id := writeArticle(t, editor, "Safe Rendering", body, []string{"Web", "web", " Security "}, true)
		var got struct {
			Article struct {
				HTML               string
				ReadingTimeMinutes int
				TableOfContents    []struct {
					Level        int
					Text, Anchor string
				}
				Faqs []struct{ Question, Answer string }
				Tags []struct{ Name, Slug string }
			}
		}
		apitest.Decode(t, editor.OK(`query($id: ID!) { article(id: $id) { html readingTimeMinutes tableOfContents { level text anchor } faqs { question answer } tags { name slug } } }`, map[string]any{"id": id}), &got)
		a := got.Article
		for _, bad := range []string{"<script", "onerror", "javascript:"} {
			if strings.Contains(a.HTML, bad) {
				t.Errorf("html contains %q: %s", bad, a.HTML)
			}
		}
		if !strings.Contains(a.HTML, `<h2 id="intro">Intro</h2>`) || a.ReadingTimeMinutes != 1 || len(a.TableOfContents) != 3 || a.TableOfContents[2].Anchor != "why" {
			t.Errorf("article = %+v", a)
		}
		if diff := cmp.Diff([]struct{ Question, Answer string }{{"Why?", "Because."}}, a.Faqs); diff != "" {
			t.Errorf("faqs (-want +got):\n%s", diff)
		}
		if len(a.Tags) != 2 || a.Tags[0].Slug != "security" || a.Tags[1].Slug != "web" {
			t.Errorf("tags = %+v; want Security and Web once each", a.Tags)
		}
		resp, _ := editor.Post(`mutation { createArticle(input: {title: "Safe rendering", body: "x"}) { id } }`, nil)
		fieldErr(t, resp, "CONFLICT", "input.slug")
		resp, _ = editor.Post(`mutation { createArticle(input: {title: " ", body: "x"}) { id } }`, nil)
		fieldErr(t, resp, "BAD_USER_INPUT", "input.title")
		resp, _ = editor.Post(`mutation { createArticle(input: {title: "Many", body: "x", tags: ["1","2","3","4","5","6","7","8","9","10","11"]}) { id } }`, nil)
		fieldErr(t, resp, "BAD_USER_INPUT", "input.tags")
	})
}

func TestArticlesWithInlineCodeAreCreatedAndUpdated(t *testing.T) {
	type heading struct {
		Level        int
		Text, Anchor string
	}
	type faq struct{ Question, Answer string }
	type article struct {
		HTML            string
		TableOfContents []heading
		Faqs            []faq
	}
	const fields = `html tableOfContents { level text anchor } faqs { question answer }`
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		_, editor, _ := staffAPI(t, s)
		body := "## Running `go test`\n\nRun `go test ./...` first.\n\n## FAQ\n\n### What does `go vet` do?\n\nIt checks `*.go` files.\n"
		id := writeArticle(t, editor, "Testing in Go", body, nil, false)
		var created struct{ Article article }
		if err := json.Unmarshal(editor.OK(`query($id: ID!) { article(id: $id) { `+fields+` } }`, map[string]any{"id": id}), &created); err != nil {
			t.Fatal(err)
		}
		got := created.Article
		if !strings.Contains(got.HTML, `<h2 id="running-go-test">Running <code>go test</code></h2>`) || !strings.Contains(got.HTML, "<code>go test ./...</code>") {
			t.Errorf("created html = %s", got.HTML)
		}
		if diff := cmp.Diff([]heading{{2, "Running go test", "running-go-test"}, {2, "FAQ", "faq"}, {3, "What does go vet do?", "what-does-go-vet-do"}}, got.TableOfContents); diff != "" {
			t.Errorf("table of contents (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]faq{{"What does go vet do?", "It checks *.go files."}}, got.Faqs); diff != "" {
			t.Errorf("faqs (-want +got):\n%s", diff)
		}

		var updated struct{ UpdateArticle article }
		data := editor.OK(`mutation($id: ID!, $in: UpdateArticleInput!) { updateArticle(id: $id, input: $in) { `+fields+` } }`,
			map[string]any{"id": id, "in": map[string]any{"body": "## Use ``a ` b``\n\nThen `go vet`."}})

		if err := json.Unmarshal(data, &updated); err != nil {
			t.Fatal(err)
		}
		if got := updated.UpdateArticle; !strings.Contains(got.HTML, "<h2 id=\"use-a-b\">Use <code>a ` b</code></h2>") || !strings.Contains(got.HTML, "<code>go vet</code>") {
			t.Errorf("updated html = %s", got.HTML)
		}
	})
}

func TestCommentsAreHeldForModerationAndTheHoneypotLooksTheSame(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		_, editor, _ := staffAPI(t, s)
		anon := *editor
		anon.Token = ""
		id := writeArticle(t, editor, "Open Day", "Come visit.", nil, true)
		draft := writeArticle(t, editor, "Unfinished", "Soon.", nil, false)
		const post = `mutation($in: PostCommentInput!) { postComment(input: $in) { authorName body } }`
		in := func(changes map[string]any) map[string]any {
			m := map[string]any{"articleId": id, "authorName": " Rina ", "authorEmail": "Rina@Example.com", "body": " Lovely! "}
			for k, v := range changes {
				m[k] = v
			}
			return map[string]any{"in": m}
		}
		for _, tc := range []struct {
			name    string
			changes map[string]any
			field   string
		}{
			{"no name", map[string]any{"authorName": " "}, "input.authorName"},
			{"a bad email", map[string]any{"authorEmail": "rina"}, "input.authorEmail"},
			{"a one-letter body", map[string]any{"body": "x"}, "input.body"},
			{"a body over 5000 characters", map[string]any{"body": strings.Repeat("x", 5001)}, "input.body"},
			{"an unpublished article", map[string]any{"articleId": draft}, "input.articleId"},
			{"a course id", map[string]any{"articleId": storetest.CreateCourse(t, s).GlobalID()}, "input.articleId"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				resp, _ := anon.Post(post, in(tc.changes))
				fieldErr(t, resp, "BAD_USER_INPUT", tc.field)
			})
		}
		real := string(anon.OK(post, in(nil)))
		bot := string(anon.OK(post, in(map[string]any{"website": "https://spam.example"})))
		if real != bot || real != `{"postComment":{"authorName":"Rina","body":"Lovely!"}}` {
			t.Errorf("answers differ or are wrong: %s / %s", real, bot)
		}
		const public = `query($id: ID!) { article(id: $id) { commentCount comments { edges { node { body } } } } }`
		if got := string(anon.OK(public, map[string]any{"id": id})); got != `{"article":{"commentCount":0,"comments":{"edges":[]}}}` {
			t.Errorf("before moderation: %s", got)
		}
		var queue struct {
			Article struct {
				Pending, Spam struct {
					Edges []struct {
						Node struct{ ID, Status, AuthorEmail string }
					}
				}
			}
		}
		apitest.Decode(t, editor.OK(`query($id: ID!) { article(id: $id) { pending: comments(status: PENDING) { edges { node { id status authorEmail } } } spam: comments(status: SPAM) { edges { node { id status } } } } }`, map[string]any{"id": id}), &queue)
		if len(queue.Article.Pending.Edges) != 1 || len(queue.Article.Spam.Edges) != 1 || queue.Article.Pending.Edges[0].Node.AuthorEmail != "rina@example.com" {
			t.Fatalf("moderation queue = %+v", queue)
		}
		editor.OK(`mutation($id: ID!) { moderateComment(id: $id, status: APPROVED) { status } }`, map[string]any{"id": queue.Article.Pending.Edges[0].Node.ID})
		if got := string(anon.OK(public, map[string]any{"id": id})); got != `{"article":{"commentCount":1,"comments":{"edges":[{"node":{"body":"Lovely!"}}]}}}` {
			t.Errorf("after approval: %s", got)
		}
		resp, _ := anon.Post(`query($id: ID!) { article(id: $id) { comments(status: PENDING) { totalCount } } }`, map[string]any{"id": id})
		fieldErr(t, resp, "UNAUTHENTICATED", "")
	})
}

func TestCommentsAreRateLimitedPerClientAddress(t *testing.T) {
	s := storetest.OpenSQLite(t)
	_, editor, _ := staffAPI(t, s)
	id := writeArticle(t, editor, "Limits", "Text.", nil, true)
	svc, err := service.New(s, service.Options{BcryptCost: 4, CommentsPerAddress: service.Limit{Burst: 2, Every: time.Hour}})
	if err != nil {
		t.Fatal(err)
	}
	limited := apitest.NewWith(t, svc)
	post := func(addr string) string {
		from := *limited
		from.RemoteAddr = addr
		resp, _ := from.Post(`mutation($a: ID!) { postComment(input: {articleId: $a, authorName: "R", authorEmail: "r@example.com", body: "Hello there"}) { id } }`, map[string]any{"a": id})
		return resp.Code()
	}
	invalid := func(addr string) string {
		from := *limited
		from.RemoteAddr = addr
		resp, _ := from.Post(`mutation($a: ID!) { postComment(input: {articleId: $a, authorName: "R", authorEmail: "r@", body: "Hello there"}) { id } }`, map[string]any{"a": id})
		return resp.Code()
	}
	// A form refused for a typo does not use up the allowance.
	got := []string{invalid("192.0.2.1:1"), invalid("192.0.2.1:1"), invalid("192.0.2.1:1"), post("192.0.2.1:1"), post("192.0.2.1:2"), post("192.0.2.1:3"), post("192.0.2.2:1")}
	if diff := cmp.Diff([]string{"BAD_USER_INPUT", "BAD_USER_INPUT", "BAD_USER_INPUT", "", "", "RATE_LIMITED", ""}, got); diff != "" {
		t.Errorf("codes (-want +got):\n%s", diff)
	}
}

func TestSearchAndRelated(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		admin, editor, _ := staffAPI(t, s)
		a := *editor
		a.Token = ""
		// A course with "excel" in its title, and one that names security and Excel
		// only in its summary and topics.
		excel := storetest.CreateCourse(t, s, func(c *models.Course) { c.Slug, c.Title = "advanced-excel", "Advanced Excel" })
		storetest.CreateCourse(t, s, func(c *models.Course) {
			c.Summary, c.Topics = "Files, mail, Excel and online security.", []string{"Excel", "Security"}
		})
		// Articles by two authors: target shares all three of its tags with three,
		// two with twoOld and twoNew (written in that order), one with one (the
		// newest), and none with the security article.
		target := writeArticle(t, admin, "Back-end developer tasks", "What a back-end developer does all day.", []string{"Back-end", "Careers", "APIs"}, true)
		three := writeArticle(t, editor, "Key skills of a back-end developer", "Skills.", []string{"APIs", "Back-end", "Careers"}, true)
		twoOld := writeArticle(t, admin, "A glossary", "Words.", []string{"Careers", "APIs"}, true)
		twoNew := writeArticle(t, editor, "A day at work", "Work.", []string{"Back-end", "Careers"}, true)
		security := writeArticle(t, admin, "Web security basics", "How SQL injection works, and how to stop it.", []string{"Security"}, true)
		writeArticle(t, editor, "Designing APIs", "Resources and verbs.", []string{"APIs"}, true)
		writeArticle(t, editor, "Excel shortcuts", "Keys that save time in a spreadsheet.", nil, true)

		var search struct {
			Search []struct {
				Typename string `json:"__typename"`
				ID       string
			}
		}
		const searchQuery = `query($q: String!) { search(query: $q) { __typename ... on Article { id } ... on Course { id } } }`
		apitest.Decode(t, a.OK(searchQuery, map[string]any{"q": "security"}), &search)
		if len(search.Search) != 2 || search.Search[0].ID != security || search.Search[1].Typename != "Course" {
			t.Errorf("search security = %+v; want the article, then the course that names it in its summary", search.Search)
		}
		apitest.Decode(t, a.OK(searchQuery, map[string]any{"q": "excel"}), &search)
		if len(search.Search) != 3 || search.Search[0].ID != excel.GlobalID() || search.Search[1].Typename != "Article" || search.Search[2].Typename != "Course" {
			t.Errorf("search excel = %+v; want the Advanced Excel course first, then the article, then the other course", search.Search)
		}
		var filtered struct {
			Articles struct {
				Edges []struct{ Node struct{ ID string } }
			}
		}
		apitest.Decode(t, a.OK(`{ articles(filter: {search: "injection"}) { edges { node { id } } } }`, nil), &filtered)
		if len(filtered.Articles.Edges) != 1 || filtered.Articles.Edges[0].Node.ID != security {
			t.Errorf("search filter = %+v; want the security article only", filtered.Articles.Edges)
		}
		resp, _ := a.Post(`{ search(query: "  ") { __typename } }`, nil)
		fieldErr(t, resp, "BAD_USER_INPUT", "query")
		resp, _ = a.Post(`{ search(query: "x", first: 51) { __typename } }`, nil)
		fieldErr(t, resp, "BAD_USER_INPUT", "first")

		var rel struct {
			Article struct{ Related []struct{ ID string } }
		}
		apitest.Decode(t, a.OK(`query($id: ID!) { article(id: $id) { related(first: 3) { id } } }`, map[string]any{"id": target}), &rel)
		var ids []string
		for _, r := range rel.Article.Related {
			ids = append(ids, r.ID)
		}
		// Most shared tags first, then the newest.
		if diff := cmp.Diff([]string{three, twoNew, twoOld}, ids); diff != "" {
			t.Errorf("related (-want +got):\n%s", diff)
		}
	})
}
