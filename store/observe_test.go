package store_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"coursegraph/models"
	"coursegraph/store"
	"coursegraph/store/storetest"
)

// recorder is a StatementObserver that keeps what it sees, and checks that each
// statement ends with the context its start returned.
type recorder struct {
	mu    sync.Mutex
	seen  []store.Statement
	reqs  []string
	wrong int
}

type stmtKey struct{}

type reqKey struct{}

func (r *recorder) StartStatement(ctx context.Context, kind string) context.Context {
	return context.WithValue(ctx, stmtKey{}, kind)
}

func (r *recorder) EndStatement(ctx context.Context, st store.Statement) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if ctx.Value(stmtKey{}) != st.Kind {
		r.wrong++
	}
	req, _ := ctx.Value(reqKey{}).(string)
	r.seen = append(r.seen, st)
	r.reqs = append(r.reqs, req)
}

func TestObserversSeeEveryStatementWithItsRequestsContext(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		rec := &recorder{}
		s.Observe(rec)
		course := storetest.CreateCourse(t, s)
		rec.mu.Lock()
		rec.seen, rec.reqs = nil, nil
		rec.mu.Unlock()

		ctx := context.WithValue(context.Background(), reqKey{}, "request 1")
		if _, err := s.CourseBySlug(ctx, course.Slug); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CourseBySlug(ctx, "no-such-course"); !isNotFound(err) {
			t.Fatalf("missing course = %v; want NotFound", err)
		}
		err := s.WithTx(ctx, func(tx *store.Store) error {
			return tx.CreateUser(ctx, &models.User{Name: "Observed", Email: "observed@example.com", Role: models.RoleStaff, Active: true, PasswordHash: "x"})
		})
		if err != nil {
			t.Fatal(err)
		}

		rec.mu.Lock()
		defer rec.mu.Unlock()
		if rec.wrong != 0 {
			t.Errorf("%d statements ended without the context their start returned", rec.wrong)
		}
		if len(rec.seen) != 3 {
			t.Fatalf("saw %d statements; want the 2 lookups and the insert in the transaction: %+v", len(rec.seen), rec.seen)
		}
		for i, st := range rec.seen {
			if rec.reqs[i] != "request 1" {
				t.Errorf("statement %d did not carry the caller's context", i)
			}
			if st.Err != nil {
				t.Errorf("statement %d failed: %v (a lookup that finds nothing ran well)", i, st.Err)
			}
			if st.Duration <= 0 {
				t.Errorf("statement %d took %v", i, st.Duration)
			}
			if strings.Contains(st.SQL, course.Slug) || strings.Contains(st.SQL, "observed@example.com") {
				t.Errorf("statement %d shows its arguments: %s", i, st.SQL)
			}
		}
		if st := rec.seen[2]; st.Kind != "create" || !strings.HasPrefix(st.SQL, "INSERT") || st.Rows != 1 {
			t.Errorf("the insert was seen as %+v", st)
		}
	})
}

func isNotFound(err error) bool {
	me, ok := errors.AsType[*models.Error](err)
	return ok && me.Code == models.NotFound
}
