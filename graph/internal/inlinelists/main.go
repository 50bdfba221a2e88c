// Command inlinelists rewrites gqlgen's generated executor so that the elements
// of a list are marshalled one after another in the calling goroutine, instead
// of a goroutine each (graphql.MarshalSliceConcurrently). Every relation a list's
// elements ask for is loaded ahead, a level at a time (graph/ahead.go), so an
// element never waits on a loader and a goroutine per element only costs: its
// start, the stack growth it causes deep in gqlgen's recursion, and the wait.
// gqlgen has no option for it (gqlgen issue 3202), so `go generate ./graph`
// runs this after gqlgen, and CI checks that the committed file is what the two
// make.
//
// Usage: go run ./graph/internal/inlinelists FILE
//
// Each call graphql.MarshalSliceConcurrently(ctx, n, limit, omitPanicHandler, f)
// becomes marshalSliceInline(ctx, n, f) (graph/lists.go). It fails when it
// rewrote nothing, so that a gqlgen upgrade that changed the call is noticed
// instead of silently undoing the change.
//
// It imports the standard library only.
package main

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"os"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: inlinelists FILE")
		os.Exit(2)
	}
	n, err := rewrite(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "inlinelists:", err)
		os.Exit(1)
	}
	fmt.Printf("inlinelists: %d list marshallers made sequential in %s\n", n, os.Args[1])
}

// rewrite rewrites file in place and returns how many calls it changed.
func rewrite(file string) (int, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, nil, parser.ParseComments)
	if err != nil {
		return 0, err
	}
	n := Rewrite(f)
	if n == 0 {
		return 0, fmt.Errorf("%s: no call of graphql.MarshalSliceConcurrently(ctx, n, limit, omit, f) found: did gqlgen change how it marshals lists?", file)
	}
	var out bytes.Buffer
	if err := format.Node(&out, fset, f); err != nil {
		return 0, err
	}
	return n, os.WriteFile(file, out.Bytes(), 0o644)
}

// Rewrite replaces, in f, each graphql.MarshalSliceConcurrently call of five
// arguments by marshalSliceInline with the first, second and last, and
// returns how many it replaced.
func Rewrite(f *ast.File) int {
	n := 0
	ast.Inspect(f, func(node ast.Node) bool {
		call, ok := node.(*ast.CallExpr)
		if !ok || len(call.Args) != 5 {
			return true
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok || sel.Sel.Name != "MarshalSliceConcurrently" {
			return true
		}
		if pkg, ok := sel.X.(*ast.Ident); !ok || pkg.Name != "graphql" {
			return true
		}
		call.Fun = ast.NewIdent("marshalSliceInline")
		call.Args = []ast.Expr{call.Args[0], call.Args[1], call.Args[4]}
		n++
		return true
	})
	return n
}
