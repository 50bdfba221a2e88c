package store

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"coursegraph/models"

	"golang.org/x/text/unicode/norm"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Search over articles and courses, the same on every engine. The store keeps its
// own index of search words in the plain table search_words, written in the same
// transaction as each write of an article or a course: one row per document and
// word, with the word's weight in the document (its field's weight times its
// count there, capped) and whether the title has it. A search reads the words'
// document frequencies, then ranks in plain SQL by the sum over the words found
// of idf × weight, in integers (so that every engine sums and orders alike): the
// documents whose title has more of the words first, then by that score. No
// FULLTEXT index (TiDB refuses MATCH ... AGAINST) and no FTS5 table.

// searchWords splits text into the words it is searched by: lower-cased, in
// NFC (so that text and searches typed in NFD match), of letters, digits and
// marks (so that Bangla words stay whole). Invisible format characters (the
// zero-width joiner inside a Bangla word) are dropped; everything else separates
// words, so no punctuation reaches the SQL (it is only ever a bound value). A
// word longer than maxWordLen characters is cut there, in the index and in a
// search alike.
func searchWords(text string) []string {
	text = strings.Map(func(r rune) rune {
		if models.IsInvisible(r) {
			return -1
		}
		return r
	}, strings.ToLower(text))
	words := strings.FieldsFunc(norm.NFC.String(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r)
	})
	for i, w := range words {
		if utf8.RuneCountInString(w) > maxWordLen {
			words[i] = string([]rune(w)[:maxWordLen])
		}
	}
	return words
}

// maxWordLen is the length of search_words.word, in characters.
const maxWordLen = 100

// The kinds of document in search_words.
const (
	searchArticle = "article"
	searchCourse  = "course"
)

// A searchField is a piece of a document with its weight: a word counts weight
// times its occurrences there, at most capCount of them, so that repeating a word
// lifts a document only so far.
type searchField struct {
	text     string
	weight   int
	capCount int
	title    bool
}

// titleWeight is a title's weight: more than any other field can give a word.
const titleWeight = 10

// A searchTerm is one row of search_words for a document.
type searchTerm struct {
	word   string
	weight int
	title  int
}

// searchTerms makes the rows of a document from its fields, in word order.
func searchTerms(fields ...searchField) []searchTerm {
	type count struct{ perField []int }
	counts := map[string]*count{}
	var order []string
	for fi, f := range fields {
		for _, w := range searchWords(f.text) {
			c := counts[w]
			if c == nil {
				c = &count{perField: make([]int, len(fields))}
				counts[w] = c
				order = append(order, w)
			}
			c.perField[fi]++
		}
	}
	slices.Sort(order)
	out := make([]searchTerm, 0, len(order))
	for _, w := range order {
		t := searchTerm{word: w}
		for fi, f := range fields {
			n := counts[w].perField[fi]
			t.weight += f.weight * min(n, f.capCount)
			if f.title && n > 0 {
				t.title = 1
			}
		}
		out = append(out, t)
	}
	return out
}

func articleTerms(a *models.Article) []searchTerm {
	return searchTerms(
		searchField{text: a.Title, weight: titleWeight, capCount: 2, title: true},
		searchField{text: a.Summary, weight: 4, capCount: 2},
		searchField{text: a.Body, weight: 1, capCount: 5},
	)
}

func courseTerms(c *models.Course) []searchTerm {
	return searchTerms(
		searchField{text: c.Title, weight: titleWeight, capCount: 2, title: true},
		searchField{text: c.Summary, weight: 4, capCount: 2},
		searchField{text: c.Category, weight: 4, capCount: 1},
		searchField{text: strings.Join(c.Topics, " \n "), weight: 4, capCount: 2},
		searchField{text: c.Description, weight: 1, capCount: 5},
	)
}

// execFunc runs one statement: the store's connection or transaction, or a
// migration's.
type execFunc func(ctx context.Context, query string, args ...any) error

func (s *Store) exec(ctx context.Context, query string, args ...any) error {
	return s.db.WithContext(ctx).Exec(query, args...).Error
}

// termsPerInsert bounds the rows of one INSERT (SQLite allows 32,766 variables).
const termsPerInsert = 500

