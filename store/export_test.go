package store

import (
	"context"
	"fmt"
)

// MigrateDownTo rolls the schema back to version (0: empty), for the tests that
// run every migration down and up again.
func (s *Store) MigrateDownTo(ctx context.Context, version int64) (int, error) {
	p, err := s.migrations(ctx)
	if err != nil {
		return 0, err
	}
	results, err := p.DownTo(ctx, version)
	if err != nil {
		return len(results), fmt.Errorf("roll back migrations: %w", err)
	}
	return len(results), nil
}

// MigrateUpTo applies the migrations up to version, for the tests of an upgrade.
func (s *Store) MigrateUpTo(ctx context.Context, version int64) error {
	p, err := s.migrations(ctx)
	if err != nil {
		return err
	}
	if _, err := p.UpTo(ctx, version); err != nil {
		return fmt.Errorf("apply migrations: %w", err)
	}
	return nil
}

// InsertRow inserts row (a model) as it is, with none of the store's other
// writes (such as the search index), as an older build would have.
func (s *Store) InsertRow(ctx context.Context, row any) error {
	return s.db.WithContext(ctx).Create(row).Error
}

// WindowedComments is windowedComments, for the tests.
const WindowedComments = windowedComments
