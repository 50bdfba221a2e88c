// Package events carries notices between parts of the server (an enquiry was
// received, a comment was posted) through a small publish/subscribe interface.
// Local is the in-process implementation; events/redisbus is the one that
// serves several server instances through Redis, without changing its users.
//
// It may import the standard library only.
package events

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
)

// Bus publishes values of T to every current subscriber.
type Bus[T any] interface {
	// Publish hands v to every subscriber. It never blocks on a slow one. An
	// error means v reached no one (a bus shared through Redis that cannot
	// reach it): the bus has logged and counted it already; the caller's write
	// stands.
	Publish(ctx context.Context, v T) error
	// Subscribe returns a channel of the values published from now on; it is
	// closed when ctx ends, or when the subscription is cut: the subscriber
	// fell too far behind to be given every value (ErrFellBehind), or the bus
	// lost, or has not got, its connection (ErrDisconnected). Then the OnCut
	// function of ctx, if any, is called first. A closed channel with ctx still
	// alive means values were missed: the subscriber must fetch what it needs
	// again and subscribe again.
	Subscribe(ctx context.Context) (<-chan T, error)
}

// Why a subscription was cut (the cause given to an OnCut function).
var (
	// ErrFellBehind: the subscriber took values more slowly than they came.
	ErrFellBehind = errors.New("the subscriber fell behind")
	// ErrDisconnected: the bus was not connected to what carries its values
	// (Redis), so values may have been missed.
	ErrDisconnected = errors.New("the event bus is not connected")
)

// buffer is how many values a subscriber may fall behind before it is cut off.
const buffer = 32

// OnCut returns ctx carrying fn, which a Bus calls (once, from the
// subscription's own goroutine) when it cuts off a subscription made with ctx,
// before it closes the subscription's channel; cause is ErrFellBehind or
// ErrDisconnected. The owner of a connection uses it to tell the client that it
// missed values.
func OnCut(ctx context.Context, fn func(cause error)) context.Context {
	return context.WithValue(ctx, cutKey{}, fn)
}

type cutKey struct{}

// Local is a Bus within one process. It is safe for concurrent use.
type Local[T any] struct {
	mu     sync.Mutex
	subs   map[chan T]*subscription
	cutOff atomic.Int64
}

// subscription is one subscriber's state. Its goroutine (started by Subscribe)
// is its owner: it ends when the subscriber's ctx ends or when the bus cuts it,
// and it alone closes the subscriber's channel.
type subscription struct {
	cut   chan struct{} // closed by the bus to cut the subscriber off
	cause error         // why, set before cut is closed
	onCut func(error)
}

// NewLocal returns an empty Local bus.
func NewLocal[T any]() *Local[T] { return &Local[T]{subs: map[chan T]*subscription{}} }

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
			b.cutLocked(ch, sub, ErrFellBehind)
			b.cutOff.Add(1)
		}
	}
	return nil
}

// Cut cuts off every current subscriber with cause (see Bus.Subscribe): a bus
// built on Local calls it when values may have been lost on the way.
func (b *Local[T]) Cut(cause error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for ch, sub := range b.subs {
		b.cutLocked(ch, sub, cause)
	}
}

// cutLocked removes a subscriber and tells its goroutine why. The caller holds
// b.mu.
func (b *Local[T]) cutLocked(ch chan T, sub *subscription, cause error) {
	delete(b.subs, ch)
	sub.cause = cause
	close(sub.cut)
}

// Subscribe returns the values published until ctx ends or the subscriber is
// cut off.
func (b *Local[T]) Subscribe(ctx context.Context) (<-chan T, error) {
	ch := make(chan T, buffer)
	sub := &subscription{cut: make(chan struct{})}
	sub.onCut, _ = ctx.Value(cutKey{}).(func(error))
	b.mu.Lock()
	b.subs[ch] = sub
	b.mu.Unlock()
	go func() {
		select {
		case <-ctx.Done():
			b.mu.Lock()
			delete(b.subs, ch) // if the bus cut it meanwhile, no one is left to tell
			b.mu.Unlock()
		case <-sub.cut:
			if sub.onCut != nil {
				sub.onCut(sub.cause)
			}
		}
		close(ch)
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
