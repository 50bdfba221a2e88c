package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/ncruces/go-sqlite3"
	_ "github.com/ncruces/go-sqlite3/embed" // the SQLite engine, compiled to WebAssembly: no cgo
	"github.com/ncruces/go-sqlite3/gormlite"
	_ "github.com/ncruces/go-sqlite3/vfs/memdb" // in-memory databases shared by a pool, for tests
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"
	gormmysql "gorm.io/driver/mysql"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Dialect names a database engine.
type Dialect string

// The supported engines.
const (
	SQLite Dialect = "sqlite"
	MySQL  Dialect = "mysql"
)

// Store is the database. It is safe for concurrent use.
type Store struct {
	db        *gorm.DB
	dialect   Dialect
	inTx      bool // in a transaction: WithTx nests and never retries
	observers *observers
	// staffAuthors: reads of articles join their authors' columns that staff
	// may see, not only the public ones (see ForStaff).
	staffAuthors bool
	replicas     *replicas // read replicas (UseReplicas), or nil
}

// ForStaff returns the store with which reads of articles join their authors'
// columns that staff may see (email, role, ...; never the password hash), for
// the service to use when the caller is staff. Reads for anyone else join the
// public columns only, so that a reader's request never holds what it may not see.
func (s *Store) ForStaff() *Store {
	staff := *s
	staff.staffAuthors = true
	return &staff
}

// mysqlPool sizes a MySQL connection pool (the primary's and each replica's):
// as many idle connections as open ones, since under load a smaller idle pool
// closes connections only to open them again (with their session set-up).
func mysqlPool(db *sql.DB) {
	db.SetMaxOpenConns(25)
	db.SetMaxIdleConns(25)
	db.SetConnMaxLifetime(30 * time.Minute)
	db.SetConnMaxIdleTime(5 * time.Minute)
}

// Now is the clock GORM stamps created_at and updated_at with: UTC, whole seconds,
// so that stored times compare the same way as text (SQLite) and as DATETIME (MySQL).
func Now() time.Time { return time.Now().UTC().Truncate(time.Second) }

