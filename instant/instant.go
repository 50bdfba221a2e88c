// Package instant carries a request's one reading of the clock in its context,
// so that every decision that depends on the time (which articles are published
// yet, when the answer stops being true) is made at the same instant: an answer
// can then never contradict itself, and the response cache keeps it until the
// first change after the instant it shows, never one computed at a later one.
//
// It may import the standard library only, so that any package may import it.
package instant

import (
	"context"
	"time"
)

type key struct{}

// With returns ctx carrying t as the request's instant.
func With(ctx context.Context, t time.Time) context.Context {
	return context.WithValue(ctx, key{}, t)
}

// From returns the instant ctx carries; ok is false when it carries none.
func From(ctx context.Context) (t time.Time, ok bool) {
	t, ok = ctx.Value(key{}).(time.Time)
	return t, ok
}

// Or returns the instant ctx carries, or clock's reading when it carries none.
func Or(ctx context.Context, clock func() time.Time) time.Time {
	if t, ok := From(ctx); ok {
		return t
	}
	return clock()
}
