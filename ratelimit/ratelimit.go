// Package ratelimit limits how often each key (a client address, an account) may do
// something, with a token bucket per key. Buckets live in memory, per server
// instance (golang.org/x/time/rate; idle ones are dropped), or, for a limiter
// given a Shared Redis, in Redis, so that every instance counts against one
// budget.
//
// In Redis each bucket is one key holding its GCRA "theoretical arrival time"
// (the instant at which the bucket will be full again), read and written by one
// Lua script, so that a take is atomic across instances in one round trip, a
// refusal says exactly how long to wait, and a ticket can be refunded. The
// script runs through redisconn, the one Redis client of the server (redigo):
// github.com/go-redis/redis_rate implements the same algorithm but needs a
// second client (go-redis), and has no refund.
//
// It may import the standard library, x/time/rate, metrics and redisconn.
package ratelimit

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"coursegraph/metrics"
	"coursegraph/redisconn"

	"golang.org/x/time/rate"
)

// Why Try refused.
var (
	// ErrLimited: the key has used its budget; wait says for how long.
	ErrLimited = errors.New("rate limited")
	// ErrUnavailable: a limiter that fails closed could not reach Redis.
	ErrUnavailable = errors.New("rate limit unavailable: Redis did not answer")
)

// Limiter allows each key Burst events at once and then one every Every. It is safe
// for concurrent use.
type Limiter struct {
	name  string
	every time.Duration
	burst int
	now   func() time.Time

	shared *Shared
	down   OnRedisDown

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

// Named gives l a name, under which its refusals are counted in the metrics
// (coursegraph_rate_limit_refusals_total) and its buckets kept in Redis; an
// unnamed limiter's are not counted. Call it before l is used.
func (l *Limiter) Named(name string) *Limiter {
	l.name = name
	return l
}

// Shared is a Redis where limiters keep their buckets, so that every server
// instance counts against one budget. It is safe for concurrent use.
type Shared struct {
	// Redis holds the buckets.
	Redis *redisconn.Client
	// Prefix starts every key (default "coursegraph:limit:"); a bucket's key is
	// Prefix + the limiter's name + ":" + the key.
	Prefix string
	// Timeout bounds each Redis call (default 250ms): a Redis that does not
	// answer costs a request that long at most, and then, for Pause, nothing.
	Timeout time.Duration
	// Pause is how long, after a failed call, limiters do without Redis (each
	// as its OnRedisDown says) before they try it again (default 1s).
	Pause time.Duration
	// OnError is told of every failed Redis call (the server logs and counts
	// them); it may be nil.
	OnError func(limit string, err error)
	// Clock, when set (tests), is the time buckets are reckoned on; nil is
	// Redis's own (TIME, in the script), one clock for every instance, so that
	// no skew between the instances' clocks gives or takes a budget.
	Clock func() time.Time

	downUntil atomic.Int64 // unix nanoseconds before which Redis is not tried
}

// OnRedisDown is what a shared limiter does when Redis does not answer (an
// error, or no reply within Shared.Timeout) and during the Pause after.
type OnRedisDown int

const (
	// FailLocal counts in this instance's memory meanwhile: the limit still
	// holds, multiplied by the number of instances, and no one is refused for
	// Redis's sake. The memory counts are not merged back.
	FailLocal OnRedisDown = iota
	// FailOpen allows every event meanwhile.
	FailOpen
	// FailClosed refuses every event meanwhile, with ErrUnavailable and a
	// wait of UnavailableWait.
	FailClosed
)

// UnavailableWait is the wait a FailClosed limiter gives while Redis does not
// answer.
const UnavailableWait = 5 * time.Second

// Share keeps l's buckets in s (nil: in memory, as before), doing as down says
// when Redis does not answer. l must be Named. Call it before l is used.
func (l *Limiter) Share(s *Shared, down OnRedisDown) *Limiter {
	if s == nil {
		return l
	}
	if l.name == "" {
		panic("ratelimit: a shared limiter needs a name")
	}
	l.shared, l.down = s, down
	return l
}

// refused counts a refusal in the metrics.
func (l *Limiter) refused() {
	if l.name != "" {
		metrics.RateLimited(l.name)
	}
}

// Allow reports whether key may act now, and counts it if so.
func (l *Limiter) Allow(key string) bool {
	_, _, ok := l.TakeN(key, 1)
	return ok
}

// maxKey is the longest key kept as it is; a longer one (an email a client
// made up, of any length up to the body limit) is kept as its hash, so that
// no client decides how much memory or Redis one bucket takes.
const maxKey = 128

// bucketKey is key as buckets are kept: itself, or its SHA-256 when longer
// than maxKey.
func bucketKey(key string) string {
	if len(key) <= maxKey {
		return key
	}
	sum := sha256.Sum256([]byte(key))
	return "sha256:" + hex.EncodeToString(sum[:])
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
	res   *rate.Reservation // in memory
	taken time.Time
	key   string // in Redis
	n     int
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
	t, wait, err := l.Try(key, n)
	return t, wait, err == nil
}

// Try is TakeN that says why it refused: ErrLimited (wait is how long key must
// wait), or ErrUnavailable (a FailClosed limiter whose Redis does not answer;
// wait is UnavailableWait).
func (l *Limiter) Try(key string, n int) (t *Ticket, wait time.Duration, err error) {
	if l == nil || l.burst <= 0 {
		return nil, 0, nil
	}
	key = bucketKey(key)
	if n > l.burst {
		l.refused()
		return nil, time.Duration(l.burst) * l.every, ErrLimited
	}
	now := l.now()
	if l.shared != nil {
		wait, err := l.redis(key, n, "take")
		switch {
		case err == nil && wait > 0:
			l.refused()
			return nil, wait, ErrLimited
		case err == nil:
			return &Ticket{l: l, key: key, n: n}, 0, nil
		case l.down == FailOpen:
			return nil, 0, nil
		case l.down == FailClosed:
			return nil, UnavailableWait, ErrUnavailable
		}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	res := l.bucket(key, now).ReserveN(now, n)
	if wait := res.DelayFrom(now); !res.OK() || wait > 0 {
		res.CancelAt(now)
		l.refused()
		return nil, wait, ErrLimited
	}
	return &Ticket{l: l, res: res, taken: now}, 0, nil
}

// Refund gives the ticket's event back to its bucket. A nil ticket (from a
// disabled limiter, or one that allowed without Redis) does nothing.
func (t *Ticket) Refund() {
	if t == nil {
		return
	}
	if t.res == nil {
		_, _ = t.l.redis(t.key, t.n, "refund")
		return
	}
	t.l.mu.Lock()
	defer t.l.mu.Unlock()
	// Cancelled as of the time it was taken: x/time/rate gives nothing back for a
	// reservation whose time has passed, and the time between is the action's own.
	t.res.CancelAt(t.taken)
}

// Reset forgets key's use: it starts again with a full burst.
func (l *Limiter) Reset(key string) {
	if l == nil {
		return
	}
	key = bucketKey(key)
	if l.shared != nil {
		_, _ = l.redis(key, 0, "reset")
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.buckets, key)
}

// gcra is the bucket in Redis. KEYS[1] holds the bucket's theoretical arrival
// time (TAT, microseconds): when it is at or before now, the bucket is full;
// each event moves it on by one interval; an event is allowed when the TAT it
// would leave is no more than a burst's refill ahead of now. It returns the
// wait in microseconds: 0 when allowed (and, for "take", counted).
//
// ARGV: now (µs; 0 for Redis's own time), interval (µs), burst, n, mode
// ("take", "refund" or "reset"). The key expires when the bucket would
// be full again.
var gcra = redisconn.NewScript(`
local now, interval, burst, n, mode = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5]
if now == 0 then
  local t = redis.call("TIME")
  now = tonumber(t[1]) * 1000000 + tonumber(t[2])
end
if mode == "reset" then
  redis.call("DEL", KEYS[1])
  return 0
end
local tat = tonumber(redis.call("GET", KEYS[1]) or "0")
if mode == "refund" then
  tat = tat - n * interval
  if tat <= now then
    redis.call("DEL", KEYS[1])
  else
    redis.call("SET", KEYS[1], string.format("%d", tat), "PX", math.ceil((tat - now) / 1000))
  end
  return 0
end
if tat < now then tat = now end
local next = tat + n * interval
local allowAt = next - burst * interval
if allowAt > now then return allowAt - now end
redis.call("SET", KEYS[1], string.format("%d", next), "PX", math.ceil((next - now) / 1000))
return 0
`)

// redis runs the script for key in mode, within the Shared's timeout; an error
// (Redis failed, or is paused after a failure) means the caller does as l.down
// says.
func (l *Limiter) redis(key string, n int, mode string) (time.Duration, error) {
	s := l.shared
	var now int64 // Redis's time
	if s.Clock != nil {
		now = s.Clock().UnixMicro()
	}
	if time.Now().UnixNano() < s.downUntil.Load() {
		return 0, errPaused
	}
	ctx, cancel := context.WithTimeout(context.Background(), cmp.Or(s.Timeout, 250*time.Millisecond))
	defer cancel()
	reply, err := s.Redis.Run(ctx, gcra, []string{cmp.Or(s.Prefix, "coursegraph:limit:") + l.name + ":" + key},
		now, l.every.Microseconds(), l.burst, n, mode)
	var wait int64
	if err == nil {
		var ok bool
		if wait, ok = reply.(int64); !ok {
			err = fmt.Errorf("unexpected reply %T", reply)
		}
	}
	if err != nil {
		s.downUntil.Store(time.Now().Add(cmp.Or(s.Pause, time.Second)).UnixNano())
		if s.OnError != nil {
			s.OnError(l.name, fmt.Errorf("rate limit %s: %w", l.name, err))
		}
		return 0, err
	}
	return time.Duration(wait) * time.Microsecond, nil
}

// errPaused is the error of a call not made because Redis failed just before.
var errPaused = errors.New("not tried: Redis failed less than a pause ago")

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

// Len returns how many keys have a bucket in memory, for tests and metrics.
func (l *Limiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}
