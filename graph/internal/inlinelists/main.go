// Command inlinelists rewrites gqlgen's generated executor where it pays for
// something coursegraph's reads never use. gqlgen has no option for any of it
// (gqlgen issue 3202 asks for the first), so `go generate ./graph` runs this
// after gqlgen, and CI checks that the committed file is what the two make.
// Each rewrite fails go generate when it matched nothing, so that a gqlgen
// upgrade that changed the code it rewrites is noticed instead of silently
// undoing it. The rewrites, each with what it saves:
//
//   - Lists inline. Each call graphql.MarshalSliceConcurrently(ctx, n, limit,
//     omitPanicHandler, f) becomes marshalSliceInline(ctx, n, f)
//     (graph/lists.go): the elements of a list are marshalled one after another
//     in the calling goroutine instead of a goroutine each. Every relation a
//     list's elements ask for is loaded ahead, a level at a time
//     (graph/ahead.go), so an element never waits on a loader, and a goroutine
//     per element only costs: its start, the stack growth it causes deep in
//     gqlgen's recursion, and the wait.
//   - Deferral on demand. Each object's marshaller makes a field set and a map
//     for @defer, and computes its response path (an allocation per path
//     element) for a deferred group that is empty unless the operation defers
//     a field. They are now made when a field is deferred, and the group
//     processed only then.
//   - Objects written directly. An object's field set is made with room for
//     a few values (newObject, graph/objects.go: one allocation instead of
//     two), and its fields written by its own MarshalGQL instead of gqlgen's
//     FieldSet.MarshalGQL, which allocates an iterator, a copy of every field
//     and a map of the names written.
//   - Struct fields marshalled directly. A non-null field read from a model's
//     struct field (no resolver, method, argument or directive) whose value is
//     marshalled by coursegraph's scalars is marshalled in place, without
//     graphql.ResolveField: no field context, closures or boxing (about ten
//     allocations a field). Such a field cannot fail: the object is never nil,
//     reading the field cannot panic and graph/scalars's marshallers never
//     return null (a test there says so). Field middleware does not see these
//     fields; the only field interceptor, gqlserver's resolverSpans, looks at
//     resolvers only.
//
// Usage: go run ./graph/internal/inlinelists FILE
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
	"reflect"
	"strings"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: inlinelists FILE")
		os.Exit(2)
	}
	counts, err := rewrite(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "inlinelists:", err)
		os.Exit(1)
	}
	for i, r := range rewrites {
		fmt.Printf("inlinelists: %s: %d in %s\n", r.name, counts[i], os.Args[1])
	}
}

// A rewriter changes f in place and returns how many places it changed.
type rewriter struct {
	name string
	// missing says what was not found when the rewrite matched nothing.
	missing string
	apply   func(f *ast.File) (int, error)
}

var rewrites = []rewriter{
	{"lists marshalled inline", "no call of graphql.MarshalSliceConcurrently(ctx, n, limit, omit, f) found: did gqlgen change how it marshals lists?", inlineLists},
	{"object marshallers deferring on demand", "no object marshaller with deferredFieldSet, deferLabelToView and ec.ProcessDeferredGroup found: did gqlgen change how it defers?", deferOnDemand},
	{"objects written directly", "no object marshaller beginning with `out := graphql.NewFieldSet(fields)` and ending in `return out` found: did gqlgen change how it marshals objects?", objectsDirect},
	{"struct fields marshalled directly", "no field resolved by graphql.ResolveField from a struct field and marshalled by graph/scalars found: did gqlgen change how it resolves fields?", structFieldsDirect},
}

// rewrite rewrites file in place and returns how many places each rewrite
// changed.
func rewrite(file string) ([]int, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, nil, parser.ParseComments)
	if err != nil {
		return nil, err
	}
	counts, err := Rewrite(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	var out bytes.Buffer
	if err := format.Node(&out, fset, f); err != nil {
		return nil, err
	}
	src, err := format.Source(out.Bytes())
	if err != nil {
		return nil, err
	}
	return counts, os.WriteFile(file, src, 0o644)
}

