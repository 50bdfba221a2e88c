package models

// Node is implemented by every entity the API gives a global id, so that one lookup
// (node(id:)) can return any of them.
type Node interface{ isNode() }

func (Course) isNode()   {}
func (Batch) isNode()    {}
func (Schedule) isNode() {}

// Key returns the entity's primary key; the Key methods let generic code take the
// id of any entity.
func (c *Course) Key() uint { return c.ID }

// Key returns the schedule's primary key.
func (s *Schedule) Key() uint { return s.ID }

// Key returns the entry's primary key.
func (e *AuditEntry) Key() uint { return e.ID }

// Key returns the article's primary key.
func (a *Article) Key() uint { return a.ID }

// Key returns the comment's primary key.
func (c *Comment) Key() uint { return c.ID }
