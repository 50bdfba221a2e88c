// Package storetest gives tests a fresh, migrated database on each engine and
// builders for fixtures. SQLite (in memory) is always used; MySQL is used too when
// TEST_MYSQL_DSN is set, and is required when CI is set; TiDB is used too when
// TEST_TIDB_DSN is set. TEST_ENGINE (sqlite, mysql or tidb) runs one of them alone.
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
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"coursegraph/models"
	"coursegraph/store"

	"github.com/go-sql-driver/mysql"
)

// Run calls fn in a subtest per engine ("sqlite"; "mysql" when TEST_MYSQL_DSN is
// set; "tidb" when TEST_TIDB_DSN is set), each with a freshly migrated database:
// a new one, removed afterwards, on SQLite and MySQL; on TiDB, one database
// migrated once per test binary and reset to its migrated state before each test
// (see OpenTiDB). TEST_ENGINE names one engine to run alone (CI's TiDB step).
func Run(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	t.Helper()
	engines(t,
		func(t *testing.T) { fn(t, OpenSQLite(t)) },
		func(t *testing.T, dsn string) { fn(t, OpenMySQL(t, dsn)) },
		func(t *testing.T, dsn string) { fn(t, OpenTiDB(t, dsn)) })
}

// engines runs a subtest per engine the environment names.
func engines(t *testing.T, sqlite func(*testing.T), mysql, tidb func(*testing.T, string)) {
	t.Helper()
	only := os.Getenv("TEST_ENGINE")
	if only != "" && only != "sqlite" && only != "mysql" && only != "tidb" {
		t.Fatalf("TEST_ENGINE=%s: want sqlite, mysql or tidb", only)
	}
	if only == "" || only == "sqlite" {
		t.Run("sqlite", sqlite)
	}
	if only == "" || only == "mysql" {
		if dsn := os.Getenv("TEST_MYSQL_DSN"); dsn != "" {
			t.Run("mysql", func(t *testing.T) { mysql(t, dsn) })
		} else if os.Getenv("CI") != "" || only == "mysql" {
			t.Fatal("TEST_MYSQL_DSN is not set: the MySQL suite is required in CI (and by TEST_ENGINE=mysql)")
		}
	}
	if only == "" || only == "tidb" {
		if dsn := os.Getenv("TEST_TIDB_DSN"); dsn != "" {
			t.Run("tidb", func(t *testing.T) { tidb(t, dsn) })
		} else if only == "tidb" {
			t.Fatal("TEST_ENGINE=tidb needs TEST_TIDB_DSN")
		}
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
// SQLite file in a temporary folder or a new MySQL or TiDB database, removed
// afterwards.
func RunURL(t *testing.T, fn func(t *testing.T, url string)) {
	t.Helper()
	engines(t,
		func(t *testing.T) { fn(t, "sqlite:"+filepath.Join(t.TempDir(), "cg.db")) },
		func(t *testing.T, dsn string) { fn(t, CreateMySQL(t, dsn)) },
		func(t *testing.T, dsn string) { fn(t, CreateMySQL(t, dsn)) })
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
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cfg, name, err := createDatabase(ctx, dsn, "cgtest_")
	if err != nil {
		t.Fatalf("TEST_MYSQL_DSN: %v", err)
	}
	t.Cleanup(func() {
		cfg.DBName = ""
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

// createDatabase creates an empty database named prefix and a random suffix on
// the MySQL-compatible server that dsn names (its database part is ignored),
// and returns the server's configuration (without a database) and the name.
func createDatabase(ctx context.Context, dsn, prefix string) (*mysql.Config, string, error) {
	_, driverDSN, err := store.ParseURL(dsn)
	if err != nil {
		return nil, "", err
	}
	cfg, err := mysql.ParseDSN(driverDSN)
	if err != nil {
		return nil, "", err
	}
	cfg.DBName = ""
	admin, err := sql.Open("mysql", cfg.FormatDSN())
	if err != nil {
		return nil, "", fmt.Errorf("open the server: %w", err)
	}
	defer admin.Close()
	name := uniqueName(prefix)
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name+" CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"); err != nil {
		return nil, "", fmt.Errorf("create a test database (is the server running at %s?): %w", cfg.Addr, err)
	}
	return cfg, name, nil
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

// tidbShared is the database each TEST_TIDB_DSN gets in this test binary.
var tidbShared sync.Map // dsn -> *tidbDatabase

type tidbDatabase struct {
	once   sync.Once
	dsn    string // of the database
	tables []string
	kept   map[string]tableRows // the rows the migrations wrote (job_leases)
	err    error
}

type tableRows struct {
	columns []string
	rows    [][]any
}

// OpenTiDB returns a store on a migrated database on the TiDB server that dsn
// names (its database part is ignored), as a fresh one would be: only the rows
// the migrations wrote, and auto-increment ids from 1. Every DDL statement is an
// online job on TiDB, so the migrations run once per test binary, into a database
// of its own that is left on the server (CI's TiDB keeps its data in memory and
// goes with the run); before each test, each table that a test wrote to is
// truncated (which restarts its ids) and the migrations' rows written again. An
// unreachable server fails the test: it never skips.
func OpenTiDB(t testing.TB, dsn string) *store.Store {
	t.Helper()
	v, _ := tidbShared.LoadOrStore(dsn, &tidbDatabase{})
	d := v.(*tidbDatabase)
	d.once.Do(func() { d.err = d.create(dsn) })
	if d.err != nil {
		t.Fatalf("TEST_TIDB_DSN: %v", d.err)
	}
	if err := d.reset(); err != nil {
		t.Fatalf("reset the TiDB test database: %v", err)
	}
	ctx := context.Background()
	s, err := store.Open(ctx, d.dsn)
	if err != nil {
		t.Fatalf("open test database: %v", err)
	}
	urls.Store(s, d.dsn)
	t.Cleanup(func() { urls.Delete(s); _ = s.Close() })
	return s
}

func (d *tidbDatabase) create(dsn string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cfg, name, err := createDatabase(ctx, dsn, "cgtest_tidb_")
	if err != nil {
		return err
	}
	admin, err := sql.Open("mysql", cfg.FormatDSN())
	if err != nil {
		return fmt.Errorf("open TiDB server: %w", err)
	}
	defer admin.Close()
	cfg.DBName = name
	d.dsn = cfg.FormatDSN()
	s, err := store.Open(ctx, d.dsn)
	if err != nil {
		return err
	}
	defer s.Close()
	if tidb, err := s.IsTiDB(ctx); err != nil || !tidb {
		return fmt.Errorf("the server at %s is not TiDB (%v)", cfg.Addr, err)
	}
	if _, err := s.Migrate(ctx); err != nil {
		return fmt.Errorf("migrate test database: %w", err)
	}
	rows, err := admin.QueryContext(ctx, "SELECT table_name FROM information_schema.tables WHERE table_schema = ? AND table_type = 'BASE TABLE' AND table_name <> 'goose_db_version' ORDER BY table_name", name)
	if err != nil {
		return fmt.Errorf("list tables: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var table string
		if err := rows.Scan(&table); err != nil {
			return fmt.Errorf("list tables: %w", err)
		}
		d.tables = append(d.tables, table)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("list tables: %w", err)
	}
	db, err := sql.Open("mysql", d.dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	d.kept = map[string]tableRows{}
	for _, table := range d.tables {
		kept, err := readRows(ctx, db, table)
		if err != nil {
			return err
		}
		if len(kept.rows) > 0 {
			d.kept[table] = kept
		}
	}
	return nil
}

func readRows(ctx context.Context, db *sql.DB, table string) (tableRows, error) {
	rows, err := db.QueryContext(ctx, "SELECT * FROM `"+table+"`")
	if err != nil {
		return tableRows{}, fmt.Errorf("read %s: %w", table, err)
	}
	defer rows.Close()
	var out tableRows
	if out.columns, err = rows.Columns(); err != nil {
		return tableRows{}, err
	}
	for rows.Next() {
		vals := make([]any, len(out.columns))
		ptrs := make([]any, len(vals))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return tableRows{}, fmt.Errorf("read %s: %w", table, err)
		}
		out.rows = append(out.rows, vals)
	}
	return out, rows.Err()
}

// reset makes the database as the migrations left it: in one session without
// foreign key checks, it truncates each table that has rows or whose ids have
// moved (TRUNCATE, unlike DELETE, restarts them; each is a DDL job, so only the
// tables a test used), then writes the migrations' rows again.
func (d *tidbDatabase) reset() error {
	db, err := sql.Open("mysql", d.dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SET FOREIGN_KEY_CHECKS = 0"); err != nil {
		return err
	}
	used := map[string]bool{}
	rows, err := conn.QueryContext(ctx, "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() AND auto_increment > 1")
	if err != nil {
		return fmt.Errorf("list used tables: %w", err)
	}
	for rows.Next() {
		var table string
		if err := rows.Scan(&table); err != nil {
			rows.Close()
			return err
		}
		used[table] = true
	}
	rows.Close()
	counts := make([]string, len(d.tables))
	for i, table := range d.tables {
		counts[i] = "SELECT '" + table + "', COUNT(*) FROM `" + table + "`"
	}
	rows, err = conn.QueryContext(ctx, strings.Join(counts, " UNION ALL "))
	if err != nil {
		return fmt.Errorf("count rows: %w", err)
	}
	for rows.Next() {
		var table string
		var n int
		if err := rows.Scan(&table, &n); err != nil {
			rows.Close()
			return err
		}
		if n > 0 {
			used[table] = true
		}
	}
	rows.Close()
	for _, table := range d.tables {
		if !used[table] {
			continue
		}
		if _, err := conn.ExecContext(ctx, "TRUNCATE TABLE `"+table+"`"); err != nil {
			return fmt.Errorf("truncate %s: %w", table, err)
		}
		kept := d.kept[table]
		for _, row := range kept.rows {
			marks := strings.TrimSuffix(strings.Repeat("?, ", len(row)), ", ")
			if _, err := conn.ExecContext(ctx, "INSERT INTO `"+table+"` (`"+strings.Join(kept.columns, "`, `")+"`) VALUES ("+marks+")", row...); err != nil {
				return fmt.Errorf("restore %s: %w", table, err)
			}
		}
	}
	return nil
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
type Counter struct{ n, built atomic.Int64 }

// CountStatements starts counting the statements s runs.
func CountStatements(s *store.Store) *Counter {
	c := &Counter{}
	s.Observe(c)
	return c
}

// StartStatement implements store.StatementObserver.
func (c *Counter) StartStatement(ctx context.Context, _ string) context.Context { return ctx }

// EndStatement implements store.StatementObserver: it counts the statement.
func (c *Counter) EndStatement(_ context.Context, st store.Statement) {
	c.n.Add(1)
	if st.Kind != store.ReadKind {
		c.built.Add(1)
	}
}

// Reset sets the counts back to zero.
func (c *Counter) Reset() { c.n.Store(0); c.built.Store(0) }

// Count returns the statements run since the last Reset.
func (c *Counter) Count() int { return int(c.n.Load()) }

// BuiltByGORM returns how many of them GORM built: all but the read path's own.
func (c *Counter) BuiltByGORM() int { return int(c.built.Load()) }

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