// Rewrite applies every rewrite to f, in order, and returns how many places
// each changed; it fails when one changed nothing.
func Rewrite(f *ast.File) ([]int, error) {
	counts := make([]int, len(rewrites))
	for i, r := range rewrites {
		n, err := r.apply(f)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", r.name, err)
		}
		if n == 0 {
			return nil, fmt.Errorf("%s", r.missing)
		}
		counts[i] = n
	}
	return counts, nil
}

// inlineLists replaces each graphql.MarshalSliceConcurrently call of five
// arguments by marshalSliceInline with the first, second and last.
func inlineLists(f *ast.File) (int, error) {
	n := 0
	ast.Inspect(f, func(node ast.Node) bool {
		call, ok := node.(*ast.CallExpr)
		if !ok || len(call.Args) != 5 || !isSelector(call.Fun, "graphql", "MarshalSliceConcurrently") {
			return true
		}
		call.Fun = ast.NewIdent("marshalSliceInline")
		call.Args = []ast.Expr{call.Args[0], call.Args[1], call.Args[4]}
		n++
		return true
	})
	return n, nil
}

// deferOnDemand rewrites each function that declares
//
//	deferredFieldSet := graphql.NewFieldSet(nil)
//	deferLabelToView := make(map[string]*graphql.FieldSetView)
//
// so that both start nil and are made at the top of each `if
// field.IsDeferred() {` block (where the closures use a copy, so that the
// variable, assigned twice, is not moved to the heap), and its
// ec.ProcessDeferredGroup(...) call runs only when they were made.
func deferOnDemand(f *ast.File) (int, error) {
	n := 0
	for _, decl := range f.Decls {
		fn, ok := decl.(*ast.FuncDecl)
		if !ok || fn.Body == nil {
			continue
		}
		set := findAssign(fn.Body, "deferredFieldSet")
		views := findAssign(fn.Body, "deferLabelToView")
		if set == nil && views == nil {
			continue
		}
		if set == nil || views == nil || !isCall(set.call, "graphql", "NewFieldSet") {
			return n, fmt.Errorf("%s: deferredFieldSet and deferLabelToView not declared as expected", fn.Name.Name)
		}
		set.list[set.index] = parseStmt(set.list[set.index].Pos(), "var deferredFieldSet *graphql.FieldSet")
		views.list[views.index] = parseStmt(views.list[views.index].Pos(), "var deferLabelToView map[string]*graphql.FieldSetView")
		ast.Inspect(fn.Body, func(node ast.Node) bool {
			if ifs, ok := node.(*ast.IfStmt); ok {
				if call, ok := ifs.Cond.(*ast.CallExpr); ok && len(call.Args) == 0 && isSelector(call.Fun, "field", "IsDeferred") {
					// The closures below capture the copy, which is never
					// assigned again: the variable captured stays on the stack.
					ifs.Body.List = append([]ast.Stmt{
						parseStmt(ifs.Body.Lbrace, `if deferredFieldSet == nil {
	deferredFieldSet, deferLabelToView = graphql.NewFieldSet(nil), make(map[string]*graphql.FieldSetView)
}`),
						parseStmt(ifs.Body.Lbrace, "deferredFieldSet := deferredFieldSet"),
					}, ifs.Body.List...)
				}
			}
			return true
		})
		processed := 0
		for i, stmt := range fn.Body.List {
			if es, ok := stmt.(*ast.ExprStmt); ok {
				if call, ok := es.X.(*ast.CallExpr); ok && isSelector(call.Fun, "ec", "ProcessDeferredGroup") {
					guard := parseStmt(es.Pos(), "if deferredFieldSet != nil {}").(*ast.IfStmt)
					guard.Body.List = []ast.Stmt{stmt}
					guard.Body.Rbrace = es.End()
					fn.Body.List[i] = guard
					processed++
				}
			}
		}
		if processed != 1 {
			return n, fmt.Errorf("%s: %d calls of ec.ProcessDeferredGroup; want 1", fn.Name.Name, processed)
		}
		n++
	}
	return n, nil
}

