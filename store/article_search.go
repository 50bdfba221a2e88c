package store

import (
	"context"
	"strings"
	"time"

	"coursegraph/models"

	"gorm.io/gorm"
)

// Full-text search over articles. SQLite: the FTS5 table articles_fts, kept in step
// by the store in the same transaction as each write. MySQL: the FULLTEXT index
// ft_articles_search, ranked by MATCH ... AGAINST.

// ftsQuery turns a visitor's words into an FTS5 query that matches any of them,
// each quoted so that no FTS5 syntax gets through.
func ftsQuery(search string) string {
	words := strings.Fields(search)
	quoted := make([]string, len(words))
	for i, w := range words {
		quoted[i] = `"` + strings.ReplaceAll(w, `"`, `""`) + `"`
	}
	return strings.Join(quoted, " OR ")
}

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

// matchArticles keeps the articles that match search.
func (s *Store) matchArticles(q *gorm.DB, search string) *gorm.DB {
	if strings.TrimSpace(search) == "" {
		return q
	}
	if s.dialect == MySQL {
		return q.Where("MATCH (articles.title, articles.summary, articles.body) AGAINST (? IN NATURAL LANGUAGE MODE)", search)
	}
	return q.Where("articles.id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)", ftsQuery(search))
}

// SearchArticles returns up to limit articles visible at now that match search,
// best match first: bm25 on SQLite (title weighing most), MATCH ... AGAINST
// relevance on MySQL.
func (s *Store) SearchArticles(ctx context.Context, search string, now time.Time, limit int) ([]*models.Article, error) {
	if strings.TrimSpace(search) == "" {
		return nil, nil
	}
	q := visible(s.db.WithContext(ctx).Model(&models.Article{}), now).Limit(limit)
	var out []*models.Article
	var err error
	if s.dialect == MySQL {
		err = q.Select("articles.*").
			Where("MATCH (articles.title, articles.summary, articles.body) AGAINST (? IN NATURAL LANGUAGE MODE)", search).
			Order(gorm.Expr("MATCH (articles.title, articles.summary, articles.body) AGAINST (? IN NATURAL LANGUAGE MODE) DESC", search)).
			Order("articles.published_at DESC").Find(&out).Error
	} else {
		err = q.Select("articles.*").
			Joins("JOIN articles_fts ON articles_fts.rowid = articles.id").
			Where("articles_fts MATCH ?", ftsQuery(search)).
			Order("bm25(articles_fts, 10.0, 4.0, 1.0)").Order("articles.published_at DESC").Find(&out).Error
	}
	return out, translate(err, "search", "articles")
}
