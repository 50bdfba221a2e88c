// Package loaders builds the per-request loaders that batch the relations of a
// GraphQL response (course.schedules, schedule.course, ...) into one query per
// relation and level, whatever the number of parents.
//
// It may import models, service and metrics; never store.
package loaders

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"coursegraph/models"
	"coursegraph/service"
)

// Keys, one type per kind of row, so that a key of one kind cannot be given to a
// loader of another (a compile error, not a wrong answer).
type (
	ArticleID  uint
	BatchID    uint
	CourseID   uint
	EnquiryID  uint
	ScheduleID uint
	TagID      uint
	UserID     uint
)

// Loaders holds one request's loaders. Values are cached for the request only.
type Loaders struct {
	CourseByID          *Loader[CourseID, *models.Course]
	BatchByID           *Loader[BatchID, *models.Batch]
	SchedulesByCourseID *Loader[CourseID, []*models.Schedule]
	SchedulesByBatchID  *Loader[BatchID, []*models.Schedule]
	UserByID            *Loader[UserID, *models.User]

	ArticleByID             *Loader[ArticleID, *models.Article]
	TagsByArticleID         *Loader[ArticleID, []*models.Tag]
	CommentCountByArticleID *Loader[ArticleID, int]
	ArticleCountByTagID     *Loader[TagID, int]

	ScheduleByID     *Loader[ScheduleID, *models.Schedule]
	NotesByEnquiryID *Loader[EnquiryID, []*models.EnquiryNote]

	svc   *service.Service
	hints Hints
	// mu guards the loaders made per argument values and the groups they are
	// hinted with: those keyed by article (first comments, related articles)
	// with the article pages, those keyed by tag (first articles) with the tag
	// lists.
	mu        sync.Mutex
	byArticle argLoaders[ArticleID]
	byTag     argLoaders[TagID]
}

// Hints says what to hint when the loaders have entities of a kind at hand: the
// relations declared on their GraphQL type (graph/relations.go declares each
// relation once and gives New these). A nil func hints nothing.
type Hints struct {
	Courses   func(*Loaders, []*models.Course)
	Batches   func(*Loaders, []*models.Batch)
	Schedules func(*Loaders, []*models.Schedule)
	Articles  func(*Loaders, []*models.Article)
	Tags      func(*Loaders, []*models.Tag)
	Notes     func(*Loaders, []*models.EnquiryNote)
}

func hint[V any](l *Loaders, h func(*Loaders, []V), list []V) {
	if h != nil && len(list) > 0 {
		h(l, list)
	}
}

// argLoaders are the loaders made per argument values whose keys are of kind K,
// and the groups of such keys seen so far.
type argLoaders[K comparable] struct {
	loaders map[string]groupLoader[K]
	groups  [][]K
}

// groupLoader is what argLoaders needs of a Loader[K, V], whatever V.
type groupLoader[K comparable] interface {
	Hint([]K)
	Waited() int
}

// add records a group of keys and hints it to every loader of the set; a group
// equal to the last one (two relations of the same parents hint it) is recorded
// once. The caller holds l.mu.
func (a *argLoaders[K]) add(keys []K) {
	if n := len(a.groups); n > 0 && slices.Equal(a.groups[n-1], keys) {
		return
	}
	a.groups = append(a.groups, keys)
	for _, ld := range a.loaders {
		ld.Hint(keys)
	}
}

func (a *argLoaders[K]) waited() int {
	n := 0
	for _, ld := range a.loaders {
		n += ld.Waited()
	}
	return n
}

