package models

import (
	"encoding/base64"
	"encoding/json"
)

// Page sizes for cursor connections.
const (
	DefaultPageSize = 20
	MaxPageSize     = 100
)

// Cursor is a position in an ordered list: the sort key of a row (as text) and its
// id, which breaks ties. Order names the ordering the cursor belongs to, so that a
// cursor from one ordering is refused by another.
type Cursor struct {
	Order string `json:"o"`
	Key   string `json:"k,omitempty"`
	ID    uint   `json:"i"`
}

// Encode returns the cursor as opaque URL-safe text.
func (c Cursor) Encode() string {
	b, _ := json.Marshal(c) // a struct of strings and an int always marshals
	return base64.RawURLEncoding.EncodeToString(b)
}

// PageArgs is a validated request for one page: how many rows and after which one.
type PageArgs struct {
	First int
	After *Cursor
}

// NewPageArgs validates `first` and `after` for a list ordered by order. Errors are
// Invalid and name the argument.
func NewPageArgs(first *int, after *string, order string) (PageArgs, error) {
	p := PageArgs{First: DefaultPageSize}
	if first != nil {
		if *first < 1 || *first > MaxPageSize {
			return p, InvalidField("first", "must be between 1 and %d", MaxPageSize)
		}
		p.First = *first
	}
	if after != nil {
		b, err := base64.RawURLEncoding.DecodeString(*after)
		var c Cursor
		if err != nil || json.Unmarshal(b, &c) != nil || c.ID == 0 {
			return p, InvalidField("after", "is not a cursor from this list")
		}
		if c.Order != order {
			return p, InvalidField("after", "is a cursor from a list in another order")
		}
		p.After = &c
	}
	return p, nil
}