// writeTerms replaces the index rows of one document.
func writeTerms(ctx context.Context, exec execFunc, kind string, id uint, terms []searchTerm) error {
	if err := exec(ctx, "DELETE FROM search_words WHERE kind = ? AND doc_id = ?", kind, id); err != nil {
		return err
	}
	for chunk := range slices.Chunk(terms, termsPerInsert) {
		var b strings.Builder
		b.WriteString("INSERT INTO search_words (kind, word, doc_id, weight, in_title) VALUES ")
		args := make([]any, 0, 5*len(chunk))
		for i, t := range chunk {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(?, ?, ?, ?, ?)")
			args = append(args, kind, t.word, id, t.weight, t.title)
		}
		if err := exec(ctx, b.String(), args...); err != nil {
			return err
		}
	}
	return nil
}

// indexArticle writes a's words to the index. Call it in the write's transaction.
func (s *Store) indexArticle(ctx context.Context, a *models.Article) error {
	return translate(writeTerms(ctx, s.exec, searchArticle, a.ID, articleTerms(a)), "index", "article")
}

func (s *Store) unindexArticle(ctx context.Context, id uint) error {
	return translate(s.exec(ctx, "DELETE FROM search_words WHERE kind = ? AND doc_id = ?", searchArticle, id), "unindex", "article")
}

// indexCourse writes c's words to the index. Call it in the write's transaction.
func (s *Store) indexCourse(ctx context.Context, c *models.Course) error {
	return translate(writeTerms(ctx, s.exec, searchCourse, c.ID, courseTerms(c)), "index", "course")
}

// matchArticles keeps the articles that have a word of search. A search of only
// punctuation has no words and matches nothing.
func matchArticles(q *query, search string) *query {
	if strings.TrimSpace(search) == "" {
		return q
	}
	words := distinctWords(search)
	if len(words) == 0 {
		return q.and("1 = 0")
	}
	return inList(q.and("articles.id IN (SELECT doc_id FROM search_words WHERE kind = ? AND word IN ", searchArticle), words).add(")")
}

func distinctWords(search string) []string {
	words := searchWords(search)
	slices.Sort(words)
	return slices.Compact(words)
}

// idfScale turns idf into an integer: the score is summed in integers so that
// every engine gives the same numbers and the same order.
const idfScale = 1000

// rankBy returns the derived table that ranks the documents of kind having a
// word of words, with columns doc_id, title_hits (how many of the words the
// title has) and score (the sum of idf × weight), and its arguments. It first
// reads how many documents of kind there are (total, from table) and how many
// have each word.
func (s *Store) rankBy(ctx context.Context, kind, table string, words []string) (string, []any, error) {
	type df struct {
		Word string
		N    int64
	}
	var dfs []df
	err := s.db.WithContext(ctx).Raw(
		"SELECT word, COUNT(*) AS n FROM search_words WHERE kind = ? AND word IN ? GROUP BY word UNION ALL SELECT '', COUNT(*) FROM "+table,
		kind, words).Scan(&dfs).Error
	if err != nil {
		return "", nil, err
	}
	var total int64
	for _, d := range dfs {
		if d.Word == "" {
			total = d.N
		}
	}
	// One branch per word, each reading the primary key (kind, word, doc_id) for
	// one word: with word IN (...) and GROUP BY doc_id, SQLite's planner would
	// rather walk every row of the kind in doc_id order to skip the sort.
	var branches []string
	var args []any
	for _, d := range dfs {
		if d.Word == "" {
			continue
		}
		// BM25's idf, never below zero.
		n := float64(min(d.N, total))
		idf := int64(math.Round(idfScale * math.Log(1+(float64(total)-n+0.5)/(n+0.5))))
		branches = append(branches, "SELECT doc_id, in_title, weight * ? AS score FROM search_words WHERE kind = ? AND word = ?")
		args = append(args, idf, kind, d.Word)
	}
	if len(branches) == 0 {
		return "", nil, nil // no document has any of the words
	}
	sub := "SELECT doc_id, SUM(in_title) AS title_hits, SUM(score) AS score FROM (" +
		strings.Join(branches, " UNION ALL ") + ") hits GROUP BY doc_id"
	return sub, args, nil
}

