package store

import (
	"context"

	"coursegraph/models"

	"gorm.io/gorm/clause"
)

// centreID is the key of the one centre row.
const centreID = 1

// Centre returns the centre's details; NotFound before the first seed.
func (s *Store) Centre(ctx context.Context) (*models.Centre, error) {
	var c models.Centre
	if err := s.db.WithContext(ctx).Take(&c, centreID).Error; err != nil {
		return nil, translate(err, "find", "centre")
	}
	return &c, nil
}

// SaveCentre writes the centre's details, inserting the row the first time.
func (s *Store) SaveCentre(ctx context.Context, c *models.Centre) error {
	c.ID = centreID
	err := s.db.WithContext(ctx).Clauses(clause.OnConflict{UpdateAll: true}).Create(c).Error
	return translate(err, "save", "centre")
}
