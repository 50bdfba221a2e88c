// Package redistest gives tests the Redis at REDIS_TEST_URL (default
// redis://127.0.0.1:6379/15) under a key prefix of their own. It imports
// redisconn only.
package redistest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"

	"coursegraph/redisconn"
)

// Open returns a client of the test Redis and a key prefix of t's own, whose
// keys are deleted when t ends. Without a Redis it returns nil, or fails t when
// CI is set (CI requires it).
func Open(t testing.TB) (*redisconn.Client, string) {
	t.Helper()
	url := os.Getenv("REDIS_TEST_URL")
	if url == "" {
		url = "redis://127.0.0.1:6379/15"
	}
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
