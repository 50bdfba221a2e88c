// Package events carries notices between parts of the server (an enquiry was
// received, a comment was posted) through a small publish/subscribe interface. Local is the in-process
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
	// closed when ctx ends, or when the subscriber falls too far behind to be
	// given every value (then the OnOverflow function of ctx, if any, is called
	// first). A closed channel with ctx still alive means values were missed:
	// the subscriber must fetch what it needs again and subscribe again.
	Subscribe(ctx context.Context) (<-chan T, error)
}

// buffer is how many values a subscriber may fall behind before it is cut off.
const buffer = 32

// OnOverflow returns ctx carrying fn, which a Bus calls (once, in a goroutine of
// its own) when it cuts off a subscription made with ctx because the subscriber
// fell behind, before it closes the subscription's channel. The owner of a
// connection uses it to tell the client that it missed values.
func OnOverflow(ctx context.Context, fn func()) context.Context {
	return context.WithValue(ctx, overflowKey{}, fn)
}

type overflowKey struct{}

// Local is a Bus within one process. It is safe for concurrent use.
type Local[T any] struct {
	mu     sync.Mutex
	subs   map[chan T]*subscription[T]
	cutOff atomic.Int64
}

type subscription[T any] struct {
	once       sync.Once
	onOverflow func()
}

// NewLocal returns an empty Local bus.
func NewLocal[T any]() *Local[T] { return &Local[T]{subs: map[chan T]*subscription[T]{}} }

// Publish hands v to every subscriber. A subscriber whose buffer is full would
// silently miss v, so it is cut off instead (see Bus.Subscribe and CutOff): it
// learns that it missed something and can catch up by fetching again.
func (b *Local[T]) Publish(_ context.Context, v T) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	for ch, sub := range b.subs {
		select {
		case ch <- v:
		default:
			delete(b.subs, ch)
			b.cutOff.Add(1)
			go func() {
				if sub.onOverflow != nil {
					sub.onOverflow()
				}
				sub.close(ch)
			}()
		}
	}
	return nil
}

func (s *subscription[T]) close(ch chan T) { s.once.Do(func() { close(ch) }) }

// Subscribe returns the values published until ctx ends or the subscriber falls
// behind.
func (b *Local[T]) Subscribe(ctx context.Context) (<-chan T, error) {
	ch := make(chan T, buffer)
	sub := &subscription[T]{}
	sub.onOverflow, _ = ctx.Value(overflowKey{}).(func())
	b.mu.Lock()
	b.subs[ch] = sub
	b.mu.Unlock()
	go func() {
		<-ctx.Done()
		b.mu.Lock()
		delete(b.subs, ch)
		b.mu.Unlock()
		sub.close(ch)
	}()
	return ch, nil
}

// Subscribers returns how many subscriptions are open.
func (b *Local[T]) Subscribers() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.subs)
}

// CutOff returns how many subscribers were cut off for falling behind.
func (b *Local[T]) CutOff() int64 { return b.cutOff.Load() }
