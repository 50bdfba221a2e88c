package service

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"time"

	"coursegraph/auth"
	"coursegraph/cachetag"
	"coursegraph/markdown"
	"coursegraph/models"
	"coursegraph/store"

	"golang.org/x/text/unicode/norm"
)

// ArticleEdge is one article of a page, with its cursor.
type ArticleEdge struct {
	Cursor string
	Node   *models.Article
}

// ArticleConnection is a page of articles.
type ArticleConnection struct {
	Edges    []*ArticleEdge
	PageInfo *PageInfo
	count    counter
}

// TotalCount returns how many articles match over all pages; it runs a query only
// when called.
func (c *ArticleConnection) TotalCount(ctx context.Context) (int, error) { return c.count(ctx) }

// Articles lists articles. Everyone sees the published ones whose time has come,
// newest first; a status filter (drafts, archived, or PUBLISHED including the
// scheduled ones) needs EDITOR.
//
// light: the caller shows no article's body, HTML, table of contents or FAQs,
// which are then not read (the articles are Partial).
func (s *Service) Articles(ctx context.Context, filter *models.ArticleFilter, order *models.ArticleOrder, first *int, after *string, light bool) (*ArticleConnection, error) {
	var f models.ArticleFilter
	if filter != nil {
		f = *filter
	}
	if err := f.Validate("filter"); err != nil {
		return nil, err
	}
	cachetag.From(ctx).Add(cachetag.Articles)
	q := store.ArticleQuery{ArticleFilter: f, Light: light}
	if f.Status != nil {
		if _, err := require(ctx, models.RoleEditor); err != nil {
			return nil, err
		}
	} else {
		now := s.now(ctx)
		q.VisibleAt = &now
	}
	var o models.ArticleOrder
	if order != nil {
		o = *order
	}
	o = o.Normalized()
	orderName := "article:" + string(o.Field) + ":" + string(o.Direction)
	if f.Status != nil {
		orderName += ":" + string(*f.Status)
	}
	args, err := models.NewPageArgs(first, after, orderName)
	if err != nil {
		return nil, err
	}
	rows, err := s.articleReads(ctx).Articles(ctx, q, o, args)
	if err != nil {
		return nil, err
	}
	if tags := cachetag.From(ctx); tags != nil {
		for _, r := range rows {
			authorRead(tags, r.Row)
		}
	}
	conn := &ArticleConnection{count: func(ctx context.Context) (int, error) { return s.store.CountArticles(ctx, q) }}
	conn.Edges, conn.PageInfo = edges(rows, args, orderName, (*models.Article).Key,
		func(cursor string, a *models.Article) *ArticleEdge { return &ArticleEdge{Cursor: cursor, Node: a} })
	return conn, nil
}

// readable reports whether the viewer may read a: anyone a visible article,
// editors any. Callers answer NotFound otherwise, so that drafts do not show they
// exist.
func (s *Service) readable(ctx context.Context, a *models.Article) bool {
	return a.VisibleAt(s.now(ctx)) || auth.UserFrom(ctx).Can(models.RoleEditor)
}

func (s *Service) ifReadable(ctx context.Context, a *models.Article, err error) (*models.Article, error) {
	if err != nil {
		return nil, err
	}
	if !s.readable(ctx, a) {
		return nil, models.Errorf(models.NotFound, "article not found")
	}
	return a, nil
}

// Article returns one article by id: for anyone if it is published and its time
// has come, for editors in any state; NotFound otherwise.
func (s *Service) Article(ctx context.Context, id uint) (*models.Article, error) {
	a, err := s.articleReads(ctx).ArticleByID(ctx, id)
	a, err = s.ifReadable(ctx, a, err)
	read(ctx, cachetag.Article(id), cachetag.Articles, err)
	if err == nil {
		authorRead(cachetag.From(ctx), a)
	}
	return a, err
}

// ArticleBySlug returns one article by slug, with the same visibility as Article.
func (s *Service) ArticleBySlug(ctx context.Context, slug string) (*models.Article, error) {
	a, err := s.articleReads(ctx).ArticleBySlug(ctx, slug)
	if a, err = s.ifReadable(ctx, a, err); err != nil {
		read(ctx, "", cachetag.Articles, err)
		return nil, err
	}
	read(ctx, cachetag.Article(a.ID), "", nil)
	authorRead(cachetag.From(ctx), a)
	return a, nil
}