// Open connects to the database that url names:
//   - "mysql://user:pass@host:3306/db?param=value", or a plain Go MySQL DSN such as
//     "user:pass@tcp(host:3306)/db";
//   - "sqlite:path/to/file.db" (the directory is created), or "sqlite:memory:NAME" for
//     a private in-memory database shared by the pool.
//
// It does not migrate; call Migrate. Errors never contain the password.
func Open(ctx context.Context, rawURL string) (*Store, error) {
	dialect, dsn, err := ParseURL(rawURL)
	if err != nil {
		return nil, err
	}
	// Only opening makes the file's folder: ParseURL also checks configuration.
	if file, ok := SQLiteFile(rawURL); ok {
		if err := os.MkdirAll(filepath.Dir(file), 0o750); err != nil {
			return nil, fmt.Errorf("create database directory: %w", err)
		}
	}
	var dialector gorm.Dialector
	switch dialect {
	case MySQL:
		dialector = gormmysql.New(gormmysql.Config{DSN: dsn})
	default:
		dialector = gormlite.Open(dsn)
	}
	db, err := gorm.Open(dialector, &gorm.Config{
		TranslateError: true,
		NowFunc:        Now,
		Logger:         logger.Discard,
	})
	if err != nil {
		return nil, fmt.Errorf("open %s database: %w", dialect, err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, fmt.Errorf("open %s database: %w", dialect, err)
	}
	if dialect == MySQL {
		mysqlPool(sqlDB)
	} else {
		// One writer at a time is all SQLite allows; a small pool keeps readers
		// concurrent under WAL without piling up busy writers.
		sqlDB.SetMaxOpenConns(4)
	}
	s := &Store{db: db, dialect: dialect, observers: &observers{}}
	if err := s.observers.register(db); err != nil {
		_ = sqlDB.Close()
		return nil, fmt.Errorf("open %s database: %w", dialect, err)
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := s.Ping(pingCtx); err != nil {
		_ = sqlDB.Close()
		return nil, fmt.Errorf("connect to %s database: %w", dialect, err)
	}
	return s, nil
}

// ParseURL tells the engine of a database URL and returns the driver's DSN for it,
// with the settings coursegraph relies on (UTC, utf8mb4, parsed times, timeouts for
// MySQL; foreign keys, WAL and a busy timeout for SQLite).
func ParseURL(rawURL string) (Dialect, string, error) {
	switch {
	case strings.HasPrefix(rawURL, "sqlite:"):
		return sqliteDSN(strings.TrimPrefix(strings.TrimPrefix(rawURL, "sqlite:"), "//"))
	case strings.HasPrefix(rawURL, "mysql://"):
		u, err := url.Parse(rawURL)
		if err != nil {
			return "", "", errors.New("database URL is not a valid mysql:// URL")
		}
		cfg := mysql.NewConfig()
		cfg.User = u.User.Username()
		cfg.Passwd, _ = u.User.Password()
		cfg.Net = "tcp"
		cfg.Addr = u.Host
		if u.Port() == "" {
			cfg.Addr = u.Host + ":3306"
		}
		cfg.DBName = strings.TrimPrefix(u.Path, "/")
		cfg.Params = map[string]string{}
		for k, v := range u.Query() {
			cfg.Params[k] = v[0]
		}
		return MySQL, mysqlDSN(cfg), nil
	default:
		cfg, err := mysql.ParseDSN(rawURL)
		if err != nil {
			return "", "", errors.New("database URL must start with mysql:// or sqlite:, or be a Go MySQL DSN such as user:pass@tcp(host:3306)/db")
		}
		return MySQL, mysqlDSN(cfg), nil
	}
}

func mysqlDSN(cfg *mysql.Config) string {
	cfg.ParseTime = true
	cfg.Loc = time.UTC
	cfg.Collation = "utf8mb4_unicode_ci"
	if cfg.Params == nil {
		cfg.Params = map[string]string{}
	}
	// utf8mb4 through the collation, which the handshake carries: a charset
	// parameter would cost a SET NAMES round trip on every new connection.
	delete(cfg.Params, "charset")
	cfg.Params["time_zone"] = "'+00:00'"
	// Arguments are interpolated by the driver (safely, with the connection's
	// charset): each statement is one round trip instead of prepare, execute and
	// close (three).
	cfg.InterpolateParams = true
	cfg.Timeout = 5 * time.Second
	cfg.ReadTimeout = 30 * time.Second
	cfg.WriteTimeout = 30 * time.Second
	return cfg.FormatDSN()
}

// SQLiteFile returns the file a sqlite: database URL names, and false for any
// other URL, an in-memory database or no path.
func SQLiteFile(rawURL string) (string, bool) {
	path, ok := strings.CutPrefix(rawURL, "sqlite:")
	path = strings.TrimPrefix(path, "//")
	if !ok || path == "" || strings.HasPrefix(path, "memory:") {
		return "", false
	}
	return path, true
}

func sqliteDSN(path string) (Dialect, string, error) {
	const pragmas = "_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)&_txlock=immediate"
	if name, ok := strings.CutPrefix(path, "memory:"); ok {
		if name == "" {
			return "", "", errors.New("sqlite:memory: needs a name, such as sqlite:memory:test1")
		}
		return SQLite, "file:/" + url.PathEscape(name) + "?vfs=memdb&" + pragmas, nil
	}
	if path == "" {
		return "", "", errors.New("sqlite: needs a file path, such as sqlite:data/coursegraph.db")
	}
	return SQLite, "file:" + filepath.ToSlash(path) + "?_pragma=journal_mode(wal)&" + pragmas, nil
}

// CacheSQLiteEngine compiles the embedded SQLite engine from WebAssembly to
// machine code with as many workers as there are cores (go-sqlite3 itself uses a
// quarter of them: one on a 2-core machine, where that is 1.05 s of the 1.65 s a
// first start took), and keeps the result in dir (created if missing; "" keeps it
// in memory only), so that a start after the first skips compiling. Call it
// before the first SQLite database is opened; once the engine is compiled, in
// this process, it changes nothing (a second call returns the first's result).
// A stale or damaged cache is recompiled, never trusted.
func CacheSQLiteEngine(dir string) error {
	engineOnce.Do(func() { engineErr = compileSQLiteEngine(dir) })
	return engineErr
}

// The engine is compiled once per process, as go-sqlite3 instantiates it once:
// the first call's dir is the one used.
var (
	engineOnce sync.Once
	engineErr  error
)

func compileSQLiteEngine(dir string) error {
	cache := wazero.NewCompilationCache()
	if dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return fmt.Errorf("create SQLite engine cache: %w", err)
		}
		var err error
		if cache, err = wazero.NewCompilationCacheWithDir(dir); err != nil {
			return fmt.Errorf("open SQLite engine cache: %w", err)
		}
	}
	// The settings go-sqlite3 uses when none are given, plus the cache.
	cfg := wazero.NewRuntimeConfig().
		WithMemoryLimitPages(4096). // 256 MiB
		WithCoreFeatures(api.CoreFeaturesV2).
		WithCompilationCache(cache)
	sqlite3.RuntimeConfig = cfg
	// Compiled here, in parallel, into the cache that go-sqlite3's own compile
	// then finds.
	ctx := experimental.WithCompilationWorkers(context.Background(), runtime.GOMAXPROCS(0))
	rt := wazero.NewRuntimeWithConfig(ctx, cfg)
	defer rt.Close(ctx)
	if _, err := rt.CompileModule(ctx, sqlite3.Binary); err != nil {
		return fmt.Errorf("compile SQLite engine: %w", err)
	}
	return nil
}

