package main

import (
	"bytes"
	"go/format"
	"go/parser"
	"go/token"
	"os"
	"strings"
	"testing"
)

const sample = `package graph

func (ec *executionContext) marshalNThing(ctx context.Context, sel ast.SelectionSet, v []*Thing) graphql.Marshaler {
	ret := graphql.MarshalSliceConcurrently(ctx, len(v), 0, false, func(ctx context.Context, i int) graphql.Marshaler {
		return ec.marshalThing(ctx, sel, v[i])
	})
	return ret
}

func other(ctx context.Context) { other.MarshalSliceConcurrently(ctx, 1, 0, false, nil) }
`

// TestEachConcurrentListMarshallerBecomesInline: gqlgen's call is replaced,
// keeping the context, the length and the element function; a call of the
// same name on another package is left alone.
func TestEachConcurrentListMarshallerBecomesInline(t *testing.T) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "sample.go", sample, 0)
	if err != nil {
		t.Fatal(err)
	}
	if n := Rewrite(f); n != 1 {
		t.Fatalf("rewrote %d calls; want 1", n)
	}
	var out bytes.Buffer
	if err := format.Node(&out, fset, f); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	if !strings.Contains(got, "ret := marshalSliceInline(ctx, len(v), func(ctx context.Context, i int) graphql.Marshaler {") ||
		!strings.Contains(got, "other.MarshalSliceConcurrently(ctx, 1, 0, false, nil)") {
		t.Errorf("rewritten:\n%s", got)
	}
}

// TestARewriteThatMatchesNothingFails: a gqlgen that marshals lists another
// way stops go generate rather than silently leaving goroutines per element.
func TestARewriteThatMatchesNothingFails(t *testing.T) {
	file := t.TempDir() + "/generated.go"
	if err := os.WriteFile(file, []byte("package graph\n\nfunc f() {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := rewrite(file); err == nil || !strings.Contains(err.Error(), "MarshalSliceConcurrently") {
		t.Errorf("rewrite of a file without the call: %v; want an error naming the call", err)
	}
}

// TestTheCommittedExecutorMarshalsEveryListInline reads graph/generated.go:
// go generate's rewrite ran on it (CI regenerates and compares, so it cannot
// drift either).
func TestTheCommittedExecutorMarshalsEveryListInline(t *testing.T) {
	src, err := os.ReadFile("../../generated.go")
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(src, []byte("graphql.MarshalSliceConcurrently(")) {
		t.Error("graph/generated.go still marshals a list concurrently: run go generate ./graph")
	}
	if n := bytes.Count(src, []byte("marshalSliceInline(")); n < 10 {
		t.Errorf("graph/generated.go calls marshalSliceInline %d times; want every list marshaller", n)
	}
}
