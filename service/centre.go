package service

import (
	"context"

	"coursegraph/models"
)

// Centre returns the centre's details, for anyone.
func (s *Service) Centre(ctx context.Context) (*models.Centre, error) {
	return s.store.Centre(ctx)
}
