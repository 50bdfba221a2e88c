package service

import (
	"context"
	"time"

	"coursegraph/store"
)

// Service runs the use cases over one store. It is safe for concurrent use.
type Service struct {
	store *store.Store
	// Now is the clock; tests replace it.
	Now func() time.Time
}

// New returns a Service over st.
func New(st *store.Store) *Service {
	return &Service{store: st, Now: store.Now}
}

// Ready reports whether the database answers; an error means it does not.
func (s *Service) Ready(ctx context.Context) error { return s.store.Ping(ctx) }

// byID indexes rows by their key.
func byID[T any](rows []T, key func(T) uint) map[uint]T {
	m := make(map[uint]T, len(rows))
	for _, r := range rows {
		m[key(r)] = r
	}
	return m
}

// groupBy groups rows by a key, keeping their order.
func groupBy[T any](rows []T, key func(T) uint) map[uint][]T {
	m := make(map[uint][]T)
	for _, r := range rows {
		m[key(r)] = append(m[key(r)], r)
	}
	return m
}
