package store

import (
	"context"
	"errors"

	"coursegraph/models"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Batches returns the batches in order of the day, only those of period when it is
// set.
func (s *Store) Batches(ctx context.Context, period *models.Period) ([]*models.Batch, error) {
	q := s.db.WithContext(ctx)
	if period != nil {
		q = q.Where("period = ?", *period)
	}
	var out []*models.Batch
	err := q.Order("ordinal").Find(&out).Error
	return out, translate(err, "list", "batches")
}

// LockBatches returns every batch in order of the day, locking their rows until the
// transaction ends, so that two batches checked for overlap at once are checked one
// after the other.
func (s *Store) LockBatches(ctx context.Context) ([]*models.Batch, error) {
	var out []*models.Batch
	err := s.db.WithContext(ctx).Clauses(clause.Locking{Strength: "UPDATE"}).Order("ordinal").Find(&out).Error
	return out, translate(err, "list", "batches")
}

// BatchByID returns the batch with id; NotFound if there is none.
func (s *Store) BatchByID(ctx context.Context, id uint) (*models.Batch, error) {
	var b models.Batch
	if err := s.db.WithContext(ctx).Take(&b, id).Error; err != nil {
		return nil, translate(err, "find", "batch")
	}
	return &b, nil
}

// BatchesByIDs returns the batches with the given ids; missing ids are left out.
func (s *Store) BatchesByIDs(ctx context.Context, ids []uint) ([]*models.Batch, error) {
	return readAll(ctx, s, "batches", newQuery("SELECT "+batchColumns+" FROM batches").and("id IN ").in(ids), scanBatch)
}

// UpsertBatch inserts b, or updates the batch with the same ordinal to match it, and
// sets b.ID.
func (s *Store) UpsertBatch(ctx context.Context, b *models.Batch) error {
	err := s.db.WithContext(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "ordinal"}},
		DoUpdates: clause.AssignmentColumns([]string{"name", "start_minutes", "end_minutes", "period"}),
	}).Create(b).Error
	if err != nil {
		return translate(err, "upsert", "batch")
	}
	var got models.Batch
	if err := s.db.WithContext(ctx).Where("ordinal = ?", b.Ordinal).Take(&got).Error; err != nil {
		return translate(err, "find", "batch")
	}
	b.ID = got.ID
	return nil
}

// CreateBatch inserts b and sets its id; Conflict if its ordinal is taken.
func (s *Store) CreateBatch(ctx context.Context, b *models.Batch) error {
	return translate(s.db.WithContext(ctx).Create(b).Error, "insert", "batch")
}

// SaveBatch writes every column of b; Conflict if its ordinal is taken.
func (s *Store) SaveBatch(ctx context.Context, b *models.Batch) error {
	return translate(s.db.WithContext(ctx).Save(b).Error, "update", "batch")
}

// DeleteBatch deletes the batch with id; NotFound if there is none.
func (s *Store) DeleteBatch(ctx context.Context, id uint) error {
	res := s.db.WithContext(ctx).Delete(&models.Batch{}, id)
	if res.Error == nil && res.RowsAffected == 0 {
		return models.Errorf(models.NotFound, "batch not found")
	}
	if errors.Is(res.Error, gorm.ErrForeignKeyViolated) {
		return models.Errorf(models.Conflict, "the batch has schedules; delete or move them first")
	}
	return translate(res.Error, "delete", "batch")
}