// objectsDirect rewrites each function that begins its field set with
// `out := graphql.NewFieldSet(fields)` and ends with `return out` to begin
// with `object := newObject(fields); out := &object.FieldSet` and end with
// `return object`.
func objectsDirect(f *ast.File) (int, error) {
	n := 0
	for _, decl := range f.Decls {
		fn, ok := decl.(*ast.FuncDecl)
		if !ok || fn.Body == nil {
			continue
		}
		out := findAssign(fn.Body, "out")
		if out == nil || !isCall(out.call, "graphql", "NewFieldSet") || len(out.call.Args) != 1 || !isIdent(out.call.Args[0], "fields") {
			continue
		}
		last := len(fn.Body.List) - 1
		ret, ok := fn.Body.List[last].(*ast.ReturnStmt)
		if !ok || len(ret.Results) != 1 || !isIdent(ret.Results[0], "out") {
			return n, fmt.Errorf("%s: does not end in `return out`", fn.Name.Name)
		}
		fn.Body.List[last] = parseStmt(ret.Pos(), "return object")
		pos := out.list[out.index].Pos()
		fn.Body.List = append(fn.Body.List[:out.index], append([]ast.Stmt{
			parseStmt(pos, "object := newObject(fields)"),
			parseStmt(pos, "out := &object.FieldSet"),
		}, fn.Body.List[out.index+1:]...)...)
		n++
	}
	return n, nil
}

// structFieldsDirect replaces the body of each field function of the form
//
//	return graphql.ResolveField(ctx, ec.OperationContext, field, fieldContext,
//		func(ctx context.Context) (any, error) { return obj.F, nil },
//		nil,
//		func(ctx context.Context, selections ast.SelectionSet, v T) graphql.Marshaler {
//			return ec.marshalNS(ctx, selections, v)
//		},
//		true, true)
//
// where marshalNS takes a value (not a pointer) and marshals it with package
// scalars, by `return ec.marshalNS(ctx, field.Selections, obj.F)`.
func structFieldsDirect(f *ast.File) (int, error) {
	marshallers := scalarMarshallers(f)
	n := 0
	for _, decl := range f.Decls {
		fn, ok := decl.(*ast.FuncDecl)
		if !ok || fn.Body == nil || len(fn.Body.List) != 1 {
			continue
		}
		ret, ok := fn.Body.List[0].(*ast.ReturnStmt)
		if !ok || len(ret.Results) != 1 {
			continue
		}
		call, ok := ret.Results[0].(*ast.CallExpr)
		if !ok || !isCall(call, "graphql", "ResolveField") || len(call.Args) != 9 {
			continue
		}
		value := returnedFieldOfObj(call.Args[4])
		marshal := calledMarshaller(call.Args[6])
		if value == nil || !isIdent(call.Args[5], "nil") || marshal == "" || !marshallers[marshal] ||
			!isIdent(call.Args[7], "true") || !isIdent(call.Args[8], "true") {
			continue
		}
		fn.Body.List = []ast.Stmt{parseStmt(ret.Pos(), "return ec."+marshal+"(ctx, field.Selections, obj."+value.Sel.Name+")")}
		fn.Body.Rbrace = ret.Pos()
		n++
	}
	return n, nil
}

// scalarMarshallers returns the names of the executionContext's marshalN
// methods that take a value (not a pointer or list) and marshal it with package
// scalars: `_ = sel; res := scalars.Marshal...(...); ...`.
func scalarMarshallers(f *ast.File) map[string]bool {
	names := map[string]bool{}
	for _, decl := range f.Decls {
		fn, ok := decl.(*ast.FuncDecl)
		if !ok || fn.Recv == nil || fn.Body == nil || !strings.HasPrefix(fn.Name.Name, "marshalN") || len(fn.Body.List) < 2 {
			continue
		}
		params := fn.Type.Params.List
		if len(params) != 3 {
			continue
		}
		switch params[2].Type.(type) {
		case *ast.Ident, *ast.SelectorExpr:
		default:
			continue
		}
		as, ok := fn.Body.List[1].(*ast.AssignStmt)
		if !ok || len(as.Lhs) != 1 || !isIdent(as.Lhs[0], "res") || len(as.Rhs) != 1 {
			continue
		}
		if call, ok := as.Rhs[0].(*ast.CallExpr); ok {
			if sel, ok := call.Fun.(*ast.SelectorExpr); ok && isIdent(sel.X, "scalars") && strings.HasPrefix(sel.Sel.Name, "Marshal") {
				names[fn.Name.Name] = true
			}
		}
	}
	return names
}

