package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
)

// marshalSliceInline marshals the n elements of a list one after another in the
// calling goroutine: what graphql.MarshalSliceConcurrently does, without a
// goroutine per element. The generated executor calls it (see
// graph/internal/inlinelists, run by go generate after gqlgen). As there, each
// element gets a field context with its index, and a panic in one is a field
// error that nulls the list.
func marshalSliceInline(ctx context.Context, n int, marshalElement func(ctx context.Context, i int) graphql.Marshaler) (ret graphql.Array) {
	ret = make(graphql.Array, n)
	// The elements' field contexts and indexes, made in one go.
	fields, indexes := make([]graphql.FieldContext, n), make([]int, n)
	for i := range n {
		indexes[i] = i
		fields[i].Index = &indexes[i]
		childCtx := graphql.WithFieldContext(ctx, &fields[i])
		if !marshalOne(childCtx, ret, i, marshalElement) {
			return nil
		}
	}
	return ret
}

// marshalOne sets ret[i], and reports false if marshalling it panicked (the
// panic is recorded as the element's error).
func marshalOne(ctx context.Context, ret graphql.Array, i int, marshalElement func(ctx context.Context, i int) graphql.Marshaler) (ok bool) {
	defer func() {
		if r := recover(); r != nil {
			graphql.AddError(ctx, graphql.Recover(ctx, r))
			ok = false
		}
	}()
	ret[i] = marshalElement(ctx, i)
	return true
}
