package graph_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"testing"

	"coursegraph/apitest"
	"coursegraph/auth"
	"coursegraph/models"
	"coursegraph/store"
	"coursegraph/store/storetest"
)

// TestTheReadPathMakesNoOnDiskTemporaryTable sends the read-path queries (Q1-Q3)
// on MySQL with the pool held to one connection, so that the session's status
// counters are the queries' own: none may make MySQL write a temporary table to
// disk (as a derived table of comment bodies did). SQLite has no such tables.
func TestTheReadPathMakesNoOnDiskTemporaryTable(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		if s.Dialect() != store.MySQL {
			return
		}
		if tidb, err := s.IsTiDB(context.Background()); err != nil || tidb {
			// TiDB has no Created_tmp_disk_tables counter (its operators spill to
			// disk by memory quota instead): nothing to count.
			if err != nil {
				t.Fatal(err)
			}
			return
		}
		a, slug := readFixture(t, s)
		db, err := s.SQL()
		if err != nil {
			t.Fatal(err)
		}
		db.SetMaxOpenConns(1)
		diskTables := func() int {
			var name string
			var n int
			if err := db.QueryRowContext(context.Background(), "SHOW SESSION STATUS LIKE 'Created_tmp_disk_tables'").Scan(&name, &n); err != nil && err != sql.ErrNoRows {
				t.Fatal(err)
			}
			return n
		}
		// Q1 with the comments' totals reads the first comments through the
		// window arm (store.FirstComments).
		counted := strings.Replace(apitest.ReadQ1, "comments(first: 3) {", "comments(first: 3) { totalCount", 1)
		for _, q := range []struct{ name, query string }{{"Q1", apitest.ReadQ1}, {"Q1 with totals", counted}, {"Q2", apitest.ReadQ2}, {"Q3", apitest.ReadQ3}} {
			before := diskTables()
			a.OK(q.query, map[string]any{"slug": slug})
			if made := diskTables() - before; made != 0 {
				t.Errorf("%s made %d on-disk temporary tables", q.name, made)
			}
		}
	})
}

// TestTheReadPathCostsOneStatementPerLevel counts the statements of Q1-Q3 over a
// blog and catalogue whose parents differ (three authors, eight tags, eight
// batches): each relation is one statement whatever the parents, and a relation
// joined into its parent's read (an article's author, a schedule's batch) none;
// and none is built by GORM.
func TestTheReadPathCostsOneStatementPerLevel(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		a, slug := readFixture(t, s)
		counter := storetest.CountStatements(s)
		for _, q := range []struct {
			name, query string
			want        int
		}{
			{"Q1: articles with authors, tags, first comments", apitest.ReadQ1, 3},
			{"Q2: courses, schedules with batches", apitest.ReadQ2, 2},
			{"Q3: the article with its author, tags, comments", apitest.ReadQ3, 3},
		} {
			counter.Reset()
			a.OK(q.query, map[string]any{"slug": slug})
			if got := counter.Count(); got != q.want {
				t.Errorf("%s: %d statements; want %d", q.name, got, q.want)
			}
			// The read path writes its own SQL: GORM builds no statement of it.
			if got := counter.BuiltByGORM(); got != 0 {
				t.Errorf("%s: GORM built %d of the statements; want none", q.name, got)
			}
		}
	})
}

// TestCommentTotalsOfAPageAreOneStatement: the totalCount of every article's
// first comments is one count for the page, not one per article.
func TestCommentTotalsOfAPageAreOneStatement(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		a, _ := readFixture(t, s)
		counter := storetest.CountStatements(s)
		data := a.OK(`{ articles(first: 20) { edges { node { comments(first: 2) { totalCount edges { node { body } } } } } } }`, nil)
		// The articles (with authors), their first comments, their totals.
		if got := counter.Count(); got != 3 {
			t.Errorf("%d statements; want 3", got)
		}
		if n := strings.Count(string(data), `"totalCount":10`); n != 20 {
			t.Errorf("%d of 20 articles have their 10 comments counted: %s", n, data)
		}
	})
}

