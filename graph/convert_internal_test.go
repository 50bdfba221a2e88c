package graph

import (
	"slices"
	"testing"
)

// TestEveryNodeTypeHasAFinder: node(id:) can find every type of the schema that
// implements Node, and nothing else.
func TestEveryNodeTypeHasAFinder(t *testing.T) {
	schema := NewExecutableSchema(Config{}).Schema()
	nodes := 0
	for _, def := range schema.Types {
		if !slices.Contains(def.Interfaces, "Node") {
			continue
		}
		nodes++
		if _, ok := nodeFinders[def.Name]; !ok {
			t.Errorf("%s implements Node but node(id:) has no finder for it", def.Name)
		}
	}
	if nodes != len(nodeFinders) {
		t.Errorf("%d node types, %d finders", nodes, len(nodeFinders))
	}
}
