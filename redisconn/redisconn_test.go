package redisconn_test

import (
	"context"
	"strings"
	"testing"

	"coursegraph/redisconn"
	"coursegraph/redisconn/redistest"
)

func TestParseURLTakesRedisRedissAndUnixAndNamesWhatIsWrong(t *testing.T) {
	for raw, want := range map[string]string{
		"redis://localhost:6379/0":              "localhost:6379",
		"rediss://user:pass@cache.example:6380": "cache.example:6380",
		"unix:///run/redis.sock?db=2":           "/run/redis.sock",
	} {
		if got, err := redisconn.ParseURL(raw); err != nil || got != want {
			t.Errorf("ParseURL(%q) = %q, %v; want %q", raw, got, err, want)
		}
	}
	for raw, want := range map[string]string{
		"http://localhost:6379":    "must start with",
		"redis://localhost:6379/x": "database must be a number",
		"redis:///0":               "must name a host",
		"unix://":                  "must name a socket",
	} {
		if _, err := redisconn.ParseURL(raw); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseURL(%q) = %v; want an error saying %q", raw, err, want)
		}
	}
}

func TestCommandsScriptsAndDeletingByPattern(t *testing.T) {
	ctx := context.Background()
	c, prefix := redistest.Open(t)
	if c == nil {
		t.Skip("no Redis")
	}
	if _, err := c.Do(ctx, "SET", prefix+"a", "1"); err != nil {
		t.Fatal(err)
	}
	if _, err := redisconn.String(c.Do(ctx, "GET", prefix+"missing")); err != redisconn.ErrNil {
		t.Errorf("GET of a missing key: %v; want ErrNil", err)
	}
	incr := redisconn.NewScript(`return redis.call('INCRBY', KEYS[1], ARGV[1])`)
	for _, step := range []struct{ by, want uint64 }{{2, 3}, {3, 6}} {
		if got, err := redisconn.Uint64(c.Run(ctx, incr, []string{prefix + "a"}, step.by)); err != nil || got != step.want {
			t.Errorf("the script by %d: %d, %v; want %d", step.by, got, err, step.want)
		}
	}
	if got, err := redisconn.Uint64(c.Do(ctx, "GET", prefix+"a")); err != nil || got != 1+2+3 {
		t.Errorf("after the script: %d, %v; want 6", got, err)
	}
	if n, err := c.DeleteMatching(ctx, prefix+"*"); err != nil || n != 1 {
		t.Errorf("DeleteMatching = %d, %v; want 1", n, err)
	}
	gone, err := redisconn.New("redis://127.0.0.1:1/0")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := gone.Do(ctx, "PING"); err == nil {
		t.Error("a Redis that is not there answered")
	}
	if _, err := redisconn.Open(ctx, "redis://127.0.0.1:1/0"); err == nil || !strings.Contains(err.Error(), "reach Redis at 127.0.0.1:1") {
		t.Errorf("Open of a Redis that is not there: %v", err)
	}
}
