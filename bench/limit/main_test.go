package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestTheRecordedAnswerIsReplayedAsItWas(t *testing.T) {
	dump := "HTTP/1.1 200 OK\r\n" +
		"Content-Length: 13\r\n" +
		"Content-Type: application/json; charset=utf-8\r\n" +
		"Date: Mon, 07 Dec 2026 12:37:29 GMT\r\n" +
		"Etag: \"934a\"\r\n" +
		"X-Cache: HIT\r\n" +
		"\r\n" +
		`{"data":null}`
	a, err := parseAnswer([]byte(dump))
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	a.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query":"{ x }"}`)))
	if rec.Code != http.StatusOK || rec.Body.String() != `{"data":null}` {
		t.Errorf("got %d %q", rec.Code, rec.Body.String())
	}
	for k, want := range map[string]string{
		"Content-Type": "application/json; charset=utf-8", "Etag": `"934a"`, "X-Cache": "HIT",
		"Content-Length": "13", "Date": "", // net/http sets its own Date
	} {
		if got := rec.Header().Get(k); got != want {
			t.Errorf("%s: got %q, want %q", k, got, want)
		}
	}
}

func TestAnAnswerThatIsNotAResponseIsRefused(t *testing.T) {
	if _, err := parseAnswer([]byte(`{"data":null}`)); err == nil {
		t.Error("want an error for a body without a status line")
	}
}
