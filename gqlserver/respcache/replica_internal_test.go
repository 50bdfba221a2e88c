package respcache

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"coursegraph/cachetag"
	"coursegraph/readroute"
)

// TestTheMiddlewareKeepsNoAnswerAReplicaReadWithinTheWindowOfAWrite: through
// the middleware, an anonymous query whose read a replica served is not kept
// when its tag was just invalidated (the replica may not have applied that
// write); the same answer read on the primary is; without a window (no
// replicas) the replica's answer is kept too.
func TestTheMiddlewareKeepsNoAnswerAReplicaReadWithinTheWindowOfAWrite(t *testing.T) {
	for _, tc := range []struct {
		name      string
		window    time.Duration
		onReplica bool
		kept      bool
	}{
		{"read on a replica, tag dropped within the window", time.Hour, true, false},
		{"read on the primary, tag dropped within the window", time.Hour, false, true},
		{"read on a replica, no replica window", 0, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := New(Options{ReplicaWindow: tc.window})
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			c.Invalidate(context.Background(), []string{"course:1"})
			runs := 0
			h := c.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				runs++
				ctx := r.Context()
				cachetag.From(ctx).Add("course:1")
				if tc.onReplica {
					readroute.NoteReplica(ctx)
				}
				st := ctx.Value(stateKey{}).(*state)
				st.query.Store(true)
				st.cacheable.Store(true)
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write([]byte(`{"data":{"course":{"title":"T"}}}`))
			}))
			for range 2 {
				req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query":"{ course(slug: \"a\") { title } }"}`))
				req.Header.Set("Content-Type", "application/json")
				h.ServeHTTP(httptest.NewRecorder(), req)
			}
			if kept := runs == 1; kept != tc.kept {
				t.Errorf("the query ran %d times for two requests: kept %v, want %v", runs, kept, tc.kept)
			}
		})
	}
}
