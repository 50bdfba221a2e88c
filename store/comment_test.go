package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"coursegraph/models"
	"coursegraph/store"
	"coursegraph/store/storetest"
)

// TestTheModerationQueueReadsItsIndexWithoutASort runs the queue's real
// statement (the second page, with its keyset condition) through EXPLAIN on each
// engine over comments of every status on several articles: it must read
// ix_comments_status_created, with no sort and no temporary table, so that its
// cost is a page whatever the number of comments.
func TestTheModerationQueueReadsItsIndexWithoutASort(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		db, err := s.SQL()
		if err != nil {
			t.Fatal(err)
		}
		var articles []uint
		for i := range 4 {
			u := &models.User{Name: fmt.Sprintf("Author %d", i), Email: fmt.Sprintf("a%d@example.com", i), Role: models.RoleEditor, Active: true, PasswordHash: "x"}
			if err := s.CreateUser(ctx, u); err != nil {
				t.Fatal(err)
			}
			a := &models.Article{Slug: fmt.Sprintf("a-%d", i), Title: "A", Summary: "S", Body: "B", Status: models.ArticlePublished, AuthorID: u.ID}
			if err := s.CreateArticle(ctx, a); err != nil {
				t.Fatal(err)
			}
			articles = append(articles, a.ID)
		}
		statuses := []models.CommentStatus{models.CommentPending, models.CommentApproved, models.CommentApproved, models.CommentSpam, models.CommentRejected}
		base := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
		for i := range 400 {
			c := &models.Comment{ArticleID: articles[i%len(articles)], Status: statuses[i%len(statuses)], AuthorName: "R", AuthorEmail: "r@example.com", Body: "Body", CreatedAt: base.Add(time.Duration(i) * time.Minute)}
			if err := s.CreateComment(ctx, c); err != nil {
				t.Fatal(err)
			}
		}
		if s.Dialect() == store.MySQL {
			if _, err := db.ExecContext(ctx, "ANALYZE TABLE comments"); err != nil {
				t.Fatal(err)
			}
		}

		first, err := s.CommentsByStatus(ctx, models.CommentPending, models.PageArgs{First: 20})
		if err != nil || len(first) != 21 {
			t.Fatalf("first page: %d rows (%v), want 21", len(first), err)
		}
		last := first[19]
		sql := storetest.RecordSQL(s)
		after := &models.Cursor{Key: last.Key, ID: last.Row.ID}
		if _, err := s.CommentsByStatus(ctx, models.CommentPending, models.PageArgs{First: 20, After: after}); err != nil {
			t.Fatal(err)
		}
		query := sql.Last()
		at, _ := time.Parse(time.RFC3339, last.Key)
		args := []any{models.CommentPending, at, at, last.Row.ID}
		if strings.Count(query, "?") == len(args)+1 { // the LIMIT, as MySQL's GORM writes it
			args = append(args, 21)
		}

		tidb, err := s.IsTiDB(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var plan string
		if tidb {
			// TiDB's plan is a tree of operators (id, estRows, task, access object,
			// operator info): the index read in order, and no Sort or TopN over it.
			plan = explainMySQL(t, db, query, args)
			if !strings.Contains(plan, "index:ix_comments_status_created") || strings.Contains(plan, "Sort_") || strings.Contains(plan, "TopN_") {
				t.Errorf("the queue's plan does not read ix_comments_status_created in order:\n%s\n%s", query, plan)
			}
		} else if s.Dialect() == store.MySQL {
			plan = explainMySQL(t, db, query, args)
			if !strings.Contains(plan, "key=ix_comments_status_created") || strings.Contains(plan, "filesort") || strings.Contains(plan, "temporary") {
				t.Errorf("the queue's plan does not read ix_comments_status_created in order:\n%s\n%s", query, plan)
			}
		} else {
			plan = explainSQLite(t, db, query, args)
			if !strings.Contains(plan, "ix_comments_status_created") || strings.Contains(plan, "TEMP B-TREE") {
				t.Errorf("the queue's plan does not read ix_comments_status_created in order:\n%s\n%s", query, plan)
			}
		}
		t.Logf("%s\n%s", query, plan)
	})
}

// explainMySQL returns MySQL's plan as "key=… extra=…" lines, one per table.
func explainMySQL(t *testing.T, db *sql.DB, query string, args []any) string {
	t.Helper()
	cols, rows := stringRows(t, db, "EXPLAIN "+query, args...)
	var lines []string
	for _, vals := range rows {
		var line []string
		for i, c := range cols {
			line = append(line, c+"="+vals[i].String)
		}
		lines = append(lines, strings.Join(line, " "))
	}
	return strings.Join(lines, "\n")
}

