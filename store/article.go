package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"coursegraph/models"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// articleOrderColumn is the column an article list is ordered by: the publication
// time for published lists, the creation time for drafts and archives, which may
// have no publication time.
func articleOrderColumn(o models.ArticleOrder, f models.ArticleFilter) string {
	switch {
	case o.Field == models.ArticleOrderTitle:
		return "articles.title"
	case f.Status != nil && *f.Status != models.ArticlePublished:
		return "articles.created_at"
	default:
		return "articles.published_at"
	}
}

func articleCursorKey(a *models.Article, col string) string {
	switch col {
	case "articles.title":
		return a.Title
	case "articles.created_at":
		return a.CreatedAt.UTC().Format(time.RFC3339)
	default:
		if a.PublishedAt == nil {
			return ""
		}
		return a.PublishedAt.UTC().Format(time.RFC3339)
	}
}

// Articles returns up to page.First+1 articles matching f in order o after the
// page's cursor. Visibility is the caller's: f.VisibleAt limits the list to what
// the public may read.
func (s *Store) Articles(ctx context.Context, f ArticleQuery, o models.ArticleOrder, page models.PageArgs) ([]Keyed[*models.Article], error) {
	o = o.Normalized()
	col := articleOrderColumn(o, f.ArticleFilter)
	selected, scan := s.selectArticlesWithAuthors(), s.scanArticleWithAuthor
	if f.Light {
		selected, scan = s.selectLightArticlesWithAuthors(), s.scanLightArticleWithAuthor
	}
	q := s.whereArticles(newQuery(selected), f)
	if page.After != nil {
		var key any = page.After.Key
		if col != "articles.title" {
			t, err := time.Parse(time.RFC3339, page.After.Key)
			if err != nil {
				return nil, models.InvalidField("after", "is not a cursor from this list")
			}
			key = t
		}
		q.and(afterKey(col, "articles.id", o.Direction, key, page.After.ID))
	}
	dir := " ASC"
	if o.Direction == models.Desc {
		dir = " DESC"
	}
	q.add(" ORDER BY "+col+dir+", articles.id"+dir+" LIMIT ?", page.First+1)
	rows, err := readAll(ctx, s, "articles", q, scan)
	if err != nil {
		return nil, err
	}
	out := make([]Keyed[*models.Article], len(rows))
	for i, a := range rows {
		out[i] = Keyed[*models.Article]{Row: a, Key: articleCursorKey(a, col)}
	}
	return out, nil
}

// selectArticlesWithAuthors selects articles with their authors
// (scanArticleWithAuthor). The LEFT JOIN keeps articles the driving table, read
// in its index's order, so a page needs no temporary table; every article has an
// author (a foreign key says so).
func (s *Store) selectArticlesWithAuthors() string {
	return "SELECT " + s.articleWithAuthorColumns() + " FROM articles LEFT JOIN users ON users.id = articles.author_id"
}

// selectLightArticlesWithAuthors is selectArticlesWithAuthors without the
// columns ArticleQuery.Light leaves out (scanLightArticleWithAuthor).
func (s *Store) selectLightArticlesWithAuthors() string {
	return "SELECT " + lightArticleColumns + ", " + s.authorColumns() + " FROM articles LEFT JOIN users ON users.id = articles.author_id"
}

// ArticleQuery is an article filter with the visibility the service decided.
type ArticleQuery struct {
	models.ArticleFilter
	// VisibleAt, when set, keeps only articles the public may read at that time:
	// published, with a publication time that has come.
	VisibleAt *time.Time
	// Light leaves out the columns of the body, the HTML, the table of contents
	// and the FAQs (the articles are Partial): a page that shows none of them
	// then neither moves nor decodes them (on the blog's list page, about a
	// quarter of the server's CPU).
	Light bool
}

// CountArticles returns how many articles match f.
func (s *Store) CountArticles(ctx context.Context, f ArticleQuery) (int, error) {
	return readOne(ctx, s, "articles", s.whereArticles(newQuery("SELECT COUNT(*) FROM articles"), f), scanCount)
}

func (s *Store) whereArticles(q *query, f ArticleQuery) *query {
	if f.VisibleAt != nil {
		q.and(visibleArticles, models.ArticlePublished, *f.VisibleAt)
	}
	if f.Status != nil {
		q.and("articles.status = ?", *f.Status)
	}
	if f.AuthorID != nil {
		q.and("articles.author_id = ?", *f.AuthorID)
	}
	if f.Tag != nil {
		q.and("articles.id IN (SELECT article_tags.article_id FROM article_tags JOIN tags ON tags.id = article_tags.tag_id WHERE tags.slug = ?)", models.NormalizeSlug(*f.Tag))
	}
	if f.Search != nil {
		matchArticles(q, *f.Search)
	}
	return q
}

