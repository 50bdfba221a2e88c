package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"coursegraph/bench/internal/benchproc"
)

// TestTheHitIsRecordedForTheLimit: the answer bench/limit replays is the cached
// server's hit (not the miss before it), headers and body; a server that never
// answers from its cache is an error.
func TestTheHitIsRecordedForTheLimit(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Etag", `"abc"`)
		if n.Add(1) == 1 {
			w.Header().Set("X-Cache", "MISS")
		} else {
			w.Header().Set("X-Cache", "HIT")
		}
		_, _ = w.Write(append([]byte(`{"data":`), append(body, '}')...))
	}))
	defer srv.Close()
	dir := t.TempDir()
	path, err := recordHit(context.Background(), srv.URL, []byte(`{"x":1}`), dir, "q3c")
	if err != nil {
		t.Fatal(err)
	}
	dump, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(dump)), nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.Header.Get("X-Cache") != "HIT" || resp.Header.Get("Etag") != `"abc"` || string(body) != `{"data":{"x":1}}` {
		t.Errorf("recorded %q, Etag %q, body %s; want the hit", resp.Header.Get("X-Cache"), resp.Header.Get("Etag"), body)
	}

	never := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.Header().Set("X-Cache", "MISS") }))
	defer never.Close()
	if _, err := recordHit(context.Background(), never.URL, nil, dir, "q1c"); err == nil {
		t.Error("a server that never hits: want an error")
	}
}

func TestRoundsAlternateTheOrderOfTheServers(t *testing.T) {
	a, b, c := &benchproc.Server{Name: "raw"}, &benchproc.Server{Name: "coursegraph"}, &benchproc.Server{Name: "limit"}
	servers := []*benchproc.Server{a, b, c}
	names := func(ss []*benchproc.Server) string {
		var out []string
		for _, s := range ss {
			out = append(out, s.Name)
		}
		return strings.Join(out, ",")
	}
	for round, want := range []string{"raw,coursegraph,limit", "limit,coursegraph,raw", "raw,coursegraph,limit"} {
		if got := names(roundOrder(round, servers)); got != want {
			t.Errorf("round %d: %s, want %s", round, got, want)
		}
	}
	if names(servers) != "raw,coursegraph,limit" {
		t.Errorf("roundOrder changed its argument: %s", names(servers))
	}
}

// TestTheLimitRowIsTheRatioOfEachRound: cached req/s over limit's, round by
// round (median and spread), only for the cells that ran against the limit.
func TestTheLimitRowIsTheRatioOfEachRound(t *testing.T) {
	run := func(rps float64) wrkResult {
		return wrkResult{rps: rps, p50: time.Millisecond, p99: 3 * time.Millisecond}
	}
	r := &results{}
	r.add("q1", 16, run(100), run(50))
	if got := r.limitTable(); got != "" {
		t.Fatalf("no cell ran against the limit, yet:\n%s", got)
	}
	for _, round := range [][3]float64{{500, 20000, 30000}, {450, 24000, 30000}, {480, 15000, 25000}} {
		r.add("q3c", 16, run(round[0]), run(round[1]))
		r.addLimit("q3c", 16, run(round[2]))
	}
	table := r.limitTable()
	// 20000/30000, 24000/30000, 15000/25000: 0.67, 0.80, 0.60.
	want := "| Q3 article by slug, cached (warm) | 16 | 30000 | 20000 | 0.67 [0.60-0.80] | 1.0 / 3.0 | 1.0 / 3.0 | 0 / 0 |"
	if !strings.Contains(table, want) || strings.Contains(table, "Q1 list page (20 articles)") {
		t.Errorf("want the row\n%s\nin\n%s", want, table)
	}
}
