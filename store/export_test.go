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
