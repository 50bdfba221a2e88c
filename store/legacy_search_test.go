package store

// The search of before the store's own index (FTS5 on SQLite, FULLTEXT on
// MySQL), kept here only so that the benchmark measures the index beside it
// (BenchmarkSearch). TiDB has neither.

import (
	"context"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"coursegraph/models"

	"gorm.io/gorm/clause"
)

// ErrNoLegacySearch: TiDB refuses MATCH ... AGAINST.
var ErrNoLegacySearch = errors.New("the engine has no full-text search")

func legacyFTSQuery(words []string) string {
	quoted := make([]string, len(words))
	for i, w := range words {
		quoted[i] = `"` + w + `"`
	}
	return strings.Join(quoted, " OR ")
}

func legacyFTWords(words []string) string {
	var b strings.Builder
	for i, w := range words {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(w)
		if n := utf8.RuneCountInString(w); n < 3 {
			b.WriteString(strings.Repeat("_", 3-n))
		}
	}
	return b.String()
}

const (
	legacyMatchWords = "MATCH (articles.legacy_title, articles.legacy_body) AGAINST (? IN NATURAL LANGUAGE MODE)"
	legacyMatchTitle = "MATCH (articles.legacy_title) AGAINST (? IN NATURAL LANGUAGE MODE)"
)

// BuildLegacySearch builds the old full-text index over every article, as the
// old build kept it: an FTS5 table on SQLite, two FULLTEXT indexes on MySQL.
func (s *Store) BuildLegacySearch(ctx context.Context) error {
	if tidb, err := s.IsTiDB(ctx); err != nil || tidb {
		return errors.Join(err, ErrNoLegacySearch)
	}
	var articles []*models.Article
	if err := s.db.WithContext(ctx).Select("id, title, summary, body").Find(&articles).Error; err != nil {
		return err
	}
	if s.dialect == SQLite {
		if err := s.exec(ctx, `CREATE VIRTUAL TABLE legacy_fts USING fts5(title, summary, body, tokenize = "unicode61 remove_diacritics 2 categories 'L* N* Co M*'")`); err != nil {
			return err
		}
		return s.WithTx(ctx, func(tx *Store) error {
			for _, a := range articles {
				if err := tx.exec(ctx, "INSERT INTO legacy_fts (rowid, title, summary, body) VALUES (?, ?, ?, ?)", a.ID,
					strings.Join(searchWords(a.Title), " "), strings.Join(searchWords(a.Summary), " "), strings.Join(searchWords(a.Body), " ")); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if err := s.exec(ctx, "ALTER TABLE articles ADD COLUMN legacy_title TEXT NULL, ADD COLUMN legacy_body MEDIUMTEXT NULL"); err != nil {
		return err
	}
	if err := s.WithTx(ctx, func(tx *Store) error {
		for _, a := range articles {
			if err := tx.exec(ctx, "UPDATE articles SET legacy_title = ?, legacy_body = ? WHERE id = ?",
				legacyFTWords(searchWords(a.Title)), legacyFTWords(searchWords(a.Summary+" "+a.Body)), a.ID); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return err
	}
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	conn, err := sqlDB.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	for _, stmt := range []string{
		"SET SESSION innodb_ft_enable_stopword = OFF",
		"ALTER TABLE articles ADD FULLTEXT INDEX ft_legacy_words (legacy_title, legacy_body)",
		"ALTER TABLE articles ADD FULLTEXT INDEX ft_legacy_title (legacy_title)",
	} {
		if _, err := conn.ExecContext(ctx, stmt); err != nil {
			return err
		}
	}
	return nil
}

// LegacySearchArticles is SearchArticles as it was, over BuildLegacySearch's index.
func (s *Store) LegacySearchArticles(ctx context.Context, search string, now time.Time, limit int) ([]*models.Article, error) {
	words := searchWords(search)
	if len(words) == 0 {
		return nil, nil
	}
	q := visible(s.db.WithContext(ctx).Model(&models.Article{}), now).Limit(limit)
	var out []*models.Article
	var err error
	if s.dialect == MySQL {
		text := legacyFTWords(words)
		err = q.Select("articles.*").
			Where(legacyMatchWords, text).
			Clauses(clause.OrderBy{Expression: clause.Expr{
				SQL:  legacyMatchTitle + " DESC, " + legacyMatchWords + " DESC, articles.published_at DESC",
				Vars: []any{text, text},
			}}).Find(&out).Error
	} else {
		match := legacyFTSQuery(words)
		err = q.Select("articles.*").
			Joins("JOIN legacy_fts ON legacy_fts.rowid = articles.id").
			Where("legacy_fts MATCH ?", match).
			Clauses(clause.OrderBy{Expression: clause.Expr{
				SQL:  "articles.id IN (SELECT rowid FROM legacy_fts WHERE legacy_fts MATCH ?) DESC, bm25(legacy_fts, 10.0, 4.0, 1.0), articles.published_at DESC",
				Vars: []any{"title : (" + match + ")"},
			}}).Find(&out).Error
	}
	return out, err
}
