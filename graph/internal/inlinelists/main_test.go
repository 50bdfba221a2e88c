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

// sample has one of each pattern the rewrites change, in the shape gqlgen
// generates them, and near misses they must leave alone.
const sample = `package graph

func (ec *executionContext) marshalNThing(ctx context.Context, sel ast.SelectionSet, v []*Thing) graphql.Marshaler {
	ret := graphql.MarshalSliceConcurrently(ctx, len(v), 0, false, func(ctx context.Context, i int) graphql.Marshaler {
		return ec.marshalThing(ctx, sel, v[i])
	})
	return ret
}

func other(ctx context.Context) { other.MarshalSliceConcurrently(ctx, 1, 0, false, nil) }

func (ec *executionContext) _Thing(ctx context.Context, sel ast.SelectionSet, obj *Thing) graphql.Marshaler {
	fields := graphql.CollectFields(ec.OperationContext, sel, thingImplementors)

	out := graphql.NewFieldSet(fields)
	deferredFieldSet := graphql.NewFieldSet(nil)
	deferLabelToView := make(map[string]*graphql.FieldSetView)
	for i, field := range fields {
		switch field.Name {
		case "rel":
			if field.IsDeferred() {
				deferredFieldSet.AddField(field)
				continue
			}
		}
	}
	out.Dispatch(ctx)
	atomic.AddInt32(&ec.Deferred, int32(min(len(deferLabelToView), math.MaxInt32)))

	ec.ProcessDeferredGroup(graphql.DeferredGroup{
		Defers:   deferLabelToView,
		Path:     graphql.GetPath(ctx),
		FieldSet: deferredFieldSet,
		Context:  ctx,
	})

	return out
}

func (ec *executionContext) _Thing_name(ctx context.Context, field graphql.CollectedField, obj *Thing) (ret graphql.Marshaler) {
	return graphql.ResolveField(
		ctx,
		ec.OperationContext,
		field,
		func(ctx context.Context, field graphql.CollectedField) (*graphql.FieldContext, error) {
			return ec.fieldContext_Thing_name(ctx, field)
		},
		func(ctx context.Context) (any, error) {
			return obj.Name, nil
		},
		nil,
		func(ctx context.Context, selections ast.SelectionSet, v string) graphql.Marshaler {
			return ec.marshalNString2string(ctx, selections, v)
		},
		true,
		true,
	)
}

func (ec *executionContext) _Thing_label(ctx context.Context, field graphql.CollectedField, obj *Thing) (ret graphql.Marshaler) {
	return graphql.ResolveField(
		ctx,
		ec.OperationContext,
		field,
		func(ctx context.Context, field graphql.CollectedField) (*graphql.FieldContext, error) {
			return ec.fieldContext_Thing_label(ctx, field)
		},
		func(ctx context.Context) (any, error) {
			return obj.Label(), nil
		},
		nil,
		func(ctx context.Context, selections ast.SelectionSet, v string) graphql.Marshaler {
			return ec.marshalNString2string(ctx, selections, v)
		},
		true,
		true,
	)
}

func (ec *executionContext) _Thing_at(ctx context.Context, field graphql.CollectedField, obj *Thing) (ret graphql.Marshaler) {
	return graphql.ResolveField(
		ctx,
		ec.OperationContext,
		field,
		func(ctx context.Context, field graphql.CollectedField) (*graphql.FieldContext, error) {
			return ec.fieldContext_Thing_at(ctx, field)
		},
		func(ctx context.Context) (any, error) {
			return obj.At, nil
		},
		nil,
		func(ctx context.Context, selections ast.SelectionSet, v time.Time) graphql.Marshaler {
			return ec.marshalNTime2timeᚐTime(ctx, selections, v)
		},
		true,
		true,
	)
}

func (ec *executionContext) marshalNString2string(ctx context.Context, sel ast.SelectionSet, v string) graphql.Marshaler {
	_ = sel
	res := scalars.MarshalString(v)
	if res == graphql.Null {
		graphql.AddErrorf(ctx, "the requested element is null which the schema does not allow")
	}
	return res
}

func (ec *executionContext) marshalNTime2timeᚐTime(ctx context.Context, sel ast.SelectionSet, v time.Time) graphql.Marshaler {
	_ = sel
	res := graphql.MarshalTime(v)
	if res == graphql.Null {
		graphql.AddErrorf(ctx, "the requested element is null which the schema does not allow")
	}
	return res
}
`

func rewritten(t *testing.T, src string) string {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "sample.go", src, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	counts, err := Rewrite(f)
	if err != nil {
		t.Fatal(err)
	}
	for i, n := range counts {
		if n != 1 {
			t.Errorf("%s: %d places; want 1", rewrites[i].name, n)
		}
	}
	var out bytes.Buffer
	if err := format.Node(&out, fset, f); err != nil {
		t.Fatal(err)
	}
	got, err := format.Source(out.Bytes())
	if err != nil {
		t.Fatalf("%v\n%s", err, out.Bytes())
	}
	return string(got)
}

