package gqlserver

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"coursegraph/gqlhttp"
	"coursegraph/graph"
	"coursegraph/logging"
	"coursegraph/playground"
	"coursegraph/service"

	"github.com/rs/cors"
)

// DefaultMaxBodyBytes is the largest request body /graphql reads.
const DefaultMaxBodyBytes = 1 << 20

// RoutesOptions are the server's routes and the middleware around them.
type RoutesOptions struct {
	// GraphQL configures the /graphql endpoint (see NewHandler).
	GraphQL HandlerOptions
	// CORSOrigins are the browser origins allowed to call the API from other
	// sites; none means no CORS headers at all.
	CORSOrigins []string
	// Playground serves GraphiQL at / with its assets under /playground/.
	Playground bool
	// MaxBodyBytes bounds a request body; 0 means DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// EventBusConnected, when set (live events go through Redis), reports
	// whether the event bus is connected; /readyz?verbose shows it, without
	// affecting readiness: an instance without Redis still serves and takes
	// writes.
	EventBusConnected func() bool
	// Draining reports whether the server is shutting down: /readyz then
	// answers 503, and every response asks its client to close the connection.
	// Nil means never.
	Draining func() bool
	// WebSockets, when set, counts the open WebSocket connections, which
	// http.Server.Shutdown does not wait for.
	WebSockets *sync.WaitGroup
	// Replicas, when set, reports the database's read replicas, each listed by
	// /readyz?verbose (a replica out of rotation does not make the instance
	// unready: its reads go to the primary meanwhile).
	Replicas func() []ReplicaStatus
	// Observe, when set, wraps everything else (metrics and tracing, which
	// must see every request whole).
	Observe func(http.Handler) http.Handler
}

// Routes is the server's whole HTTP handler, built here and nowhere else.
// Routes: /graphql, /healthz, /readyz and (with Playground) the playground.
// Middleware, outermost first:
//
//	Observe (metrics, tracing)
//	→ shutdown awareness (WebSocket count, "Connection: close" while draining)
//	→ request id and access log
//	→ security headers
//	→ CORS
//	→ the route; for /graphql: WebSocket timeouts lifted → body limit →
//	  the GraphQL chain of NewHandler (response cache → deadline → auth → gqlgen).
func Routes(svc *service.Service, log *slog.Logger, opts RoutesOptions) http.Handler {
	draining := opts.Draining
	if draining == nil {
		draining = func() bool { return false }
	}
	maxBody := opts.MaxBodyBytes
	if maxBody <= 0 {
		maxBody = DefaultMaxBodyBytes
	}
	mux := http.NewServeMux()
	mux.Handle("/graphql", longLivedWebSockets(limitBody(NewHandler(svc, log, opts.GraphQL), maxBody)))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, "ok\n")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ready(w, r, svc, log, draining(), opts.Replicas, opts.EventBusConnected)
	})
	if opts.Playground {
		page := playground.Handler()
		mux.Handle("GET /{$}", page)
		mux.Handle("GET "+playground.AssetPath, page)
	}
	var h http.Handler = mux
	if len(opts.CORSOrigins) > 0 {
		h = cors.New(cors.Options{
			AllowedOrigins: opts.CORSOrigins,
			AllowedMethods: []string{http.MethodGet, http.MethodPost, http.MethodOptions},
			AllowedHeaders: []string{"Authorization", "Content-Type", graph.IdempotencyKeyHeader, logging.RequestIDHeader},
			ExposedHeaders: []string{logging.RequestIDHeader},
			MaxAge:         600,
		}).Handler(h)
	}
	h = logging.Middleware(log, securityHeaders(h))
	h = shutdownAware(draining, opts.WebSockets, h)
	if opts.Observe != nil {
		h = opts.Observe(h)
	}
	return h
}

// shutdownAware tracks WebSocket connections in webSockets (when set) and asks
// clients to close their connection after each response once draining.
func shutdownAware(draining func() bool, webSockets *sync.WaitGroup, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if webSockets != nil && IsWebSocket(r) {
			webSockets.Add(1)
			defer webSockets.Done()
		}
		if draining() {
			w.Header().Set("Connection", "close")
		}
		next.ServeHTTP(w, r)
	})
}

// nosniff is the value of every response's X-Content-Type-Options, shared as
// Header.Set would not (one element, no spare capacity: an Add copies it).
var nosniff = []string{"nosniff"}

// securityHeaders marks every response nosniff, so that a browser never reads a
// JSON error as HTML or script; a response to a request that carries credentials
// is also kept out of every cache and sends no Referer from any page it becomes.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header()["X-Content-Type-Options"] = nosniff
		if r.Header.Get("Authorization") != "" {
			w.Header().Set("Cache-Control", "no-store")
			w.Header().Set("Referrer-Policy", "no-referrer")
		}
		next.ServeHTTP(w, r)
	})
}

