package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// ErrNotEmbedded refuses a backup or restore of a MySQL database: its own tools
// (mariadb-dump --single-transaction, mariabackup) do that; the README says how.
var ErrNotEmbedded = errors.New("backup and restore are for the embedded SQLite database; for MySQL use mariadb-dump --single-transaction or mariabackup (see the README)")

// Backup writes a consistent copy of the embedded database to file while it is in
// use: SQLite's VACUUM INTO reads it in one transaction, so writes go on and the
// copy holds exactly what was committed when it began, compacted, in one file
// (no WAL). The copy is written beside file and renamed into place, so file is
// never left half written; an existing file is replaced. MySQL is ErrNotEmbedded.
func (s *Store) Backup(ctx context.Context, file string) error {
	if s.dialect != SQLite {
		return ErrNotEmbedded
	}
	dir := filepath.Dir(file)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("create backup directory: %w", err)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(file)+".partial-*")
	if err != nil {
		return fmt.Errorf("create backup: %w", err)
	}
	name := tmp.Name()
	_ = tmp.Close()
	_ = os.Remove(name) // VACUUM INTO writes a file that does not exist yet
	defer os.Remove(name)
	if err := s.db.WithContext(ctx).Exec("VACUUM INTO ?", name).Error; err != nil {
		return translate(err, "back up", "database")
	}
	if err := os.Rename(name, file); err != nil {
		return fmt.Errorf("back up database: %w", err)
	}
	return nil
}

// SchemaVersion returns the migration the database is at and the latest this
// build has.
func (s *Store) SchemaVersion(ctx context.Context) (current, latest int64, err error) {
	p, err := s.migrations(ctx)
	if err != nil {
		return 0, 0, err
	}
	if current, err = p.GetDBVersion(ctx); err != nil {
		return 0, 0, fmt.Errorf("read schema version: %w", err)
	}
	sources := p.ListSources()
	if len(sources) > 0 {
		latest = sources[len(sources)-1].Version
	}
	return current, latest, nil
}

// Release makes the embedded database one self-contained file, its write-ahead
// log folded in, and fails when another connection (a running server) has it
// open: SQLite leaves WAL mode only for its last connection. Call it before
// replacing the file, then Close. The next Open returns it to WAL mode.
func (s *Store) Release(ctx context.Context) error {
	if s.dialect != SQLite {
		return ErrNotEmbedded
	}
	var mode string
	err := s.db.WithContext(ctx).Raw("PRAGMA journal_mode=DELETE").Scan(&mode).Error
	if (err != nil && unavailable(err)) || (err == nil && !strings.EqualFold(mode, "delete")) {
		return errInUse // busy or locked: another connection holds it
	}
	return translate(err, "release", "database")
}

var errInUse = errors.New("the database is in use: stop the server first")
