package gqlserver_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"coursegraph/apitest"
	"coursegraph/gqlserver"
	"coursegraph/logging"
	"coursegraph/models"
	"coursegraph/store"
	"coursegraph/store/storetest"
)

// statementStarted tells, once, that the store has begun a statement.
type statementStarted chan struct{}

func (c statementStarted) StartStatement(ctx context.Context, _ string) context.Context {
	select {
	case c <- struct{}{}:
	default:
	}
	return ctx
}

func (statementStarted) EndStatement(context.Context, store.Statement) {}

// debugLogged serves the endpoint over s with a log at DEBUG, so that a test can
// wait for the line that says a request was cancelled.
func debugLogged(t *testing.T, a *apitest.API) (http.Handler, *syncLog) {
	t.Helper()
	logs := &syncLog{}
	log, err := logging.New(logs, "json", slog.LevelDebug)
	if err != nil {
		t.Fatal(err)
	}
	// A deadline far away: only the client ends these requests.
	h := gqlserver.NewHandler(a.Svc, log, gqlserver.HandlerOptions{RequestTimeout: time.Minute})
	return logging.Middleware(log, h), logs
}

// wantNoAlarm fails when the log holds a line at WARN or ERROR, a panic or a
// stack: a client that goes away is neither a bug nor an unavailable database.
func wantNoAlarm(t *testing.T, logs string) {
	t.Helper()
	for _, bad := range []string{`"level":"WARN"`, `"level":"ERROR"`, "panic", "goroutine ", "service unavailable"} {
		if strings.Contains(logs, bad) {
			t.Errorf("the log holds %q:\n%s", bad, logs)
		}
	}
}

// cancelledPost sends query (with the bearer token, when there is one) with a
// context that the test cancels when cancel is closed.
func cancelledPost(h http.Handler, ctx context.Context, query, token string) *httptest.ResponseRecorder {
	body, _ := json.Marshal(map[string]any{"query": query})
	req := httptest.NewRequestWithContext(ctx, http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestARequestWhoseClientWentAwayBeforeItRanIsNotAPanic(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		a := apitest.New(t, s)
		h, logs := debugLogged(t, a)
		before := metricValue(t, "coursegraph_client_closed_requests_total")
		for _, query := range []string{`{ courses { totalCount } }`, `mutation { logout }`} {
			ctx, cancel := context.WithCancel(context.Background())
			cancel() // the client gave up while the request waited (to be accepted, or for the server to start)
			rec := cancelledPost(h, ctx, query, "")
			if rec.Code != 499 || !strings.Contains(rec.Body.String(), `"CLIENT_CLOSED_REQUEST"`) {
				t.Errorf("%s: HTTP %d %s; want 499 CLIENT_CLOSED_REQUEST", query, rec.Code, rec.Body.String())
			}
		}
		if got := metricValue(t, "coursegraph_client_closed_requests_total"); got != before+2 {
			t.Errorf("client_closed_requests_total went from %v to %v; want 2 more", before, got)
		}
		if !strings.Contains(logs.String(), "request cancelled") || !strings.Contains(logs.String(), `"status":499`) {
			t.Errorf("want the cancelled requests logged as such, with status 499:\n%s", logs)
		}
		wantNoAlarm(t, logs.String())
	})
}

