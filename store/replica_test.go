package store_test

import (
	"context"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"coursegraph/models"
	"coursegraph/readroute"
	"coursegraph/store"
	"coursegraph/store/storetest"
)

// servedBy records which connection served each statement: the replica's
// name, or "primary".
type servedBy struct {
	mu  sync.Mutex
	all []string
}

func (r *servedBy) StartStatement(ctx context.Context, _ string) context.Context { return ctx }

func (r *servedBy) EndStatement(_ context.Context, st store.Statement) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if st.Replica == "" {
		r.all = append(r.all, "primary")
	} else {
		r.all = append(r.all, "replica")
	}
}

func (r *servedBy) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.all
	r.all = nil
	return out
}

// The "replica" in these tests is a second database on the same server,
// migrated, whose rows differ from the primary's, so that each read shows
// where it ran; its heartbeat row is set by the test (nothing replicates into
// it). The real replication, with a stopped SQL thread, is `make scaleout-test`.
func TestReadsGoToAReplicaInRotationAndEverythingElseToThePrimary(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		if s.Dialect() == store.SQLite {
			err := s.UseReplicas(ctx, []string{"mysql://u@127.0.0.1:1/x"}, store.ReplicaOptions{MaxLag: time.Second})
			if err == nil || !strings.Contains(err.Error(), "need a MySQL primary") {
				t.Fatalf("UseReplicas on SQLite: got %v, want a refusal naming MySQL", err)
			}
			return
		}
		replica := storetest.OpenMySQL(t, os.Getenv("TEST_MYSQL_DSN"))
		storetest.CreateCourse(t, s, func(c *models.Course) { c.Slug, c.Title = "networks", "On the primary" })
		storetest.CreateCourse(t, replica, func(c *models.Course) { c.Slug, c.Title = "networks", "On the replica" })
		rec := &servedBy{}
		s.Observe(rec)
		if err := s.UseReplicas(ctx, []string{storetest.URL(replica)}, store.ReplicaOptions{MaxLag: 2 * time.Second}); err != nil {
			t.Fatal(err)
		}
		rec.take() // the first check's heartbeat
		// title reads the course twice, once as GORM builds the read and once as
		// the read path writes its own (read.go): both go to the same place.
		title := func(ctx context.Context) string {
			t.Helper()
			c, err := s.CourseBySlug(ctx, "networks")
			if err != nil {
				t.Fatal(err)
			}
			page, err := s.Courses(ctx, models.CourseFilter{}, models.CourseOrder{}, models.PageArgs{First: 10})
			if err != nil {
				t.Fatal(err)
			}
			for _, k := range page {
				if k.Row.Slug == "networks" && k.Row.Title != c.Title {
					t.Errorf("the read path read %q where GORM's read %q", k.Row.Title, c.Title)
				}
			}
			return c.Title
		}

		t.Run("a plain read runs on the replica, and the request's record notes it", func(t *testing.T) {
			rctx, reads := readroute.Track(ctx)
			if got := title(rctx); got != "On the replica" {
				t.Errorf("read %q", got)
			}
			if !reads.Replica() {
				t.Error("the request's record does not note the replica read")
			}
			if got := rec.take(); strings.Join(got, ",") != "replica,replica" {
				t.Errorf("served by %v", got)
			}
		})
		t.Run("a read whose context asks for the primary runs on the primary", func(t *testing.T) {
			rctx, reads := readroute.Track(readroute.Primary(ctx))
			if got := title(rctx); got != "On the primary" {
				t.Errorf("read %q", got)
			}
			if reads.Replica() {
				t.Error("the record notes a replica read")
			}
		})
		t.Run("a read in a transaction runs on the primary", func(t *testing.T) {
			err := s.WithTx(ctx, func(tx *store.Store) error {
				c, err := tx.CourseBySlug(ctx, "networks")
				if err == nil && c.Title != "On the primary" {
					t.Errorf("read %q", c.Title)
				}
				if err != nil {
					return err
				}
				page, err := tx.Courses(ctx, models.CourseFilter{}, models.CourseOrder{}, models.PageArgs{First: 10})
				if err == nil && (len(page) != 1 || page[0].Row.Title != "On the primary") {
					t.Errorf("the read path read %d courses in the transaction, want the primary's one", len(page))
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		})
		t.Run("a locking read runs on the primary", func(t *testing.T) {
			rec.take()
			if _, err := s.LockActiveAdmins(ctx); err != nil {
				t.Fatal(err)
			}
			for _, by := range rec.take() {
				if by != "primary" {
					t.Errorf("a locking read served by %s", by)
				}
			}
		})
		t.Run("a write and what it reads back, in a context for the primary (a mutation's), run on the primary", func(t *testing.T) {
			rec.take()
			c := &models.Course{Slug: "written", Title: "Written", Summary: "A course.", Description: "A course.", Category: "General",
				Topics: []string{"Topic"}, DurationMonths: 1, SessionsPerWeek: 1, FeeAmount: 100, FeeCurrency: "BDT", Active: true}
			if err := s.UpsertCourse(readroute.Primary(ctx), c); err != nil {
				t.Fatal(err)
			}
			got := rec.take()
			if len(got) == 0 {
				t.Fatal("no statement recorded")
			}
			for _, by := range got {
				if by != "primary" {
					t.Errorf("served by %v", got)
				}
			}
		})
		t.Run("a replica that lags more than the maximum is out of rotation until it catches up", func(t *testing.T) {
			setHeartbeat(t, replica, "UTC_TIMESTAMP(6) - INTERVAL 30 SECOND")
			s.CheckReplicas(ctx)
			st := s.Replicas()[0]
			if st.InRotation || st.Lag < 29*time.Second || !strings.Contains(st.Err, "over REPLICA_MAX_LAG") {
				t.Errorf("state %+v, want out of rotation with a lag of 30s", st)
			}
			if got := title(ctx); got != "On the primary" {
				t.Errorf("read %q while the only replica lags", got)
			}
			setHeartbeat(t, replica, "UTC_TIMESTAMP(6)")
			s.CheckReplicas(ctx)
			if st := s.Replicas()[0]; !st.InRotation || st.Lag > 2*time.Second {
				t.Errorf("state %+v, want back in rotation", st)
			}
			if got := title(ctx); got != "On the replica" {
				t.Errorf("read %q once the replica caught up", got)
			}
		})
	})
}

func TestAReplicaThatDoesNotAnswerIsOutOfRotation(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		if s.Dialect() == store.SQLite {
			return // refused, above
		}
		ctx := context.Background()
		storetest.CreateCourse(t, s, func(c *models.Course) { c.Slug = "unanswered" })
		if err := s.UseReplicas(ctx, []string{"mysql://root@127.0.0.1:1/nothing?timeout=1s"}, store.ReplicaOptions{MaxLag: time.Second}); err != nil {
			t.Fatal(err)
		}
		if st := s.Replicas()[0]; st.InRotation || st.Err != "not answering" || st.Name != "127.0.0.1:1" {
			t.Errorf("state %+v, want out of rotation, not answering", st)
		}
		if _, err := s.CourseBySlug(ctx, "unanswered"); err != nil {
			t.Errorf("a read with no replica in rotation: %v", err)
		}
	})
}

func setHeartbeat(t *testing.T, s *store.Store, expr string) {
	t.Helper()
	db, err := s.SQL()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("UPDATE replica_heartbeat SET beat_at = " + expr + " WHERE id = 1"); err != nil {
		t.Fatal(err)
	}
}
