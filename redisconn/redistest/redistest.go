// Package redistest gives tests the Redis at REDIS_TEST_URL (default
// redis://127.0.0.1:6379/15) under a key prefix of their own. It imports
// redisconn only.
package redistest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"

	"coursegraph/redisconn"
)

// Open returns a client of the test Redis and a key prefix of t's own, whose
// keys are deleted when t ends. Without a Redis it returns nil, or fails t when
// CI is set (CI requires it).
func Open(t testing.TB) (*redisconn.Client, string) {
	t.Helper()
	url := URL()
	c, err := redisconn.Open(context.Background(), url)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("Redis at %s: %v (CI requires it)", url, err)
		}
		t.Logf("no Redis at %s: %v", url, err)
		return nil, ""
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	prefix := "test:" + hex.EncodeToString(b) + ":"
	t.Cleanup(func() {
		_, _ = c.DeleteMatching(context.Background(), prefix+"*")
		_ = c.Close()
	})
	return c, prefix
}

// URL is the test Redis's URL: REDIS_TEST_URL, or redis://127.0.0.1:6379/15.
func URL() string {
	if url := os.Getenv("REDIS_TEST_URL"); url != "" {
		return url
	}
	return "redis://127.0.0.1:6379/15"
}

// Another returns a second client of the test Redis (a second server instance's
// own pool), closed when t ends; call it after Open found the Redis.
func Another(t testing.TB) *redisconn.Client {
	t.Helper()
	c, err := redisconn.Open(context.Background(), URL())
	if err != nil {
		t.Fatalf("a second client of the test Redis: %v", err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// Kill drops, from the Redis side, every connection named name (CLIENT
// SETNAME), as a Redis restart or a network cut would, and fails t when there
// is none.
func Kill(t testing.TB, c *redisconn.Client, name string) {
	t.Helper()
	list, err := redisconn.String(c.Do(context.Background(), "CLIENT", "LIST"))
	if err != nil {
		t.Fatal(err)
	}
	killed := 0
	for line := range strings.SplitSeq(list, "\n") {
		fields := strings.Fields(line)
		if !slices.Contains(fields, "name="+name) {
			continue
		}
		for _, f := range fields {
			if id, ok := strings.CutPrefix(f, "id="); ok {
				if _, err := c.Do(context.Background(), "CLIENT", "KILL", "ID", id); err != nil {
					t.Fatal(err)
				}
				killed++
			}
		}
	}
	if killed == 0 {
		t.Fatalf("no connection named %s in CLIENT LIST", name)
	}
}

// Silent returns the URL of a Redis that accepts connections and never
// answers (a listener of t's own, closed when t ends): for tests that a call
// is bounded by its own deadline.
func Silent(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c) // held open, never read or answered
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		_ = ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			_ = c.Close()
		}
	})
	return "redis://" + ln.Addr().String() + "/0"
}