// stringRows runs query and returns its columns and every row's values as
// strings (NULL as invalid).
func stringRows(t *testing.T, db *sql.DB, query string, args ...any) (cols []string, out [][]sql.NullString) {
	t.Helper()
	rows, err := db.Query(query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	if cols, err = rows.Columns(); err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		out = append(out, vals)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return cols, out
}

// explainSQLite returns SQLite's query plan, one step a line.
func explainSQLite(t *testing.T, db *sql.DB, query string, args []any) string {
	t.Helper()
	rows, err := db.Query("EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, detail)
	}
	return strings.Join(lines, "\n")
}

// TestFirstCommentsReadEachArticleTheCheapestWayForItsCount gives articles of
// none, few and many approved comments (with other statuses among them, and
// creation times shared so that ids break ties) to FirstComments without counts
// and with them: both answers are each article's first n+1 comments with the
// status, oldest first, in one statement; with counts, the articles of few
// comments are numbered by the window arm (when there are enough of them) and
// those of many read by an arm each, and an article with none is not read at all.
func TestFirstCommentsReadEachArticleTheCheapestWayForItsCount(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		u := &models.User{Name: "Author", Email: "author@example.com", Role: models.RoleEditor, Active: true, PasswordHash: "x"}
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		base := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
		// WindowedArticles articles of few comments, three of more, one of none.
		sizes := []int{0, store.WindowedComments + 1, 3 * store.WindowedComments, store.WindowedComments + 5, store.WindowedComments}
		for i := range store.WindowedArticles - 1 {
			sizes = append(sizes, 2+i)
		}
		var ids []uint
		want := map[uint][]uint{}
		for i, n := range sizes {
			a := &models.Article{Slug: fmt.Sprintf("first-%d", i), Title: "A", Summary: "S", Body: "B", Status: models.ArticlePublished, AuthorID: u.ID}
			if err := s.CreateArticle(ctx, a); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, a.ID)
			for j := range n {
				// A pending comment before each approved one; two approved
				// comments at a time, so that the id breaks the tie.
				at := base.Add(time.Duration(j/2) * time.Minute)
				for _, st := range []models.CommentStatus{models.CommentPending, models.CommentApproved} {
					c := &models.Comment{ArticleID: a.ID, Status: st, AuthorName: "R", AuthorEmail: "r@example.com", Body: "Body", CreatedAt: at}
					if err := s.CreateComment(ctx, c); err != nil {
						t.Fatal(err)
					}
					if st == models.CommentApproved && len(want[a.ID]) < 4 {
						want[a.ID] = append(want[a.ID], c.ID)
					}
				}
			}
		}
		counts, err := s.CountComments(ctx, ids, models.CommentApproved)
		if err != nil {
			t.Fatal(err)
		}
		// Without the last article of few comments, too few are left for the
		// window: every article is an arm.
		tooFew := ids[:len(ids)-1]
		for _, c := range []struct {
			name     string
			ids      []uint
			counts   map[uint]int
			arms     int
			windowed bool
		}{
			{"without counts", ids, nil, len(ids), false},
			{"with counts", ids, counts, 3, true},
			{"with counts, too few articles of few comments", tooFew, counts, len(tooFew) - 1, false},
		} {
			t.Run(c.name, func(t *testing.T) {
				rec := storetest.RecordSQL(s)
				got, err := s.FirstComments(ctx, c.ids, models.CommentApproved, 3, c.counts)
				if err != nil {
					t.Fatal(err)
				}
				for _, id := range c.ids {
					var gotIDs []uint
					for _, k := range got[id] {
						gotIDs = append(gotIDs, k.Row.ID)
					}
					if fmt.Sprint(gotIDs) != fmt.Sprint(want[id]) {
						t.Errorf("article %d: comments %v, want %v", id, gotIDs, want[id])
					}
				}
				all := rec.All()
				if len(all) != 1 {
					t.Fatalf("%d statements, want 1: %q", len(all), all)
				}
				windowed := strings.Contains(all[0], "ROW_NUMBER")
				if arms := strings.Count(all[0], "LIMIT"); windowed != c.windowed || arms != c.arms {
					t.Errorf("%d arms and window %v; want %d arms and window %v: %s", arms, windowed, c.arms, c.windowed, all[0])
				}
			})
		}
	})
}
