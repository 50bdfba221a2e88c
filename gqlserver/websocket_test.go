package gqlserver_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"coursegraph/apitest"
	"coursegraph/events"
	"coursegraph/gqlserver"
	"coursegraph/logging"
	"coursegraph/models"
	"coursegraph/service"
	"coursegraph/store"
	"coursegraph/store/storetest"

	coderws "github.com/coder/websocket"
)

// syncLog is a log that server goroutines write while the test reads it.
type syncLog struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *syncLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *syncLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// serveLogged serves the endpoint over svc on a local port, with its own log.
func serveLogged(t *testing.T, svc *service.Service, opts ...func(*gqlserver.HandlerOptions)) (*httptest.Server, *syncLog) {
	t.Helper()
	logs := &syncLog{}
	log, err := logging.New(logs, "json", slog.LevelInfo)
	if err != nil {
		t.Fatal(err)
	}
	var o gqlserver.HandlerOptions
	for _, opt := range opts {
		opt(&o)
	}
	srv := httptest.NewServer(logging.Middleware(log, gqlserver.NewHandler(svc, log, o)))
	t.Cleanup(srv.Close)
	return srv, logs
}

func TestRefusedWebSocketsAreClosedWith4401Or4403AndTheReason(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		a := apitest.New(t, s)
		a.AddUser("staff@example.com", models.RoleStaff)
		staff := a.SignIn("staff@example.com", apitest.Password)
		stranger := a.AddUser("stranger@example.com", models.RoleStaff)
		strangerToken := a.SignIn("stranger@example.com", apitest.Password).Token
		// A role this server does not know (left by a newer version, say) grants
		// nothing.
		db, err := s.SQL()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec("UPDATE users SET role = 'READER' WHERE id = ?", stranger.ID); err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(a.Handler)
		defer srv.Close()

		for _, tc := range []struct {
			name   string
			send   []map[string]any
			code   coderws.StatusCode
			reason string
		}{
			{"an anonymous connection_init is Unauthorized", []map[string]any{{"type": "connection_init"}}, 4401, "Unauthorized: send"},
			{"a forged token is Unauthorized", []map[string]any{{"type": "connection_init", "payload": map[string]any{"Authorization": "Bearer cgs_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}}}, 4401, "Unauthorized: the token is not valid"},
			{"a subscribe before connection_init is Unauthorized", []map[string]any{{"id": "1", "type": "subscribe", "payload": map[string]any{"query": "subscription { enquiryReceived { id } }"}}}, 4401, "Unauthorized"},
			{"a signed-in user without a staff role is Forbidden", []map[string]any{{"type": "connection_init", "payload": map[string]any{"Authorization": "Bearer " + strangerToken}}}, 4403, "Forbidden: subscriptions are for staff"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				c := apitest.DialWS(t, srv.URL)
				for _, m := range tc.send {
					c.Send(m)
				}
				code, reason, msgs := c.CloseOf()
				if code != tc.code || !strings.HasPrefix(reason, tc.reason) || len(msgs) != 0 {
					t.Errorf("closed with %d %q after %v; want %d %q… and no message", code, reason, msgs, tc.code, tc.reason)
				}
			})
		}

		t.Run("a client refused again and again is logged once", func(t *testing.T) {
			srv, logs := serveLogged(t, a.Svc)
			for range 5 {
				c := apitest.DialWS(t, srv.URL)
				c.Send(map[string]any{"type": "connection_init"})
				if code, _, _ := c.CloseOf(); code != 4401 {
					t.Fatalf("closed with %d, want 4401", code)
				}
			}
			if n := strings.Count(logs.String(), `"msg":"websocket refused"`); n != 1 || strings.Contains(logs.String(), `"level":"ERROR"`) {
				t.Errorf("want one refusal logged, at INFO; got %d:\n%s", n, logs.String())
			}
		})

		t.Run("staff are acknowledged", func(t *testing.T) {
			c := apitest.DialWS(t, srv.URL)
			c.Send(map[string]any{"type": "connection_init", "payload": map[string]any{"Authorization": "Bearer " + staff.Token}})
			if msg, err := c.Read(); err != nil || msg["type"] != "connection_ack" {
				t.Fatalf("init as staff: %v %v", msg, err)
			}
		})
	})
}

// TestASubscriberThatFallsBehindIsClosedWithTryAgainLater publishes faster than a
// subscriber takes events: it is cut off, and its connection is closed with 1013
// (a graphql-ws client reconnects and subscribes again), never completed as if
// the stream had ended, and the cut is logged.
func TestASubscriberThatFallsBehindIsClosedWithTryAgainLater(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		bus := events.NewLocal[*models.Enquiry]()
		a := apitest.NewWith(t, apitest.NewService(t, s, func(o *service.Options) { o.Enquiries = bus }))
		a.AddUser("staff@example.com", models.RoleStaff)
		staff := a.SignIn("staff@example.com", apitest.Password)
		srv, logs := serveLogged(t, a.Svc)

		c := apitest.DialWS(t, srv.URL)
		c.Send(map[string]any{"type": "connection_init", "payload": map[string]any{"Authorization": "Bearer " + staff.Token}})
		if msg, err := c.Read(); err != nil || msg["type"] != "connection_ack" {
			t.Fatalf("init as staff: %v %v", msg, err)
		}
		c.Send(map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{"query": `subscription { enquiryReceived { id name } }`}})
		apitest.WaitFor(t, "the subscription", func() bool { return bus.Subscribers() == 1 })
		for i := range 1000 {
			_ = bus.Publish(context.Background(), &models.Enquiry{ID: uint(i + 1), Name: "Rahim"})
		}
		code, reason, msgs := c.CloseOf()
		if code != 1013 || !strings.Contains(reason, "subscribe and fetch again") {
			t.Errorf("closed with %d %q; want 1013 Try Again Later", code, reason)
		}
		for _, m := range msgs {
			if m != "next" {
				t.Errorf("got %v before the close; want events only, no complete", msgs)
				break
			}
		}
		apitest.WaitFor(t, "the log of the cut", func() bool { return strings.Contains(logs.String(), "subscriber fell behind") })
		if bus.CutOff() != 1 {
			t.Errorf("cut off %d, want 1", bus.CutOff())
		}
	})
}

