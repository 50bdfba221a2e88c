package gqlserver

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"coursegraph/auth"
	"coursegraph/readroute"
	"coursegraph/redisconn"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// With read replicas, a request's reads go to a replica unless it may have to
// see its own writes (read-your-writes), decided here so that it holds on every
// instance behind a balancer:
//   - a signed-in request (every staff request, and every request carrying the
//     token of a session that wrote) and every WebSocket read the primary: they
//     are all derived from the request, so no state needs sharing;
//   - every mutation reads the primary (its checks and what it reads back);
//   - an anonymous client that has just sent a mutation reads the primary for
//     ReadAfterWrite, by its address (the one the rate limits use), kept in Redis
//     when there is one, so that the next request may land on any instance.
// Everything else (anonymous queries) reads a replica in rotation.

// WriteMarks remember, for a while, the client addresses that have just
// written. They are safe for concurrent use.
type WriteMarks interface {
	// Mark notes that addr has just written.
	Mark(ctx context.Context, addr string)
	// Recent reports whether addr wrote within the window; when it cannot
	// tell (Redis down), it says true, so that the read goes to the primary.
	Recent(ctx context.Context, addr string) bool
}

// routeSignedIn sends the reads of signed-in requests and WebSockets to the
// primary (readroute.Primary), their session's look-up included: it goes
// before authenticate.
func routeSignedIn(marks WriteMarks, next http.Handler) http.Handler {
	if marks == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" || IsWebSocket(r) {
			r = r.WithContext(readroute.Primary(r.Context()))
		}
		next.ServeHTTP(w, r)
	})
}

// routeOperations sends a mutation's reads to the primary and marks an
// anonymous client's address as having written; an anonymous query goes to
// the primary when its client has just written. Only operations that run ask
// (not requests refused before, nor mutations, which read the primary anyway).
func routeOperations(marks WriteMarks) graphql.OperationMiddleware {
	return func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		oc := graphql.GetOperationContext(ctx)
		if oc.Operation == nil {
			return next(ctx)
		}
		if oc.Operation.Operation == ast.Query {
			if !readroute.OnPrimary(ctx) && auth.UserFrom(ctx) == nil && marks.Recent(ctx, auth.ClientIP(ctx)) {
				ctx = readroute.Primary(ctx)
			}
			return next(ctx)
		}
		if oc.Operation.Operation == ast.Mutation && auth.UserFrom(ctx) == nil {
			marks.Mark(ctx, auth.ClientIP(ctx))
		}
		return next(readroute.Primary(ctx))
	}
}

// MemoryWriteMarks keeps the marks in process: enough for one instance.
func MemoryWriteMarks(window time.Duration, now func() time.Time) WriteMarks {
	return &memoryMarks{window: window, now: now, until: map[string]time.Time{}}
}

type memoryMarks struct {
	window time.Duration
	now    func() time.Time
	mu     sync.Mutex
	until  map[string]time.Time
	sweep  time.Time
}

func (m *memoryMarks) Mark(_ context.Context, addr string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	if now.After(m.sweep) { // forget the old marks, once a window
		for a, t := range m.until {
			if now.After(t) {
				delete(m.until, a)
			}
		}
		m.sweep = now.Add(m.window)
	}
	m.until[addr] = now.Add(m.window)
}

func (m *memoryMarks) Recent(_ context.Context, addr string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	t, ok := m.until[addr]
	return ok && m.now().Before(t)
}

// RedisWriteMarks keeps the marks in Redis, shared by every instance, as keys
// <prefix><addr> that expire after window. Each call has a deadline of its own
// (timeout); a failure is reported through onError.
func RedisWriteMarks(rdb *redisconn.Client, prefix string, window, timeout time.Duration, log *slog.Logger, onError func(error)) WriteMarks {
	return &redisMarks{rdb: rdb, prefix: prefix, window: window, timeout: timeout, log: log, onError: onError}
}

type redisMarks struct {
	rdb     *redisconn.Client
	prefix  string
	window  time.Duration
	timeout time.Duration
	log     *slog.Logger
	onError func(error)
}

func (m *redisMarks) Mark(ctx context.Context, addr string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), m.timeout)
	defer cancel()
	if _, err := m.rdb.Do(ctx, "SET", m.prefix+addr, 1, "PX", m.window.Milliseconds()); err != nil && m.onError != nil {
		m.onError(err)
	}
}

func (m *redisMarks) Recent(ctx context.Context, addr string) bool {
	ctx, cancel := context.WithTimeout(ctx, m.timeout)
	defer cancel()
	n, err := redisconn.Uint64(m.rdb.Do(ctx, "EXISTS", m.prefix+addr))
	if err != nil && !errors.Is(err, redisconn.ErrNil) {
		if m.onError != nil {
			m.onError(err)
		}
		return true
	}
	return n > 0
}
