package respcache

import (
	"net/http"
	"sync"
)

// keyMemo remembers the cache key of the exact requests seen lately, so that a
// request sent again byte for byte (what a site's pages do) is keyed without
// parsing its JSON, hashing its document or putting its variables in canonical
// form: requestKey is a pure function of the request's bytes, so a remembered
// key never goes stale and needs no invalidation. It holds at most
// memoMaxBytes of requests, each at most memoMaxRequest, and forgets all of
// them when full (a request it forgot is keyed the long way, as before).
type keyMemo struct {
	mu    sync.RWMutex
	keys  map[string]string
	bytes int
}

const (
	memoMaxRequest = 8 << 10
	memoMaxBytes   = 4 << 20
)

// memoBuffers hold the exact request while it is looked up.
var memoBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// exact appends what decides a request's key to b: its method, its Accept
// header, and its query string (GET) or body (POST).
func exact(b []byte, r *http.Request, body []byte) []byte {
	b = append(b, r.Method...)
	b = append(b, 0)
	b = append(b, r.Header.Get("Accept")...)
	b = append(b, 0)
	if r.Method == http.MethodGet {
		return append(b, r.URL.RawQuery...)
	}
	return append(b, body...)
}

func (m *keyMemo) get(req []byte) (string, bool) {
	m.mu.RLock()
	key, ok := m.keys[string(req)] // no copy: the compiler looks up the bytes
	m.mu.RUnlock()
	return key, ok
}

func (m *keyMemo) put(req []byte, key string) {
	if len(req) > memoMaxRequest {
		return
	}
	n := len(req) + len(key)
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.keys == nil || m.bytes+n > memoMaxBytes {
		m.keys, m.bytes = map[string]string{}, 0
	}
	if _, ok := m.keys[string(req)]; !ok {
		m.keys[string(req)] = key
		m.bytes += n
	}
}
