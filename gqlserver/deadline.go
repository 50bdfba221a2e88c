package gqlserver

import (
	"context"
	"net/http"
	"strings"
	"time"
)

// DefaultRequestTimeout is how long a request may take when HandlerOptions does
// not say.
const DefaultRequestTimeout = 10 * time.Second

// IsWebSocket reports whether r asks to become a WebSocket (a subscription), which
// lives as long as its client and so takes no request deadline.
func IsWebSocket(r *http.Request) bool {
	return strings.EqualFold(r.Header.Get("Upgrade"), "websocket")
}

// withDeadline gives every request except a WebSocket (which lives as long as its
// client stays) a deadline of timeout. Its context carries the deadline into every
// database call and the wait for a pooled connection, so that a stalled database
// costs a request at most timeout and it is answered SERVICE_UNAVAILABLE, instead
// of hanging until the server's write timeout cuts it without an answer.
func withDeadline(timeout time.Duration, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if IsWebSocket(r) {
			next.ServeHTTP(w, r)
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), timeout)
		defer cancel()
		ctx = context.WithValue(ctx, httpResponseKey{}, &httpResponse{w: w})
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

type httpResponseKey struct{}

// httpResponse lets the error presenter set a header of an HTTP response before
// the transport writes it.
type httpResponse struct {
	w http.ResponseWriter
}

// setRetryAfter sets the Retry-After header of the request's HTTP response, before
// gqlgen writes it (a no-op over WebSockets).
func setRetryAfter(ctx context.Context, seconds string) {
	if hr, ok := ctx.Value(httpResponseKey{}).(*httpResponse); ok {
		hr.w.Header().Set("Retry-After", seconds)
	}
}
