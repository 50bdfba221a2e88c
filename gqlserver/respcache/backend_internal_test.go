package respcache

import (
	"context"
	"testing"
	"time"

	"coursegraph/redisconn/redistest"

	"github.com/google/go-cmp/cmp"
)

// backends returns the in-process backend and the Redis one at REDIS_TEST_URL
// under a prefix of the test's own (deleted afterwards).
func backends(t *testing.T) map[string]backend {
	t.Helper()
	out := map[string]backend{"memory": newMemoryBackend(1 << 20)}
	rdb, prefix := redistest.Open(t)
	if rdb == nil {
		return out // in process only
	}
	out["redis"] = newRedisBackend(rdb, prefix, DefaultOpTimeout)
	return out
}

func entryWith(body string, tags ...string) *entry {
	e := &entry{body: []byte(body), contentType: "application/json", etag: `"e"`, tags: tags, expires: time.UnixMilli(time.Now().Add(time.Hour).UnixMilli())}
	return e.prepare()
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
				if err := b.set(ctx, c.key, c.e, since, time.Hour, 0); err != nil {
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
			if err := b.set(ctx, "fresh", entryWith("new", "course:1"), after, time.Hour, 0); err != nil {
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
				if err := b.set(ctx, k, e, since, time.Hour, 0); err != nil {
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
		if d := cmp.Diff(e, got, cmp.AllowUnexported(entry{}, entryHeader{})); d != "" {
			t.Errorf("(-want +got):\n%s", d)
		}
	}
	if _, err := decodeEntry([]byte{1, 2, 3}); err == nil {
		t.Error("a truncated entry decoded")
	}
}

// TestAnAnswerReadOnAReplicaIsNotKeptWhenItsTagsChangedWithinTheWindow: begun
// after a write, an answer read on a primary is kept; read on a replica (a
// window given), it is not kept if one of its tags was dropped within the
// window, since the replica may not have applied that write; its other answers
// are.
func TestAnAnswerReadOnAReplicaIsNotKeptWhenItsTagsChangedWithinTheWindow(t *testing.T) {
	ctx := context.Background()
	for name, b := range backends(t) {
		t.Run(name, func(t *testing.T) {
			defer b.close()
			if err := b.invalidate(ctx, []string{"course:1"}); err != nil {
				t.Fatal(err)
			}
			since, err := b.begin(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range []struct {
				key    string
				e      *entry
				window time.Duration
				kept   bool
			}{
				{"read on the primary", entryWith("p", "courses", "course:1"), 0, true},
				{"read on a replica", entryWith("r", "courses", "course:1"), time.Hour, false},
				{"read on a replica, other tags", entryWith("o", "courses", "course:2"), time.Hour, true},
			} {
				if err := b.set(ctx, c.key, c.e, since, time.Hour, c.window); err != nil {
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
		})
	}
}
