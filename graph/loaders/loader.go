package loaders

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	"coursegraph/metrics"
)

// Loader loads values by key for one request, fetching keys in groups. Hint names
// keys that a response will ask for together (the courses of a page, the batches of
// some schedules); the first Load of any key of a group fetches the whole group in
// one call, and every later Load of the group waits for that call's answer.
//
// Groups make the number of queries depend only on the shape of the response, never
// on goroutine timing, as a time-window batcher's does. A key that was never hinted
// is fetched alone. Loader is safe for concurrent use.
type Loader[K comparable, V any] struct {
	name    string
	fetch   func(context.Context, []K) (map[K]V, error)
	missing func() (V, error)

	mu      sync.Mutex
	groups  map[K][]K
	entries map[K]*entry[V]
	waited  atomic.Int64
}

type entry[V any] struct {
	done  chan struct{}
	value V
	err   error
}

// NewLoader returns a Loader that fetches with fetch and answers keys absent from
// fetch's map with missing. Its batch sizes are in the metrics under name.
func NewLoader[K comparable, V any](name string, fetch func(context.Context, []K) (map[K]V, error), missing func() (V, error)) *Loader[K, V] {
	return &Loader[K, V]{name: name, fetch: fetch, missing: missing, groups: map[K][]K{}, entries: map[K]*entry[V]{}}
}

// Hint declares keys to fetch together. A pending group that shares a key with
// keys is merged into the new one, so that relations reached by two paths of one
// response (an enquiry's assignee and its notes' authors) are still one fetch;
// keys already loaded are left out.
func (l *Loader[K, V]) Hint(keys []K) {
	l.mu.Lock()
	defer l.mu.Unlock()
	group := make([]K, 0, len(keys))
	seen := make(map[K]bool, len(keys))
	add := func(k K) {
		if _, loaded := l.entries[k]; !loaded && !seen[k] {
			seen[k] = true
			group = append(group, k)
		}
	}
	for _, k := range keys {
		if pending, ok := l.groups[k]; ok {
			for _, p := range pending {
				add(p)
			}
		}
		add(k)
	}
	for _, k := range group {
		l.groups[k] = group
	}
}

// Prime stores a value already at hand, so that loading its key costs nothing.
func (l *Loader[K, V]) Prime(key K, value V) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, loaded := l.entries[key]; loaded {
		return
	}
	l.entries[key] = &entry[V]{done: closed, value: value}
}

// closed is the done channel of primed entries, which are never waited for.
var closed = func() chan struct{} {
	c := make(chan struct{})
	close(c)
	return c
}()

// Load returns the value of key, fetching its group if nobody has yet.
func (l *Loader[K, V]) Load(ctx context.Context, key K) (V, error) {
	l.mu.Lock()
	if e, ok := l.entries[key]; ok {
		l.mu.Unlock()
		select {
		case <-e.done:
		default:
			l.waited.Add(1)
		}
		return e.wait(ctx)
	}
	keys := []K{key}
	if group, ok := l.groups[key]; ok {
		keys = keys[:0]
		for _, k := range group {
			if _, loaded := l.entries[k]; !loaded {
				keys = append(keys, k)
			}
		}
	}
	// The group's entries are answered together: one allocation and one done
	// channel for all of them.
	batch, done := make([]entry[V], len(keys)), make(chan struct{})
	for i, k := range keys {
		batch[i].done = done
		l.entries[k] = &batch[i]
		delete(l.groups, k)
	}
	mine := l.entries[key]
	l.mu.Unlock()
	metrics.LoaderBatch(l.name, len(keys))

	values, err := l.safeFetch(ctx, keys)
	for i, k := range keys {
		e := &batch[i]
		switch v, found := values[k]; {
		case err != nil:
			e.err = err
		case found:
			e.value = v
		default:
			e.value, e.err = l.missing()
		}
	}
	close(done)
	return mine.value, mine.err
}

// Waited returns how many loads found their key being fetched by another goroutine
// and had to wait for it: a measure of how much loading ahead missed.
func (l *Loader[K, V]) Waited() int { return int(l.waited.Load()) }

func (l *Loader[K, V]) safeFetch(ctx context.Context, keys []K) (values map[K]V, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("loader fetch panicked: %v", p)
		}
	}()
	return l.fetch(ctx, keys)
}

func (e *entry[V]) wait(ctx context.Context) (V, error) {
	// The common case, a value loaded ahead, without a blocking select (whose
	// frame alone can make a deep goroutine grow its stack).
	select {
	case <-e.done:
		return e.value, e.err
	default:
	}
	select {
	case <-e.done:
		return e.value, e.err
	case <-ctx.Done():
		var zero V
		return zero, ctx.Err()
	}
}