// New returns fresh loaders over svc. Every loader that fetches entities primes
// them and hints their relations (hints) for the whole batch it fetched (the
// batches and courses of all the schedules of a page of courses, the authors of
// all the notes of a page of enquiries ...), so that each level of a response is
// one query whatever the parents, never one per parent.
func New(svc *service.Service, hints Hints) *Loaders {
	l := &Loaders{
		svc: svc, hints: hints,
		byArticle: argLoaders[ArticleID]{loaders: map[string]groupLoader[ArticleID]{}},
		byTag:     argLoaders[TagID]{loaders: map[string]groupLoader[TagID]{}},
	}
	l.CourseByID = NewLoader("course", hinting(keyed[CourseID](svc.CoursesByIDs), l.Courses), notFound[*models.Course]("course"))
	l.BatchByID = NewLoader("batch", hinting(keyed[BatchID](svc.BatchesByIDs), l.Batches), notFound[*models.Batch]("batch"))
	l.UserByID = NewLoader("user", keyed[UserID](svc.UsersByIDs), notFound[*models.User]("user"))
	l.ArticleByID = NewLoader("article", hinting(keyed[ArticleID](svc.ArticlesByIDs), l.Articles), notFound[*models.Article]("article"))
	l.TagsByArticleID = NewLoader("article_tags", hintingLists(keyed[ArticleID](svc.TagsByArticleIDs), l.Tags), empty[[]*models.Tag])
	l.CommentCountByArticleID = NewLoader("article_comment_count", keyed[ArticleID](svc.CommentCounts), empty[int])
	l.ArticleCountByTagID = NewLoader("tag_article_count", keyed[TagID](svc.ArticleCountsByTagIDs), empty[int])
	l.ScheduleByID = NewLoader("schedule", hinting(keyed[ScheduleID](svc.SchedulesByIDs), l.Schedules), notFound[*models.Schedule]("schedule"))
	l.NotesByEnquiryID = NewLoader("enquiry_notes", hintingLists(keyed[EnquiryID](svc.NotesByEnquiryIDs), l.notes), empty[[]*models.EnquiryNote])
	l.SchedulesByCourseID = NewLoader("course_schedules", hintingLists(keyed[CourseID](svc.SchedulesByCourseIDs), l.Schedules), empty[[]*models.Schedule])
	l.SchedulesByBatchID = NewLoader("batch_schedules", hintingLists(keyed[BatchID](svc.SchedulesByBatchIDs), l.Schedules), empty[[]*models.Schedule])
	return l
}

// keyed adapts a fetch by the service's bare keys to typed keys K.
func keyed[K ~uint, V any](fetch func(context.Context, []uint) (map[uint]V, error)) func(context.Context, []K) (map[K]V, error) {
	return func(ctx context.Context, keys []K) (map[K]V, error) {
		ids := make([]uint, len(keys))
		for i, k := range keys {
			ids[i] = uint(k)
		}
		found, err := fetch(ctx, ids)
		if err != nil {
			return nil, err
		}
		out := make(map[K]V, len(found))
		for id, v := range found {
			out[K(id)] = v
		}
		return out, nil
	}
}

