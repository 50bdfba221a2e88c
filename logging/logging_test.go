package logging_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"coursegraph/logging"
)

func TestEveryRequestGetsAnIDThatItsLogLinesCarry(t *testing.T) {
	for _, tc := range []struct {
		name, sent string
		keep       bool
	}{
		{"a plain id from the caller is kept", "abc-123_x.y", true},
		{"no id gets a fresh one", "", false},
		{"an id with odd characters is replaced", "a b\"c", false},
		{"an overlong id is replaced", strings.Repeat("a", 65), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			log, err := logging.New(&buf, "json", slog.LevelInfo)
			if err != nil {
				t.Fatal(err)
			}
			var seen string
			h := logging.Middleware(log, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				seen = logging.RequestID(r.Context())
				log.InfoContext(r.Context(), "inside")
				w.WriteHeader(http.StatusTeapot)
			}))
			req := httptest.NewRequest(http.MethodGet, "/x", nil)
			if tc.sent != "" {
				req.Header.Set(logging.RequestIDHeader, tc.sent)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			got := rec.Header().Get(logging.RequestIDHeader)
			if got == "" || got != seen || (tc.keep && got != tc.sent) || (!tc.keep && got == tc.sent) {
				t.Errorf("id answered %q, seen %q, sent %q", got, seen, tc.sent)
			}
			lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
			if len(lines) != 2 || !strings.Contains(buf.String(), `"status":418`) {
				t.Fatalf("want an inside line and a request line with the status:\n%s", buf.String())
			}
			for _, l := range lines {
				if !strings.Contains(l, `"request_id":"`+got+`"`) {
					t.Errorf("line without the request id: %s", l)
				}
			}
		})
	}
}

func TestUnknownLogFormatIsAnError(t *testing.T) {
	if _, err := logging.New(&bytes.Buffer{}, "xml", slog.LevelInfo); err == nil {
		t.Error("want an error for log format xml")
	}
}

// TestAboveInfoTheResponseIsNotWatched: without the access log (LOG_LEVEL warn
// or error), the next handler writes to the server's writer itself, and still
// has its request id, which its warnings carry.
func TestAboveInfoTheResponseIsNotWatched(t *testing.T) {
	var buf bytes.Buffer
	log, err := logging.New(&buf, "json", slog.LevelWarn)
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	h := logging.Middleware(log, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if w != http.ResponseWriter(rec) {
			t.Errorf("the next handler writes to a %T, want the server's writer", w)
		}
		log.WarnContext(r.Context(), "inside")
		w.WriteHeader(http.StatusTeapot)
	}))
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/x", nil))
	id := rec.Header().Get(logging.RequestIDHeader)
	if id == "" || rec.Code != http.StatusTeapot {
		t.Errorf("status %d, request id %q", rec.Code, id)
	}
	if lines := strings.Split(strings.TrimSpace(buf.String()), "\n"); len(lines) != 1 || !strings.Contains(lines[0], `"request_id":"`+id+`"`) {
		t.Errorf("want the warning alone, with the request id:\n%s", buf.String())
	}
}