// TestCommentTotalsAskedForAreCountedFirst: when a page of articles' comments are
// asked with their totalCount (directly, through a fragment, or kept by
// @include), or beside the articles' commentCount, the count comes first (one,
// which commentCount reads too) and the first comments are read the way the
// counts make cheapest (the window arm, for these articles of 10 comments). One
// article's comments come first, and are counted only when their page is full:
// a page that is not holds them all. When no count is asked (or @skip drops
// it), none is made and each article is an arm.
func TestCommentTotalsAskedForAreCountedFirst(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		a, slug := readFixture(t, s)
		rec := storetest.RecordSQL(s)
		bySlug := map[string]any{"slug": slug}
		for _, c := range []struct {
			name, query            string
			vars                   map[string]any
			counts, windowed, arms int
			answer                 string // a part of the answer
		}{
			{"asked", `{ articles(first: 5) { edges { node { comments(first: 2) { totalCount edges { node { body } } } } } } }`, nil, 1, 1, 0, `"totalCount":10`},
			{"through a fragment", `{ articles(first: 5) { edges { node { comments(first: 2) { ...total edges { node { body } } } } } } } fragment total on CommentConnection { totalCount }`, nil, 1, 1, 0, `"totalCount":10`},
			{"kept by @include", `query($t: Boolean!) { articles(first: 5) { edges { node { comments(first: 2) { totalCount @include(if: $t) edges { node { body } } } } } } }`, map[string]any{"t": true}, 1, 1, 0, `"totalCount":10`},
			{"not asked", `{ articles(first: 5) { edges { node { comments(first: 2) { edges { node { body } } } } } } }`, nil, 0, 0, 1, `"body"`},
			{"beside the articles' commentCount", `{ articles(first: 5) { edges { node { commentCount comments(first: 2) { edges { node { body } } } } } } }`, nil, 1, 1, 0, `"commentCount":10`},
			{"beside the article's commentCount, a full page", `query($slug: String!) { article(slug: $slug) { commentCount comments(first: 2) { edges { node { body } } } } }`, bySlug, 1, 0, 1, `"commentCount":10`},
			{"an article's whole first page", `query($slug: String!) { article(slug: $slug) { commentCount comments(first: 100) { totalCount edges { node { body } } } } }`, bySlug, 0, 0, 1, `"totalCount":10`},
			{"dropped by @skip", `query($t: Boolean!) { articles(first: 5) { edges { node { comments(first: 2) { totalCount @skip(if: $t) edges { node { body } } } } } } }`, map[string]any{"t": true}, 0, 0, 1, `"body"`},
		} {
			before := len(rec.All())
			data := string(a.OK(c.query, c.vars))
			// Every article has 10 comments: each count says so.
			if !strings.Contains(data, c.answer) || strings.Count(data, `Count":`) != strings.Count(data, `Count":10`) {
				t.Errorf("%s: the answer has no %s, or a count other than 10: %s", c.name, c.answer, data)
			}
			var counts, windowed, arms int
			for _, q := range rec.All()[before:] {
				switch {
				case strings.Contains(q, "COUNT(*)"):
					counts++
				case strings.Contains(q, "ROW_NUMBER"):
					windowed++
				case strings.Contains(q, "FROM comments WHERE article_id = ?"):
					arms++
				}
			}
			if counts != c.counts || windowed != c.windowed || arms != c.arms {
				t.Errorf("%s: %d counts, %d windowed reads, %d read by arms; want %d, %d, %d", c.name, counts, windowed, arms, c.counts, c.windowed, c.arms)
			}
		}
	})
}

// TestAListPageReadsTheBodiesOnlyWhenItShowsThem: a page of articles that shows
// no body, HTML, table of contents or FAQs reads none of those columns; one that
// shows one of them anywhere below it (directly, in a fragment, in a related
// article) reads them, and gets them.
func TestAListPageReadsTheBodiesOnlyWhenItShowsThem(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		a, _ := readFixture(t, s)
		rec := storetest.RecordSQL(s)
		for _, c := range []struct {
			name, query string
			bodies      bool
		}{
			{"the list page", apitest.ReadQ1, false},
			{"HTML asked", `{ articles(first: 3) { edges { node { title html } } } }`, true},
			{"a table of contents in a fragment", `{ articles(first: 3) { edges { node { ...toc } } } } fragment toc on Article { tableOfContents { text } }`, true},
			{"a related article's body", `{ articles(first: 3) { edges { node { title related(first: 1) { body } } } } }`, true},
		} {
			before := len(rec.All())
			data := string(a.OK(c.query, nil))
			var page string
			for _, q := range rec.All()[before:] {
				if strings.Contains(q, "FROM articles LEFT JOIN users") && strings.Contains(q, "LIMIT") {
					page = q
				}
			}
			if page == "" {
				t.Fatalf("%s: no page of articles read: %q", c.name, rec.All()[before:])
			}
			if got := strings.Contains(page, "articles.html"); got != c.bodies {
				t.Errorf("%s: the page read the bodies: %v, want %v: %s", c.name, got, c.bodies, page)
			}
			if c.bodies && !strings.Contains(data, "Part one") {
				t.Errorf("%s: the answer has no article's text: %s", c.name, data)
			}
		}
	})
}