// SearchArticles returns up to limit articles visible at now that have a word of
// search, best first: those whose title has more of the words, then by score
// (each word's idf times its weight in the article: the title weighs most, then
// the summary, then the body), then the newest. A search with no words finds
// nothing.
func (s *Store) SearchArticles(ctx context.Context, search string, now time.Time, limit int) ([]*models.Article, error) {
	words := distinctWords(search)
	if len(words) == 0 {
		return nil, nil
	}
	sub, args, err := s.rankBy(ctx, searchArticle, "articles", words)
	if err != nil || sub == "" {
		return nil, translate(err, "search", "articles")
	}
	// The best limit ids first, over the ranking and the columns that order it,
	// then those articles' rows: sorting whole rows (their bodies) of every match
	// costs far more when a common word matches most articles.
	var ids []uint
	err = visible(s.db.WithContext(ctx).Model(&models.Article{}), now).
		Select("articles.id").
		Joins("JOIN ("+sub+") ranked ON ranked.doc_id = articles.id", args...).
		Clauses(clause.OrderBy{Expression: clause.Expr{SQL: searchArticleOrder}}).
		Limit(limit).Pluck("articles.id", &ids).Error
	if err != nil || len(ids) == 0 {
		return nil, translate(err, "search", "articles")
	}
	rows, err := s.ArticlesByIDs(ctx, ids) // with their authors, as every article read
	if err != nil {
		return nil, err
	}
	byID := make(map[uint]*models.Article, len(rows))
	for _, a := range rows {
		byID[a.ID] = a
	}
	out := make([]*models.Article, 0, len(ids))
	for _, id := range ids {
		if a := byID[id]; a != nil {
			out = append(out, a)
		}
	}
	return out, nil
}

// searchArticleOrder orders the ranked articles: the most of the words in the
// title, the best score, the newest, then by slug (never by id, whose order
// differs between engines).
const searchArticleOrder = "ranked.title_hits DESC, ranked.score DESC, articles.published_at DESC, articles.slug"

// SearchCourses returns up to limit active courses that have a word of search,
// best first: those whose title has more of the words, then by score (the title
// weighs most, then the summary, category and topics, then the description), then
// by slug. A search with no words finds nothing.
func (s *Store) SearchCourses(ctx context.Context, search string, limit int) ([]*models.Course, error) {
	words := distinctWords(search)
	if len(words) == 0 {
		return nil, nil
	}
	sub, args, err := s.rankBy(ctx, searchCourse, "courses", words)
	if err != nil || sub == "" {
		return nil, translate(err, "search", "courses")
	}
	q := newQuery("SELECT "+courseColumns+" FROM courses JOIN ("+sub+") ranked ON ranked.doc_id = courses.id", args...).
		and("courses.active = ?", true).add(" ORDER BY ranked.title_hits DESC, ranked.score DESC, courses.slug LIMIT ?", limit)
	return readAll(ctx, s, "courses", q, scanCourse)
}

// reindexAll rebuilds the index of every article and course, document by
// document: the migration that made the index runs it for the rows written
// before it.
func reindexAll(ctx context.Context, db *gorm.DB, exec execFunc) error {
	var articles []*models.Article
	if err := db.WithContext(ctx).Model(&models.Article{}).Select("id, title, summary, body").FindInBatches(&articles, 200, func(*gorm.DB, int) error {
		for _, a := range articles {
			if err := writeTerms(ctx, exec, searchArticle, a.ID, articleTerms(a)); err != nil {
				return fmt.Errorf("index article %d: %w", a.ID, err)
			}
		}
		return nil
	}).Error; err != nil {
		return err
	}
	var courses []*models.Course
	return db.WithContext(ctx).Model(&models.Course{}).Select("id, title, summary, description, category, topics").FindInBatches(&courses, 200, func(*gorm.DB, int) error {
		for _, c := range courses {
			if err := writeTerms(ctx, exec, searchCourse, c.ID, courseTerms(c)); err != nil {
				return fmt.Errorf("index course %d: %w", c.ID, err)
			}
		}
		return nil
	}).Error
}
