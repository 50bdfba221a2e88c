// Package readroute carries, in a request's context, where its database reads
// may go: to a read replica (the default, when the store has replicas) or to
// the primary (Primary: a signed-in request, a mutation, a client that has just
// written, background work). It also records whether any read of a request was
// served by a replica (Track), so that the response cache does not keep an
// answer a lagging replica may have made stale.
//
// It is a leaf: it imports nothing of ours. The HTTP side marks contexts, the
// store reads the mark and notes replica reads.
package readroute

import (
	"context"
	"sync/atomic"
)

type primaryKey struct{}

type readsKey struct{}

// Primary returns ctx whose reads go to the primary database.
func Primary(ctx context.Context) context.Context {
	if OnPrimary(ctx) {
		return ctx
	}
	return context.WithValue(ctx, primaryKey{}, true)
}

// OnPrimary reports whether ctx asks for its reads to go to the primary.
func OnPrimary(ctx context.Context) bool {
	v, _ := ctx.Value(primaryKey{}).(bool)
	return v
}

// Reads records whether a replica served any read of a request. It is safe for
// concurrent use (resolvers run in goroutines of their own).
type Reads struct{ replica atomic.Bool }

// Replica reports whether a replica served a read since Track.
func (r *Reads) Replica() bool { return r != nil && r.replica.Load() }

// Track returns ctx, which records its replica reads, and the record.
func Track(ctx context.Context) (context.Context, *Reads) {
	r := &Reads{}
	return context.WithValue(ctx, readsKey{}, r), r
}

// NoteReplica records, in the record ctx carries (if any), that a replica
// served a read. The store calls it.
func NoteReplica(ctx context.Context) {
	if r, ok := ctx.Value(readsKey{}).(*Reads); ok {
		r.replica.Store(true)
	}
}
