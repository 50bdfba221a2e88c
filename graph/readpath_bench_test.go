package graph_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"coursegraph/apitest"
	"coursegraph/auth"
	"coursegraph/models"
	"coursegraph/store"
	"coursegraph/store/storetest"
)

// readFixture fills s with a small blog and catalogue whose parents all differ:
// 3 authors, 30 published articles with 3 of 8 tags and 10 approved comments each,
// and 50 courses with 4 schedules on 8 batches. It returns one article's slug.
func readFixture(tb testing.TB, s *store.Store) (api *apitest.API, slug string) {
	tb.Helper()
	a := apitest.New(tb, s)
	ctx := context.Background()
	var authors []*models.User
	for i := range 3 {
		authors = append(authors, a.AddUser(fmt.Sprintf("author%d@example.com", i), models.RoleEditor))
	}
	for i := range 30 {
		ed := auth.WithUser(ctx, authors[i%3])
		title := fmt.Sprintf("Article number %d about spreadsheets", i)
		body := fmt.Sprintf("# Part one\n\nSome **text** for article %d.\n\n## Part two\n\n%s", i, strings.Repeat("More words here. ", 60))
		summary := "A summary."
		tags := []string{fmt.Sprintf("Tag %d", i%8), fmt.Sprintf("Tag %d", (i+3)%8), fmt.Sprintf("Tag %d", (i+5)%8)}
		art, err := a.Svc.CreateArticle(ed, models.ArticleInput{Title: &title, Body: &body, Summary: &summary, Tags: tags})
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := a.Svc.PublishArticle(ed, art.ID, nil); err != nil {
			tb.Fatal(err)
		}
		for c := range 10 {
			cm, err := a.Svc.PostComment(ctx, models.CommentInput{ArticleID: art.ID, AuthorName: fmt.Sprintf("Reader %d", c), AuthorEmail: "r@example.com", Body: fmt.Sprintf("Comment %d on %d", c, i)})
			if err != nil {
				tb.Fatal(err)
			}
			if _, err := a.Svc.ModerateComment(ed, cm.ID, models.CommentApproved); err != nil {
				tb.Fatal(err)
			}
		}
		slug = art.Slug
	}
	var batches []*models.Batch
	for i := range 8 {
		start := models.LocalTime(8*60 + i*90)
		period := models.Morning
		if start >= 15*60 {
			period = models.Evening
		}
		batches = append(batches, storetest.CreateBatch(tb, s, func(b *models.Batch) {
			b.Ordinal, b.Name, b.StartTime, b.EndTime, b.Period = i+1, fmt.Sprintf("Batch %d", i+1), start, start+90, period
		}))
	}
	for i := range 50 {
		c := storetest.CreateCourse(tb, s)
		for j := range 4 {
			storetest.CreateSchedule(tb, s, c, batches[(i+j*2)%8])
		}
	}
	return a, slug
}

// BenchmarkReadPath sends Q1, Q2 and Q3 through the handler, on SQLite and (with
// TEST_MYSQL_DSN) on MySQL:
//
//	TEST_MYSQL_DSN='root@tcp(127.0.0.1:3306)/' go test -run '^$' -bench ReadPath -benchmem ./graph/
func BenchmarkReadPath(b *testing.B) {
	engines := map[string]func(*testing.B) *store.Store{"sqlite": func(b *testing.B) *store.Store { return storetest.OpenSQLite(b) }}
	if dsn := os.Getenv("TEST_MYSQL_DSN"); dsn != "" {
		engines["mysql"] = func(b *testing.B) *store.Store { return storetest.OpenMySQL(b, dsn) }
	}
	for _, engine := range []string{"sqlite", "mysql"} {
		open, ok := engines[engine]
		if !ok {
			continue
		}
		b.Run(engine, func(b *testing.B) {
			a, slug := readFixture(b, open(b))
			vars := map[string]any{"slug": slug}
			for _, q := range []struct {
				name, query string
				vars        map[string]any
			}{{"Q1", apitest.ReadQ1, nil}, {"Q2", apitest.ReadQ2, nil}, {"Q3", apitest.ReadQ3, vars}} {
				var check map[string]any
				if err := json.Unmarshal(a.OK(q.query, q.vars), &check); err != nil {
					b.Fatal(err)
				}
				b.Run(q.name, func(b *testing.B) {
					b.ReportAllocs()
					for b.Loop() {
						a.OK(q.query, q.vars)
						a.Log.Reset()
					}
				})
			}
		})
	}
}