// ArticlesByIDs returns the given articles that the viewer may read, by id, for
// dataloaders (related articles).
func (s *Service) ArticlesByIDs(ctx context.Context, ids []uint) (map[uint]*models.Article, error) {
	rows, err := s.articleReads(ctx).ArticlesByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	m := make(map[uint]*models.Article, len(rows))
	tags := cachetag.From(ctx)
	for _, a := range rows {
		if s.readable(ctx, a) {
			m[a.ID] = a
			tags.Add(cachetag.Article(a.ID))
			authorRead(tags, a)
		}
	}
	if len(m) < len(ids) {
		tags.Add(cachetag.Articles)
	}
	return m, nil
}

// RelatedArticleIDs returns, for each article, up to n other visible articles that
// share most tags with it, newest first among equals; one query for all.
func (s *Service) RelatedArticleIDs(ctx context.Context, ids []uint, n int) (map[uint][]uint, error) {
	cachetag.From(ctx).Add(cachetag.Articles)
	return s.store.RelatedArticleIDs(ctx, ids, s.now(ctx), n)
}

// TagsByArticleIDs returns the tags of each article, by name; one query for all.
func (s *Service) TagsByArticleIDs(ctx context.Context, ids []uint) (map[uint][]*models.Tag, error) {
	cachetag.From(ctx).AddIDs(cachetag.Article, ids)
	rows, err := s.store.TagsByArticleIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[uint][]*models.Tag)
	for i := range rows {
		out[rows[i].ArticleID] = append(out[rows[i].ArticleID], &rows[i].Tag)
	}
	return out, nil
}

// Tags lists tags by name, for anyone: readers see the tags with at least one
// visible article, editors (who may read unpublished articles) every tag.
func (s *Service) Tags(ctx context.Context) ([]*models.Tag, error) {
	cachetag.From(ctx).Add(cachetag.Tags)
	return s.store.Tags(ctx, s.tagsVisibleAt(ctx))
}

// TagBySlug returns a tag, for anyone, with the visibility of Tags; NotFound if
// there is none or the viewer may not see it.
func (s *Service) TagBySlug(ctx context.Context, slug string) (*models.Tag, error) {
	cachetag.From(ctx).Add(cachetag.Tags)
	return s.store.TagBySlug(ctx, slug, s.tagsVisibleAt(ctx))
}

// Tag returns a tag by id, with the visibility of Tags; NotFound if there is none
// or the viewer may not see it.
func (s *Service) Tag(ctx context.Context, id uint) (*models.Tag, error) {
	cachetag.From(ctx).Add(cachetag.Tags)
	return s.store.TagByID(ctx, id, s.tagsVisibleAt(ctx))
}

// RenameTag renames a tag, for EDITOR; its slug follows the new name, as when an
// article is tagged with it. Invalid for a name of no letter or digit or over
// 40 characters, NotFound if there is no such tag, Conflict if another tag has
// the slug. The answers that showed the tag (the tag lists, its articles'
// pages) are dropped from the cache.
func (s *Service) RenameTag(ctx context.Context, id uint, name string) (*models.Tag, error) {
	actor, err := require(ctx, models.RoleEditor)
	if err != nil {
		return nil, err
	}
	name = strings.TrimSpace(name)
	if err := models.ValidateText("name", name, 1, 40); err != nil {
		return nil, err
	}
	slug := models.Slugify(name)
	if slug == "" {
		return nil, models.InvalidField("name", "must contain a letter or digit")
	}
	var t *models.Tag
	var articles []uint
	err = s.store.WithTx(ctx, func(tx *store.Store) error {
		if t, err = tx.TagByID(ctx, id, nil); err != nil {
			return err
		}
		var ch models.Changes
		ch.Record("name", t.Name, name, false)
		ch.Record("slug", t.Slug, slug, false)
		if len(ch) == 0 {
			return nil
		}
		t.Name, t.Slug = name, slug
		if err := tx.RenameTag(ctx, t); err != nil {
			return err
		}
		if articles, err = tx.ArticleIDsByTag(ctx, id); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "tag.rename", "Tag", id, ch)
	})
	if err != nil {
		return nil, err
	}
	changed := []string{cachetag.Tags}
	for _, a := range articles {
		changed = append(changed, cachetag.Article(a))
	}
	s.changed(ctx, changed...)
	return t, nil
}

