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
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/ncruces/go-sqlite3"
	_ "github.com/ncruces/go-sqlite3/embed" // the SQLite engine, compiled to WebAssembly: no cgo
	"github.com/ncruces/go-sqlite3/gormlite"
	_ "github.com/ncruces/go-sqlite3/vfs/memdb" // in-memory databases shared by a pool, for tests
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
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
	db      *gorm.DB
	dialect Dialect
	inTx    bool // in a transaction: WithTx nests and never retries
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
		// As many idle connections as open ones: under load, a smaller idle pool
		// closes connections only to open them again (with their session set-up).
		sqlDB.SetMaxOpenConns(25)
		sqlDB.SetMaxIdleConns(25)
		sqlDB.SetConnMaxLifetime(30 * time.Minute)
		sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	} else {
		// One writer at a time is all SQLite allows; a small pool keeps readers
		// concurrent under WAL without piling up busy writers.
		sqlDB.SetMaxOpenConns(4)
	}
	s := &Store{db: db, dialect: dialect}
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

// CacheSQLiteEngine keeps the embedded SQLite engine's compiled machine code in
// dir (created if missing), so that a start after the first skips compiling the
// engine from WebAssembly: about 2 s of CPU on a 2-core machine, most of the time
// to the first answer. Call it before the first SQLite database is opened; once
// the engine is compiled, in this process, it changes nothing. A stale or damaged
// cache is recompiled, never trusted.
func CacheSQLiteEngine(dir string) error {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("create SQLite engine cache: %w", err)
	}
	cache, err := wazero.NewCompilationCacheWithDir(dir)
	if err != nil {
		return fmt.Errorf("open SQLite engine cache: %w", err)
	}
	// The settings go-sqlite3 uses when none are given, plus the cache.
	sqlite3.RuntimeConfig = wazero.NewRuntimeConfig().
		WithMemoryLimitPages(4096). // 256 MiB
		WithCoreFeatures(api.CoreFeaturesV2).
		WithCompilationCache(cache)
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
			return fn(&Store{db: tx, dialect: s.dialect, inTx: true})
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
// compatible engine, and SQLite's busy and locked.
func retryable(err error) bool {
	if me, ok := errors.AsType[*mysql.MySQLError](err); ok {
		return me.Number == 1213 || me.Number == 1205 || string(me.SQLState[:]) == "40001"
	}
	return errors.Is(err, sqlite3.BUSY) || errors.Is(err, sqlite3.LOCKED)
}

// unavailableOr is err, or the Unavailable error it amounts to.
func unavailableOr(err error) error {
	if me := asUnavailable(err); me != nil {
		return me
	}
	return err
}

// OnStatement calls fn after every SQL statement the store runs, with its SQL. Tests
// use it to count statements per request; fn must be safe for concurrent use.
func (s *Store) OnStatement(fn func(sql string)) {
	cb := func(db *gorm.DB) { fn(db.Statement.SQL.String()) }
	c := s.db.Callback()
	_ = c.Query().After("gorm:query").Register("coursegraph:count_query", cb)
	_ = c.Create().After("gorm:create").Register("coursegraph:count_create", cb)
	_ = c.Update().After("gorm:update").Register("coursegraph:count_update", cb)
	_ = c.Delete().After("gorm:delete").Register("coursegraph:count_delete", cb)
	_ = c.Row().After("gorm:row").Register("coursegraph:count_row", cb)
	_ = c.Raw().After("gorm:raw").Register("coursegraph:count_raw", cb)
}

// Migrator returns GORM's view of the live schema, for checks that the migrations
// match the models.
func (s *Store) Migrator() gorm.Migrator { return s.db.Migrator() }
