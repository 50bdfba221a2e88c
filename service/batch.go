package service

import (
	"context"

	"coursegraph/cachetag"
	"coursegraph/models"
)

// Batches lists the batches of the day in order, for anyone; only those of period
// when it is set.
func (s *Service) Batches(ctx context.Context, period *models.Period) ([]*models.Batch, error) {
	cachetag.From(ctx).Add(cachetag.Batches)
	if period != nil && !period.IsValid() {
		return nil, models.InvalidField("period", "is not a period")
	}
	return s.store.Batches(ctx, period)
}

// Batch returns the batch with id, for anyone; NotFound if there is none.
func (s *Service) Batch(ctx context.Context, id uint) (*models.Batch, error) {
	cachetag.From(ctx).Add(cachetag.Batches)
	return s.store.BatchByID(ctx, id)
}

// BatchesByIDs returns the batches with the given ids by id, for dataloaders.
func (s *Service) BatchesByIDs(ctx context.Context, ids []uint) (map[uint]*models.Batch, error) {
	cachetag.From(ctx).Add(cachetag.Batches)
	rows, err := s.store.BatchesByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	return byID(rows, func(b *models.Batch) uint { return b.ID }), nil
}
