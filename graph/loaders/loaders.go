// Package loaders builds the per-request loaders that batch the relations of a
// GraphQL response (course.schedules, schedule.course, ...) into one query per
// relation and level, whatever the number of parents.
//
// It may import models, service and metrics; never store.
package loaders

import (
	"context"
	"fmt"
	"sync"

	"coursegraph/models"
	"coursegraph/service"
)

// Loaders holds one request's loaders. Values are cached for the request only.
type Loaders struct {
	CourseByID          *Loader[uint, *models.Course]
	BatchByID           *Loader[uint, *models.Batch]
	SchedulesByCourseID *Loader[uint, []*models.Schedule]
	SchedulesByBatchID  *Loader[uint, []*models.Schedule]
	UserByID            *Loader[uint, *models.User]

	ArticleByID             *Loader[uint, *models.Article]
	TagsByArticleID         *Loader[uint, []*models.Tag]
	CommentCountByArticleID *Loader[uint, int]
	ArticleCountByTagID     *Loader[uint, int]

	ScheduleByID     *Loader[uint, *models.Schedule]
	NotesByEnquiryID *Loader[uint, []*models.EnquiryNote]

	svc *service.Service
	// mu guards the loaders made per argument values and the groups they are
	// hinted with: those keyed by article (first comments, related articles)
	// with the article pages, those keyed by tag (first articles) with the tag
	// lists.
	mu        sync.Mutex
	byArticle argLoaders
	byTag     argLoaders
}

// argLoaders are the loaders made per argument values whose keys are of one
// kind, and the groups of such keys seen so far.
type argLoaders struct {
	loaders map[string]groupLoader
	groups  [][]uint
}

// groupLoader is what argLoaders needs of a Loader[uint, V], whatever V.
type groupLoader interface {
	Hint([]uint)
	Waited() int
}

// add records a group of keys and hints it to every loader of the set. The
// caller holds l.mu.
func (a *argLoaders) add(ids []uint) {
	a.groups = append(a.groups, ids)
	for _, ld := range a.loaders {
		ld.Hint(ids)
	}
}

// New returns fresh loaders over svc. Every loader that fetches entities hints
// their relations for the whole batch it fetched (the batches and courses of all
// the schedules of a page of courses, the authors of all the notes of a page of
// enquiries ...), so that each level of a response is one query whatever the
// parents, never one per parent.
func New(svc *service.Service) *Loaders {
	l := &Loaders{svc: svc, byArticle: argLoaders{loaders: map[string]groupLoader{}}, byTag: argLoaders{loaders: map[string]groupLoader{}}}
	l.CourseByID = NewLoader("course", hinting(svc.CoursesByIDs, l.hintCourses), notFound[*models.Course]("course"))
	l.BatchByID = NewLoader("batch", hinting(svc.BatchesByIDs, l.hintBatches), notFound[*models.Batch]("batch"))
	l.UserByID = NewLoader("user", svc.UsersByIDs, notFound[*models.User]("user"))
	l.ArticleByID = NewLoader("article", hinting(svc.ArticlesByIDs, l.hintArticles), notFound[*models.Article]("article"))
	l.TagsByArticleID = NewLoader("article_tags", hintingLists(svc.TagsByArticleIDs, l.hintTags), empty[[]*models.Tag])
	l.CommentCountByArticleID = NewLoader("article_comment_count", svc.CommentCounts, empty[int])
	l.ArticleCountByTagID = NewLoader("tag_article_count", svc.ArticleCountsByTagIDs, empty[int])
	l.ScheduleByID = NewLoader("schedule", hinting(svc.SchedulesByIDs, l.hintSchedules), notFound[*models.Schedule]("schedule"))
	l.NotesByEnquiryID = NewLoader("enquiry_notes", hintingLists(svc.NotesByEnquiryIDs, l.hintNotes), empty[[]*models.EnquiryNote])
	l.SchedulesByCourseID = NewLoader("course_schedules", hintingLists(svc.SchedulesByCourseIDs, l.hintSchedules), empty[[]*models.Schedule])
	l.SchedulesByBatchID = NewLoader("batch_schedules", hintingLists(svc.SchedulesByBatchIDs, l.hintSchedules), empty[[]*models.Schedule])
	return l
}

// hinting wraps a fetch of entities by key so that hint sees all it found at once.
func hinting[V any](fetch func(context.Context, []uint) (map[uint]V, error), hint func([]V)) func(context.Context, []uint) (map[uint]V, error) {
	return func(ctx context.Context, ids []uint) (map[uint]V, error) {
		found, err := fetch(ctx, ids)
		if err == nil {
			all := make([]V, 0, len(found))
			for _, v := range found {
				all = append(all, v)
			}
			hint(all)
		}
		return found, err
	}
}

// hintingLists wraps a fetch of lists by key so that hint sees every element of
// every list at once.
func hintingLists[V any](fetch func(context.Context, []uint) (map[uint][]V, error), hint func([]V)) func(context.Context, []uint) (map[uint][]V, error) {
	return func(ctx context.Context, ids []uint) (map[uint][]V, error) {
		found, err := fetch(ctx, ids)
		if err == nil {
			var all []V
			for _, list := range found {
				all = append(all, list...)
			}
			hint(all)
		}
		return found, err
	}
}

