// Package persisted holds GraphQL documents by id: the store of automatic
// persisted queries (in process, bounded by bytes, or in Redis so that several
// instances share it) and the trusted-documents manifest, the only documents a
// server in trusted-documents mode runs.
//
// It may import the standard library, otter and redisconn.
package persisted

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"coursegraph/redisconn"

	"github.com/maypok86/otter/v2"
)

// Hash is the id automatic persisted queries give a document: its SHA-256, in
// lower-case hex.
func Hash(doc string) string {
	sum := sha256.Sum256([]byte(doc))
	return hex.EncodeToString(sum[:])
}

// Store keeps documents registered by automatic persisted queries, by hash. It
// is gqlgen's graphql.Cache[string].
type Store interface {
	Get(ctx context.Context, hash string) (doc string, ok bool)
	Add(ctx context.Context, hash, doc string)
}

// DefaultMemoryBytes is the default bound of a Memory store.
const DefaultMemoryBytes = 16 << 20

// Memory returns an in-process store of at most maxBytes of documents (their
// hashes included); the least used go first.
func Memory(maxBytes int) Store {
	return memory{otter.Must(&otter.Options[string, string]{
		MaximumWeight: uint64(maxBytes),
		Weigher:       func(k, v string) uint32 { return uint32(len(k) + len(v)) },
	})}
}

type memory struct{ c *otter.Cache[string, string] }

func (m memory) Get(_ context.Context, hash string) (string, bool) { return m.c.GetIfPresent(hash) }
func (m memory) Add(_ context.Context, hash, doc string)           { m.c.Set(hash, doc) }

// CleanUp applies the evictions the cache still has pending (it applies them in
// batches, so that for a moment it may hold a little more than its bound).
func (m memory) CleanUp() { m.c.CleanUp() }

// Redis returns a store in Redis under keys prefix+hash, each kept for ttl after
// its last registration. A Redis that does not answer is a miss (the client
// then sends the document again), and its error goes to report (when not nil),
// so that an outage shows as such rather than as PERSISTED_QUERY_NOT_FOUND only.
func Redis(client *redisconn.Client, prefix string, ttl time.Duration, report func(error)) Store {
	if report == nil {
		report = func(error) {}
	}
	return redisStore{client, prefix, ttl, report}
}

type redisStore struct {
	c      *redisconn.Client
	prefix string
	ttl    time.Duration
	report func(error)
}

func (r redisStore) Get(ctx context.Context, hash string) (string, bool) {
	doc, err := redisconn.String(r.c.Do(ctx, "GET", r.prefix+hash))
	if err != nil && !errors.Is(err, redisconn.ErrNil) {
		r.report(fmt.Errorf("read persisted query: %w", err))
	}
	return doc, err == nil
}

func (r redisStore) Add(ctx context.Context, hash, doc string) {
	// Best effort: a document not kept costs its client a round trip.
	if _, err := r.c.Do(ctx, "SET", r.prefix+hash, doc, "PX", max(r.ttl.Milliseconds(), 1)); err != nil {
		r.report(fmt.Errorf("keep persisted query: %w", err))
	}
}

// Manifest is a set of trusted documents, by the id the client sends and by
// their SHA-256.
type Manifest struct {
	byID   map[string]string
	byHash map[string]string
}

// Lookup returns the document whose id or SHA-256 is key.
func (m *Manifest) Lookup(key string) (string, bool) {
	if doc, ok := m.byID[key]; ok {
		return doc, true
	}
	doc, ok := m.byHash[key]
	return doc, ok
}

// Holds reports whether doc, sent as text, is one of the manifest's documents.
func (m *Manifest) Holds(doc string) bool {
	_, ok := m.byHash[Hash(doc)]
	return ok
}

// Len is how many documents the manifest holds.
func (m *Manifest) Len() int { return len(m.byHash) }

// apolloManifest is Apollo's persisted-query manifest, which Apollo Client's
// generate-persisted-query-manifest and graphql-codegen write.
type apolloManifest struct {
	Format     string `json:"format"`
	Version    int    `json:"version"`
	Operations []struct {
		ID   string `json:"id"`
		Name string `json:"name"`
		Type string `json:"type"`
		Body string `json:"body"`
	} `json:"operations"`
}

// LoadManifest reads a manifest file: Apollo's persisted-query manifest
// ({"format":"apollo-persisted-query-manifest","version":1,"operations":[…]}),
// or a JSON object of id to document, as graphql-codegen's client preset
// (persisted-documents.json) and Relay write.
func LoadManifest(path string) (*Manifest, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseManifest(b)
}

// ParseManifest reads a manifest (see LoadManifest).
func ParseManifest(b []byte) (*Manifest, error) {
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(b, &probe); err != nil {
		return nil, fmt.Errorf("a manifest must be a JSON object: %w", err)
	}
	m := &Manifest{byID: map[string]string{}, byHash: map[string]string{}}
	add := func(id, doc string) error {
		if strings.TrimSpace(id) == "" || strings.TrimSpace(doc) == "" {
			return errors.New("a manifest entry has no id or no document")
		}
		if prev, dup := m.byID[id]; dup && prev != doc {
			return fmt.Errorf("the id %q names two documents", id)
		}
		m.byID[id] = doc
		m.byHash[Hash(doc)] = doc
		return nil
	}
	if _, apollo := probe["format"]; apollo {
		var am apolloManifest
		if err := json.Unmarshal(b, &am); err != nil {
			return nil, fmt.Errorf("read the Apollo manifest: %w", err)
		}
		if am.Format != "apollo-persisted-query-manifest" || am.Version != 1 {
			return nil, fmt.Errorf("unknown manifest format %q version %d", am.Format, am.Version)
		}
		for _, op := range am.Operations {
			if err := add(op.ID, op.Body); err != nil {
				return nil, err
			}
		}
	} else {
		for id, raw := range probe {
			var doc string
			if err := json.Unmarshal(raw, &doc); err != nil {
				return nil, fmt.Errorf("the entry %q is not a document string", id)
			}
			if err := add(id, doc); err != nil {
				return nil, err
			}
		}
	}
	if len(m.byID) == 0 {
		return nil, errors.New("the manifest holds no documents")
	}
	return m, nil
}