// FirstArticlesByTags returns, for each given tag, the first n+1 of its articles
// the public may read at now, newest first (a tag's article list without a
// cursor), with their authors, in one statement per firstCommentsChunk tags. The
// extra row tells that more follow.
//
// As FirstComments: a UNION ALL of per-tag index reads that stop after n+1 rows,
// passing only ids through the derived table, joined back to the rows by primary
// key and put in order here, so that no temporary table holds the bodies.
func (s *Store) FirstArticlesByTags(ctx context.Context, tagIDs []uint, now time.Time, n int) (map[uint][]Keyed[*models.Article], error) {
	type tagged struct {
		tag uint
		a   *models.Article
	}
	scan := func(rows *sql.Rows) (tagged, error) {
		t := tagged{a: &models.Article{LoadedAuthor: new(models.User)}}
		return t, rows.Scan(append([]any{&t.tag}, s.articleWithAuthorDest(t.a)...)...)
	}
	out := make(map[uint][]Keyed[*models.Article], len(tagIDs))
	for chunk := range slices.Chunk(tagIDs, firstCommentsChunk) {
		arms := make([]string, len(chunk))
		args := make([]any, 0, 4*len(chunk))
		for i, id := range chunk {
			arms[i] = fmt.Sprintf("SELECT tag_id, id FROM (SELECT article_tags.tag_id, articles.id FROM article_tags "+
				"JOIN articles ON articles.id = article_tags.article_id WHERE article_tags.tag_id = ? AND articles.status = ? AND articles.published_at <= ? "+
				"ORDER BY articles.published_at DESC, articles.id DESC LIMIT ?) t%d", i)
			args = append(args, id, models.ArticlePublished, now, n+1)
		}
		q := "SELECT firsts.tag_id, " + s.articleWithAuthorColumns() + " FROM (" + strings.Join(arms, " UNION ALL ") +
			") firsts JOIN articles ON articles.id = firsts.id LEFT JOIN users ON users.id = articles.author_id"
		rows, err := readAll(ctx, s, "articles", newQuery(q, args...), scan)
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			out[r.tag] = append(out[r.tag], Keyed[*models.Article]{Row: r.a, Key: articleCursorKey(r.a, "articles.published_at")})
		}
	}
	for _, list := range out {
		slices.SortFunc(list, func(a, b Keyed[*models.Article]) int {
			return cmp.Or(b.Row.PublishedAt.Compare(*a.Row.PublishedAt), cmp.Compare(b.Row.ID, a.Row.ID))
		})
	}
	return out, nil
}

// visibleArticles keeps the articles the public may read at a time: its
// arguments are models.ArticlePublished and the time.
const visibleArticles = "articles.status = ? AND articles.published_at <= ?"

// visible keeps the articles the public may read at now.
func visible(q *gorm.DB, now time.Time) *gorm.DB {
	return q.Where(visibleArticles, models.ArticlePublished, now)
}

// ArticleByID returns the article with id; NotFound if there is none.
func (s *Store) ArticleByID(ctx context.Context, id uint) (*models.Article, error) {
	return readOne(ctx, s, "article", newQuery(s.selectArticlesWithAuthors()).and("articles.id = ?", id), s.scanArticleWithAuthor)
}

// ArticleBySlug returns the article with slug; NotFound if there is none.
func (s *Store) ArticleBySlug(ctx context.Context, slug string) (*models.Article, error) {
	return readOne(ctx, s, "article", newQuery(s.selectArticlesWithAuthors()).and("articles.slug = ?", models.NormalizeSlug(slug)), s.scanArticleWithAuthor)
}

// HasVisibleArticleBy reports whether the user with id wrote an article the public
// may read at now.
func (s *Store) HasVisibleArticleBy(ctx context.Context, authorID uint, now time.Time) (bool, error) {
	var ids []uint
	err := visible(s.db.WithContext(ctx).Model(&models.Article{}), now).
		Where("articles.author_id = ?", authorID).Limit(1).Pluck("articles.id", &ids).Error
	return len(ids) > 0, translate(err, "find", "article by author")
}

// NextPublication returns the earliest publication time after now of a
// published article (one scheduled to appear), or ok false when none is waiting.
func (s *Store) NextPublication(ctx context.Context, now time.Time) (at time.Time, ok bool, err error) {
	var times []time.Time
	err = s.db.WithContext(ctx).Model(&models.Article{}).
		Where("articles.status = ? AND articles.published_at > ?", models.ArticlePublished, now).
		Order("articles.published_at").Limit(1).Pluck("articles.published_at", &times).Error
	if err != nil || len(times) == 0 {
		return time.Time{}, false, translate(err, "find", "next publication")
	}
	return times[0].UTC(), true, nil
}

