package benchproc

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestRequestBodySendsEmptyVariablesWhenThereAreNone(t *testing.T) {
	if got := string(RequestBody("{ a }", nil)); got != `{"query":"{ a }","variables":{}}` {
		t.Errorf("got %s", got)
	}
	if got := string(RequestBody("{ a }", map[string]any{"x": 1})); got != `{"query":"{ a }","variables":{"x":1}}` {
		t.Errorf("got %s", got)
	}
}

// TestPostSendsTheTokenAndReturnsTheBodyOfAFailure: compare shows a failed
// answer's body in its diffs, so a status other than 200 comes back with it.
func TestPostSendsTheTokenAndReturnsTheBodyOfAFailure(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" || string(b) != "{}" {
			w.WriteHeader(http.StatusBadRequest)
		}
		if auth, ok := r.Header["Authorization"]; ok {
			if auth[0] != "Bearer tok" {
				w.WriteHeader(http.StatusForbidden)
			}
			_, _ = io.WriteString(w, "signed in")
			return
		}
		_, _ = io.WriteString(w, "anonymous")
	}))
	defer srv.Close()
	ctx := context.Background()
	for token, want := range map[string]string{"": "anonymous", "tok": "signed in"} {
		b, err := Post(ctx, srv.Client(), srv.URL, token, []byte("{}"))
		if err != nil || string(b) != want {
			t.Errorf("token %q: %q, %v; want %q", token, b, err, want)
		}
	}
	b, err := Post(ctx, srv.Client(), srv.URL, "other", []byte("{}"))
	if err == nil || !strings.Contains(err.Error(), "status 403") || string(b) != "signed in" {
		t.Errorf("a 403: %q, %v; want the body and an error", b, err)
	}
}

// TestStartWaitsForReadyzAndStopEndsTheServer: the process is started with
// env and its output goes to dir/name.log; Start returns once
// 127.0.0.1:port/readyz answers (here a stand-in), and Stop's SIGTERM ends it.
func TestStartWaitsForReadyzAndStopEndsTheServer(t *testing.T) {
	ready := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/readyz" {
			w.WriteHeader(http.StatusNotFound)
		}
	}))
	defer ready.Close()
	port := ready.Listener.Addr().(*net.TCPAddr).Port
	dir := t.TempDir()
	s, err := Start(context.Background(), "sleeper", "/bin/sh", []string{"-c", `echo "x=$X"; exec sleep 60`}, []string{"X=42"}, port, dir)
	if err != nil {
		t.Fatal(err)
	}
	if want := "http://127.0.0.1:" + strconv.Itoa(port) + "/graphql"; s.Name != "sleeper" || s.URL != want {
		t.Errorf("server %q at %q; want sleeper at %q", s.Name, s.URL, want)
	}
	s.Stop()
	select {
	case <-s.done:
	default:
		t.Fatal("Stop returned before the process ended")
	}
	s.Stop() // again: a no-op
	log, err := os.ReadFile(filepath.Join(dir, "sleeper.log"))
	if err != nil || !strings.Contains(string(log), "x=42") {
		t.Errorf("log %q, %v; want the server's output with its env", log, err)
	}
}

func TestStartReportsAServerThatExitsWithItsLog(t *testing.T) {
	port, err := FreePort() // nothing listens there
	if err != nil {
		t.Fatal(err)
	}
	_, err = Start(context.Background(), "failing", "/bin/sh", []string{"-c", "echo boom; exit 3"}, nil, port, t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "exited at start") || !strings.Contains(err.Error(), "boom") {
		t.Errorf("got %v; want an error with the log", err)
	}
}
