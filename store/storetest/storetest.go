// Package storetest gives tests a fresh, migrated database on each engine and
// builders for fixtures. SQLite (in memory) is always used; MySQL is used too when
// TEST_MYSQL_DSN is set, and is required when CI is set.
//
// It may import models and store; it is imported only by tests.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"coursegraph/models"
	"coursegraph/store"

	"github.com/go-sql-driver/mysql"
)

// Run calls fn in a subtest per engine ("sqlite", and "mysql" when TEST_MYSQL_DSN is
// set), each with its own fresh, migrated database that is removed afterwards.
func Run(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, OpenSQLite(t)) })
	if dsn := os.Getenv("TEST_MYSQL_DSN"); dsn != "" {
		t.Run("mysql", func(t *testing.T) { fn(t, OpenMySQL(t, dsn)) })
	} else if os.Getenv("CI") != "" {
		t.Fatal("CI is set but TEST_MYSQL_DSN is not: the MySQL suite is required in CI")
	}
}

func uniqueName(prefix string) string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// OpenSQLite returns a fresh, migrated in-memory SQLite database private to t.
func OpenSQLite(t testing.TB) *store.Store {
	t.Helper()
	return openMigrated(t, "sqlite:memory:"+uniqueName("t"))
}

// RunURL is Run for code that opens the database itself, such as the command
// line: fn gets the URL of a fresh, empty (unmigrated) database per engine, a
// SQLite file in a temporary folder or a new MySQL database, removed afterwards.
func RunURL(t *testing.T, fn func(t *testing.T, url string)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, "sqlite:"+filepath.Join(t.TempDir(), "cg.db")) })
	if dsn := os.Getenv("TEST_MYSQL_DSN"); dsn != "" {
		t.Run("mysql", func(t *testing.T) { fn(t, CreateMySQL(t, dsn)) })
	} else if os.Getenv("CI") != "" {
		t.Fatal("CI is set but TEST_MYSQL_DSN is not: the MySQL suite is required in CI")
	}
}

// OpenMySQL creates a fresh database on the MySQL server that dsn names (its
// database part is ignored), migrates it and drops it when t ends. An unreachable
// server fails the test: it never skips.
func OpenMySQL(t testing.TB, dsn string) *store.Store {
	t.Helper()
	return openMigrated(t, CreateMySQL(t, dsn))
}

// CreateMySQL creates a fresh, empty database on the MySQL server that dsn names
// (its database part is ignored), drops it when t ends, and returns its DSN. An
// unreachable server fails the test.
func CreateMySQL(t testing.TB, dsn string) string {
	t.Helper()
	_, driverDSN, err := store.ParseURL(dsn)
	if err != nil {
		t.Fatalf("TEST_MYSQL_DSN: %v", err)
	}
	cfg, err := mysql.ParseDSN(driverDSN)
	if err != nil {
		t.Fatalf("TEST_MYSQL_DSN: %v", err)
	}
	name := uniqueName("cgtest_")
	cfg.DBName = ""
	admin, err := sql.Open("mysql", cfg.FormatDSN())
	if err != nil {
		t.Fatalf("open MySQL server: %v", err)
	}
	defer admin.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name+" CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"); err != nil {
		t.Fatalf("create test database on MySQL (is it running at %s?): %v", cfg.Addr, err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("mysql", cfg.FormatDSN())
		if err != nil {
			t.Errorf("drop test database: %v", err)
			return
		}
		defer db.Close()
		if _, err := db.Exec("DROP DATABASE " + name); err != nil {
			t.Errorf("drop test database: %v", err)
		}
	})
	cfg.DBName = name
	return cfg.FormatDSN()
}

// urls remembers the database URL of each store this package opened, for URL.
var urls sync.Map

// URL returns the database URL of s, a store opened by this package, so that a
// test may start the whole server (run) on the database it built fixtures in.
func URL(s *store.Store) string {
	u, _ := urls.Load(s)
	url, _ := u.(string)
	return url
}

func openMigrated(t testing.TB, url string) *store.Store {
	t.Helper()
	ctx := context.Background()
	s, err := store.Open(ctx, url)
	if err != nil {
		t.Fatalf("open test database: %v", err)
	}
	urls.Store(s, url)
	t.Cleanup(func() { urls.Delete(s); _ = s.Close() })
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatalf("migrate test database: %v", err)
	}
	return s
}

// Counter counts the SQL statements a store runs.
type Counter struct{ n atomic.Int64 }

// CountStatements starts counting the statements s runs.
func CountStatements(s *store.Store) *Counter {
	c := &Counter{}
	s.Observe(c)
	return c
}

