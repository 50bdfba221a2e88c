// Package loaders builds the per-request loaders that batch the relations of a
// GraphQL response (course.schedules, schedule.course, ...) into one query per
// relation and level, whatever the number of parents.
//
// It may import models and service; never store.
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
	// mu guards the loaders made per argument values (first comments, related
	// articles) and the article pages they are hinted with.
	mu           sync.Mutex
	byArgs       map[string]any
	articlePages [][]uint
}

// New returns fresh loaders over svc. Loading the schedules of some courses or
// batches hints their courses and batches, so that the next level is one query too.
func New(svc *service.Service) *Loaders {
	l := &Loaders{
		CourseByID: NewLoader(svc.CoursesByIDs, notFound[*models.Course]("course")),
		BatchByID:  NewLoader(svc.BatchesByIDs, notFound[*models.Batch]("batch")),
		UserByID:   NewLoader(svc.UsersByIDs, notFound[*models.User]("user")),

		ArticleByID:             NewLoader(svc.ArticlesByIDs, notFound[*models.Article]("article")),
		TagsByArticleID:         NewLoader(svc.TagsByArticleIDs, empty[[]*models.Tag]),
		CommentCountByArticleID: NewLoader(svc.CommentCounts, empty[int]),
		ArticleCountByTagID:     NewLoader(svc.ArticleCountsByTagIDs, empty[int]),

		ScheduleByID:     NewLoader(svc.SchedulesByIDs, notFound[*models.Schedule]("schedule")),
		NotesByEnquiryID: NewLoader(svc.NotesByEnquiryIDs, empty[[]*models.EnquiryNote]),

		svc:    svc,
		byArgs: map[string]any{},
	}
	l.SchedulesByCourseID = NewLoader(l.hintingSchedules(svc.SchedulesByCourseIDs), empty[[]*models.Schedule])
	l.SchedulesByBatchID = NewLoader(l.hintingSchedules(svc.SchedulesByBatchIDs), empty[[]*models.Schedule])
	return l
}

func (l *Loaders) hintingSchedules(read func(context.Context, []uint) (map[uint][]*models.Schedule, error)) func(context.Context, []uint) (map[uint][]*models.Schedule, error) {
	return func(ctx context.Context, ids []uint) (map[uint][]*models.Schedule, error) {
		found, err := read(ctx, ids)
		for _, list := range found {
			l.hintSchedules(list)
		}
		return found, err
	}
}

func (l *Loaders) hintSchedules(list []*models.Schedule) {
	courses := make([]uint, len(list))
	batches := make([]uint, len(list))
	for i, sc := range list {
		courses[i], batches[i] = sc.CourseID, sc.BatchID
	}
	l.CourseByID.Hint(courses)
	l.BatchByID.Hint(batches)
}

// Courses passes a page of courses through, priming the courses and hinting their
// schedules.
func (l *Loaders) Courses(conn *service.CourseConnection, err error) (*service.CourseConnection, error) {
	if err != nil {
		return nil, err
	}
	ids := make([]uint, len(conn.Edges))
	for i, e := range conn.Edges {
		ids[i] = e.Node.ID
		l.CourseByID.Prime(e.Node.ID, e.Node)
	}
	l.SchedulesByCourseID.Hint(ids)
	return conn, nil
}

// Schedules passes a page of schedules through, hinting their courses and batches.
func (l *Loaders) Schedules(conn *service.ScheduleConnection, err error) (*service.ScheduleConnection, error) {
	if err != nil {
		return nil, err
	}
	list := make([]*models.Schedule, len(conn.Edges))
	for i, e := range conn.Edges {
		list[i] = e.Node
	}
	l.hintSchedules(list)
	return conn, nil
}

// Batches passes a list of batches through, priming the batches and hinting their
// schedules.
func (l *Loaders) Batches(list []*models.Batch, err error) ([]*models.Batch, error) {
	if err != nil {
		return nil, err
	}
	ids := make([]uint, len(list))
	for i, b := range list {
		ids[i] = b.ID
		l.BatchByID.Prime(b.ID, b)
	}
	l.SchedulesByBatchID.Hint(ids)
	return list, nil
}

