package graph

import (
	"io"

	"github.com/99designs/gqlgen/graphql"
)

// marshalObject returns the object whose fields out resolved, to be written as
// gqlgen's FieldSet.MarshalGQL writes it, without its allocations (an
// iterator, a copy of each field, a map of the names written): the generated
// executor calls it (see graph/internal/inlinelists, run by go generate after
// gqlgen).
func marshalObject(fields []graphql.CollectedField, out *graphql.FieldSet) graphql.Marshaler {
	return &object{fields: fields, values: out.Values}
}

// object is an object's fields and their values, in the order they were asked.
type object struct {
	fields []graphql.CollectedField
	values []graphql.Marshaler
}

// MarshalGQL writes {"alias":value,...}. As in gqlgen, a response name asked
// twice in forms CollectFields keeps apart (a field of an interface and of the
// object) is written once, with its first value.
func (o *object) MarshalGQL(w io.Writer) {
	_, _ = io.WriteString(w, "{")
	for i := range o.fields {
		alias := o.fields[i].Alias
		if writtenBefore(o.fields[:i], alias) {
			continue
		}
		if i > 0 {
			_, _ = io.WriteString(w, ",")
		}
		if isName(alias) {
			_, _ = io.WriteString(w, `"`)
			_, _ = io.WriteString(w, alias)
			_, _ = io.WriteString(w, `":`)
		} else {
			graphql.MarshalString(alias).MarshalGQL(w)
			_, _ = io.WriteString(w, ":")
		}
		o.values[i].MarshalGQL(w)
	}
	_, _ = io.WriteString(w, "}")
}

// writtenBefore reports whether alias is the response name of one of fields.
// Objects have a few fields, so a scan is cheaper than gqlgen's map.
func writtenBefore(fields []graphql.CollectedField, alias string) bool {
	for i := range fields {
		if fields[i].Alias == alias {
			return true
		}
	}
	return false
}

// isName reports whether s needs no escaping in a JSON string, as every
// GraphQL name ([_A-Za-z][_0-9A-Za-z]*) does.
func isName(s string) bool {
	for i := range len(s) {
		c := s[i]
		if c != '_' && (c < '0' || c > '9') && (c < 'A' || c > 'Z') && (c < 'a' || c > 'z') {
			return false
		}
	}
	return true
}
