// Package ratelimit limits how often each key (a client address, an account) may do
// something, with a token bucket per key from golang.org/x/time/rate. Buckets live
// in memory, per server instance; idle ones are dropped.
//
// It may import the standard library and x/time/rate.
package ratelimit

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Limiter allows each key Burst events at once and then one every Every. It is safe
// for concurrent use.
type Limiter struct {
	every time.Duration
	burst int
	now   func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
	swept   time.Time
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

// New returns a Limiter of burst events and then one every every; now is the clock
// (time.Now in production, a fake in tests). A burst of 0 or less disables limiting.
func New(burst int, every time.Duration, now func() time.Time) *Limiter {
	return &Limiter{every: every, burst: burst, now: now, buckets: map[string]*bucket{}}
}

// Allow reports whether key may act now, and counts it if so.
func (l *Limiter) Allow(key string) bool {
	if l == nil || l.burst <= 0 {
		return true
	}
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.bucket(key, now).AllowN(now, 1)
}

// bucket returns key's bucket, made full on first use, and marks it seen at now.
// The caller holds l.mu.
func (l *Limiter) bucket(key string, now time.Time) *rate.Limiter {
	l.sweep(now)
	b, ok := l.buckets[key]
	if !ok {
		b = &bucket{lim: rate.NewLimiter(rate.Every(l.every), l.burst)}
		l.buckets[key] = b
	}
	b.seen = now
	return b.lim
}

// Ticket is one event taken from a key's bucket by Take. Refund gives it back, for
// an event that turned out not to count (a sign-in that succeeded).
type Ticket struct {
	l     *Limiter
	res   *rate.Reservation
	taken time.Time
}

// Take is Allow for an event that may be refunded: it reports whether key may act
// now and, if so, returns the ticket it took; if not, how long key must wait. Taking before acting (rather than
// counting after) keeps concurrent attempts from all slipping under the limit.
func (l *Limiter) Take(key string) (t *Ticket, wait time.Duration, ok bool) {
	return l.TakeN(key, 1)
}

// TakeN is Take for n events at once (a request's cost in points). When n is
// more than the burst, key can never take it and wait is one burst's refill.
func (l *Limiter) TakeN(key string, n int) (t *Ticket, wait time.Duration, ok bool) {
	if l == nil || l.burst <= 0 {
		return nil, 0, true
	}
	if n > l.burst {
		return nil, time.Duration(l.burst) * l.every, false
	}
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	res := l.bucket(key, now).ReserveN(now, n)
	if wait := res.DelayFrom(now); !res.OK() || wait > 0 {
		res.CancelAt(now)
		return nil, wait, false
	}
	return &Ticket{l: l, res: res, taken: now}, 0, true
}

// Refund gives the ticket's event back to its bucket. A nil ticket (from a
// disabled limiter) does nothing.
func (t *Ticket) Refund() {
	if t == nil {
		return
	}
	t.l.mu.Lock()
	defer t.l.mu.Unlock()
	// Cancelled as of the time it was taken: x/time/rate gives nothing back for a
	// reservation whose time has passed, and the time between is the action's own.
	t.res.CancelAt(t.taken)
}

// Wait returns how long key must wait before its next event is allowed: 0 when it
// may act now.
func (l *Limiter) Wait(key string) time.Duration {
	if l == nil || l.burst <= 0 {
		return 0
	}
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.buckets[key]
	if !ok {
		return 0
	}
	// The bucket's own answer: a reservation's delay, then the reservation undone.
	res := b.lim.ReserveN(now, 1)
	defer res.CancelAt(now)
	return res.DelayFrom(now)
}

// Reset forgets key's use: it starts again with a full burst.
func (l *Limiter) Reset(key string) {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.buckets, key)
}

// sweep drops buckets idle long enough to have refilled, at most once a minute.
func (l *Limiter) sweep(now time.Time) {
	if now.Sub(l.swept) < time.Minute {
		return
	}
	l.swept = now
	full := l.every * time.Duration(l.burst)
	for k, b := range l.buckets {
		if now.Sub(b.seen) > full {
			delete(l.buckets, k)
		}
	}
}

// Len returns how many keys have a bucket, for tests and metrics.
func (l *Limiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}
