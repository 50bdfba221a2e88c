package respcache

import (
	"context"
	"sync"
	"time"

	"github.com/maypok86/otter/v2"
)

// memoryBackend keeps answers in process: otter bounds them by bytes (W-TinyLFU
// eviction), and a tag index, under mu, finds the answers of a tag.
type memoryBackend struct {
	answers *otter.Cache[string, *entry]

	mu sync.Mutex
	// byTag maps a tag to the keys that read it, with the entry each key held
	// when indexed, so that a late eviction notice cannot unindex a newer entry.
	byTag map[string]map[string]*entry
	// dropped is the sequence number of the last invalidation of each tag, and
	// droppedAt its time.
	dropped   map[string]uint64
	droppedAt map[string]time.Time
	seq       uint64
}

// entryOverhead approximates what an entry costs beyond its body and tags.
const entryOverhead = 256

func newMemoryBackend(maxBytes int64) *memoryBackend {
	m := &memoryBackend{byTag: map[string]map[string]*entry{}, dropped: map[string]uint64{}, droppedAt: map[string]time.Time{}}
	m.answers = otter.Must(&otter.Options[string, *entry]{
		MaximumWeight: uint64(maxBytes),
		Weigher: func(key string, e *entry) uint32 {
			n := len(key) + len(e.body) + len(e.etag) + len(e.contentType) + entryOverhead
			for _, t := range e.tags {
				n += len(t) + 16
			}
			return uint32(n)
		},
		OnDeletion: func(ev otter.DeletionEvent[string, *entry]) { m.unindex(ev.Key, ev.Value) },
	})
	return m
}

func (m *memoryBackend) get(_ context.Context, key string) (*entry, error) {
	e, _ := m.answers.GetIfPresent(key)
	return e, nil
}

func (m *memoryBackend) begin(context.Context) (uint64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.seq, nil
}

func (m *memoryBackend) set(_ context.Context, key string, e *entry, since uint64, _, window time.Duration) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, t := range e.tags {
		if m.dropped[t] > since {
			return nil // a write changed what this answer read while it was made
		}
		if at, ok := m.droppedAt[t]; ok && window > 0 && time.Since(at) < window {
			return nil // a lagging replica may not have applied that write
		}
	}
	m.answers.Set(key, e)
	for _, t := range e.tags {
		keys := m.byTag[t]
		if keys == nil {
			keys = map[string]*entry{}
			m.byTag[t] = keys
		}
		keys[key] = e
	}
	return nil
}

func (m *memoryBackend) unindex(key string, e *entry) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, t := range e.tags {
		if keys := m.byTag[t]; keys != nil && keys[key] == e {
			delete(keys, key)
			if len(keys) == 0 {
				delete(m.byTag, t)
			}
		}
	}
}

func (m *memoryBackend) invalidate(_ context.Context, tags []string) error {
	m.mu.Lock()
	m.seq++
	var drop []string
	now := time.Now()
	for _, t := range tags {
		m.dropped[t] = m.seq
		m.droppedAt[t] = now
		for key := range m.byTag[t] {
			drop = append(drop, key)
		}
		delete(m.byTag, t)
	}
	m.mu.Unlock()
	// Outside mu: otter may tell OnDeletion at once. A set that starts after the
	// unlock sees the new sequence number and stores nothing stale.
	for _, key := range drop {
		m.answers.Invalidate(key)
	}
	return nil
}

func (m *memoryBackend) close() { m.answers.StopAllGoroutines() }
