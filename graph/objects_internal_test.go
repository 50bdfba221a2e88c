package graph

import (
	"bytes"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// TestAnObjectIsWrittenAsGqlgenWritesIt: fields in the order asked, a response
// name asked twice written once with its first value, a name that is not a
// GraphQL name escaped; what gqlgen's FieldSet writes.
func TestAnObjectIsWrittenAsGqlgenWritesIt(t *testing.T) {
	field := func(alias string) graphql.CollectedField {
		return graphql.CollectedField{Field: &ast.Field{Alias: alias, Name: alias}}
	}
	fields := []graphql.CollectedField{field("title"), field("__typename"), field("title"), field(`a"b`)}
	values := []graphql.Marshaler{graphql.MarshalString("first"), graphql.MarshalString("Course"), graphql.MarshalString("second"), graphql.MarshalInt(1)}
	var want, got bytes.Buffer
	gqlgens := graphql.NewFieldSet(fields)
	copy(gqlgens.Values, values)
	gqlgens.MarshalGQL(&want)
	ours := newObject(fields)
	copy(ours.Values, values)
	ours.MarshalGQL(&got)
	if got.String() != want.String() || got.String() != `{"title":"first","__typename":"Course","a\"b":1}` {
		t.Errorf("wrote %s; gqlgen writes %s", got.String(), want.String())
	}
	var empty bytes.Buffer
	newObject(nil).MarshalGQL(&empty)
	if empty.String() != "{}" {
		t.Errorf("an object without fields: %s", empty.String())
	}
	many := make([]graphql.CollectedField, 7)
	for i := range many {
		many[i] = field(string(rune('a' + i)))
	}
	if o := newObject(many); len(o.Values) != 7 {
		t.Errorf("an object of 7 fields has room for %d values", len(o.Values))
	}
}
