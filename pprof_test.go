package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

var pprofAddr = regexp.MustCompile(`serving Go's profiles" addr=(\S+)`)

// TestProfilesAreOffByDefault: without PPROF_ADDR nothing answers under
// /debug/pprof/ (net/http/pprof registers itself on http.DefaultServeMux when
// imported; the public handler is not that mux) and no listener is started.
func TestProfilesAreOffByDefault(t *testing.T) {
	base, logs, _ := startServer(t, map[string]string{"DATABASE_URL": "sqlite:" + t.TempDir() + "/cg.db"})
	for _, path := range []string{"/debug/pprof/", "/debug/pprof/profile?seconds=1", "/debug/pprof/cmdline", "/debug/pprof/heap"} {
		if code, body := get(t, base+path); code != http.StatusNotFound {
			t.Errorf("GET %s on the public address = %d %.100s; want 404", path, code, body)
		}
	}
	if strings.Contains(logs.String(), "profiles") {
		t.Errorf("the log mentions profiles without PPROF_ADDR:\n%s", logs.String())
	}
}

// TestProfilesAreServedOnPprofAddrOnly: with PPROF_ADDR, a listener of its own
// serves the index and a CPU profile (gzipped protobuf, as go tool pprof
// reads it); the public address still answers 404 there.
func TestProfilesAreServedOnPprofAddrOnly(t *testing.T) {
	base, logs, stop := startServer(t, map[string]string{"DATABASE_URL": "sqlite:" + t.TempDir() + "/cg.db", "PPROF_ADDR": "127.0.0.1:0"})
	m := pprofAddr.FindStringSubmatch(logs.String())
	if m == nil {
		t.Fatalf("no profile address in the log:\n%s", logs.String())
	}
	url := m[1]
	if !strings.HasPrefix(url, "http://127.0.0.1:") || strings.HasPrefix(url, base) {
		t.Fatalf("profiles at %s; want a loopback listener other than the public %s", url, base)
	}
	if code, body := get(t, url); code != http.StatusOK || !strings.Contains(body, "goroutine") {
		t.Errorf("GET %s = %d %.200s; want the index", url, code, body)
	}
	resp, err := http.Get(url + "profile?seconds=1")
	if err != nil {
		t.Fatal(err)
	}
	profile, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK || len(profile) < 2 || profile[0] != 0x1f || profile[1] != 0x8b {
		t.Errorf("CPU profile: %v, status %d, %d bytes starting %.20q; want a gzipped profile", err, resp.StatusCode, len(profile), profile)
	}
	if code, _ := get(t, base+"/debug/pprof/"); code != http.StatusNotFound {
		t.Errorf("GET /debug/pprof/ on the public address = %d; want 404", code)
	}
	if err := stop(); err != nil {
		t.Fatalf("stop: %v", err)
	}
	if _, err := http.Get(url); err == nil {
		t.Error("the profile listener still answers after the server stopped")
	}
}

// TestPprofAddrMustBeLoopback: the profiles show the program's internals and a
// CPU profile costs CPU, so PPROF_ADDR other than a loopback address (every
// interface included) stops the start, naming the setting.
func TestPprofAddrMustBeLoopback(t *testing.T) {
	for _, addr := range []string{":6060", "0.0.0.0:6060", "[::]:6060", "10.0.0.7:6060", "example.org:6060", "6060", "127.0.0.1"} {
		t.Run(addr+" is refused", func(t *testing.T) {
			getenv := func(k string) string {
				return map[string]string{"PPROF_ADDR": addr, "DATABASE_URL": "sqlite:" + t.TempDir() + "/cg.db"}[k]
			}
			err := run(context.Background(), []string{"serve", "-addr", "127.0.0.1:0"}, getenv, strings.NewReader(""), io.Discard, io.Discard)
			if err == nil || !strings.Contains(err.Error(), "PPROF_ADDR must be a loopback host:port") {
				t.Errorf("run with PPROF_ADDR=%s = %v; want it refused, naming PPROF_ADDR", addr, err)
			}
		})
	}
	for _, addr := range []string{"127.0.0.1:6060", "[::1]:6060", "localhost:6060", "127.0.0.2:0"} {
		cfg, err := loadConfig(nil, func(k string) string { return map[string]string{"PPROF_ADDR": addr}[k] }, io.Discard)
		if err != nil || cfg.Telemetry.PprofAddr != addr {
			t.Errorf("PPROF_ADDR=%s: %v, read as %q; want it taken", addr, err, cfg.Telemetry.PprofAddr)
		}
	}
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	getenv := func(k string) string {
		return map[string]string{"PPROF_ADDR": taken.Addr().String(), "DATABASE_URL": "sqlite:" + t.TempDir() + "/cg.db"}[k]
	}
	err = run(context.Background(), []string{"serve", "-addr", "127.0.0.1:0"}, getenv, strings.NewReader(""), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "listen on PPROF_ADDR") {
		t.Errorf("run with PPROF_ADDR in use = %v; want it refused", err)
	}
}