// TestEachRewriteChangesItsPatternAndNothingElse: the list call is replaced
// keeping the context, the length and the element function; deferral is made
// on demand; the object is made by newObject and written by itself; a struct field marshalled
// by graph/scalars is marshalled in place. A call of the same name on another
// package, a method's value and a value gqlgen's own scalar marshals (which
// may be null) are left to gqlgen.
func TestEachRewriteChangesItsPatternAndNothingElse(t *testing.T) {
	got := rewritten(t, sample)
	for _, want := range []string{
		"ret := marshalSliceInline(ctx, len(v), func(ctx context.Context, i int) graphql.Marshaler {",
		"other.MarshalSliceConcurrently(ctx, 1, 0, false, nil)",
		"\tvar deferredFieldSet *graphql.FieldSet\n\tvar deferLabelToView map[string]*graphql.FieldSetView\n",
		"if field.IsDeferred() {\n\t\t\t\tif deferredFieldSet == nil {\n\t\t\t\t\tdeferredFieldSet, deferLabelToView = graphql.NewFieldSet(nil), make(map[string]*graphql.FieldSetView)\n\t\t\t\t}\n\t\t\t\tdeferredFieldSet := deferredFieldSet\n\t\t\t\tdeferredFieldSet.AddField(field)",
		"\tif deferredFieldSet != nil {\n\t\tec.ProcessDeferredGroup(graphql.DeferredGroup{\n\t\t\tDefers:   deferLabelToView,\n\t\t\tPath:     graphql.GetPath(ctx),",
		"\tobject := newObject(fields)\n\tout := &object.FieldSet\n",
		"\treturn object\n}",
		"obj *Thing) (ret graphql.Marshaler) {\n\treturn ec.marshalNString2string(ctx, field.Selections, obj.Name)\n}",
		"return obj.Label(), nil",
		"return obj.At, nil",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("rewritten file lacks\n%s\n---\n%s", want, got)
		}
	}
	if n := strings.Count(got, "graphql.ResolveField("); n != 2 {
		t.Errorf("%d fields still resolved by graphql.ResolveField; want 2 (the method and the time)", n)
	}
}

// TestARewriteThatMatchesNothingFails: a gqlgen that generates one of the
// patterns another way stops go generate, naming what it did not find, rather
// than silently bringing back what the rewrite saved.
func TestARewriteThatMatchesNothingFails(t *testing.T) {
	for i, r := range rewrites {
		t.Run(r.name, func(t *testing.T) {
			// The sample, with the one pattern this rewrite looks for spelt
			// differently.
			src := sample
			switch i {
			case 0:
				src = strings.ReplaceAll(src, "graphql.MarshalSliceConcurrently", "graphql.MarshalSlice")
			case 1:
				src = strings.NewReplacer("deferredFieldSet", "deferred", "deferLabelToView", "views").Replace(src)
			case 2:
				src = strings.ReplaceAll(src, "out := graphql.NewFieldSet(fields)", "out := graphql.NewObject(fields)")
			case 3:
				src = strings.ReplaceAll(src, "graphql.ResolveField(", "graphql.Resolve(")
			}
			fset := token.NewFileSet()
			f, err := parser.ParseFile(fset, "sample.go", src, 0)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := Rewrite(f); err == nil || err.Error() != r.missing {
				t.Errorf("rewrite: %v; want %q", err, r.missing)
			}
		})
	}
	file := t.TempDir() + "/generated.go"
	if err := os.WriteFile(file, []byte("package graph\n\nfunc f() {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := rewrite(file); err == nil || !strings.Contains(err.Error(), "MarshalSliceConcurrently") {
		t.Errorf("rewrite of a file without the call: %v; want an error naming the call", err)
	}
}

// TestAnObjectMarshallerOutOfShapeFails: a marshaller that declares the
// deferral bookkeeping but not as expected, or does not end in `return out`,
// fails rather than being half rewritten.
func TestAnObjectMarshallerOutOfShapeFails(t *testing.T) {
	for name, src := range map[string]string{
		"two deferral groups": strings.Replace(sample, "\treturn out\n", "\tec.ProcessDeferredGroup(graphql.DeferredGroup{})\n\treturn out\n", 1),
		"another return":      strings.Replace(sample, "\treturn out\n", "\treturn graphql.Null\n", 1),
	} {
		f, err := parser.ParseFile(token.NewFileSet(), "sample.go", src, 0)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Rewrite(f); err == nil || !strings.Contains(err.Error(), "_Thing") {
			t.Errorf("%s: %v; want an error naming _Thing", name, err)
		}
	}
}

// TestTheCommittedExecutorIsRewritten reads graph/generated.go: go generate's
// rewrites ran on it (CI regenerates and compares, so it cannot drift either).
func TestTheCommittedExecutorIsRewritten(t *testing.T) {
	src, err := os.ReadFile("../../generated.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, gone := range []string{"graphql.MarshalSliceConcurrently(", "deferredFieldSet := graphql.NewFieldSet(nil)", "\treturn out\n"} {
		if bytes.Contains(src, []byte(gone)) {
			t.Errorf("graph/generated.go still has %q: run go generate ./graph", gone)
		}
	}
	for call, least := range map[string]int{"marshalSliceInline(": 10, "object := newObject(fields)": 10, "return ec.marshalNString2string(ctx, field.Selections, obj.": 10} {
		if n := bytes.Count(src, []byte(call)); n < least {
			t.Errorf("graph/generated.go has %d of %q; want at least %d", n, call, least)
		}
	}
	// No struct field marshalled by graph/scalars is left to ResolveField.
	f, err := parser.ParseFile(token.NewFileSet(), "generated.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := structFieldsDirect(f); err != nil || n != 0 {
		t.Errorf("%d struct fields could still be marshalled directly (%v)", n, err)
	}
}
