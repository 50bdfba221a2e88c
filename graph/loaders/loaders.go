// Package loaders builds the per-request dataloaders that batch the relations of a
// GraphQL response (course.schedules, schedule.course, ...) into one query per
// relation and level, whatever the number of parents.
//
// It may import models, service and the dataloader library; never store.
package loaders

import (
	"context"
	"net/http"
	"time"

	"coursegraph/models"
	"coursegraph/service"

	"github.com/vikstrous/dataloadgen"
)

// Loaders holds one request's loaders. Values are cached for the request only.
type Loaders struct {
	CourseByID          *dataloadgen.Loader[uint, *models.Course]
	BatchByID           *dataloadgen.Loader[uint, *models.Batch]
	SchedulesByCourseID *dataloadgen.Loader[uint, []*models.Schedule]
	SchedulesByBatchID  *dataloadgen.Loader[uint, []*models.Schedule]
}

// wait is how long a loader gathers keys before it queries. Resolvers of one level
// run together, so a few milliseconds gather them all, even on a busy machine.
const wait = 5 * time.Millisecond

// New returns fresh loaders over svc.
func New(svc *service.Service) *Loaders {
	return &Loaders{
		CourseByID:          dataloadgen.NewLoader(fetch(svc.CoursesByIDs, notFound[*models.Course]("course")), dataloadgen.WithWait(wait)),
		BatchByID:           dataloadgen.NewLoader(fetch(svc.BatchesByIDs, notFound[*models.Batch]("batch")), dataloadgen.WithWait(wait)),
		SchedulesByCourseID: dataloadgen.NewLoader(fetch(svc.SchedulesByCourseIDs, empty[[]*models.Schedule]), dataloadgen.WithWait(wait)),
		SchedulesByBatchID:  dataloadgen.NewLoader(fetch(svc.SchedulesByBatchIDs, empty[[]*models.Schedule]), dataloadgen.WithWait(wait)),
	}
}

// fetch adapts a service batch read (which returns a map) to a loader's fetch
// function, answering missing keys with missing.
func fetch[V any](read func(context.Context, []uint) (map[uint]V, error), missing func() (V, error)) func(context.Context, []uint) ([]V, []error) {
	return func(ctx context.Context, keys []uint) ([]V, []error) {
		values := make([]V, len(keys))
		errs := make([]error, len(keys))
		found, err := read(ctx, keys)
		for i, k := range keys {
			switch v, ok := found[k]; {
			case err != nil:
				errs[i] = err
			case ok:
				values[i] = v
			default:
				values[i], errs[i] = missing()
			}
		}
		return values, errs
	}
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
