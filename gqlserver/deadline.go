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
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}
