// Package events carries notices between parts of the server (an enquiry was
// received) through a small publish/subscribe interface. Local is the in-process
// implementation; one backed by Redis can take its place to serve several server
// instances without changing its users.
//
// It may import the standard library only.
package events

import (
	"context"
	"sync"
	"sync/atomic"
)

// Bus publishes values of T to every current subscriber.
type Bus[T any] interface {
	// Publish hands v to every subscriber. It never blocks on a slow one.
	Publish(ctx context.Context, v T) error
	// Subscribe returns a channel of the values published from now on; it is
	// closed when ctx ends.
	Subscribe(ctx context.Context) (<-chan T, error)
}

// buffer is how many values a subscriber may fall behind before it misses some.
const buffer = 32

// Local is a Bus within one process. It is safe for concurrent use.
type Local[T any] struct {
	mu      sync.Mutex
	subs    map[chan T]struct{}
	dropped atomic.Int64
}

// NewLocal returns an empty Local bus.
func NewLocal[T any]() *Local[T] { return &Local[T]{subs: map[chan T]struct{}{}} }

// Publish hands v to every subscriber; one whose buffer is full misses it (see
// Dropped).
func (b *Local[T]) Publish(_ context.Context, v T) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	for ch := range b.subs {
		select {
		case ch <- v:
		default:
			b.dropped.Add(1)
		}
	}
	return nil
}

// Subscribe returns the values published until ctx ends.
func (b *Local[T]) Subscribe(ctx context.Context) (<-chan T, error) {
	ch := make(chan T, buffer)
	b.mu.Lock()
	b.subs[ch] = struct{}{}
	b.mu.Unlock()
	go func() {
		<-ctx.Done()
		b.mu.Lock()
		delete(b.subs, ch)
		close(ch)
		b.mu.Unlock()
	}()
	return ch, nil
}

// Subscribers returns how many subscriptions are open.
func (b *Local[T]) Subscribers() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.subs)
}

// Dropped returns how many values slow subscribers missed.
func (b *Local[T]) Dropped() int64 { return b.dropped.Load() }