// ArticlesByIDs returns the articles with the given ids; missing ids are left out.
func (s *Store) ArticlesByIDs(ctx context.Context, ids []uint) ([]*models.Article, error) {
	return readAll(ctx, s, "articles", newQuery(s.selectArticlesWithAuthors()).and("articles.id IN ").in(ids), s.scanArticleWithAuthor)
}

// CreateArticle inserts a and indexes it for search; Conflict if its slug is taken.
// Call it in a transaction.
func (s *Store) CreateArticle(ctx context.Context, a *models.Article) error {
	if err := s.db.WithContext(ctx).Create(a).Error; err != nil {
		return translate(err, "insert", "article")
	}
	return s.indexArticle(ctx, a)
}

// SaveArticle writes every column of a and re-indexes it; Conflict if its slug is
// taken. Call it in a transaction.
func (s *Store) SaveArticle(ctx context.Context, a *models.Article) error {
	if a.Partial {
		return errors.New("save article: a partial read cannot be saved")
	}
	if err := s.db.WithContext(ctx).Save(a).Error; err != nil {
		return translate(err, "update", "article")
	}
	return s.indexArticle(ctx, a)
}

// DeleteArticle deletes the article with id, its tags and comments; NotFound if
// there is none. Call it in a transaction.
func (s *Store) DeleteArticle(ctx context.Context, id uint) error {
	db := s.db.WithContext(ctx)
	if err := db.Where("article_id = ?", id).Delete(&models.Comment{}).Error; err != nil {
		return translate(err, "delete", "comments")
	}
	if err := db.Where("article_id = ?", id).Delete(&models.ArticleTag{}).Error; err != nil {
		return translate(err, "delete", "article tags")
	}
	res := db.Delete(&models.Article{}, id)
	if res.Error == nil && res.RowsAffected == 0 {
		return models.Errorf(models.NotFound, "article not found")
	}
	if res.Error != nil {
		return translate(res.Error, "delete", "article")
	}
	return s.unindexArticle(ctx, id)
}

// Tags returns the tags, by name: every tag, or with visibleAt set only those with
// at least one article the public may read at that time.
func (s *Store) Tags(ctx context.Context, visibleAt *time.Time) ([]*models.Tag, error) {
	var out []*models.Tag
	err := tagsVisibleAt(s.db.WithContext(ctx), visibleAt).Order("name").Order("id").Find(&out).Error
	return out, translate(err, "list", "tags")
}

// TagBySlug returns the tag with slug; NotFound if there is none, or, with
// visibleAt set, if it has no article the public may read at that time.
func (s *Store) TagBySlug(ctx context.Context, slug string, visibleAt *time.Time) (*models.Tag, error) {
	var t models.Tag
	if err := tagsVisibleAt(s.db.WithContext(ctx), visibleAt).Where("slug = ?", models.NormalizeSlug(slug)).Take(&t).Error; err != nil {
		return nil, translate(err, "find", "tag")
	}
	return &t, nil
}

// TagByID returns the tag with id; NotFound as for TagBySlug.
func (s *Store) TagByID(ctx context.Context, id uint, visibleAt *time.Time) (*models.Tag, error) {
	var t models.Tag
	if err := tagsVisibleAt(s.db.WithContext(ctx), visibleAt).Where("tags.id = ?", id).Take(&t).Error; err != nil {
		return nil, translate(err, "find", "tag")
	}
	return &t, nil
}

// tagsVisibleAt keeps, when visibleAt is set, the tags with at least one article
// the public may read then: a tag used only by drafts, scheduled or archived
// articles must not show that they exist.
func tagsVisibleAt(q *gorm.DB, visibleAt *time.Time) *gorm.DB {
	q = q.Model(&models.Tag{})
	if visibleAt == nil {
		return q
	}
	return q.Where("EXISTS (SELECT 1 FROM article_tags JOIN articles ON articles.id = article_tags.article_id"+
		" WHERE article_tags.tag_id = tags.id AND articles.status = ? AND articles.published_at <= ?)",
		models.ArticlePublished, *visibleAt)
}

// ArticleTagRow is a tag of an article.
type ArticleTagRow struct {
	ArticleID uint
	models.Tag
}

