package graph

import (
	"reflect"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/codegen/config"
	"github.com/vektah/gqlparser/v2/ast"
)

// TestEveryRelationFieldIsDeclared reads the schema (as the executor serves it)
// and the field resolvers (gqlgen.yml's `resolver: true` fields, and the methods
// of the generated resolver interfaces): every field of an object type resolved
// by a field resolver that returns a relation (an object, or a list of objects,
// of a type with an id, or a connection of them) must be declared in
// relations.go, and every declaration must name such a field and the type it
// returns. So renaming a field, or adding a relation without its declaration,
// fails here instead of silently turning loading ahead and batching off.
func TestEveryRelationFieldIsDeclared(t *testing.T) {
	schema := NewExecutableSchema(Config{Resolvers: &Resolver{}}).Schema()
	t.Chdir("..")
	cfg, err := config.LoadConfig("gqlgen.yml")
	if err != nil {
		t.Fatal(err)
	}

	// The field resolvers, by "Type.field".
	resolvers := map[string]bool{}
	for typeName, m := range cfg.Models {
		for fieldName, f := range m.Fields {
			if f.Resolver {
				resolvers[typeName+"."+fieldName] = true
			}
		}
	}
	root := reflect.TypeFor[ResolverRoot]()
	for i := range root.NumMethod() {
		typeName := root.Method(i).Name
		def := schema.Types[typeName]
		if def == nil {
			t.Fatalf("ResolverRoot.%s names no type of the schema", typeName)
		}
		iface := root.Method(i).Type.Out(0)
		for j := range iface.NumMethod() {
			found := false
			for _, f := range def.Fields {
				if strings.EqualFold(f.Name, iface.Method(j).Name) {
					resolvers[typeName+"."+f.Name], found = true, true
				}
			}
			if !found && def.Kind == ast.Object {
				t.Errorf("%s.%s: a resolver of no field of the schema", typeName, iface.Method(j).Name)
			}
		}
	}

	declared := map[string]declaration{}
	for _, d := range declarations {
		name := d.parent + "." + d.field
		if _, dup := declared[name]; dup {
			t.Errorf("%s is declared twice", name)
		}
		declared[name] = d
	}

	roots := map[string]bool{"Query": true, "Mutation": true, "Subscription": true}
	relationFields := 0
	for name := range resolvers {
		typeName, fieldName, _ := strings.Cut(name, ".")
		def := schema.Types[typeName]
		if def == nil || def.Kind != ast.Object || roots[typeName] {
			continue // inputs and the root fields are no relations
		}
		field := def.Fields.ForName(fieldName)
		if field == nil {
			t.Errorf("%s: gqlgen.yml names a field the schema lacks", name)
			continue
		}
		if !isRelation(schema, field.Type) {
			continue
		}
		relationFields++
		if _, ok := declared[name]; !ok {
			t.Errorf("%s returns %s, a relation resolved by a field resolver, and has no declaration in relations.go", name, field.Type)
		}
	}
	if relationFields < 10 {
		t.Errorf("found %d relation fields; the schema has more: is the test reading it?", relationFields)
	}

	for name, d := range declared {
		def := schema.Types[d.parent]
		var field *ast.FieldDefinition
		if def != nil {
			field = def.Fields.ForName(d.field)
		}
		switch {
		case field == nil:
			t.Errorf("relations.go declares %s, which the schema lacks", name)
		case !resolvers[name]:
			t.Errorf("relations.go declares %s, which no field resolver resolves", name)
		case d.returns == "" && schema.Types[field.Type.Name()].Kind != ast.Scalar:
			t.Errorf("relations.go declares %s as a value; the schema says it returns %s", name, field.Type)
		case d.returns != "" && d.returns != field.Type.Name():
			t.Errorf("relations.go declares %s as returning %s; the schema says %s", name, d.returns, field.Type)
		}
	}
}

// isRelation reports whether a field of type typ loads related rows: an object
// (or list of objects) with an id, or a connection of such objects.
func isRelation(schema *ast.Schema, typ *ast.Type) bool {
	def := schema.Types[typ.Name()]
	if def == nil || def.Kind != ast.Object {
		return false
	}
	if def.Fields.ForName("id") != nil {
		return true
	}
	if edges := def.Fields.ForName(edgesField); edges != nil {
		if edge := schema.Types[edges.Type.Name()]; edge != nil {
			if node := edge.Fields.ForName(nodeField); node != nil {
				return isRelation(schema, node.Type)
			}
		}
	}
	return false
}