func TestARequestWhoseClientWentAwayMidQueryIsLoggedAsCancelledNotUnavailable(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		a := apitest.New(t, s)
		a.AddUser("staff@example.com", models.RoleStaff)
		staff := a.SignIn("staff@example.com", apitest.Password)
		h, logs := debugLogged(t, a)
		started := make(statementStarted, 1)
		s.Observe(started)

		for _, tc := range []struct {
			name, query, token string
			locked             []string
		}{
			{"a query waiting on a locked table", `{ courses { totalCount } }`, "", []string{"courses"}},
			{"a mutation waiting on a locked table", apitest.SubmitEnquiry, "", []string{"courses", "enquiries"}},
			{"a signed-in request whose session lookup waits", `{ me { name } }`, staff.Token, []string{"sessions", "users"}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before := len(logs.String())
				unlock := lockTablesUntil(t, s, tc.locked...)
				defer unlock()
				drain(started)
				ctx, cancel := context.WithCancel(context.Background())
				go func() { <-started; cancel() }() // the client leaves once the database is asked
				query := tc.query
				var rec *httptest.ResponseRecorder
				if query == apitest.SubmitEnquiry {
					body, _ := json.Marshal(map[string]any{"query": apitest.SubmitEnquiry, "variables": apitest.Enquiry(nil)})
					req := httptest.NewRequestWithContext(ctx, http.MethodPost, "/graphql", bytes.NewReader(body))
					req.Header.Set("Content-Type", "application/json")
					rec = httptest.NewRecorder()
					h.ServeHTTP(rec, req)
				} else {
					rec = cancelledPost(h, ctx, query, tc.token)
				}
				cancel()
				if rec.Code != 499 || !strings.Contains(rec.Body.String(), `"CLIENT_CLOSED_REQUEST"`) {
					t.Errorf("HTTP %d %s; want 499 CLIENT_CLOSED_REQUEST", rec.Code, rec.Body.String())
				}
				got := logs.String()[before:]
				if !strings.Contains(got, "request cancelled") {
					t.Errorf("want the request logged as cancelled:\n%s", got)
				}
				wantNoAlarm(t, got)
			})
		}
	})
}

func TestAWebSocketOperationWhoseClientWentAwayIsLoggedAsCancelled(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		a := apitest.New(t, s)
		a.AddUser("staff@example.com", models.RoleStaff)
		staff := a.SignIn("staff@example.com", apitest.Password)
		h, logs := debugLogged(t, a)
		srv := httptest.NewServer(h)
		defer srv.Close()

		c := apitest.DialWS(t, srv.URL)
		c.Send(map[string]any{"type": "connection_init", "payload": map[string]any{"Authorization": "Bearer " + staff.Token}})
		if msg, err := c.Read(); err != nil || msg["type"] != "connection_ack" {
			t.Fatalf("connection_init: %v %v", msg, err)
		}
		started := make(statementStarted, 1)
		s.Observe(started)
		unlock := lockTablesUntil(t, s, "courses") // on SQLite, the whole database: the session check waits instead
		defer unlock()
		drain(started)
		c.Send(map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{"query": `{ courses { totalCount } }`}})
		<-started
		_ = c.Conn.CloseNow() // the client goes away while the database is asked

		t.Cleanup(func() {
			if t.Failed() {
				t.Log(logs.String())
			}
		})
		apitest.WaitFor(t, "the operation logged as cancelled", func() bool { return strings.Contains(logs.String(), "request cancelled") })
		unlock()
		wantNoAlarm(t, logs.String())
	})
}

// drain empties c of a signal sent before the test's request.
func drain(c statementStarted) {
	select {
	case <-c:
	default:
	}
}

// lockTablesUntil holds a write lock on tables, as lockTables does, until the
// returned func (or the test's end) releases it.
func lockTablesUntil(t *testing.T, s *store.Store, tables ...string) func() {
	t.Helper()
	db, err := s.SQL()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	lock, unlockSQL := "LOCK TABLES "+strings.Join(tables, " WRITE, ")+" WRITE", "UNLOCK TABLES"
	if s.Dialect() == store.SQLite {
		lock, unlockSQL = "BEGIN EXCLUSIVE", "ROLLBACK"
	}
	if _, err := conn.ExecContext(ctx, lock); err != nil {
		t.Fatal(err)
	}
	done := false
	unlock := func() {
		if done {
			return
		}
		done = true
		_, _ = conn.ExecContext(ctx, unlockSQL)
		_ = conn.Close()
	}
	t.Cleanup(unlock)
	return unlock
}
