package store_test

import (
	"context"
	"database/sql"

	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"coursegraph/models"
	"coursegraph/store"
	"coursegraph/store/storetest"

	"github.com/google/go-cmp/cmp"
)

// TestEveryMigrationRunsDownAndUpAgain runs every migration up from an empty
// schema, every one down to nothing, and up again, on each engine (TiDB takes
// its own steps where it cannot run MySQL's: store/migrations/tidb).
func TestEveryMigrationRunsDownAndUpAgain(t *testing.T) {
	storetest.RunURL(t, func(t *testing.T, url string) {
		ctx := context.Background()
		s, err := store.Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		up, err := s.Migrate(ctx)
		if err != nil || up == 0 {
			t.Fatalf("Migrate = %d, %v", up, err)
		}
		down, err := s.MigrateDownTo(ctx, 0)
		if err != nil || down != up {
			t.Fatalf("MigrateDownTo(0) = %d, %v; want %d", down, err, up)
		}
		again, err := s.Migrate(ctx)
		if err != nil || again != up {
			t.Fatalf("Migrate again = %d, %v; want %d", again, err, up)
		}
	})
}

// beforeSearchIndex is the last migration before the search index (00024).
const beforeSearchIndex = 23

// TestAnUpgradedDatabaseSearchesTheSame writes the relevance corpus into a
// database at the schema before the search index, as the build of then did (no
// index rows), upgrades it, and asks the relevance set: the migration that made
// the index has indexed every row, so the answers are those of a database that
// had the index from the start.
func TestAnUpgradedDatabaseSearchesTheSame(t *testing.T) {
	storetest.RunURL(t, func(t *testing.T, url string) {
		ctx := context.Background()
		s, err := store.Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if err := s.MigrateUpTo(ctx, beforeSearchIndex); err != nil {
			t.Fatal(err)
		}
		u := &models.User{Name: "Author", Email: "upgrade@example.com", Role: models.RoleEditor, Active: true, PasswordHash: "x", CreatedAt: store.Now(), UpdatedAt: store.Now()}
		if err := s.InsertRow(ctx, u); err != nil {
			t.Fatal(err)
		}
		day := time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)
		for i, f := range relevanceArticles {
			at := day.AddDate(0, 0, i)
			a := &models.Article{Slug: f.slug, Title: f.title, Summary: f.summary, Body: f.body, Status: models.ArticlePublished, PublishedAt: &at, AuthorID: u.ID}
			if i == len(relevanceArticles)-1 {
				a.Status, a.PublishedAt = models.ArticleDraft, nil
			}
			if err := s.InsertRow(ctx, a); err != nil {
				t.Fatal(err)
			}
		}
		for i, f := range relevanceCourses {
			c := &models.Course{Slug: f.slug, Title: f.title, Summary: f.summary, Description: f.description, Category: f.category, Topics: f.topics,
				DurationMonths: 2, SessionsPerWeek: 2, FeeAmount: 100, FeeCurrency: "BDT", Active: i != len(relevanceCourses)-1}
			if err := s.InsertRow(ctx, c); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
		for _, q := range relevanceSet {
			as, cs := searchSlugs(t, s, q.query, now)
			if len(as) < len(q.articlesFirst) || !cmp.Equal(q.articlesFirst, as[:len(q.articlesFirst)]) || (len(q.articlesFirst) == 0 && len(as) > 0) {
				t.Errorf("articles for %q = %q; want first %q", q.query, as, q.articlesFirst)
			}
			if len(cs) < len(q.coursesFirst) || !cmp.Equal(q.coursesFirst, cs[:len(q.coursesFirst)]) || (len(q.coursesFirst) == 0 && len(cs) > 0) {
				t.Errorf("courses for %q = %q; want first %q", q.query, cs, q.coursesFirst)
			}
		}
	})
}

// TestTiDBReachesTheSchemaMySQLReachesByUpgrading migrates a database on MySQL
// (the released steps) and one on TiDB (its own steps where it cannot run
// MySQL's) and compares them column by column and index by index, as
// information_schema describes them. It needs both servers: TEST_MYSQL_DSN and
// TEST_TIDB_DSN (CI's TiDB step sets both).
func TestTiDBReachesTheSchemaMySQLReachesByUpgrading(t *testing.T) {
	mysqlDSN, tidbDSN := os.Getenv("TEST_MYSQL_DSN"), os.Getenv("TEST_TIDB_DSN")
	if mysqlDSN == "" || tidbDSN == "" {
		t.Skip("needs TEST_MYSQL_DSN and TEST_TIDB_DSN")
	}
	describe := func(dsn string) (columns, indexes []string) {
		ctx := context.Background()
		url := storetest.CreateMySQL(t, dsn)
		s, err := store.Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if _, err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		db, err := s.SQL()
		if err != nil {
			t.Fatal(err)
		}
		columns = queryStrings(t, db, `SELECT table_name, column_name, ordinal_position, data_type, column_type, is_nullable,
			COALESCE(column_default, 'NULL'), COALESCE(character_set_name, ''), COALESCE(collation_name, '')
			FROM information_schema.columns WHERE table_schema = DATABASE() ORDER BY table_name, ordinal_position`)
		// Keys are compared index by index: column_key is left out of the
		// columns, as TiDB does not mark a column MUL for the index it made for
		// a foreign key (InnoDB does), while both made the same index.
		indexes = queryStrings(t, db, `SELECT table_name, index_name, non_unique, seq_in_index, column_name
			FROM information_schema.statistics WHERE table_schema = DATABASE() ORDER BY table_name, index_name, seq_in_index`)
		return columns, indexes
	}
	mysqlColumns, mysqlIndexes := describe(mysqlDSN)
	tidbColumns, tidbIndexes := describe(tidbDSN)
	if len(mysqlColumns) < 100 {
		t.Fatalf("MySQL's schema has %d columns: not migrated?", len(mysqlColumns))
	}
	if diff := cmp.Diff(mysqlColumns, tidbColumns); diff != "" {
		t.Errorf("columns (-MySQL +TiDB):\n%s", diff)
	}
	if diff := cmp.Diff(mysqlIndexes, tidbIndexes); diff != "" {
		t.Errorf("indexes (-MySQL +TiDB):\n%s", diff)
	}
}

// displayWidth is an integer type's display width ("int(11)", "tinyint(1)"),
// which MariaDB shows and TiDB does not: it changes nothing that is stored.
var displayWidth = regexp.MustCompile(`^(tinyint|smallint|mediumint|int|bigint)\(\d+\)`)

// queryStrings returns each row as one line of its columns, normalised where
// the engines describe the same thing differently: an integer's display width,
// and a default's quotes (MariaDB quotes a string default, TiDB does not).
func queryStrings(t *testing.T, db *sql.DB, query string) []string {
	t.Helper()
	_, rows := stringRows(t, db, query)
	var out []string
	for _, vals := range rows {
		parts := make([]string, len(vals))
		for i, v := range vals {
			p := displayWidth.ReplaceAllString(strings.ToLower(v.String), "$1")
			parts[i] = strings.TrimSuffix(strings.Trim(p, "'"), "()") // current_timestamp()
		}
		out = append(out, strings.Join(parts, " | "))
	}
	// In Go's order: information_schema sorts by its own collation, which
	// differs ("article_tags" and "articles").
	slices.Sort(out)
	return out
}