// limitBody refuses request bodies over max bytes with 413 and a GraphQL error, and
// hands the endpoint a body it has read in full (the endpoint reads it all anyway).
func limitBody(next http.Handler, max int64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := readAll(r, max)
		if err != nil || int64(len(body)) > max {
			gqlhttp.WriteErrors(w, r, http.StatusRequestEntityTooLarge,
				gqlhttp.Error(gqlhttp.CodeBodyTooLarge, fmt.Sprintf("the request body is over %d bytes", max)))
			return
		}
		rb := &readBody{all: body}
		rb.Reset(body)
		r.Body = rb
		next.ServeHTTP(w, r)
	})
}

// readAll reads r's body, or its first max+1 bytes. A body of a declared length
// (net/http ends it there) is read into one buffer of that size.
func readAll(r *http.Request, max int64) ([]byte, error) {
	if n := r.ContentLength; n >= 0 && n <= max {
		body := make([]byte, n)
		_, err := io.ReadFull(r.Body, body)
		return body, err
	}
	return io.ReadAll(io.LimitReader(r.Body, max+1))
}

// readBody is a request body read in full. Bytes lets the response cache key it
// without reading and copying it again.
type readBody struct {
	bytes.Reader
	all []byte
}

// Bytes returns what is left to read, without reading it.
func (b *readBody) Bytes() []byte { return b.all[len(b.all)-b.Len():] }

func (*readBody) Close() error { return nil }

// longLivedWebSockets lifts the server's read and write timeouts from WebSocket
// upgrades: a subscription lives for as long as the client stays; its keep-alive
// pings notice dead peers instead.
func longLivedWebSockets(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if IsWebSocket(r) {
			rc := http.NewResponseController(w)
			_ = rc.SetReadDeadline(time.Time{})
			_ = rc.SetWriteDeadline(time.Time{})
		}
		next.ServeHTTP(w, r)
	})
}

// ReplicaStatus is one read replica's state, as /readyz?verbose shows it.
type ReplicaStatus struct {
	// Name is its host:port.
	Name string
	// InRotation says reads go to it.
	InRotation bool
	// Lag is how far it was behind the primary at the last check (an upper
	// bound); -1 when it did not answer.
	Lag time.Duration
	// Why it is out of rotation.
	Why string
	// Served counts the reads it served.
	Served int64
}

// ready answers /readyz: 200 "ok" when the database answers, 503 otherwise or
// while shutting down. With ?verbose it lists each check, the mail backlog (how
// many notices wait and for how long), each read replica's state (replicas, nil
// without replicas) and whether the event bus is connected (busConnected, nil
// for an in-process bus), which do not affect readiness.
func ready(w http.ResponseWriter, r *http.Request, svc *service.Service, log *slog.Logger, draining bool,
	replicas func() []ReplicaStatus, busConnected func() bool,
) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	var lines []string
	ok := true
	if draining {
		ok = false
		lines = append(lines, "[-] shutting down")
	}
	_, verbose := r.URL.Query()["verbose"]
	if err := svc.Ready(ctx); err != nil {
		log.WarnContext(r.Context(), "not ready", slog.Any("error", err))
		ok = false
		lines = append(lines, "[-] database unreachable")
	} else {
		lines = append(lines, "[+] database ok")
		if verbose && svc.Mail() { // the backlog is for people, not for every probe
			if b, err := svc.MailBacklog(ctx); err != nil {
				lines = append(lines, "[-] mail backlog unknown")
			} else if b.Count == 0 {
				lines = append(lines, "[+] mail backlog: 0")
			} else {
				age := svc.Now().Sub(b.Oldest).Round(time.Second)
				lines = append(lines, fmt.Sprintf("[+] mail backlog: %d undelivered, oldest queued %s ago", b.Count, age))
			}
		}
	}
	if verbose && replicas != nil {
		for _, rep := range replicas() {
			if rep.InRotation {
				lines = append(lines, fmt.Sprintf("[+] replica %s: in rotation, lag %s, %d reads served", rep.Name, rep.Lag.Round(time.Millisecond), rep.Served))
			} else {
				lines = append(lines, fmt.Sprintf("[-] replica %s: out of rotation (%s), %d reads served", rep.Name, rep.Why, rep.Served))
			}
		}
	}
	if verbose && busConnected != nil {
		if busConnected() {
			lines = append(lines, "[+] event bus connected to Redis")
		} else {
			lines = append(lines, "[-] event bus not connected to Redis (reconnecting; subscriptions are closed with 1013)")
		}
	}
	if !ok {
		w.WriteHeader(http.StatusServiceUnavailable)
	}
	if verbose {
		_, _ = io.WriteString(w, strings.Join(lines, "\n")+"\n")
	}
	switch {
	case ok:
		_, _ = io.WriteString(w, "ok\n")
	case draining:
		_, _ = io.WriteString(w, "shutting down\n")
	default:
		_, _ = io.WriteString(w, "database unreachable\n")
	}
}
