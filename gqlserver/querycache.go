package gqlserver

import (
	"context"

	"github.com/maypok86/otter/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

// queryCacheSize is how many documents the query cache keeps.
const queryCacheSize = 1000

// queryCache keeps up to n parsed and validated documents by their text, for
// gqlgen: the same cache library as the response cache and the persisted
// queries, rather than a second one (gqlgen's lru package, hashicorp's LRU).
type queryCache struct {
	c *otter.Cache[string, *ast.QueryDocument]
}

func newQueryCache(n int) queryCache {
	return queryCache{otter.Must(&otter.Options[string, *ast.QueryDocument]{MaximumSize: n})}
}

// Get returns the document parsed from query, if it is kept.
func (q queryCache) Get(_ context.Context, query string) (*ast.QueryDocument, bool) {
	return q.c.GetIfPresent(query)
}

// Add keeps the document parsed from query.
func (q queryCache) Add(_ context.Context, query string, doc *ast.QueryDocument) { q.c.Set(query, doc) }