// TestAWebSocketTheDatabaseCannotSignInIsToldToTryAgainLater: a connection_init
// whose session lookup the database does not answer in time is closed with 1013
// (the client retries), not 4401 (the client would sign out); an operation over a
// signed-in connection then is SERVICE_UNAVAILABLE, not UNAUTHENTICATED.
func TestAWebSocketTheDatabaseCannotSignInIsToldToTryAgainLater(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		a := apitest.New(t, s)
		a.AddUser("staff@example.com", models.RoleStaff)
		staff := a.SignIn("staff@example.com", apitest.Password)
		srv, _ := serveLogged(t, a.Svc, func(o *gqlserver.HandlerOptions) { o.RequestTimeout = requestTimeout })
		init := map[string]any{"type": "connection_init", "payload": map[string]any{"Authorization": "Bearer " + staff.Token}}
		signedIn := apitest.DialWS(t, srv.URL)
		signedIn.Send(init)
		if msg, err := signedIn.Read(); err != nil || msg["type"] != "connection_ack" {
			t.Fatalf("init as staff: %v %v", msg, err)
		}

		lockTables(t, s, "sessions")

		c := apitest.DialWS(t, srv.URL)
		c.Send(init)
		if code, reason, _ := c.CloseOf(); code != 1013 || !strings.HasPrefix(reason, "Try Again Later") {
			t.Errorf("closed with %d %q; want 1013 Try Again Later", code, reason)
		}
		signedIn.Send(map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{"query": `{ me { name } }`}})
		msg, err := signedIn.Read()
		got, _ := json.Marshal(msg)
		if err != nil || !strings.Contains(string(got), "SERVICE_UNAVAILABLE") {
			t.Errorf("an operation while the database stalls = %s (%v); want SERVICE_UNAVAILABLE", got, err)
		}
	})
}
