package store

import (
	"context"
	"time"

	"coursegraph/models"
)

// OutboxBacklog returns how many messages are not sent yet and when the oldest of
// them was queued (the zero time when there is none).
func (s *Store) OutboxBacklog(ctx context.Context) (int, time.Time, error) {
	var row struct {
		N      int
		Oldest *time.Time
	}
	err := s.db.WithContext(ctx).Model(&models.OutboxMessage{}).Where("sent_at IS NULL").
		Select("COUNT(*) AS n, MIN(created_at) AS oldest").Scan(&row).Error
	if err != nil {
		return 0, time.Time{}, translate(err, "count", "outbox")
	}
	if row.Oldest == nil {
		return row.N, time.Time{}, nil
	}
	return row.N, row.Oldest.UTC(), nil
}
