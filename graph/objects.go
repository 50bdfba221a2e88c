package graph

import (
	"io"

	"github.com/99designs/gqlgen/graphql"
)

// newObject returns the field set of an object whose fields are asked, with
// room for the values of a few in the same allocation (gqlgen's NewFieldSet
// makes two), to be written by its own MarshalGQL: as gqlgen's
// FieldSet.MarshalGQL writes it, without its allocations (an iterator, a copy
// of each field, a map of the names written). The generated executor calls it
// (see graph/internal/inlinelists, run by go generate after gqlgen); it uses
// the embedded FieldSet as gqlgen's (Values, Invalids, Concurrently, Dispatch)
// but for writing.
func newObject(fields []graphql.CollectedField) *object {
	o := &object{fields: fields}
	if len(fields) <= len(o.room) {
		o.Values = o.room[:len(fields)]
	} else {
		o.Values = make([]graphql.Marshaler, len(fields))
	}
	return o
}

// object is an object's fields and their values, in the order they were asked.
type object struct {
	graphql.FieldSet
	fields []graphql.CollectedField
	// room holds the values of an object of up to four fields (most of the
	// objects of a response).
	room [4]graphql.Marshaler
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
		o.Values[i].MarshalGQL(w)
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
