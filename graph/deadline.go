package graph

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
)

// DefaultRequestTimeout is how long a request may take when HandlerOptions does
// not say.
const DefaultRequestTimeout = 10 * time.Second

// retryAfter is the Retry-After, in seconds, of a response that the database did
// not let the server give.
const retryAfter = "5"

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

// httpResponse lets the response middleware set the status of an HTTP response
// before gqlgen writes its body.
type httpResponse struct {
	w    http.ResponseWriter
	once sync.Once
}

// setRetryAfter sets the Retry-After header of the request's HTTP response, before
// gqlgen writes it (a no-op over WebSockets).
func setRetryAfter(ctx context.Context, seconds string) {
	if hr, ok := ctx.Value(httpResponseKey{}).(*httpResponse); ok {
		hr.w.Header().Set("Retry-After", seconds)
	}
}

// unavailableStatus answers a response without data whose errors say the service
// was unavailable with HTTP 503 and Retry-After, so that clients and proxies that
// look only at the status know to retry later. A response with partial data stays
// 200: its errors say which fields are missing.
func unavailableStatus(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	hr, ok := ctx.Value(httpResponseKey{}).(*httpResponse)
	if !ok || resp == nil || (len(resp.Data) > 0 && string(resp.Data) != "null") {
		return resp
	}
	for _, e := range resp.Errors {
		if e.Extensions[extensionCode] == codeUnavailable {
			hr.once.Do(func() {
				hr.w.Header().Set("Retry-After", retryAfter)
				hr.w.WriteHeader(http.StatusServiceUnavailable)
			})
			break
		}
	}
	return resp
}
