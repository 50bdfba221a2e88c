package metrics

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// Request holds one request's measurements: when it arrived, how many SQL
// statements it ran and how long they took, and what the response cache did. Its
// methods are safe for concurrent use (resolvers run in goroutines of their own).
type Request struct {
	// Start is when the request arrived.
	Start time.Time
	// Debug asks for the measurements in the response's extensions
	// (DEBUG_EXTENSIONS).
	Debug bool
	// Connection marks the request that opened a WebSocket: each operation sent
	// over it is measured on its own, with a Request from PerOperation.
	Connection bool

	statements atomic.Int64
	dbNanos    atomic.Int64
	cache      atomic.Pointer[string]
}

type requestKey struct{}

// WithRequest returns ctx carrying r.
func WithRequest(ctx context.Context, r *Request) context.Context {
	return context.WithValue(ctx, requestKey{}, r)
}

// RequestFrom returns the Request ctx carries, or nil when the request is not
// measured (metrics and debug extensions both off).
func RequestFrom(ctx context.Context) *Request {
	r, _ := ctx.Value(requestKey{}).(*Request)
	return r
}

// PerOperation returns a fresh Request, starting now, for one operation sent over
// the WebSocket that r opened.
func (r *Request) PerOperation(now time.Time) *Request {
	return &Request{Start: now, Debug: r.Debug}
}

// Statements returns how many SQL statements the request has run.
func (r *Request) Statements() int { return int(r.statements.Load()) }

// DatabaseTime returns how long the request's SQL statements took, added up.
func (r *Request) DatabaseTime() time.Duration { return time.Duration(r.dbNanos.Load()) }

// CacheOff is the cache status of a request the response cache did not see.
const CacheOff = "off"

// SetCacheStatus records what the response cache did for the request ctx carries
// ("hit", "miss", "bypass", ...), shown in the debug extensions; a no-op for a
// request that is not measured.
func SetCacheStatus(ctx context.Context, status string) {
	if r := RequestFrom(ctx); r != nil {
		r.cache.Store(&status)
	}
}

// CacheStatus returns what SetCacheStatus recorded, or CacheOff.
func (r *Request) CacheStatus() string {
	if s := r.cache.Load(); s != nil {
		return *s
	}
	return CacheOff
}

// Statement records one SQL statement of kind that took d, for the request ctx
// carries if any (and in the process-wide count either way).
func Statement(ctx context.Context, kind string, d time.Duration) {
	statements.WithLabelValues(kind).Inc()
	if r := RequestFrom(ctx); r != nil {
		r.statements.Add(1)
		r.dbNanos.Add(int64(d))
	}
}

// MaxOperationNames bounds the operation label of the request metrics: the first
// this many operation names seen in valid documents get their own label, and any
// other name is counted as "other". Operation names are chosen by clients, so
// an unbounded label would let any client grow the metrics without end.
const MaxOperationNames = 100

// operationNames is the process's set of operation names with a label of their
// own.
var operationNames = NewOperationNames(MaxOperationNames)

// OperationLabel returns the label of operation name in the request metrics (see
// MaxOperationNames): "anonymous" for an operation without a name, name itself
// if it has a label of its own or gets one now (only a name from a document that
// passed validation, admit, may take a free place), otherwise "other".
func OperationLabel(name string, admit bool) string { return operationNames.Label(name, admit) }

// OperationNames is a bounded set of operation names (see MaxOperationNames). It
// is safe for concurrent use.
type OperationNames struct {
	max   int
	mu    sync.RWMutex
	names map[string]struct{}
}

// NewOperationNames returns an empty set that admits at most max names.
func NewOperationNames(max int) *OperationNames {
	return &OperationNames{max: max, names: make(map[string]struct{}, max)}
}

// Label is OperationLabel over o.
func (o *OperationNames) Label(name string, admit bool) string {
	if name == "" {
		return "anonymous"
	}
	o.mu.RLock()
	_, known := o.names[name]
	o.mu.RUnlock()
	if known {
		return name
	}
	if !admit {
		return "other"
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if _, known := o.names[name]; !known {
		if len(o.names) >= o.max {
			return "other"
		}
		o.names[name] = struct{}{}
	}
	return name
}
