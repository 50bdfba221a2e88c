package store_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand"
	"os"
	"strings"
	"testing"
	"time"

	"coursegraph/models"
	"coursegraph/store"
	"coursegraph/store/storetest"
)

// BenchmarkSearch measures SearchArticles over 1,000 and 10,000 generated
// articles (Bangla and English words, Zipf-distributed, about 150 per body) on
// each engine the environment names (SQLite always; TEST_MYSQL_DSN;
// TEST_TIDB_DSN), beside the search of before the store's own index (FTS5 on
// SQLite, FULLTEXT on MySQL; TiDB has none):
//
//	TEST_MYSQL_DSN='root@tcp(127.0.0.1:3306)/' TEST_TIDB_DSN='root@tcp(127.0.0.1:14000)/' \
//	  go test ./store -run '^$' -bench BenchmarkSearch -benchtime 200x
func BenchmarkSearch(b *testing.B) {
	engines := []struct {
		name string
		open func(testing.TB) *store.Store
	}{{"sqlite", storetest.OpenSQLite}}
	if dsn := os.Getenv("TEST_MYSQL_DSN"); dsn != "" {
		engines = append(engines, struct {
			name string
			open func(testing.TB) *store.Store
		}{"mysql", func(tb testing.TB) *store.Store { return storetest.OpenMySQL(tb, dsn) }})
	}
	if dsn := os.Getenv("TEST_TIDB_DSN"); dsn != "" {
		engines = append(engines, struct {
			name string
			open func(testing.TB) *store.Store
		}{"tidb", func(tb testing.TB) *store.Store { return storetest.OpenTiDB(tb, dsn) }})
	}
	vocab := benchVocabulary(3000)
	queries := []struct{ name, q string }{
		{"common", vocab[0]},  // in nearly every article
		{"medium", vocab[60]}, // in about a tenth
		{"rare", vocab[2000]}, // in a few
		{"two", vocab[5] + " " + vocab[400]},
	}
	ctx := context.Background()
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	for _, e := range engines {
		for _, n := range []int{1000, 10000} {
			b.Run(fmt.Sprintf("%s/articles=%d", e.name, n), func(b *testing.B) {
				s := e.open(b)
				benchCorpus(b, s, vocab, n)
				legacy := s.BuildLegacySearch(ctx)
				if legacy != nil && !errors.Is(legacy, store.ErrNoLegacySearch) {
					b.Fatal(legacy)
				}
				for _, q := range queries {
					b.Run("index/"+q.name, func(b *testing.B) {
						for b.Loop() {
							if _, err := s.SearchArticles(ctx, q.q, now, 10); err != nil {
								b.Fatal(err)
							}
						}
					})
					if legacy == nil {
						b.Run("fulltext/"+q.name, func(b *testing.B) {
							for b.Loop() {
								if _, err := s.LegacySearchArticles(ctx, q.q, now, 10); err != nil {
									b.Fatal(err)
								}
							}
						})
					}
				}
			})
		}
	}
}

// benchVocabulary makes n distinct words, half Bangla (consonant and vowel sign
// pairs), half English, in an order that mixes the scripts.
func benchVocabulary(n int) []string {
	consonants := []rune("কখগঘচছজঝটঠডঢতথদধনপফবভমযরলশষসহ")
	signs := []rune("ািীুূেৈোৌ")
	latin := "bcdfghjklmnprstvwz"
	vowels := "aeiou"
	r := rand.New(rand.NewSource(18))
	seen := map[string]bool{}
	var out []string
	for len(out) < n {
		var w strings.Builder
		if len(out)%2 == 0 {
			for range 2 + r.Intn(3) {
				w.WriteRune(consonants[r.Intn(len(consonants))])
				w.WriteRune(signs[r.Intn(len(signs))])
			}
		} else {
			for range 2 + r.Intn(3) {
				w.WriteByte(latin[r.Intn(len(latin))])
				w.WriteByte(vowels[r.Intn(len(vowels))])
			}
		}
		if !seen[w.String()] {
			seen[w.String()] = true
			out = append(out, w.String())
		}
	}
	return out
}

// benchCorpus writes n published articles of words drawn from vocab (Zipf: the
// first words are the commonest), in transactions of 200.
func benchCorpus(b *testing.B, s *store.Store, vocab []string, n int) {
	b.Helper()
	ctx := context.Background()
	u := &models.User{Name: "Bench", Email: "bench@example.com", Role: models.RoleEditor, Active: true, PasswordHash: "x"}
	if err := s.CreateUser(ctx, u); err != nil {
		b.Fatal(err)
	}
	r := rand.New(rand.NewSource(int64(n)))
	zipf := rand.NewZipf(r, 1.07, 2, uint64(len(vocab)-1))
	words := func(k int) string {
		ws := make([]string, k)
		for i := range ws {
			ws[i] = vocab[zipf.Uint64()]
		}
		return strings.Join(ws, " ")
	}
	published := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for start := 0; start < n; start += 200 {
		err := s.WithTx(ctx, func(tx *store.Store) error {
			for i := start; i < min(n, start+200); i++ {
				at := published.Add(time.Duration(i) * time.Minute)
				a := &models.Article{Slug: fmt.Sprintf("bench-%d", i), Title: words(5), Summary: words(12), Body: words(150),
					Status: models.ArticlePublished, PublishedAt: &at, AuthorID: u.ID}
				if err := tx.CreateArticle(ctx, a); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	if s.Dialect() == store.MySQL {
		db, err := s.SQL()
		if err != nil {
			b.Fatal(err)
		}
		for _, table := range []string{"articles", "search_words"} {
			if _, err := db.ExecContext(ctx, "ANALYZE TABLE "+table); err != nil {
				b.Fatal(err)
			}
		}
	}
}
