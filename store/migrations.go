package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"strings"

	"github.com/pressly/goose/v3"
)

// migrationFiles holds the versioned SQL migrations, one folder per engine, and
// the steps TiDB takes instead of MySQL's where it cannot run them (tidb: the
// same versions, reaching the same schema). A released file is never edited: a
// change is a new file.
//
//go:embed migrations/mysql/*.sql migrations/sqlite/*.sql migrations/tidb/*.sql
var migrationFiles embed.FS

// backfillSearchVersion is the migration, written in Go, that indexes the
// articles and courses written before the search index existed.
const backfillSearchVersion = 25

func (s *Store) migrations(ctx context.Context) (*goose.Provider, error) {
	var fsys fs.FS
	fsys, err := fs.Sub(migrationFiles, "migrations/"+string(s.dialect))
	if err != nil {
		return nil, fmt.Errorf("open migrations: %w", err)
	}
	if s.dialect == MySQL {
		tidb, err := s.IsTiDB(ctx)
		if err != nil {
			return nil, fmt.Errorf("open migrations: %w", err)
		}
		if tidb {
			instead, err := fs.Sub(migrationFiles, "migrations/tidb")
			if err != nil {
				return nil, fmt.Errorf("open migrations: %w", err)
			}
			fsys = overlayFS{base: fsys, over: instead}
		}
	}
	sqlDB, err := s.db.DB()
	if err != nil {
		return nil, fmt.Errorf("open migrations: %w", err)
	}
	dialect := goose.DialectSQLite3
	if s.dialect == MySQL {
		dialect = goose.DialectMySQL
	}
	backfill := goose.NewGoMigration(backfillSearchVersion,
		&goose.GoFunc{RunDB: func(ctx context.Context, _ *sql.DB) error {
			return reindexAll(ctx, s.db, s.exec)
		}},
		&goose.GoFunc{RunDB: func(ctx context.Context, _ *sql.DB) error {
			return s.exec(ctx, "DELETE FROM search_words")
		}})
	p, err := goose.NewProvider(dialect, sqlDB, fsys, goose.WithGoMigrations(backfill), goose.WithDisableGlobalRegistry(true))
	if err != nil {
		return nil, fmt.Errorf("open migrations: %w", err)
	}
	return p, nil
}

// IsTiDB reports whether the database is TiDB (which answers the MySQL protocol
// and names itself in its version: "8.0.11-TiDB-v8.5.0").
func (s *Store) IsTiDB(ctx context.Context) (bool, error) {
	if s.dialect != MySQL {
		return false, nil
	}
	var version string
	if err := s.db.WithContext(ctx).Raw("SELECT VERSION()").Scan(&version).Error; err != nil {
		return false, fmt.Errorf("read database version: %w", err)
	}
	return strings.Contains(version, "TiDB"), nil
}

// overlayFS is base with the files of over in place of those of the same name.
type overlayFS struct{ base, over fs.FS }

func (o overlayFS) Open(name string) (fs.File, error) {
	if name != "." {
		if f, err := o.over.Open(name); err == nil {
			return f, nil
		}
	}
	return o.base.Open(name)
}

// ReadDir lists base's files: over only replaces some of them.
func (o overlayFS) ReadDir(name string) ([]fs.DirEntry, error) { return fs.ReadDir(o.base, name) }

// Migrate applies every pending migration in order and returns how many it applied.
// It stops at the first failure.
func (s *Store) Migrate(ctx context.Context) (int, error) {
	p, err := s.migrations(ctx)
	if err != nil {
		return 0, err
	}
	results, err := p.Up(ctx)
	if err != nil {
		return len(results), fmt.Errorf("apply migrations: %w", err)
	}
	return len(results), nil
}

// HasPendingMigrations reports whether the database lacks a migration this build has.
func (s *Store) HasPendingMigrations(ctx context.Context) (bool, error) {
	p, err := s.migrations(ctx)
	if err != nil {
		return false, err
	}
	pending, err := p.HasPending(ctx)
	if err != nil {
		return false, fmt.Errorf("check migrations: %w", err)
	}
	return pending, nil
}