// returnedFieldOfObj returns obj.F when e is func(ctx context.Context) (any,
// error) { return obj.F, nil } with F a plain field (not a call).
func returnedFieldOfObj(e ast.Expr) *ast.SelectorExpr {
	lit, ok := e.(*ast.FuncLit)
	if !ok || len(lit.Body.List) != 1 {
		return nil
	}
	ret, ok := lit.Body.List[0].(*ast.ReturnStmt)
	if !ok || len(ret.Results) != 2 || !isIdent(ret.Results[1], "nil") {
		return nil
	}
	sel, ok := ret.Results[0].(*ast.SelectorExpr)
	if !ok || !isIdent(sel.X, "obj") {
		return nil
	}
	return sel
}

// calledMarshaller returns NAME when e is func(ctx, selections, v T)
// graphql.Marshaler { return ec.NAME(ctx, selections, v) }.
func calledMarshaller(e ast.Expr) string {
	lit, ok := e.(*ast.FuncLit)
	if !ok || len(lit.Body.List) != 1 {
		return ""
	}
	ret, ok := lit.Body.List[0].(*ast.ReturnStmt)
	if !ok || len(ret.Results) != 1 {
		return ""
	}
	call, ok := ret.Results[0].(*ast.CallExpr)
	if !ok || len(call.Args) != 3 || !isIdent(call.Args[0], "ctx") || !isIdent(call.Args[1], "selections") || !isIdent(call.Args[2], "v") {
		return ""
	}
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok || !isIdent(sel.X, "ec") {
		return ""
	}
	return sel.Sel.Name
}

// assign is a statement `name := call(...)` at list[index] of a block.
type assign struct {
	list  []ast.Stmt
	index int
	call  *ast.CallExpr
}

// findAssign finds the statement `name := ...` at the top level of body.
func findAssign(body *ast.BlockStmt, name string) *assign {
	for i, stmt := range body.List {
		as, ok := stmt.(*ast.AssignStmt)
		if !ok || as.Tok != token.DEFINE || len(as.Lhs) != 1 || !isIdent(as.Lhs[0], name) || len(as.Rhs) != 1 {
			continue
		}
		call, _ := as.Rhs[0].(*ast.CallExpr)
		return &assign{list: body.List, index: i, call: call}
	}
	return nil
}

func isIdent(e ast.Expr, name string) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == name
}

func isSelector(e ast.Expr, x, sel string) bool {
	s, ok := e.(*ast.SelectorExpr)
	return ok && s.Sel.Name == sel && isIdent(s.X, x)
}

func isCall(call *ast.CallExpr, x, fun string) bool {
	return call != nil && isSelector(call.Fun, x, fun)
}

// parseStmt parses one statement and puts all of it at pos, the place in the
// file of what it replaces, so that it prints there.
func parseStmt(pos token.Pos, src string) ast.Stmt {
	f, err := parser.ParseFile(token.NewFileSet(), "", "package p\nfunc _() {\n"+src+"\n}", 0)
	if err != nil {
		panic(fmt.Sprintf("parse %q: %v", src, err))
	}
	stmt := f.Decls[0].(*ast.FuncDecl).Body.List[0]
	ast.Inspect(stmt, func(n ast.Node) bool {
		if n != nil {
			setPositions(reflect.ValueOf(n).Elem(), pos)
		}
		return true
	})
	return stmt
}

// setPositions sets every token.Pos field of the struct v to pos, but those
// that are not set: some say what the node is (a call's Ellipsis, a
// declaration's Lparen).
func setPositions(v reflect.Value, pos token.Pos) {
	if v.Kind() != reflect.Struct {
		return
	}
	posType := reflect.TypeOf(token.NoPos)
	for i := range v.NumField() {
		if field := v.Field(i); field.Type() == posType && field.CanSet() && field.Int() != 0 {
			field.SetInt(int64(pos))
		}
	}
}