// tagsVisibleAt is the time at which a tag must have a visible article for the
// viewer to see it: now for readers, nil (no condition) for editors, who read
// articles in any state.
func (s *Service) tagsVisibleAt(ctx context.Context) *time.Time {
	if auth.UserFrom(ctx).Can(models.RoleEditor) {
		return nil
	}
	now := s.now(ctx)
	return &now
}

// FirstTagArticles returns the first page of each tag's articles (those the
// public may read, newest first, as Articles with a tag filter gives them, so
// that its cursors page on through Articles), in one query, for dataloaders.
// Their totalCounts are one query for all the tags, when the first is asked.
func (s *Service) FirstTagArticles(ctx context.Context, tagIDs []uint, first *int) (map[uint]*ArticleConnection, error) {
	o := models.ArticleOrder{}.Normalized()
	orderName := "article:" + string(o.Field) + ":" + string(o.Direction)
	args, err := models.NewPageArgs(first, nil, orderName)
	if err != nil {
		return nil, err
	}
	cachetag.From(ctx).Add(cachetag.Articles)
	now := s.now(ctx)
	rows, err := s.articleReads(ctx).FirstArticlesByTags(ctx, tagIDs, now, args.First)
	if err != nil {
		return nil, err
	}
	if tags := cachetag.From(ctx); tags != nil {
		for _, list := range rows {
			for _, r := range list {
				authorRead(tags, r.Row)
			}
		}
	}
	var once sync.Once
	var counts map[uint]int
	var countErr error
	out := make(map[uint]*ArticleConnection, len(tagIDs))
	for _, id := range tagIDs {
		conn := &ArticleConnection{count: func(ctx context.Context) (int, error) {
			once.Do(func() { counts, countErr = s.store.CountVisibleArticlesByTagIDs(ctx, tagIDs, now) })
			return counts[id], countErr
		}}
		conn.Edges, conn.PageInfo = edges(rows[id], args, orderName, (*models.Article).Key,
			func(cursor string, a *models.Article) *ArticleEdge { return &ArticleEdge{Cursor: cursor, Node: a} })
		out[id] = conn
	}
	return out, nil
}

// ArticleCountsByTagIDs returns how many visible articles each tag has.
func (s *Service) ArticleCountsByTagIDs(ctx context.Context, ids []uint) (map[uint]int, error) {
	cachetag.From(ctx).Add(cachetag.Articles)
	return s.store.CountVisibleArticlesByTagIDs(ctx, ids, s.now(ctx))
}

// maxTags is how many tags an article may have.
const maxTags = 10

// tagsFrom makes tags of names: trimmed, unique by slug, each 1 to 40 characters.
func tagsFrom(names []string) ([]*models.Tag, error) {
	if len(names) > maxTags {
		return nil, models.InvalidField("input.tags", "must have at most %d tags", maxTags)
	}
	seen := map[string]bool{}
	var out []*models.Tag
	for i, name := range names {
		t := &models.Tag{Name: strings.TrimSpace(name)}
		t.Slug = models.Slugify(t.Name)
		if err := models.ValidateText(fieldIndex("input.tags", i), t.Name, 1, 40); err != nil {
			return nil, err
		}
		if t.Slug == "" {
			return nil, models.InvalidField(fieldIndex("input.tags", i), "must contain a letter or digit")
		}
		if !seen[t.Slug] {
			seen[t.Slug] = true
			out = append(out, t)
		}
	}
	return out, nil
}

// render derives an article's HTML, table of contents, FAQs and reading time from
// its body.
func render(a *models.Article) error {
	doc, err := markdown.Render(a.Body)
	if err != nil {
		return err
	}
	a.HTML, a.TableOfContents, a.Faqs, a.ReadingTimeMinutes = doc.HTML, doc.TableOfContents, doc.Faqs, doc.ReadingTimeMinutes
	return nil
}

