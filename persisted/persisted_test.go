package persisted_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"coursegraph/persisted"
	"coursegraph/redisconn"
	"coursegraph/redisconn/redistest"
)

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func TestManifestsInApolloAndCodegenFormats(t *testing.T) {
	doc := `query A { courses(first: 1) { totalCount } }`
	for _, tc := range []struct {
		name, manifest string
		ok             bool
	}{
		{"apollo", `{"format":"apollo-persisted-query-manifest","version":1,"operations":[{"id":"a1","name":"A","type":"query","body":` + jsonString(doc) + `}]}`, true},
		{"codegen client preset", `{"a1":` + jsonString(doc) + `}`, true},
		{"unknown format", `{"format":"other","version":1,"operations":[]}`, false},
		{"empty", `{}`, false},
		{"not a document", `{"a1":7}`, false},
		{"one id, two documents", `{"format":"apollo-persisted-query-manifest","version":1,"operations":[{"id":"a1","body":"query A { x }"},{"id":"a1","body":"query B { y }"}]}`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := persisted.ParseManifest([]byte(tc.manifest))
			if (err == nil) != tc.ok {
				t.Fatalf("ParseManifest: %v; want ok=%v", err, tc.ok)
			}
			if !tc.ok {
				return
			}
			for _, key := range []string{"a1", persisted.Hash(doc)} {
				if got, ok := m.Lookup(key); !ok || got != doc {
					t.Errorf("Lookup(%s) = %q, %v", key, got, ok)
				}
			}
			if !m.Holds(doc) || m.Holds(doc+" ") {
				t.Error("Holds does not match exactly the manifest's documents")
			}
		})
	}
}

func TestTheMemoryStoreIsBoundedByBytes(t *testing.T) {
	ctx := context.Background()
	s := persisted.Memory(64 << 10)
	doc := func(i int) string { return fmt.Sprintf("query Q%d { %s }", i, strings.Repeat("__typename ", 100)) } // ~1.1 KB
	for i := range 1000 {
		s.Add(ctx, persisted.Hash(doc(i)), doc(i))
	}
	// The cache evicts in batches: apply what is pending before counting.
	s.(interface{ CleanUp() }).CleanUp()
	kept := 0
	for i := range 1000 {
		if got, ok := s.Get(ctx, persisted.Hash(doc(i))); ok {
			if got != doc(i) {
				t.Fatalf("document %d came back as another", i)
			}
			kept++
		}
	}
	if kept == 0 || kept*len(doc(0)) > 64<<10 {
		t.Errorf("%d documents of %d bytes kept in a 64 KiB store", kept, len(doc(0)))
	}
}

// redisClient returns a client of the Redis at REDIS_TEST_URL (default
// redis://127.0.0.1:6379/15), skipping when none answers outside CI.
func redisClient(t *testing.T) (*redisconn.Client, string) {
	t.Helper()
	c, prefix := redistest.Open(t)
	if c == nil {
		t.Skip("no Redis")
	}
	return c, prefix
}

func TestTheRedisStoreIsSharedAndExpires(t *testing.T) {
	c, prefix := redisClient(t)
	ctx := context.Background()
	a, b := persisted.Redis(c, prefix, time.Minute, nil), persisted.Redis(c, prefix, time.Minute, nil)
	doc := `query Shared { courses(first: 1) { totalCount } }`
	a.Add(ctx, persisted.Hash(doc), doc)
	if got, ok := b.Get(ctx, persisted.Hash(doc)); !ok || got != doc {
		t.Errorf("a second instance did not see the document: %q %v", got, ok)
	}
	if ms, err := redisconn.Uint64(c.Do(ctx, "PTTL", prefix+persisted.Hash(doc))); err != nil || ms == 0 || ms > 60000 {
		t.Errorf("TTL %d ms (%v); want up to a minute", ms, err)
	}
	if _, ok := b.Get(ctx, persisted.Hash("other")); ok {
		t.Error("an unknown hash was found")
	}
	gone, err := redisconn.New("redis://127.0.0.1:1/0")
	if err != nil {
		t.Fatal(err)
	}
	var reported []error
	down := persisted.Redis(gone, prefix, time.Minute, func(err error) { reported = append(reported, err) })
	down.Add(ctx, "x", doc)
	if _, ok := down.Get(ctx, "x"); ok {
		t.Error("a Redis that does not answer found a document")
	}
	if len(reported) != 2 {
		t.Errorf("reported %v; want the failed write and the failed read", reported)
	}
	if _, ok := a.Get(ctx, persisted.Hash("never registered")); ok {
		t.Error("a miss found a document")
	}
}
