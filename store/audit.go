package store

import (
	"context"
	"time"

	"coursegraph/models"

	"gorm.io/gorm"
)

// CreateAuditEntry inserts an audit entry.
func (s *Store) CreateAuditEntry(ctx context.Context, e *models.AuditEntry) error {
	return translate(s.db.WithContext(ctx).Create(e).Error, "insert", "audit entry")
}

// AuditEntries returns up to page.First+1 entries matching f, newest first (by
// the time they were written, then by id: an id tells nothing of time on an
// engine that hands out ids in ranges per server, such as TiDB), after the page's
// cursor, whose key is the entry's time; Invalid for a cursor whose key is not.
func (s *Store) AuditEntries(ctx context.Context, f models.AuditFilter, page models.PageArgs) ([]Keyed[*models.AuditEntry], error) {
	q := whereAudit(s.db.WithContext(ctx), f)
	if page.After != nil {
		at, err := time.Parse(time.RFC3339, page.After.Key)
		if err != nil {
			return nil, models.InvalidField("after", "is not a cursor from this list")
		}
		q = q.Where(afterKey("created_at", "id", models.Desc, at.UTC(), page.After.ID))
	}
	var rows []*models.AuditEntry
	if err := q.Order("created_at DESC").Order("id DESC").Limit(page.First + 1).Find(&rows).Error; err != nil {
		return nil, translate(err, "list", "audit entries")
	}
	out := make([]Keyed[*models.AuditEntry], len(rows))
	for i, e := range rows {
		out[i] = Keyed[*models.AuditEntry]{Row: e, Key: e.CreatedAt.UTC().Format(time.RFC3339)}
	}
	return out, nil
}

// CountAuditEntries returns how many entries match f.
func (s *Store) CountAuditEntries(ctx context.Context, f models.AuditFilter) (int, error) {
	var n int64
	err := whereAudit(s.db.WithContext(ctx).Model(&models.AuditEntry{}), f).Count(&n).Error
	return int(n), translate(err, "count", "audit entries")
}

func whereAudit(q *gorm.DB, f models.AuditFilter) *gorm.DB {
	if f.EntityType != "" {
		q = q.Where("entity_type = ? AND entity_id = ?", f.EntityType, f.EntityID)
	}
	return q
}

// AuditEntryByID returns the entry with id; NotFound if there is none.
func (s *Store) AuditEntryByID(ctx context.Context, id uint) (*models.AuditEntry, error) {
	var e models.AuditEntry
	if err := s.db.WithContext(ctx).Take(&e, id).Error; err != nil {
		return nil, translate(err, "find", "audit entry")
	}
	return &e, nil
}
