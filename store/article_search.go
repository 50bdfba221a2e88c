package store

import (
	"context"
	"strings"
	"time"
	"unicode"

	"coursegraph/models"

	"gorm.io/gorm"
)

// Full-text search over articles. SQLite: the FTS5 table articles_fts, kept in step
// by the store in the same transaction as each write. MySQL: the FULLTEXT index
// ft_articles_search, ranked by MATCH ... AGAINST.

// searchWords splits a visitor's search into words of letters, digits and marks
// (so that Bengali words stay whole). Everything else separates words: no
// punctuation reaches either engine's query syntax, where MySQL reads * + - " ( )
// < > ~ @ as operators (a lone * is a syntax error even in natural language mode)
// and FTS5 reads quotes, parentheses, *, ^, : and AND OR NOT NEAR.
func searchWords(search string) []string {
	return strings.FieldsFunc(search, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r)
	})
}

// ftsQuery turns the words into an FTS5 query that matches any of them, each a
// quoted string, so that AND, OR, NOT and NEAR are words like any other.
func ftsQuery(words []string) string {
	quoted := make([]string, len(words))
	for i, w := range words {
		quoted[i] = `"` + w + `"`
	}
	return strings.Join(quoted, " OR ")
}

// matchAgainst is the MySQL full-text condition; its argument is the words
// joined by spaces, which natural language mode reads with no operators.
const matchAgainst = "MATCH (articles.title, articles.summary, articles.body) AGAINST (? IN NATURAL LANGUAGE MODE)"

func (s *Store) indexArticle(ctx context.Context, a *models.Article) error {
	if s.dialect != SQLite {
		return nil // MySQL's FULLTEXT index follows the table by itself
	}
	if err := s.unindexArticle(ctx, a.ID); err != nil {
		return err
	}
	err := s.db.WithContext(ctx).Exec("INSERT INTO articles_fts (rowid, title, summary, body) VALUES (?, ?, ?, ?)",
		a.ID, a.Title, a.Summary, a.Body).Error
	return translate(err, "index", "article")
}

func (s *Store) unindexArticle(ctx context.Context, id uint) error {
	if s.dialect != SQLite {
		return nil
	}
	return translate(s.db.WithContext(ctx).Exec("DELETE FROM articles_fts WHERE rowid = ?", id).Error, "unindex", "article")
}

// matchArticles keeps the articles that match search. A search of only
// punctuation has no words and matches nothing.
func (s *Store) matchArticles(q *gorm.DB, search string) *gorm.DB {
	if strings.TrimSpace(search) == "" {
		return q
	}
	words := searchWords(search)
	switch {
	case len(words) == 0:
		return q.Where("1 = 0")
	case s.dialect == MySQL:
		return q.Where(matchAgainst, strings.Join(words, " "))
	default:
		return q.Where("articles.id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)", ftsQuery(words))
	}
}

// SearchArticles returns up to limit articles visible at now that match search,
// best match first: bm25 on SQLite (title weighing most), MATCH ... AGAINST
// relevance on MySQL. A search with no words finds nothing.
func (s *Store) SearchArticles(ctx context.Context, search string, now time.Time, limit int) ([]*models.Article, error) {
	words := searchWords(search)
	if len(words) == 0 {
		return nil, nil
	}
	q := visible(s.db.WithContext(ctx).Model(&models.Article{}), now).Limit(limit)
	var out []*models.Article
	var err error
	if s.dialect == MySQL {
		text := strings.Join(words, " ")
		err = q.Select("articles.*").
			Where(matchAgainst, text).
			Order(gorm.Expr(matchAgainst+" DESC", text)).
			Order("articles.published_at DESC").Find(&out).Error
	} else {
		err = q.Select("articles.*").
			Joins("JOIN articles_fts ON articles_fts.rowid = articles.id").
			Where("articles_fts MATCH ?", ftsQuery(words)).
			Order("bm25(articles_fts, 10.0, 4.0, 1.0)").Order("articles.published_at DESC").Find(&out).Error
	}
	return out, translate(err, "search", "articles")
}