// TestSearchCostsTheSameWhateverTheResults: the relations of search results
// (articles' authors, tags and comment counts; courses' schedules and their
// batches) are one statement each, for 3 results as for 12.
func TestSearchCostsTheSameWhateverTheResults(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		a, _ := readFixture(t, s)
		counter := storetest.CountStatements(s)
		const query = `query($q: String!, $n: Int) { search(query: $q, first: $n) { __typename
			... on Article { title author { name } tags { name } commentCount }
			... on Course { title schedules { batch { name } } } } }`
		for _, words := range []string{"spreadsheets", "course"} { // the articles; the courses
			counts := map[int]int{}
			for _, n := range []int{3, 12} {
				counter.Reset()
				data := a.OK(query, map[string]any{"q": words, "n": n})
				counts[n] = counter.Count()
				if got := strings.Count(string(data), `"__typename"`); got != n {
					t.Fatalf("search %q gave %d results; want %d: %s", words, got, n, data)
				}
			}
			if counts[3] != counts[12] {
				t.Errorf("search %q: %d statements for 3 results, %d for 12; want the same", words, counts[3], counts[12])
			}
		}
	})
}

// TestTagArticleListsAreOneStatementForAllTags: the first page of every tag's
// articles is one statement for the tags of a list, their totals another, and
// each page is the one the articles query gives for that tag (newest first,
// drafts left out), with a cursor that pages on through it.
func TestTagArticleListsAreOneStatementForAllTags(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		a, _ := readFixture(t, s)
		editor := a.AddUser("drafter@example.com", models.RoleEditor)
		title, body := "A draft about spreadsheets", "Not yet."
		if _, err := a.Svc.CreateArticle(auth.WithUser(context.Background(), editor), models.ArticleInput{Title: &title, Body: &body, Tags: []string{"Tag 0"}}); err != nil {
			t.Fatal(err)
		}
		counter := storetest.CountStatements(s)
		const page = `totalCount pageInfo { hasNextPage endCursor } edges { cursor node { title author { name } tags { slug } } }`
		data := a.OK(`{ tags { slug articles(first: 3) { `+page+` } } }`, nil)
		// The tags, their first articles (with authors), the articles' tags, the totals.
		if got := counter.Count(); got != 4 {
			t.Errorf("tags with their articles: %d statements; want 4", got)
		}
		var got struct {
			Tags []struct {
				Slug     string
				Articles json.RawMessage
			}
		}
		if err := json.Unmarshal(data, &got); err != nil {
			t.Fatal(err)
		}
		if len(got.Tags) != 8 {
			t.Fatalf("%d tags; want 8", len(got.Tags))
		}
		for _, tag := range got.Tags {
			var want struct{ Articles json.RawMessage }
			if err := json.Unmarshal(a.OK(`query($t: String!) { articles(filter: {tag: $t}, first: 3) { `+page+` } }`, map[string]any{"t": tag.Slug}), &want); err != nil {
				t.Fatal(err)
			}
			if string(tag.Articles) != string(want.Articles) {
				t.Errorf("tag %s:\n%s\nwant, as articles(filter: {tag}) gives:\n%s", tag.Slug, tag.Articles, want.Articles)
			}
			var conn struct {
				PageInfo struct{ EndCursor string }
			}
			apitest.Decode(t, tag.Articles, &conn)
			vars := map[string]any{"t": tag.Slug, "after": conn.PageInfo.EndCursor}
			next := a.OK(`query($t: String!, $after: String) { tag(slug: $t) { articles(first: 3, after: $after) { `+page+` } } }`, vars)
			wantNext := a.OK(`query($t: String!, $after: String) { articles(filter: {tag: $t}, first: 3, after: $after) { `+page+` } }`, vars)
			if !strings.Contains(string(next), strings.TrimSuffix(strings.TrimPrefix(string(wantNext), `{"articles":`), "}")) {
				t.Errorf("tag %s, second page:\n%s\nwant\n%s", tag.Slug, next, wantNext)
			}
		}
	})
}
