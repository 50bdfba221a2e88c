package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"coursegraph/store"
)

// backupCommand writes a consistent copy of the embedded database to file, while
// the server runs or not (store.Backup).
func backupCommand(ctx context.Context, st *store.Store, file string, stdout io.Writer) error {
	if version, _, err := st.SchemaVersion(ctx); err == nil && version <= 0 {
		return errors.New("the database has no coursegraph schema: nothing to back up (is DATABASE_URL right?)")
	}
	if err := st.Backup(ctx, file); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "coursegraph: backed up the database to %s\n", file)
	return nil
}

// restoreCommand puts the backup in file back as the embedded database of cfg,
// with the server stopped. It checks first that file is a coursegraph database
// whose schema this build knows (an older one is migrated at the next start),
// then keeps the database it replaces beside it, named for the time, and prints
// both names. A running server makes it fail, changing nothing.
func restoreCommand(ctx context.Context, cfg Config, file string, now time.Time, stdout io.Writer) error {
	target, ok := store.SQLiteFile(cfg.Database.URL)
	if !ok {
		return store.ErrNotEmbedded
	}
	if err := os.MkdirAll(filepath.Dir(target), 0o750); err != nil {
		return fmt.Errorf("create database directory: %w", err)
	}
	// Checked on a copy, beside the target: the backup itself is never opened
	// for writing, and the copy becomes the database by a rename.
	incoming := target + ".restoring"
	if err := copyFile(file, incoming); err != nil {
		return fmt.Errorf("read backup: %w", err)
	}
	defer removeDatabaseFiles(incoming)
	version, err := checkBackup(ctx, incoming)
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	kept := ""
	if _, err := os.Stat(target); err == nil {
		current, err := store.Open(ctx, cfg.Database.URL)
		if err != nil {
			return fmt.Errorf("open the current database: %w", err)
		}
		err = current.Release(ctx)
		_ = current.Close()
		if err != nil {
			return err
		}
		kept = target + ".replaced-" + now.UTC().Format("20060102T150405Z")
		for _, suffix := range []string{"", "-wal", "-shm"} {
			if err := os.Rename(target+suffix, kept+suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
				return fmt.Errorf("keep the current database: %w", err)
			}
		}
	}
	if err := os.Rename(incoming, target); err != nil {
		return fmt.Errorf("restore database: %w", err)
	}
	fmt.Fprintf(stdout, "coursegraph: restored %s (schema version %d) as %s\n", file, version, target)
	if kept != "" {
		fmt.Fprintf(stdout, "coursegraph: the database it replaced is kept as %s\n", kept)
	}
	return nil
}

// checkBackup opens the copy of a backup and returns its schema version: an error
// when it is not a coursegraph database or was made by a newer build.
func checkBackup(ctx context.Context, file string) (int64, error) {
	st, err := store.Open(ctx, "sqlite:"+file)
	if err != nil {
		return 0, fmt.Errorf("not a database: %w", err)
	}
	defer st.Close()
	version, latest, err := st.SchemaVersion(ctx)
	switch {
	case err != nil || version <= 0:
		return 0, errors.New("not a coursegraph database (it has no coursegraph schema version)")
	case version > latest:
		return 0, fmt.Errorf("made by a newer coursegraph (schema version %d; this build knows up to %d): restore it with that version", version, latest)
	}
	// One file, without a write-ahead log beside it, before it is renamed.
	return version, st.Release(ctx)
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		_ = out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		_ = out.Close()
		return err
	}
	return out.Close()
}

func removeDatabaseFiles(file string) {
	for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
		_ = os.Remove(file + suffix)
	}
}

// backupPrefix and backupSuffix frame the name of a scheduled backup, with its
// time between them so that names sort by age.
const (
	backupPrefix = "coursegraph-"
	backupSuffix = ".db"
)

// keepBackups writes a backup of st into cfg.BackupDir every cfg.BackupEvery
// until stop ends, and deletes all but the newest cfg.BackupKeep. A failure is
// logged at ERROR and tried again at the next tick. now is the clock.
func keepBackups(stop context.Context, st *store.Store, cfg BackupConfig, now func() time.Time, log *slog.Logger) {
	every(stop, cfg.Every, false, func() {
		if file, err := backupNow(stop, st, cfg, now()); err != nil {
			log.Error("scheduled backup failed", slog.Any("error", err))
		} else {
			log.Info("scheduled backup", slog.String("file", file))
		}
	})
}

// backupNow writes one scheduled backup and prunes the old ones.
func backupNow(ctx context.Context, st *store.Store, cfg BackupConfig, at time.Time) (string, error) {
	file := filepath.Join(cfg.Dir, backupPrefix+at.UTC().Format("20060102T150405Z")+backupSuffix)
	if err := st.Backup(ctx, file); err != nil {
		return "", err
	}
	entries, err := os.ReadDir(cfg.Dir)
	if err != nil {
		return file, fmt.Errorf("list backups: %w", err)
	}
	var names []string
	for _, e := range entries {
		if n := e.Name(); e.Type().IsRegular() && strings.HasPrefix(n, backupPrefix) && strings.HasSuffix(n, backupSuffix) {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	for len(names) > cfg.Keep {
		if err := os.Remove(filepath.Join(cfg.Dir, names[0])); err != nil {
			return file, fmt.Errorf("delete old backup: %w", err)
		}
		names = names[1:]
	}
	return file, nil
}
