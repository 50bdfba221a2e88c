package respcache

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
	"time"

	"coursegraph/redisconn"

	"github.com/google/go-cmp/cmp"
)

// backends returns the in-process backend and the Redis one at REDIS_TEST_URL
// under a prefix of the test's own (deleted afterwards).
func backends(t *testing.T) map[string]backend {
	t.Helper()
	out := map[string]backend{"memory": newMemoryBackend(1 << 20)}
	url := os.Getenv("REDIS_TEST_URL")
	if url == "" {
		url = "redis://127.0.0.1:6379/15"
	}
	rdb, err := redisconn.Open(context.Background(), url)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("Redis at %s: %v (CI requires it)", url, err)
		}
		t.Logf("no Redis at %s, in process only: %v", url, err)
		return out
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	prefix := "test:" + hex.EncodeToString(b) + ":"
	t.Cleanup(func() {
		_, _ = rdb.DeleteMatching(context.Background(), prefix+"*")
		_ = rdb.Close()
	})
	out["redis"] = newRedisBackend(rdb, prefix)
	return out
}

func entryWith(body string, tags ...string) *entry {
	return &entry{body: []byte(body), contentType: "application/json", etag: `"e"`, tags: tags, expires: time.UnixMilli(time.Now().Add(time.Hour).UnixMilli())}
}

// TestAMissThatOverlapsAWriteKeepsNothing: an answer begun before a write that
// changed one of its tags is not kept; one that read other tags is; an answer
// begun after the write is.
func TestAMissThatOverlapsAWriteKeepsNothing(t *testing.T) {
	ctx := context.Background()
	for name, b := range backends(t) {
		t.Run(name, func(t *testing.T) {
			defer b.close()
			since, err := b.begin(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if err := b.invalidate(ctx, []string{"course:1"}); err != nil {
				t.Fatal(err)
			}
			for _, c := range []struct {
				key  string
				e    *entry
				kept bool
			}{
				{"stale", entryWith("old", "courses", "course:1"), false},
				{"other", entryWith("other", "article:2"), true},
			} {
				if err := b.set(ctx, c.key, c.e, since, time.Hour); err != nil {
					t.Fatal(err)
				}
				got, err := b.get(ctx, c.key)
				if err != nil {
					t.Fatal(err)
				}
				if (got != nil) != c.kept {
					t.Errorf("%s kept: %v; want %v", c.key, got != nil, c.kept)
				}
			}
			after, _ := b.begin(ctx)
			if err := b.set(ctx, "fresh", entryWith("new", "course:1"), after, time.Hour); err != nil {
				t.Fatal(err)
			}
			if got, _ := b.get(ctx, "fresh"); got == nil {
				t.Error("an answer begun after the write was not kept")
			}
		})
	}
}

// TestInvalidateDropsExactlyTheAnswersThatReadATag.
func TestInvalidateDropsExactlyTheAnswersThatReadATag(t *testing.T) {
	ctx := context.Background()
	for name, b := range backends(t) {
		t.Run(name, func(t *testing.T) {
			defer b.close()
			since, _ := b.begin(ctx)
			answers := map[string]*entry{
				"catalogue": entryWith("c", "courses", "batches"),
				"course 1":  entryWith("1", "course:1", "batches"),
				"course 2":  entryWith("2", "course:2", "batches"),
				"article":   entryWith("a", "article:7", "user:2"),
			}
			for k, e := range answers {
				if err := b.set(ctx, k, e, since, time.Hour); err != nil {
					t.Fatal(err)
				}
			}
			if err := b.invalidate(ctx, []string{"course:1", "courses"}); err != nil {
				t.Fatal(err)
			}
			// The in-process index forgets evicted keys in the background; the
			// answers themselves go at once.
			want := map[string]bool{"catalogue": false, "course 1": false, "course 2": true, "article": true}
			got := map[string]bool{}
			for k := range answers {
				e, err := b.get(ctx, k)
				if err != nil {
					t.Fatal(err)
				}
				got[k] = e != nil
			}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("kept (-want +got):\n%s", d)
			}
			if e, _ := b.get(ctx, "article"); e != nil && string(e.body) != "a" {
				t.Errorf("the article's answer is %q", e.body)
			}
		})
	}
}

// TestEntriesSurviveTheirEncoding for Redis.
func TestEntriesSurviveTheirEncoding(t *testing.T) {
	for _, e := range []*entry{entryWith(`{"data":{}}`, "courses", "course:1"), entryWith("body")} {
		got, err := decodeEntry(encodeEntry(e))
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(e, got, cmp.AllowUnexported(entry{})); d != "" {
			t.Errorf("(-want +got):\n%s", d)
		}
	}
	if _, err := decodeEntry([]byte{1, 2, 3}); err == nil {
		t.Error("a truncated entry decoded")
	}
}