// CreateArticle writes a new draft by the signed-in editor, for EDITOR. Its slug
// comes from the title unless given; a taken slug is Conflict.
func (s *Service) CreateArticle(ctx context.Context, in models.ArticleInput) (*models.Article, error) {
	actor, err := require(ctx, models.RoleEditor)
	if err != nil {
		return nil, err
	}
	a := &models.Article{Status: models.ArticleDraft, AuthorID: actor.ID}
	if in.Slug, err = slugOrTitle(in.Slug, in.Title); err != nil {
		return nil, err
	}
	ch := a.Apply(in)
	tags, err := tagsFrom(in.Tags)
	if err != nil {
		return nil, err
	}
	if err := a.Validate("input"); err != nil {
		return nil, err
	}
	if err := render(a); err != nil {
		return nil, err
	}
	err = s.store.WithTx(ctx, func(tx *store.Store) error {
		if err := tx.CreateArticle(ctx, a); err != nil {
			return onConflict(err, "input.slug", "an article with the slug %q already exists", a.Slug)
		}
		if err := tx.SetArticleTags(ctx, a.ID, tags); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "article.create", "Article", a.ID, ch)
	})
	if err != nil {
		return nil, err
	}
	s.changed(ctx, cachetag.Article(a.ID), cachetag.Articles, cachetag.Tags)
	return a, nil
}

// UpdateArticle changes an article, for EDITOR; tags, when given, replace the old.
func (s *Service) UpdateArticle(ctx context.Context, id uint, in models.ArticleInput) (*models.Article, error) {
	var tags []*models.Tag
	if in.Tags != nil {
		var err error
		if tags, err = tagsFrom(in.Tags); err != nil {
			return nil, err
		}
	}
	return s.changeArticle(ctx, id, "article.update", func(a *models.Article) (models.Changes, error) {
		ch := a.Apply(in)
		if in.Tags != nil {
			ch = append(ch, models.FieldChange{Field: "tags"})
		}
		return ch, nil
	}, tags)
}

// PublishArticle publishes an article, for EDITOR: now, or at a later time, when
// it becomes visible by itself.
func (s *Service) PublishArticle(ctx context.Context, id uint, at *time.Time) (*models.Article, error) {
	when := s.now(ctx)
	if at != nil {
		when = at.UTC().Truncate(time.Second)
	}
	return s.changeArticle(ctx, id, "article.publish", func(a *models.Article) (models.Changes, error) {
		var ch models.Changes
		ch.Record("status", a.Status, models.ArticlePublished, false)
		ch.Record("publishedAt", a.PublishedAt, when, false)
		a.Status, a.PublishedAt = models.ArticlePublished, &when
		return ch, nil
	}, nil)
}

// UnpublishArticle takes an article off the site, for EDITOR: back to DRAFT, or to
// ARCHIVED when archive is true.
func (s *Service) UnpublishArticle(ctx context.Context, id uint, archive bool) (*models.Article, error) {
	status := models.ArticleDraft
	if archive {
		status = models.ArticleArchived
	}
	return s.changeArticle(ctx, id, "article.unpublish", func(a *models.Article) (models.Changes, error) {
		var ch models.Changes
		ch.Record("status", a.Status, status, false)
		a.Status = status
		if status == models.ArticleDraft {
			a.PublishedAt = nil
		}
		return ch, nil
	}, nil)
}

// changeArticle loads an article, changes it, re-renders, validates and saves it
// (with its tags when given) and an audit entry, in one transaction.
func (s *Service) changeArticle(ctx context.Context, id uint, action string, change func(*models.Article) (models.Changes, error), tags []*models.Tag) (*models.Article, error) {
	actor, err := require(ctx, models.RoleEditor)
	if err != nil {
		return nil, err
	}
	var a *models.Article
	err = s.store.WithTx(ctx, func(tx *store.Store) error {
		if a, err = tx.ArticleByID(ctx, id); err != nil {
			return err
		}
		ch, err := change(a)
		if err != nil {
			return err
		}
		if err := a.Validate("input"); err != nil {
			return err
		}
		if len(ch) == 0 {
			return nil
		}
		if err := render(a); err != nil {
			return err
		}
		if err := tx.SaveArticle(ctx, a); err != nil {
			return onConflict(err, "input.slug", "an article with the slug %q already exists", a.Slug)
		}
		if tags != nil {
			if err := tx.SetArticleTags(ctx, a.ID, tags); err != nil {
				return err
			}
		}
		return audit(ctx, tx, actor, action, "Article", a.ID, ch)
	})
	if err != nil {
		return nil, err
	}
	s.changed(ctx, cachetag.Article(a.ID), cachetag.Articles, cachetag.Tags)
	return a, nil
}

