package service

import (
	"context"

	"coursegraph/cachetag"
	"coursegraph/models"
)

// Centre returns the centre's details, for anyone.
func (s *Service) Centre(ctx context.Context) (*models.Centre, error) {
	cachetag.From(ctx).Add(cachetag.Centre)
	return s.store.Centre(ctx)
}