func (l *Loaders) hintSchedules(list []*models.Schedule) {
	courses := make([]uint, len(list))
	batches := make([]uint, len(list))
	for i, sc := range list {
		courses[i], batches[i] = sc.CourseID, sc.BatchID
		l.ScheduleByID.Prime(sc.ID, sc)
		if sc.LoadedBatch != nil {
			l.BatchByID.Prime(sc.BatchID, sc.LoadedBatch)
		}
	}
	l.CourseByID.Hint(courses)
	l.BatchByID.Hint(batches)
}

func (l *Loaders) hintCourses(list []*models.Course) {
	ids := make([]uint, len(list))
	for i, c := range list {
		ids[i] = c.ID
		l.CourseByID.Prime(c.ID, c)
	}
	l.SchedulesByCourseID.Hint(ids)
}

func (l *Loaders) hintBatches(list []*models.Batch) {
	ids := make([]uint, len(list))
	for i, b := range list {
		ids[i] = b.ID
		l.BatchByID.Prime(b.ID, b)
	}
	l.SchedulesByBatchID.Hint(ids)
}

func (l *Loaders) hintTags(list []*models.Tag) {
	ids := make([]uint, len(list))
	for i, t := range list {
		ids[i] = t.ID
	}
	l.ArticleCountByTagID.Hint(ids)
	l.mu.Lock()
	defer l.mu.Unlock()
	l.byTag.add(ids)
}

func (l *Loaders) hintNotes(list []*models.EnquiryNote) {
	ids := make([]uint, len(list))
	for i, n := range list {
		ids[i] = n.AuthorID
	}
	l.UserByID.Hint(ids)
}

// hintArticles primes articles and hints their authors, tags, comment counts, and
// the comments and related articles asked for later.
func (l *Loaders) hintArticles(list []*models.Article) {
	ids := make([]uint, len(list))
	authors := make([]uint, len(list))
	for i, a := range list {
		ids[i], authors[i] = a.ID, a.AuthorID
		l.ArticleByID.Prime(a.ID, a)
		if a.LoadedAuthor != nil {
			l.UserByID.Prime(a.AuthorID, a.LoadedAuthor)
		}
	}
	l.UserByID.Hint(authors)
	l.TagsByArticleID.Hint(ids)
	l.CommentCountByArticleID.Hint(ids)
	l.mu.Lock()
	defer l.mu.Unlock()
	l.byArticle.add(ids)
}

// Courses primes a list of courses and hints their schedules.
func (l *Loaders) Courses(list []*models.Course) { l.hintCourses(list) }

// Schedules primes a list of schedules and hints their courses and batches.
func (l *Loaders) Schedules(list []*models.Schedule) { l.hintSchedules(list) }

// Batches primes a list of batches and hints their schedules.
func (l *Loaders) Batches(list []*models.Batch) { l.hintBatches(list) }

// Articles primes a list of articles and hints their relations.
func (l *Loaders) Articles(list []*models.Article) { l.hintArticles(list) }

// Article passes one article through, priming it and hinting its relations.
func (l *Loaders) Article(a *models.Article, err error) (*models.Article, error) {
	if err == nil && a != nil {
		l.hintArticles([]*models.Article{a})
	}
	return a, err
}

// Comments hints the articles of a list of comments, so that they are one fetch.
func (l *Loaders) Comments(list []*models.Comment) {
	ids := make([]uint, len(list))
	for i, c := range list {
		ids[i] = c.ArticleID
	}
	l.ArticleByID.Hint(ids)
}

// Enquiries hints the courses, schedules, assignees and notes of a list of
// enquiries.
func (l *Loaders) Enquiries(list []*models.Enquiry) {
	var ids, courses, schedules, assignees []uint
	add := func(dst *[]uint, id *uint) {
		if id != nil {
			*dst = append(*dst, *id)
		}
	}
	for _, e := range list {
		ids = append(ids, e.ID)
		add(&courses, e.CourseID)
		add(&schedules, e.ScheduleID)
		add(&assignees, e.AssigneeID)
	}
	l.NotesByEnquiryID.Hint(ids)
	l.CourseByID.Hint(courses)
	l.ScheduleByID.Hint(schedules)
	l.UserByID.Hint(assignees)
}

// SplitNodes returns the articles and the courses among search results.
func SplitNodes(list []models.Node) (articles []*models.Article, courses []*models.Course) {
	for _, n := range list {
		switch v := n.(type) {
		case *models.Article:
			articles = append(articles, v)
		case *models.Course:
			courses = append(courses, v)
		}
	}
	return articles, courses
}

// EnquiryStats passes the inbox's counts through, hinting the courses they name.
func (l *Loaders) EnquiryStats(stats *service.EnquiryStats, err error) (*service.EnquiryStats, error) {
	if err != nil {
		return nil, err
	}
	var ids []uint
	for _, c := range stats.ByCourse {
		if c.CourseID != nil {
			ids = append(ids, *c.CourseID)
		}
	}
	l.CourseByID.Hint(ids)
	return stats, nil
}