// Dialect returns the engine the store runs on.
func (s *Store) Dialect() Dialect { return s.dialect }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return fmt.Errorf("ping database: %w", err)
	}
	if err := sqlDB.PingContext(ctx); err != nil {
		return fmt.Errorf("ping database: %w", err)
	}
	return nil
}

// Close closes the connection pool.
func (s *Store) Close() error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return fmt.Errorf("close database: %w", err)
	}
	if s.replicas != nil {
		s.replicas.close()
	}
	return sqlDB.Close()
}

// SQL returns the underlying connection pool, for tools that need plain SQL
// (migrations, tests that inspect the schema).
func (s *Store) SQL() (*sql.DB, error) { return s.db.DB() }

// WithTx runs fn in one transaction: it commits when fn returns nil and rolls back
// otherwise, so a failed use case changes nothing. A begin or commit the database
// does not answer in time is Unavailable.
//
// When the database gives up on the transaction for a reason that a second try
// can cure (a deadlock or a lock-wait timeout on MySQL, a busy database on
// SQLite), the whole transaction runs again, up to maxTxAttempts times in all, after
// a short random pause; so fn may run more than once and must build its writes from
// what it reads inside the transaction, with no effects outside it. In a
// transaction already (tx.WithTx), it makes a nested one and never retries: only
// the outermost transaction can start again.
func (s *Store) WithTx(ctx context.Context, fn func(tx *Store) error) error {
	run := func() error {
		return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			return fn(&Store{db: tx, dialect: s.dialect, inTx: true, observers: s.observers, staffAuthors: s.staffAuthors})
		})
	}
	if s.inTx {
		return run()
	}
	for attempt := 1; ; attempt++ {
		err := run()
		if err == nil || attempt == maxTxAttempts || !retryable(err) {
			return unavailableOr(err)
		}
		pause := time.NewTimer(txRetryPause(attempt))
		select {
		case <-pause.C:
		case <-ctx.Done():
			pause.Stop()
			return unavailableOr(err)
		}
	}
}

// maxTxAttempts bounds how often WithTx runs a transaction that keeps deadlocking.
const maxTxAttempts = 5

// txRetryPause is the wait before attempt+1: random (full jitter), so that two
// transactions that deadlocked do not meet again at once, and growing from up to
// 10 ms to up to 80 ms.
func txRetryPause(attempt int) time.Duration {
	ceiling := 10 * time.Millisecond << min(attempt-1, 3)
	return time.Duration(rand.Int64N(int64(ceiling))) + time.Millisecond
}

// retryable tells whether err ended a transaction that may succeed if run again:
// MySQL's deadlock (1213) and lock-wait timeout (1205), SQLSTATE 40001 from a
// compatible engine, TiDB's write conflicts and its other errors that ask for a
// retry (tidbRetryable), and SQLite's busy and locked.
func retryable(err error) bool {
	if me, ok := errors.AsType[*mysql.MySQLError](err); ok {
		return me.Number == 1213 || me.Number == 1205 || string(me.SQLState[:]) == "40001" || tidbRetryable[me.Number]
	}
	return errors.Is(err, sqlite3.BUSY) || errors.Is(err, sqlite3.LOCKED)
}

// tidbRetryable are TiDB's errors that end a transaction another one ran into
// and that its documentation says to retry (optimistic transactions report them
// at commit, pessimistic ones rarely): 8002 (a SELECT FOR UPDATE met a write
// conflict), 8005 (a write conflict in TiDB), 8022 (a transaction TiDB could not
// retry itself), 8028 (the schema changed while the transaction ran), 9007 (a
// write conflict in TiKV).
var tidbRetryable = map[uint16]bool{8002: true, 8005: true, 8022: true, 8028: true, 9007: true}

// unavailableOr is err, or the Unavailable error it amounts to.
func unavailableOr(err error) error {
	if me := asUnavailable(err); me != nil {
		return me
	}
	return err
}