// DeleteArticle deletes an article with its comments, for EDITOR; NotFound if
// there is none.
func (s *Service) DeleteArticle(ctx context.Context, id uint) error {
	actor, err := require(ctx, models.RoleEditor)
	if err != nil {
		return err
	}
	err = s.store.WithTx(ctx, func(tx *store.Store) error {
		a, err := tx.ArticleByID(ctx, id)
		if err != nil {
			return err
		}
		if err := tx.DeleteArticle(ctx, id); err != nil {
			return err
		}
		var ch models.Changes
		ch.Record("title", a.Title, "", false)
		return audit(ctx, tx, actor, "article.delete", "Article", id, ch)
	})
	if err == nil {
		s.changed(ctx, cachetag.Article(id), cachetag.Comments(id), cachetag.Articles, cachetag.Tags)
	}
	return err
}

// Search returns up to first results for query: the courses whose title holds
// the query first, then articles by relevance, then the other courses that have
// a word of it, by relevance. Anyone may search; only visible articles and
// active courses are found.
func (s *Service) Search(ctx context.Context, query string, first *int) ([]models.Node, error) {
	n := 10
	if first != nil {
		if *first < 1 || *first > 50 {
			return nil, models.InvalidField("first", "must be between 1 and 50")
		}
		n = *first
	}
	query = strings.TrimSpace(query)
	if err := models.ValidateText("query", query, 1, 200); err != nil {
		return nil, err
	}
	cachetag.From(ctx).Add(cachetag.Articles, cachetag.Courses)
	articles, err := s.store.SearchArticles(ctx, query, s.now(ctx), n)
	if err != nil {
		return nil, err
	}
	courses, err := s.store.SearchCourses(ctx, query, n)
	if err != nil {
		return nil, err
	}
	if tags := cachetag.From(ctx); tags != nil {
		for _, a := range articles {
			authorRead(tags, a)
		}
	}
	var titled, others []models.Node
	lower := norm.NFC.String(strings.ToLower(query))
	for _, c := range courses {
		if strings.Contains(norm.NFC.String(strings.ToLower(c.Title)), lower) {
			titled = append(titled, c)
		} else {
			others = append(others, c)
		}
	}
	out := titled
	for _, a := range articles {
		out = append(out, a)
	}
	out = append(out, others...)
	return out[:min(len(out), n)], nil
}

// slugOrTitle returns the slug given, or else one made from the title; Invalid
// on input.slug when the title has no letters or digits to make one of (emoji
// only), so that the message says what to do.
func slugOrTitle(slug, title *string) (*string, error) {
	if slug != nil || title == nil || strings.TrimSpace(*title) == "" {
		return slug, nil
	}
	made := models.Slugify(*title)
	if made == "" {
		return nil, models.InvalidField("input.slug", "cannot be made from a title without letters or digits: give one, such as \"launch-day\"")
	}
	return &made, nil
}

// fieldIndex names an element of a list input: "input.tags.2".
func fieldIndex(field string, i int) string { return field + "." + strconv.Itoa(i) }

// NextPublication returns when the next scheduled article becomes public, or ok
// false when none is scheduled, for anyone: an answer that lists articles or tags
// is out of date from then on.
func (s *Service) NextPublication(ctx context.Context) (at time.Time, ok bool, err error) {
	return s.store.NextPublication(ctx, s.now(ctx))
}

// authorRead records the author of a, whom the store reads with the article.
func authorRead(tags *cachetag.Set, a *models.Article) {
	if tags != nil {
		tags.Add(cachetag.User(a.AuthorID))
	}
}

// articleReads is the store to read articles with for the caller: their authors
// joined with the columns staff may see for staff, with the public ones only for
// anyone else (so that a reader's request never holds a private column).
func (s *Service) articleReads(ctx context.Context) *store.Store {
	if auth.UserFrom(ctx).Can(models.RoleStaff) {
		return s.store.ForStaff()
	}
	return s.store
}
