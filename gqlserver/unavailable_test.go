package gqlserver_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"coursegraph/apitest"
	"coursegraph/gqlserver"
	"coursegraph/logging"
	"coursegraph/store"
	"coursegraph/store/storetest"

	"github.com/go-sql-driver/mysql"
)

// requestTimeout is the deadline of requests in these tests: short, so that the
// tests are quick, and long enough for a healthy database to answer.
const requestTimeout = 500 * time.Millisecond

// postTimed sends a query to h and returns the apitest.Response, its decoded body and how
// long it took.
func postTimed(t *testing.T, h http.Handler, query string, vars map[string]any) (*httptest.ResponseRecorder, apitest.Response, time.Duration) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	start := time.Now()
	h.ServeHTTP(rec, req)
	took := time.Since(start)
	var resp apitest.Response
	if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
		t.Fatalf("apitest.Response is not JSON: %v\n%s", err, rec.Body.String())
	}
	return rec, resp, took
}

// wantUnavailable checks that a apitest.Response is SERVICE_UNAVAILABLE, HTTP 503 with
// Retry-After, without data, and came within the deadline (and a little slack for
// a busy machine).
func wantUnavailable(t *testing.T, what string, rec *httptest.ResponseRecorder, resp apitest.Response, took time.Duration) {
	t.Helper()
	if took > requestTimeout+time.Second {
		t.Errorf("%s took %v; want an answer by the deadline (%v)", what, took, requestTimeout)
	}
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" {
		t.Errorf("%s: HTTP %d, Retry-After %q; want 503 with Retry-After", what, rec.Code, rec.Header().Get("Retry-After"))
	}
	if resp.Code() != "SERVICE_UNAVAILABLE" || (len(resp.Data) > 0 && string(resp.Data) != "null") {
		t.Errorf("%s: %s %+v; want SERVICE_UNAVAILABLE and no data", what, resp.Data, resp.Errors)
	}
}

// lockTables holds a write lock on tables (MySQL; the whole database on SQLite)
// from another connection, as a long migration or a stuck transaction would, until
// the test ends.
func lockTables(t *testing.T, s *store.Store, tables ...string) {
	t.Helper()
	lockTablesUntil(t, s, tables...)
}

func TestAStalledDatabaseIsServiceUnavailableBeforeTheDeadline(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		storetest.CreateCourse(t, s)
		a := apitest.New(t, s)
		h := gqlserver.NewHandler(a.Svc, discardLog(), gqlserver.HandlerOptions{RequestTimeout: requestTimeout})
		if rec, resp, _ := postTimed(t, h, `{ courses { totalCount } }`, nil); rec.Code != 200 || len(resp.Errors) > 0 {
			t.Fatalf("before the stall: %d %+v", rec.Code, resp.Errors)
		}
		lockTables(t, s, "courses", "enquiries")

		rec, resp, took := postTimed(t, h, apitest.SubmitEnquiry, apitest.Enquiry(nil))
		wantUnavailable(t, "submitEnquiry", rec, resp, took)
		rec, resp, took = postTimed(t, h, `{ courses { totalCount } }`, nil)
		wantUnavailable(t, "courses", rec, resp, took)
	})
}

// proxy forwards TCP connections to a server until it is paused (it stops
// forwarding, as a paused or overloaded database does) or killed (it drops every
// connection and refuses new ones, as a crashed database does).
type proxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	paused chan struct{} // closed while forwarding
	conns  []net.Conn
}

func startProxy(t *testing.T, target string) *proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{ln: ln, target: target, paused: make(chan struct{})}
	close(p.paused)
	go p.serve()
	t.Cleanup(p.kill)
	return p
}

func (p *proxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		up, err := net.Dial("tcp", p.target)
		if err != nil {
			_ = c.Close()
			continue
		}
		p.mu.Lock()
		p.conns = append(p.conns, c, up)
		p.mu.Unlock()
		go p.pipe(c, up)
		go p.pipe(up, c)
	}
}

