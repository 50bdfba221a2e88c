// Package respcache keeps the answers of anonymous GraphQL queries, and drops
// exactly those a write changed.
//
// Each answer is kept under the entity tags its resolvers read (package
// cachetag: "course:3", "articles", "comments:7" ...). A write names the tags it
// changed after its transaction commits (Invalidate), and every answer that read
// one of them is dropped. Answers live in process, bounded by bytes (otter), or,
// when a Redis client is given, in Redis, so that several instances share them
// and a write on one drops the answers of all before it returns.
//
// A miss that overlaps a write cannot store what it read before the write: every
// invalidation takes a sequence number, each tag remembers the last one that
// dropped it, and an answer is stored only if none of its tags was dropped after
// the miss began (atomically, under a lock in process or in a Lua script on Redis).
// With read replicas, a read may also miss a write that committed before the
// miss began, by as much as the replica lags: each tag also remembers when it
// was last dropped, and an answer a replica served any read of is stored only if
// none of its tags was dropped within Options.ReplicaWindow before it began
// (package readroute records the replica reads).
//
// Only queries without errors from anonymous requests are kept. An answer that
// lists articles or tags ends at the next scheduled publication, when it would
// show one more article, so no job needs to run then.
//
// It may import cachetag, instant, readroute, redisconn and gqlgen; it knows nothing of the service.
package respcache

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"coursegraph/cachetag"
	"coursegraph/redisconn"
)

// Defaults of Options.
const (
	DefaultMaxBytes             = 64 << 20
	DefaultTTL                  = 10 * time.Minute
	DefaultMaxAge               = 10 * time.Second
	DefaultStaleWhileRevalidate = 30 * time.Second
	DefaultOpTimeout            = 500 * time.Millisecond
)

// Options are the cache's settings; zero values take the defaults.
type Options struct {
	// MaxBytes bounds the answers kept in process (default 64 MiB).
	MaxBytes int64
	// TTL is the longest an answer is kept even if nothing changes it (default
	// 10m): a bound on the harm of a write made outside the service.
	TTL time.Duration
	// Redis, when set, keeps the answers and their tags in Redis instead of in
	// process, under keys starting with Prefix (default "coursegraph:rc:").
	Redis  *redisconn.Client
	Prefix string
	// Now is the clock (the service's, so that tests move both).
	Now func() time.Time
	// NextPublication says when the next scheduled article becomes public after
	// the instant its context carries (instant.From: the instant the answer was
	// made at, which the cache sets); an answer that read the article or tag
	// lists ends then.
	NextPublication func(context.Context) (time.Time, bool, error)
	// MaxAge and StaleWhileRevalidate are the Cache-Control of public GET answers
	// (defaults 10s and 30s).
	MaxAge, StaleWhileRevalidate time.Duration
	// PurgeURL, when set, is POSTed the tags each write invalidated, for a CDN.
	PurgeURL string
	// OpTimeout bounds each Redis call (default 500ms); the request's own
	// deadline bounds the rest.
	OpTimeout time.Duration
	// ReplicaWindow, when the database has read replicas, is how stale a read
	// served by a replica may be (the store's ReplicaWindow: its maximum lag
	// plus the time between two lag checks). An answer any of whose reads a
	// replica served is not kept when one of its tags was invalidated within
	// that window before the miss began: the replica may not have applied the
	// write yet, and the answer would outlive the lag.
	ReplicaWindow time.Duration
	// Hooks are told of hits, misses and invalidations (metrics).
	Hooks Hooks
	Log   *slog.Logger
}

// Hooks are the cache's events, for metrics; nil functions are skipped. They
// must be fast and safe for concurrent use.
type Hooks struct {
	// Hit is a request answered from the cache.
	Hit func()
	// Miss is a cacheable request answered by running the query.
	Miss func()
	// Bypass is a request the cache may not answer (signed in, not a query).
	Bypass func()
	// Invalidate is a write's tags, dropped.
	Invalidate func(tags []string)
	// Error is a failed read or write of the store (Redis), logged besides.
	Error func()
}

func call(f func()) {
	if f != nil {
		f()
	}
}

// Cache is the response cache. It is safe for concurrent use; Close it when the
// server stops.
type Cache struct {
	opts  Options
	store backend
	purge *purger
	log   *slog.Logger
	memo  keyMemo
}