// StartStatement implements store.StatementObserver.
func (c *Counter) StartStatement(ctx context.Context, _ string) context.Context { return ctx }

// EndStatement implements store.StatementObserver: it counts the statement.
func (c *Counter) EndStatement(context.Context, store.Statement) { c.n.Add(1) }

// Reset sets the count back to zero.
func (c *Counter) Reset() { c.n.Store(0) }

// Count returns the statements run since the last Reset.
func (c *Counter) Count() int { return int(c.n.Load()) }

// SQLRecorder keeps the text of the SQL statements a store ran.
type SQLRecorder struct {
	mu  sync.Mutex
	all []string
}

// RecordSQL starts recording the statements s runs.
func RecordSQL(s *store.Store) *SQLRecorder {
	r := &SQLRecorder{}
	s.Observe(r)
	return r
}

// StartStatement implements store.StatementObserver.
func (r *SQLRecorder) StartStatement(ctx context.Context, _ string) context.Context { return ctx }

// EndStatement implements store.StatementObserver: it keeps the statement's text.
func (r *SQLRecorder) EndStatement(_ context.Context, st store.Statement) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.all = append(r.all, st.SQL)
}

// All returns the text of every statement recorded, in order.
func (r *SQLRecorder) All() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.all)
}

// Last returns the text of the last statement run since RecordSQL.
func (r *SQLRecorder) Last() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.all) == 0 {
		return ""
	}
	return r.all[len(r.all)-1]
}

var seq atomic.Int64

// CreateBatch inserts a batch (by default a morning one, 90 minutes long, at the
// next free ordinal) after applying opts.
func CreateBatch(t testing.TB, s *store.Store, opts ...func(*models.Batch)) *models.Batch {
	t.Helper()
	n := int(seq.Add(1))
	b := &models.Batch{Name: fmt.Sprintf("Batch %d", n), Ordinal: n, StartTime: 8 * 60, EndTime: 9*60 + 30, Period: models.Morning}
	for _, o := range opts {
		o(b)
	}
	if err := s.UpsertBatch(context.Background(), b); err != nil {
		t.Fatalf("create batch: %v", err)
	}
	return b
}

// CreateCourse inserts an active course (by default "Course N", 4,500.00 BDT, held
// Friday and Saturday) after applying opts.
func CreateCourse(t testing.TB, s *store.Store, opts ...func(*models.Course)) *models.Course {
	t.Helper()
	n := seq.Add(1)
	c := &models.Course{
		Slug: fmt.Sprintf("course-%d", n), Title: fmt.Sprintf("Course %d", n), Summary: "A course.",
		Description: "A course.", Category: "General", Topics: []string{"Topic"},
		DurationMonths: 2, SessionsPerWeek: 2, WeekdaySet: models.NewWeekdaySet(models.Friday, models.Saturday),
		FeeAmount: 450000, FeeCurrency: "BDT", Active: true,
	}
	for _, o := range opts {
		o(c)
	}
	if err := s.UpsertCourse(context.Background(), c); err != nil {
		t.Fatalf("create course: %v", err)
	}
	return c
}

// CreateSchedule inserts a schedule of course in batch with 20 seats on the course's
// weekdays, after applying opts.
func CreateSchedule(t testing.TB, s *store.Store, course *models.Course, batch *models.Batch, opts ...func(*models.Schedule)) *models.Schedule {
	t.Helper()
	sc := &models.Schedule{CourseID: course.ID, BatchID: batch.ID, WeekdaySet: course.WeekdaySet, Capacity: 20}
	for _, o := range opts {
		o(sc)
	}
	if err := s.CreateSchedule(context.Background(), sc); err != nil {
		t.Fatalf("create schedule: %v", err)
	}
	return sc
}

// CreateCentre writes the centre's details (by default "Test Centre", reached at
// centre@example.com, in Dhaka, in BDT) after applying opts.
func CreateCentre(t testing.TB, s *store.Store, opts ...func(*models.Centre)) *models.Centre {
	t.Helper()
	c := &models.Centre{
		Name: "Test Centre", Address: []string{"1 Test Road", "Dhaka"}, Phone: "+8801700000000",
		Email: "centre@example.com", Timezone: "Asia/Dhaka", Currency: "BDT", Links: []models.CentreLink{},
	}
	for _, o := range opts {
		o(c)
	}
	if err := s.SaveCentre(context.Background(), c); err != nil {
		t.Fatalf("create centre: %v", err)
	}
	return c
}