func (p *proxy) pipe(from, to net.Conn) {
	buf := make([]byte, 32<<10)
	for {
		n, err := from.Read(buf)
		if n > 0 {
			p.mu.Lock()
			gate := p.paused
			p.mu.Unlock()
			<-gate
			if _, werr := to.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			_ = to.Close()
			return
		}
	}
}

func (p *proxy) pause() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.paused = make(chan struct{})
}

func (p *proxy) kill() {
	_ = p.ln.Close()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		_ = c.Close()
	}
	select {
	case <-p.paused:
	default:
		close(p.paused)
	}
}

// TestAPausedThenKilledMySQLIsServiceUnavailable puts a TCP proxy between the
// server and MySQL: paused (the database stops answering), requests are answered
// by their deadline; killed (connections refused), at once; both with
// SERVICE_UNAVAILABLE and 503, never INTERNAL_SERVER_ERROR.
func TestAPausedThenKilledMySQLIsServiceUnavailable(t *testing.T) {
	dsn := os.Getenv("TEST_MYSQL_DSN")
	if dsn == "" {
		t.Skip("needs TEST_MYSQL_DSN")
	}
	direct := storetest.OpenMySQL(t, dsn)
	storetest.CreateCourse(t, direct)
	db, err := direct.SQL()
	if err != nil {
		t.Fatal(err)
	}
	var name string
	if err := db.QueryRow("SELECT DATABASE()").Scan(&name); err != nil {
		t.Fatal(err)
	}
	_, driverDSN, err := store.ParseURL(dsn)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := mysql.ParseDSN(driverDSN)
	if err != nil {
		t.Fatal(err)
	}
	p := startProxy(t, cfg.Addr)
	cfg.Addr, cfg.DBName = p.ln.Addr().String(), name
	s, err := store.Open(context.Background(), cfg.FormatDSN())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	h := gqlserver.NewHandler(apitest.NewService(t, s), discardLog(), gqlserver.HandlerOptions{RequestTimeout: requestTimeout})
	if rec, resp, _ := postTimed(t, h, `{ courses { totalCount } }`, nil); rec.Code != 200 || len(resp.Errors) > 0 {
		t.Fatalf("before the pause: %d %+v", rec.Code, resp.Errors)
	}

	p.pause()
	rec, resp, took := postTimed(t, h, `{ courses { totalCount } }`, nil)
	wantUnavailable(t, "a query while paused", rec, resp, took)
	rec, resp, took = postTimed(t, h, apitest.SubmitEnquiry, apitest.Enquiry(nil))
	wantUnavailable(t, "submitEnquiry while paused", rec, resp, took)

	p.kill()
	rec, resp, took = postTimed(t, h, `{ courses { totalCount } }`, nil)
	wantUnavailable(t, "a query once killed", rec, resp, took)
	rec, resp, took = postTimed(t, h, apitest.SubmitEnquiry, apitest.Enquiry(nil))
	wantUnavailable(t, "submitEnquiry once killed", rec, resp, took)
}

// TestASessionLookupTheDatabaseCannotAnswerIsServiceUnavailable: a signed-in
// request whose session cannot be checked is 503 SERVICE_UNAVAILABLE, not 500.
func TestASessionLookupTheDatabaseCannotAnswerIsServiceUnavailable(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		a := apitest.New(t, s)
		a.AddUser("staff@example.com", "STAFF")
		staff := a.SignIn("staff@example.com", apitest.Password)
		lockTables(t, s, "sessions")

		h := gqlserver.NewHandler(a.Svc, discardLog(), gqlserver.HandlerOptions{RequestTimeout: requestTimeout})
		req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query":"{ me { name } }"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+staff.Token)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" || !strings.Contains(rec.Body.String(), `"SERVICE_UNAVAILABLE"`) {
			t.Errorf("got %d %q %s; want 503 SERVICE_UNAVAILABLE with Retry-After", rec.Code, rec.Header().Get("Retry-After"), rec.Body.String())
		}
	})
}

func discardLog() *slog.Logger {
	log, _ := logging.New(io.Discard, "json", slog.LevelInfo)
	return log
}
