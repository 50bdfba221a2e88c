package models

// Node is implemented by every entity the API gives a global id, so that one lookup
// (node(id:)) can return any of them.
type Node interface{ isNode() }

func (Course) isNode()   {}
func (Batch) isNode()    {}
func (Schedule) isNode() {}