// hinting wraps a fetch of entities by key so that hint sees all it found at once.
func hinting[K comparable, V any](fetch func(context.Context, []K) (map[K]V, error), hint func([]V)) func(context.Context, []K) (map[K]V, error) {
	return func(ctx context.Context, keys []K) (map[K]V, error) {
		found, err := fetch(ctx, keys)
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
func hintingLists[K comparable, V any](fetch func(context.Context, []K) (map[K][]V, error), hint func([]V)) func(context.Context, []K) (map[K][]V, error) {
	return func(ctx context.Context, keys []K) (map[K][]V, error) {
		found, err := fetch(ctx, keys)
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

// Courses primes a list of courses and hints their relations.
func (l *Loaders) Courses(list []*models.Course) {
	for _, c := range list {
		l.CourseByID.Prime(CourseID(c.ID), c)
	}
	hint(l, l.hints.Courses, list)
}

// Schedules primes a list of schedules and hints their relations.
func (l *Loaders) Schedules(list []*models.Schedule) {
	for _, sc := range list {
		l.ScheduleByID.Prime(ScheduleID(sc.ID), sc)
	}
	hint(l, l.hints.Schedules, list)
}

// Batches primes a list of batches and hints their relations.
func (l *Loaders) Batches(list []*models.Batch) {
	for _, b := range list {
		l.BatchByID.Prime(BatchID(b.ID), b)
	}
	hint(l, l.hints.Batches, list)
}

// Articles primes a list of articles and hints their relations.
func (l *Loaders) Articles(list []*models.Article) {
	for _, a := range list {
		if !a.Partial { // a partial article is not what ArticleByID answers
			l.ArticleByID.Prime(ArticleID(a.ID), a)
		}
	}
	hint(l, l.hints.Articles, list)
}

// Tags hints the relations of a list of tags (there is no loader of tags by id
// to prime).
func (l *Loaders) Tags(list []*models.Tag) { hint(l, l.hints.Tags, list) }

func (l *Loaders) notes(list []*models.EnquiryNote) { hint(l, l.hints.Notes, list) }

// HintArticlePages records a group of articles for the loaders per argument
// values keyed by article (first comments, related articles), made now or later.
func (l *Loaders) HintArticlePages(keys []ArticleID) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.byArticle.add(keys)
}

// HintTagPages records a group of tags for the loaders per argument values keyed
// by tag (a tag's first articles), made now or later.
func (l *Loaders) HintTagPages(keys []TagID) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.byTag.add(keys)
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

// perArgs returns the loader of set for one set of argument values (key), named
// name in the metrics, making it (hinted with the set's groups seen so far) on
// first use.
func perArgs[K comparable, V any](l *Loaders, set *argLoaders[K], name, key string, fetch func(context.Context, []K) (map[K]V, error)) *Loader[K, V] {
	l.mu.Lock()
	defer l.mu.Unlock()
	if ld, ok := set.loaders[key]; ok {
		return ld.(*Loader[K, V])
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
func (l *Loaders) FirstTagArticles(first *int) *Loader[TagID, *service.ArticleConnection] {
	fetch := keyed[TagID](func(ctx context.Context, ids []uint) (map[uint]*service.ArticleConnection, error) {
		return l.svc.FirstTagArticles(ctx, ids, first)
	})
	return perArgs(l, &l.byTag, "tag_articles", fmt.Sprint(deref(first)),
		func(ctx context.Context, ids []TagID) (map[TagID]*service.ArticleConnection, error) {
			conns, err := fetch(ctx, ids)
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
				l.Articles(all)
			}
			return conns, err
		})
}

// FirstComments is the loader of articles' first page of comments for the given
// arguments (comments without a cursor): one query for all the articles of a page.
// When counted (the response asks for the counts), the articles' counts are read
// with them, through CommentCountByArticleID for approved comments (one count for
// this and the articles' commentCount, or none where the comments tell it), as
// service.FirstComments decides.
func (l *Loaders) FirstComments(status *models.CommentStatus, first *int, counted bool) *Loader[ArticleID, *service.CommentConnection] {
	key := fmt.Sprintf("comments:%v:%v:%v", deref(status), deref(first), counted)
	return perArgs(l, &l.byArticle, "first_comments", key, keyed[ArticleID](func(ctx context.Context, ids []uint) (map[uint]*service.CommentConnection, error) {
		var counts service.CommentCounts
		if counted {
			counts = commentCounts{l}
		}
		return l.svc.FirstComments(ctx, ids, status, first, counts)
	}))
}

// commentCounts are the approved comment counts of CommentCountByArticleID, for
// service.FirstComments.
type commentCounts struct{ l *Loaders }

// Known primes the count of an article.
func (c commentCounts) Known(id uint, n int) { c.l.CommentCountByArticleID.Prime(ArticleID(id), n) }

// Count loads the counts of the articles, as one group.
func (c commentCounts) Count(ctx context.Context, ids []uint) (map[uint]int, error) {
	l := c.l
	keys := make([]ArticleID, len(ids))
	for i, id := range ids {
		keys[i] = ArticleID(id)
	}
	l.CommentCountByArticleID.Hint(keys)
	out := make(map[uint]int, len(ids))
	for _, k := range keys {
		n, err := l.CommentCountByArticleID.Load(ctx, k)
		if err != nil {
			return nil, err
		}
		out[uint(k)] = n
	}
	return out, nil
}

// Related is the loader of articles' related article ids, n of each: one query for
// all the articles of a page, and the related articles themselves hinted as one
// group.
func (l *Loaders) Related(n int) *Loader[ArticleID, []ArticleID] {
	return perArgs(l, &l.byArticle, "related", fmt.Sprintf("related:%d", n), func(ctx context.Context, keys []ArticleID) (map[ArticleID][]ArticleID, error) {
		ids := make([]uint, len(keys))
		for i, k := range keys {
			ids[i] = uint(k)
		}
		found, err := l.svc.RelatedArticleIDs(ctx, ids, n)
		out := make(map[ArticleID][]ArticleID, len(found))
		var all []ArticleID
		for id, related := range found {
			keys := make([]ArticleID, len(related))
			for i, r := range related {
				keys[i] = ArticleID(r)
			}
			out[ArticleID(id)] = keys
			all = append(all, keys...)
		}
		l.ArticleByID.Hint(all)
		return out, err
	})
}

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
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
	return n + l.byArticle.waited() + l.byTag.waited()
}

type ctxKey struct{}

// With returns ctx with fresh Loaders: call it once per response (each query, each
// subscription event), so that nothing is cached longer than one answer.
func With(ctx context.Context, svc *service.Service, hints Hints) context.Context {
	return context.WithValue(ctx, ctxKey{}, New(svc, hints))
}

// For returns the response's loaders. It panics when With was not called, which
// is a wiring mistake, not a runtime condition.
func For(ctx context.Context) *Loaders {
	return ctx.Value(ctxKey{}).(*Loaders)
}
