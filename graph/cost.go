package graph

import (
	"context"
	"fmt"
	"reflect"
	"strings"

	"github.com/99designs/gqlgen/graphql"
)

// costedSchema is the executable schema whose Complexity answers at once, "no
// cost of its own", for the fields setComplexity gives none. The generated
// Complexity makes an execution context (two allocations) for every field it
// is asked about before it looks the field up, and the cost limit asks about
// every field of every operation: about 60 allocations for an article page,
// for the one field (comments) whose cost is its own.
type costedSchema struct {
	graphql.ExecutableSchema
	costed map[fieldKey]struct{}
}

type fieldKey struct{ typeName, field string }

// HasCost reports whether field of typeName has a cost of its own (its cost
// may then depend on its arguments); any other field costs 1 plus what it
// selects. The cost limit asks, to know which costs depend on variables.
func (s costedSchema) HasCost(typeName, field string) bool {
	_, ok := s.costed[fieldKey{typeName, field}]
	return ok
}

func (s costedSchema) Complexity(ctx context.Context, typeName, field string, childComplexity int, args map[string]any) (int, bool) {
	if !s.HasCost(typeName, field) {
		return 0, false
	}
	return s.ExecutableSchema.Complexity(ctx, typeName, field, childComplexity, args)
}

// withCosts wraps es, whose costs are c, in a costedSchema. It panics when a
// cost of c belongs to no field of the schema: the fields are found by name
// (ComplexityRoot's struct field T.F is the GraphQL field f of type T whose
// name is F but for case), and a cost that matches nothing would be skipped.
func withCosts(es graphql.ExecutableSchema, c *ComplexityRoot) costedSchema {
	s := costedSchema{ExecutableSchema: es, costed: map[fieldKey]struct{}{}}
	types := reflect.ValueOf(c).Elem()
	for i := range types.NumField() {
		typeName, fields := types.Type().Field(i).Name, types.Field(i)
		for j := range fields.NumField() {
			if fields.Field(j).IsNil() {
				continue
			}
			goName := fields.Type().Field(j).Name
			def := es.Schema().Types[typeName]
			found := false
			if def != nil {
				for _, f := range def.Fields {
					if strings.EqualFold(f.Name, goName) {
						s.costed[fieldKey{typeName, f.Name}] = struct{}{}
						found = true
					}
				}
			}
			if !found {
				panic(fmt.Sprintf("graph: the cost of %s.%s belongs to no field of the schema", typeName, goName))
			}
		}
	}
	return s
}