// Articles passes a page of articles through, priming the articles and hinting
// their authors, tags, comment counts, and the comments and related articles asked
// for later.
func (l *Loaders) Articles(conn *service.ArticleConnection, err error) (*service.ArticleConnection, error) {
	if err != nil {
		return nil, err
	}
	ids := make([]uint, len(conn.Edges))
	authors := make([]uint, len(conn.Edges))
	for i, e := range conn.Edges {
		ids[i], authors[i] = e.Node.ID, e.Node.AuthorID
		l.ArticleByID.Prime(e.Node.ID, e.Node)
	}
	l.UserByID.Hint(authors)
	l.TagsByArticleID.Hint(ids)
	l.CommentCountByArticleID.Hint(ids)
	l.mu.Lock()
	defer l.mu.Unlock()
	l.articlePages = append(l.articlePages, ids)
	for _, ld := range l.byArgs {
		ld.(interface{ Hint([]uint) }).Hint(ids)
	}
	return conn, nil
}

// Enquiries passes a page of the inbox through, hinting the enquiries' courses,
// schedules, assignees and notes.
func (l *Loaders) Enquiries(conn *service.EnquiryConnection, err error) (*service.EnquiryConnection, error) {
	if err != nil {
		return nil, err
	}
	var ids, courses, schedules, assignees []uint
	add := func(dst *[]uint, id *uint) {
		if id != nil {
			*dst = append(*dst, *id)
		}
	}
	for _, e := range conn.Edges {
		ids = append(ids, e.Node.ID)
		add(&courses, e.Node.CourseID)
		add(&schedules, e.Node.ScheduleID)
		add(&assignees, e.Node.AssigneeID)
	}
	l.NotesByEnquiryID.Hint(ids)
	l.CourseByID.Hint(courses)
	l.ScheduleByID.Hint(schedules)
	l.UserByID.Hint(assignees)
	return conn, nil
}

// Tags passes a list of tags through, hinting their article counts.
func (l *Loaders) Tags(list []*models.Tag, err error) ([]*models.Tag, error) {
	if err != nil {
		return nil, err
	}
	ids := make([]uint, len(list))
	for i, t := range list {
		ids[i] = t.ID
	}
	l.ArticleCountByTagID.Hint(ids)
	return list, nil
}

// perArgs returns the loader for one set of argument values, making it (hinted with
// the article pages seen so far) on first use.
func perArgs[V any](l *Loaders, key string, fetch func(context.Context, []uint) (map[uint]V, error)) *Loader[uint, V] {
	l.mu.Lock()
	defer l.mu.Unlock()
	if ld, ok := l.byArgs[key]; ok {
		return ld.(*Loader[uint, V])
	}
	ld := NewLoader(fetch, empty[V])
	for _, page := range l.articlePages {
		ld.Hint(page)
	}
	l.byArgs[key] = ld
	return ld
}

// FirstComments is the loader of articles' first page of comments for the given
// arguments (comments without a cursor): one query for all the articles of a page.
func (l *Loaders) FirstComments(status *models.CommentStatus, first *int) *Loader[uint, *service.CommentConnection] {
	key := fmt.Sprintf("comments:%v:%v", deref(status), deref(first))
	return perArgs(l, key, func(ctx context.Context, ids []uint) (map[uint]*service.CommentConnection, error) {
		return l.svc.FirstComments(ctx, ids, status, first)
	})
}

// Related is the loader of articles' related article ids, n of each: one query for
// all the articles of a page, and the related articles themselves hinted as one
// group.
func (l *Loaders) Related(n int) *Loader[uint, []uint] {
	return perArgs(l, fmt.Sprintf("related:%d", n), func(ctx context.Context, ids []uint) (map[uint][]uint, error) {
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
