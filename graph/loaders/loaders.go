// Package loaders builds the per-request loaders that batch the relations of a
// GraphQL response (course.schedules, schedule.course, ...) into one query per
// relation and level, whatever the number of parents.
//
// It may import models and service; never store.
package loaders

import (
	"context"
	"net/http"

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
}

// New returns fresh loaders over svc. Loading the schedules of some courses or
// batches hints their courses and batches, so that the next level is one query too.
func New(svc *service.Service) *Loaders {
	l := &Loaders{
		CourseByID: NewLoader(svc.CoursesByIDs, notFound[*models.Course]("course")),
		BatchByID:  NewLoader(svc.BatchesByIDs, notFound[*models.Batch]("batch")),
		UserByID:   NewLoader(svc.UsersByIDs, notFound[*models.User]("user")),
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

// Middleware gives every request its own Loaders.
func Middleware(svc *service.Service, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := context.WithValue(r.Context(), ctxKey{}, New(svc))
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// For returns the request's loaders. It panics when Middleware did not run, which
// is a wiring mistake, not a runtime condition.
func For(ctx context.Context) *Loaders {
	return ctx.Value(ctxKey{}).(*Loaders)
}