// TagsByArticleIDs returns the tags of the given articles, by name, in one query.
func (s *Store) TagsByArticleIDs(ctx context.Context, ids []uint) ([]ArticleTagRow, error) {
	q := newQuery("SELECT article_tags.article_id, tags.id, tags.slug, tags.name FROM article_tags JOIN tags ON tags.id = article_tags.tag_id").
		and("article_tags.article_id IN ").in(ids).add(" ORDER BY article_tags.article_id, tags.name")
	return readAll(ctx, s, "tags", q, func(rows *sql.Rows) (ArticleTagRow, error) {
		var r ArticleTagRow
		return r, rows.Scan(&r.ArticleID, &r.ID, &r.Slug, &r.Name)
	})
}

// SetArticleTags files the article under exactly the tags named (creating the tags
// that do not exist yet, by slug) and returns them. Call it in a transaction.
func (s *Store) SetArticleTags(ctx context.Context, articleID uint, tags []*models.Tag) error {
	db := s.db.WithContext(ctx)
	for _, t := range tags {
		err := db.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "slug"}}, DoNothing: true}).Create(t).Error
		if err != nil {
			return translate(err, "insert", "tag")
		}
		if err := db.Where("slug = ?", t.Slug).Take(t).Error; err != nil {
			return translate(err, "find", "tag")
		}
	}
	if err := db.Where("article_id = ?", articleID).Delete(&models.ArticleTag{}).Error; err != nil {
		return translate(err, "delete", "article tags")
	}
	for _, t := range tags {
		if err := db.Create(&models.ArticleTag{ArticleID: articleID, TagID: t.ID}).Error; err != nil {
			return translate(err, "insert", "article tag")
		}
	}
	return nil
}

// RenameTag writes t's name and slug; NotFound if there is no such tag,
// Conflict if another tag has the slug.
func (s *Store) RenameTag(ctx context.Context, t *models.Tag) error {
	res := s.db.WithContext(ctx).Model(&models.Tag{}).Where("id = ?", t.ID).
		Updates(map[string]any{"name": t.Name, "slug": t.Slug})
	if res.Error == nil && res.RowsAffected == 0 {
		return models.Errorf(models.NotFound, "tag not found")
	}
	return translate(res.Error, "update", "tag")
}

// ArticleIDsByTag returns the ids of the articles filed under the tag, in any
// state.
func (s *Store) ArticleIDsByTag(ctx context.Context, tagID uint) ([]uint, error) {
	var ids []uint
	err := s.db.WithContext(ctx).Model(&models.ArticleTag{}).Where("tag_id = ?", tagID).Order("article_id").Pluck("article_id", &ids).Error
	return ids, translate(err, "list", "articles of tag")
}

// CountVisibleArticlesByTagIDs returns how many articles visible at now each tag
// has, in one query; tags with none are absent.
func (s *Store) CountVisibleArticlesByTagIDs(ctx context.Context, ids []uint, now time.Time) (map[uint]int, error) {
	var rows []struct {
		TagID uint
		N     int
	}
	q := s.db.WithContext(ctx).Table("article_tags").Select("article_tags.tag_id, COUNT(*) AS n").
		Joins("JOIN articles ON articles.id = article_tags.article_id").
		Where("article_tags.tag_id IN ?", ids)
	err := visible(q, now).Group("article_tags.tag_id").Scan(&rows).Error
	out := make(map[uint]int, len(rows))
	for _, r := range rows {
		out[r.TagID] = r.N
	}
	return out, translate(err, "count", "articles by tag")
}

// RelatedArticleIDs returns, for each given article, the ids of up to n other
// articles visible at now that share tags with it, most shared tags first, then
// newest; in one query.
func (s *Store) RelatedArticleIDs(ctx context.Context, ids []uint, now time.Time, n int) (map[uint][]uint, error) {
	var rows []struct {
		SourceID uint
		ID       uint
	}
	q := s.db.WithContext(ctx).Table("article_tags AS mine").
		Select("mine.article_id AS source_id, articles.id AS id, COUNT(*) AS shared, articles.published_at").
		Joins("JOIN article_tags AS other ON other.tag_id = mine.tag_id AND other.article_id <> mine.article_id").
		Joins("JOIN articles ON articles.id = other.article_id").
		Where("mine.article_id IN ?", ids)
	err := visible(q, now).Group("mine.article_id, articles.id, articles.published_at").
		Order("mine.article_id").Order("shared DESC").Order("articles.published_at DESC").Order("articles.id DESC").
		Scan(&rows).Error
	out := make(map[uint][]uint)
	for _, r := range rows {
		if len(out[r.SourceID]) < n {
			out[r.SourceID] = append(out[r.SourceID], r.ID)
		}
	}
	return out, translate(err, "list", "related articles")
}
