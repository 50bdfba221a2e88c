package store

import (
	"context"
	"time"

	"coursegraph/models"
)

// UserByID returns the user with id; NotFound if there is none.
func (s *Store) UserByID(ctx context.Context, id uint) (*models.User, error) {
	var u models.User
	if err := s.db.WithContext(ctx).Take(&u, id).Error; err != nil {
		return nil, translate(err, "find", "user")
	}
	return &u, nil
}

// UserByEmail returns the user with email (normalised); NotFound if there is none.
func (s *Store) UserByEmail(ctx context.Context, email string) (*models.User, error) {
	var u models.User
	if err := s.db.WithContext(ctx).Where("email = ?", models.NormalizeEmail(email)).Take(&u).Error; err != nil {
		return nil, translate(err, "find", "user")
	}
	return &u, nil
}

// UsersByIDs returns the users with the given ids; missing ids are left out.
func (s *Store) UsersByIDs(ctx context.Context, ids []uint) ([]*models.User, error) {
	var out []*models.User
	err := s.db.WithContext(ctx).Where("id IN ?", ids).Find(&out).Error
	return out, translate(err, "list", "users")
}

// Users returns every user, by name.
func (s *Store) Users(ctx context.Context) ([]*models.User, error) {
	var out []*models.User
	err := s.db.WithContext(ctx).Order("name").Order("id").Find(&out).Error
	return out, translate(err, "list", "users")
}

// CountActiveAdmins returns how many active ADMIN users there are.
func (s *Store) CountActiveAdmins(ctx context.Context) (int, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&models.User{}).
		Where("role = ? AND active = ?", models.RoleAdmin, true).Count(&n).Error
	return int(n), translate(err, "count", "admins")
}

// CreateUser inserts u and sets its id; Conflict if the email is taken.
func (s *Store) CreateUser(ctx context.Context, u *models.User) error {
	u.Email = models.NormalizeEmail(u.Email)
	return translate(s.db.WithContext(ctx).Create(u).Error, "insert", "user")
}

// SaveUser writes every column of u; Conflict if its email is taken.
func (s *Store) SaveUser(ctx context.Context, u *models.User) error {
	u.Email = models.NormalizeEmail(u.Email)
	return translate(s.db.WithContext(ctx).Save(u).Error, "update", "user")
}

// TouchLogin records that the user signed in at now.
func (s *Store) TouchLogin(ctx context.Context, userID uint, now time.Time) error {
	err := s.db.WithContext(ctx).Model(&models.User{}).Where("id = ?", userID).
		UpdateColumn("last_login_at", now).Error
	return translate(err, "update", "user")
}