// Tags passes a list of tags through, hinting their article counts.
func (l *Loaders) Tags(list []*models.Tag, err error) ([]*models.Tag, error) {
	if err != nil {
		return nil, err
	}
	l.hintTags(list)
	return list, nil
}

// perArgs returns the loader of set for one set of argument values (key), named
// name in the metrics, making it (hinted with the set's groups seen so far) on
// first use.
func perArgs[V any](l *Loaders, set *argLoaders, name, key string, fetch func(context.Context, []uint) (map[uint]V, error)) *Loader[uint, V] {
	l.mu.Lock()
	defer l.mu.Unlock()
	if ld, ok := set.loaders[key]; ok {
		return ld.(*Loader[uint, V])
	}
	ld := NewLoader(name, fetch, empty[V])
	for _, g := range set.groups {
		ld.Hint(g)
	}
	set.loaders[key] = ld
	return ld
}

// FirstTagArticles is the loader of tags' first page of articles for a page size
// (article lists without a cursor): one query for all the tags of a list.
func (l *Loaders) FirstTagArticles(first *int) *Loader[uint, *service.ArticleConnection] {
	return perArgs(l, &l.byTag, "tag_articles", fmt.Sprint(deref(first)),
		func(ctx context.Context, ids []uint) (map[uint]*service.ArticleConnection, error) {
			conns, err := l.svc.FirstTagArticles(ctx, ids, first)
			if err == nil {
				// All the tags' articles as one group, each once.
				seen := map[uint]bool{}
				var all []*models.Article
				for _, c := range conns {
					for _, e := range c.Edges {
						if !seen[e.Node.ID] {
							seen[e.Node.ID] = true
							all = append(all, e.Node)
						}
					}
				}
				l.hintArticles(all)
			}
			return conns, err
		})
}

// FirstComments is the loader of articles' first page of comments for the given
// arguments (comments without a cursor): one query for all the articles of a page.
func (l *Loaders) FirstComments(status *models.CommentStatus, first *int) *Loader[uint, *service.CommentConnection] {
	key := fmt.Sprintf("comments:%v:%v", deref(status), deref(first))
	return perArgs(l, &l.byArticle, "first_comments", key, func(ctx context.Context, ids []uint) (map[uint]*service.CommentConnection, error) {
		return l.svc.FirstComments(ctx, ids, status, first)
	})
}

// Related is the loader of articles' related article ids, n of each: one query for
// all the articles of a page, and the related articles themselves hinted as one
// group.
func (l *Loaders) Related(n int) *Loader[uint, []uint] {
	return perArgs(l, &l.byArticle, "related", fmt.Sprintf("related:%d", n), func(ctx context.Context, ids []uint) (map[uint][]uint, error) {
		found, err := l.svc.RelatedArticleIDs(ctx, ids, n)
		var all []uint
		for _, r := range found {
			all = append(all, r...)
		}
		l.ArticleByID.Hint(all)
		return found, err
	})
}

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

// AuditEntries passes a page of the audit log through, hinting the actors.
func (l *Loaders) AuditEntries(conn *service.AuditEntryConnection, err error) (*service.AuditEntryConnection, error) {
	if err != nil {
		return nil, err
	}
	ids := make([]uint, len(conn.Edges))
	for i, e := range conn.Edges {
		ids[i] = e.Node.ActorID
	}
	l.UserByID.Hint(ids)
	return conn, nil
}

func notFound[V any](what string) func() (V, error) {
	return func() (V, error) {
		var zero V
		return zero, models.Errorf(models.NotFound, "%s not found", what)
	}
}

func empty[V any]() (V, error) {
	var zero V
	return zero, nil
}

// Waited returns how many loads of the response waited for a fetch another
// goroutine had started (see Loader.Waited): 0 when loading ahead covered them all.
func (l *Loaders) Waited() int {
	n := l.CourseByID.Waited() + l.BatchByID.Waited() + l.SchedulesByCourseID.Waited() + l.SchedulesByBatchID.Waited() +
		l.UserByID.Waited() + l.ArticleByID.Waited() + l.TagsByArticleID.Waited() + l.CommentCountByArticleID.Waited() +
		l.ArticleCountByTagID.Waited() + l.ScheduleByID.Waited() + l.NotesByEnquiryID.Waited()
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, set := range []*argLoaders{&l.byArticle, &l.byTag} {
		for _, ld := range set.loaders {
			n += ld.Waited()
		}
	}
	return n
}

type ctxKey struct{}

// With returns ctx with fresh Loaders: call it once per response (each query, each
// subscription event), so that nothing is cached longer than one answer.
func With(ctx context.Context, svc *service.Service) context.Context {
	return context.WithValue(ctx, ctxKey{}, New(svc))
}

// For returns the response's loaders. It panics when With was not called, which
// is a wiring mistake, not a runtime condition.
func For(ctx context.Context) *Loaders {
	return ctx.Value(ctxKey{}).(*Loaders)
}