// entry is one answer.
type entry struct {
	body        []byte
	contentType string
	etag        string
	tags        []string
	expires     time.Time
	// header holds the values of its headers, made once (prepare) rather than
	// on every hit. Each hit's header map shares them: each value slice has one
	// element and no spare capacity, so that an Add after ours copies it, and
	// nothing writes to them.
	header entryHeader
}

// entryHeader is an entry's header values.
type entryHeader struct{ etag, surrogateKey, contentType, contentLength []string }

// prepare makes e's header values, once its fields are set.
func (e *entry) prepare() *entry {
	e.header.etag = []string{e.etag}
	e.header.surrogateKey = []string{strings.Join(e.tags, " ")}
	if e.contentType != "" {
		e.header.contentType = []string{e.contentType}
	}
	e.header.contentLength = []string{strconv.Itoa(len(e.body))}
	return e
}

// backend keeps entries and their tags. One that calls out (Redis) bounds
// get, begin and set by Options.OpTimeout itself: the in-process one needs no
// deadline, and a hit should not pay for a timer.
type backend interface {
	get(ctx context.Context, key string) (*entry, error) // nil, nil when absent
	// begin returns the sequence number a later set compares with.
	begin(ctx context.Context) (uint64, error)
	// set stores e unless one of its tags was invalidated after since, or,
	// when window is not 0, less than window ago.
	set(ctx context.Context, key string, e *entry, since uint64, ttl, window time.Duration) error
	invalidate(ctx context.Context, tags []string) error
	close()
}

// New returns a cache with opts.
func New(opts Options) (*Cache, error) {
	if opts.MaxBytes == 0 {
		opts.MaxBytes = DefaultMaxBytes
	}
	if opts.TTL == 0 {
		opts.TTL = DefaultTTL
	}
	if opts.MaxAge == 0 {
		opts.MaxAge = DefaultMaxAge
	}
	if opts.StaleWhileRevalidate == 0 {
		opts.StaleWhileRevalidate = DefaultStaleWhileRevalidate
	}
	if opts.OpTimeout == 0 {
		opts.OpTimeout = DefaultOpTimeout
	}
	if opts.Prefix == "" {
		opts.Prefix = "coursegraph:rc:"
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	if opts.MaxBytes < 1<<20 {
		return nil, errors.New("the response cache needs at least 1 MiB")
	}
	c := &Cache{opts: opts, log: opts.Log}
	if opts.Redis != nil {
		c.store = newRedisBackend(opts.Redis, opts.Prefix, opts.OpTimeout)
	} else {
		c.store = newMemoryBackend(opts.MaxBytes)
	}
	if opts.PurgeURL != "" {
		c.purge = newPurger(opts.PurgeURL, opts.Log)
	}
	return c, nil
}

// Close stops the purge webhook's sender (after the purges already queued, for
// a few seconds at most) and the in-process cache's goroutines. It does not close
// the Redis client, which belongs to the caller.
func (c *Cache) Close() {
	if c == nil {
		return
	}
	if c.purge != nil {
		c.purge.close()
	}
	c.store.close()
}

// Invalidate drops every answer that read one of tags, here and (on Redis) on
// every instance, before it returns; then it queues the tags for the purge
// webhook. The service calls it after a write commits. A Redis failure is logged:
// the write stands, and the answers it missed end at their TTL.
func (c *Cache) Invalidate(ctx context.Context, tags []string) {
	if c == nil || len(tags) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*c.opts.OpTimeout)
	defer cancel()
	if err := c.store.invalidate(ctx, tags); err != nil {
		call(c.opts.Hooks.Error)
		c.log.ErrorContext(ctx, "response cache: drop answers", slog.Any("tags", tags), slog.Any("error", err))
	}
	if c.opts.Hooks.Invalidate != nil {
		c.opts.Hooks.Invalidate(tags)
	}
	if c.purge != nil {
		c.purge.queue(tags)
	}
}

var _ cachetag.Invalidator = (*Cache)(nil)

// lifetime is when an answer with tags, made now, ends: its TTL, or the next
// scheduled publication if it listed articles or tags.
func (c *Cache) lifetime(ctx context.Context, tags []string, now time.Time) (time.Time, error) {
	end := now.Add(c.opts.TTL)
	if c.opts.NextPublication == nil {
		return end, nil
	}
	if !slices.Contains(tags, cachetag.Articles) && !slices.Contains(tags, cachetag.Tags) {
		return end, nil
	}
	at, ok, err := c.opts.NextPublication(ctx)
	if err != nil {
		return time.Time{}, err
	}
	if ok && at.Before(end) {
		end = at
	}
	return end, nil
}
