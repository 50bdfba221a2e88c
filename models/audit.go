package models

import (
	"fmt"
	"slices"
	"time"
)

// AuditEntry records one staff write: who did what to which entity, when, and the
// fields it changed.
type AuditEntry struct {
	ID         uint          `gorm:"primaryKey"`
	ActorID    uint          `gorm:"not null;index:ix_audit_actor"`
	Action     string        `gorm:"size:40;not null"`
	EntityType string        `gorm:"size:40;not null;index:ix_audit_entity,priority:1"`
	EntityID   uint          `gorm:"not null;index:ix_audit_entity,priority:2"`
	Changes    []FieldChange `gorm:"type:text;not null;serializer:json"`
	CreatedAt  time.Time     `gorm:"not null"`
}

func (AuditEntry) isNode() {}

// FieldChange is one field a write changed, with its values before and after as
// text (nil for none).
type FieldChange struct {
	Field string  `json:"field"`
	From  *string `json:"from,omitempty"`
	To    *string `json:"to,omitempty"`
}

// Changes collects the field changes of a write.
type Changes []FieldChange

// Record notes a field's change from old to new, if they differ. A secret field is
// recorded without its values; long values are cut to MaxAuditValue characters.
func (c *Changes) Record(field string, old, new any, secret bool) {
	from, to := fmt.Sprint(old), fmt.Sprint(new)
	if from == to {
		return
	}
	from, to = Truncate(from, MaxAuditValue), Truncate(to, MaxAuditValue)
	fc := FieldChange{Field: field}
	if !secret {
		fc.From, fc.To = &from, &to
	}
	*c = append(*c, fc)
}

// Created notes every field of a new entity, from nothing.
func (c *Changes) Created(fields map[string]any) {
	names := make([]string, 0, len(fields))
	for name := range fields {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		to := Truncate(fmt.Sprint(fields[name]), MaxAuditValue)
		*c = append(*c, FieldChange{Field: name, To: &to})
	}
}

// set assigns *src to *dst when src is set, recording the change.
func set[T any](c *Changes, field string, dst *T, src *T) {
	if src == nil {
		return
	}
	c.Record(field, *dst, *src, false)
	*dst = *src
}

// AuditFilter selects audit entries: all of them, or those of one entity.
type AuditFilter struct {
	EntityType string
	EntityID   uint
}
