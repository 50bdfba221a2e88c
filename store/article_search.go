package store

import (
	"context"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"coursegraph/models"

	"golang.org/x/text/unicode/norm"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Full-text search over articles. Both engines index the same words, made by
// searchWords in Go (so that a Bangla word with its vowel signs stays one word),
// and the store writes them in the same transaction as each write of an article:
// SQLite into the FTS5 table articles_fts (bm25, the title weighing most); MySQL
// into the columns search_title and search_body, under the FULLTEXT indexes
// ft_articles_words (both) and ft_articles_title_words (the title alone). A title
// match ranks first on both.

// searchWords splits text into the words it is searched by: lower-cased, in
// NFC (so that text and searches typed in NFD match), of letters, digits and
// marks (so that Bangla words stay whole). Invisible format characters (the
// zero-width joiner inside a Bangla word) are dropped; everything else separates
// words: no punctuation reaches either engine's query syntax, where MySQL reads
// * + - " ( ) < > ~ @ as operators (a lone * is a syntax error even in natural
// language mode) and FTS5 reads quotes, parentheses, *, ^, : and AND OR NOT NEAR.
func searchWords(text string) []string {
	text = strings.Map(func(r rune) rune {
		if models.IsInvisible(r) {
			return -1
		}
		return r
	}, strings.ToLower(text))
	return strings.FieldsFunc(norm.NFC.String(text), func(r rune) bool {
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

// ftMinToken is InnoDB's innodb_ft_min_token_size, 3 by default on MySQL and
// MariaDB: shorter tokens are neither indexed nor searched. It counts
// characters, and a vowel sign is one, so many Bangla words ("বই", book; "কী",
// what) are shorter, as are "go" and "c".
const ftMinToken = 3

// ftWords joins words for MySQL, each padded to ftMinToken with underscores,
// which InnoDB's parser reads as part of a word and searchWords never keeps in
// one: "বই" is indexed and searched as "বই_", and matches only itself.
func ftWords(words []string) string {
	var b strings.Builder
	for i, w := range words {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(w)
		if n := utf8.RuneCountInString(w); n < ftMinToken {
			b.WriteString(strings.Repeat("_", ftMinToken-n))
		}
	}
	return b.String()
}

// matchWords is the MySQL full-text condition and relevance; matchTitle the
// title's relevance. Their argument is ftWords, which natural language mode reads
// with no operators.
const (
	matchWords = "MATCH (articles.search_title, articles.search_body) AGAINST (? IN NATURAL LANGUAGE MODE)"
	matchTitle = "MATCH (articles.search_title) AGAINST (? IN NATURAL LANGUAGE MODE)"
)

// indexArticle writes a's words where its engine searches them.
func (s *Store) indexArticle(ctx context.Context, a *models.Article) error {
	title, body := searchWords(a.Title), searchWords(a.Summary+" "+a.Body)
	if s.dialect == MySQL {
		err := s.db.WithContext(ctx).Exec("UPDATE articles SET search_title = ?, search_body = ? WHERE id = ?",
			ftWords(title), ftWords(body), a.ID).Error
		return translate(err, "index", "article")
	}
	if err := s.unindexArticle(ctx, a.ID); err != nil {
		return err
	}
	err := s.db.WithContext(ctx).Exec("INSERT INTO articles_fts (rowid, title, summary, body) VALUES (?, ?, ?, ?)",
		a.ID, strings.Join(title, " "), strings.Join(searchWords(a.Summary), " "), strings.Join(searchWords(a.Body), " ")).Error
	return translate(err, "index", "article")
}

func (s *Store) unindexArticle(ctx context.Context, id uint) error {
	if s.dialect != SQLite {
		return nil // the search columns go with the row
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
		return q.Where(matchWords, ftWords(words))
	default:
		return q.Where("articles.id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)", ftsQuery(words))
	}
}

// SearchArticles returns up to limit articles visible at now that match search,
// best match first: the articles whose title has a word, then the others; by
// bm25 on SQLite (the title weighing most), by relevance on MySQL. A search with no words finds nothing.
func (s *Store) SearchArticles(ctx context.Context, search string, now time.Time, limit int) ([]*models.Article, error) {
	words := searchWords(search)
	if len(words) == 0 {
		return nil, nil
	}
	q := visible(s.db.WithContext(ctx).Model(&models.Article{}), now).Limit(limit)
	var out []*models.Article
	var err error
	// One ORDER BY expression: gorm's Order ignores an expression with arguments.
	if s.dialect == MySQL {
		text := ftWords(words)
		err = q.Select("articles.*").
			Where(matchWords, text).
			Clauses(clause.OrderBy{Expression: clause.Expr{
				SQL:  matchTitle + " DESC, " + matchWords + " DESC, articles.published_at DESC",
				Vars: []any{text, text},
			}}).Find(&out).Error
	} else {
		match := ftsQuery(words)
		err = q.Select("articles.*").
			Joins("JOIN articles_fts ON articles_fts.rowid = articles.id").
			Where("articles_fts MATCH ?", match).
			Clauses(clause.OrderBy{Expression: clause.Expr{
				SQL:  "articles.id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?) DESC, bm25(articles_fts, 10.0, 4.0, 1.0), articles.published_at DESC",
				Vars: []any{"title : (" + match + ")"},
			}}).Find(&out).Error
	}
	return out, translate(err, "search", "articles")
}