// StatementObserver sees every SQL statement the store runs: metrics count them
// per request, tracing gives each a span, tests count them. Observers must be safe
// for concurrent use.
type StatementObserver interface {
	// StartStatement is called before a statement of kind (query, create,
	// update, delete, row or raw) runs; the context it returns is the
	// statement's, and EndStatement gets it back.
	StartStatement(ctx context.Context, kind string) context.Context
	// EndStatement is called once the statement has run (for a query read
	// with Rows, once its first answer came back).
	EndStatement(ctx context.Context, st Statement)
}

// Statement is what an observer learns about a statement that ran.
type Statement struct {
	// Kind is GORM's (query, create, update, delete, row or raw) for the
	// statements GORM builds, and "read" for the read path's own (read.go).
	Kind string
	// SQL is the statement's text with placeholders (?), never its arguments.
	SQL string
	// Duration is how long the database took to answer it.
	Duration time.Duration
	// Rows is how many rows it changed or returned, as GORM counts them (0 for a
	// query whose rows are read afterwards, with Rows).
	Rows int64
	// Err is how it failed, or nil (also for a lookup that found no row).
	Err error
	// Replica is the read replica that served it (host:port), or "" for the
	// primary.
	Replica string
}

// Observe adds o to the store's statement observers (those of every store made
// by WithTx too). With none, the only cost per statement is one atomic load.
func (s *Store) Observe(o StatementObserver) {
	for {
		old := s.observers.list.Load()
		var next []StatementObserver
		if old != nil {
			next = append(next, *old...)
		}
		next = append(next, o)
		if s.observers.list.CompareAndSwap(old, &next) {
			return
		}
	}
}

// observers are a store's StatementObservers, shared by the stores of its
// transactions.
type observers struct {
	list atomic.Pointer[[]StatementObserver]
}

// statementContext is a statement's context while it runs: what the observers
// returned, the context to restore afterwards and the start time.
type statementContext struct {
	context.Context
	parent context.Context
	start  time.Time
	kind   string
}

// register hooks the observers into every kind of statement GORM runs, once per
// connection pool.
func (o *observers) register(db *gorm.DB) error {
	type register = func(name string, fn func(*gorm.DB)) error
	c := db.Callback()
	for _, k := range []struct {
		kind          string
		before, after register
	}{
		{"query", c.Query().Before("gorm:query").Register, c.Query().After("gorm:query").Register},
		{"create", c.Create().Before("gorm:create").Register, c.Create().After("gorm:create").Register},
		{"update", c.Update().Before("gorm:update").Register, c.Update().After("gorm:update").Register},
		{"delete", c.Delete().Before("gorm:delete").Register, c.Delete().After("gorm:delete").Register},
		{"row", c.Row().Before("gorm:row").Register, c.Row().After("gorm:row").Register},
		{"raw", c.Raw().Before("gorm:raw").Register, c.Raw().After("gorm:raw").Register},
	} {
		kind := k.kind
		if err := k.before("coursegraph:observe_start_"+kind, func(tx *gorm.DB) { o.start(tx, kind) }); err != nil {
			return err
		}
		if err := k.after("coursegraph:observe_end_"+kind, o.end); err != nil {
			return err
		}
	}
	return nil
}

func (o *observers) start(tx *gorm.DB, kind string) {
	list := o.list.Load()
	if list == nil {
		return
	}
	parent := tx.Statement.Context
	ctx := parent
	for _, ob := range *list {
		ctx = ob.StartStatement(ctx, kind)
	}
	tx.Statement.Context = &statementContext{Context: ctx, parent: parent, start: time.Now(), kind: kind}
}

func (o *observers) end(tx *gorm.DB) {
	sc, ok := tx.Statement.Context.(*statementContext)
	if !ok {
		return
	}
	tx.Statement.Context = sc.parent
	st := Statement{Kind: sc.kind, SQL: tx.Statement.SQL.String(), Duration: time.Since(sc.start), Rows: tx.RowsAffected, Err: tx.Error}
	if name, ok := tx.Statement.Settings.Load(replicaSetting); ok {
		st.Replica, _ = name.(string)
	}
	if errors.Is(st.Err, gorm.ErrRecordNotFound) {
		st.Err = nil // a lookup that found nothing ran well
	}
	list := *o.list.Load()
	for i := len(list) - 1; i >= 0; i-- {
		list[i].EndStatement(sc.Context, st)
	}
}

// Migrator returns GORM's view of the live schema, for checks that the migrations
// match the models.
func (s *Store) Migrator() gorm.Migrator { return s.db.Migrator() }
