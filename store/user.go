package store

import (
	"context"
	"time"

	"coursegraph/models"

	"gorm.io/gorm/clause"
)

// UserByID returns the user with id, without the password hash; NotFound if
// there is none.
func (s *Store) UserByID(ctx context.Context, id uint) (*models.User, error) {
	return readOne(ctx, s, "user", newQuery(selectUsers).and("id = ?", id), scanUser)
}

// UserCredentials returns the user with id with the password hash, for checking
// a password; NotFound if there is none.
func (s *Store) UserCredentials(ctx context.Context, id uint) (*models.User, error) {
	var u models.User
	if err := s.db.WithContext(ctx).Take(&u, id).Error; err != nil {
		return nil, translate(err, "find", "user")
	}
	return &u, nil
}

// UserByEmail returns the user with email (normalised), with the password hash
// (signing in checks it); NotFound if there is none.
func (s *Store) UserByEmail(ctx context.Context, email string) (*models.User, error) {
	var u models.User
	if err := s.db.WithContext(ctx).Where("email = ?", models.NormalizeEmail(email)).Take(&u).Error; err != nil {
		return nil, translate(err, "find", "user")
	}
	return &u, nil
}

// UsersByIDs returns the users with the given ids, without their password
// hashes; missing ids are left out.
func (s *Store) UsersByIDs(ctx context.Context, ids []uint) ([]*models.User, error) {
	return readAll(ctx, s, "users", newQuery(selectUsers).and("id IN ").in(ids), scanUser)
}

// Users returns every user, by name, without their password hashes.
func (s *Store) Users(ctx context.Context) ([]*models.User, error) {
	return readAll(ctx, s, "users", newQuery(selectUsers+" ORDER BY name, id"), scanUser)
}

// CountActiveAdmins returns how many active ADMIN users there are, without locking.
func (s *Store) CountActiveAdmins(ctx context.Context) (int, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&models.User{}).Where("role = ? AND active = ?", models.RoleAdmin, true).Count(&n).Error
	return int(n), translate(err, "count", "admins")
}

// LockActiveAdmins returns the ids of the active ADMIN users, in id order, and in a
// transaction locks their rows (FOR UPDATE on MySQL; SQLite transactions are
// serial anyway), so that two admins demoting each other at once cannot both see
// another admin left. Lock order matters: call it before locking any single user
// (LockUser), so that every transaction takes the admins first and two of them
// never wait on each other in opposite orders.
func (s *Store) LockActiveAdmins(ctx context.Context) ([]uint, error) {
	var ids []uint
	err := s.db.WithContext(ctx).Model(&models.User{}).Clauses(clause.Locking{Strength: "UPDATE"}).
		Where("role = ? AND active = ?", models.RoleAdmin, true).Order("id").Pluck("id", &ids).Error
	return ids, translate(err, "lock", "admins")
}

// LockUser returns the user with id, locking the row until the transaction ends;
// NotFound if there is none. Call it in a transaction before changing the user,
// after LockActiveAdmins when the change may need that lock too.
func (s *Store) LockUser(ctx context.Context, id uint) (*models.User, error) {
	var u models.User
	if err := s.db.WithContext(ctx).Clauses(clause.Locking{Strength: "UPDATE"}).Take(&u, id).Error; err != nil {
		return nil, translate(err, "find", "user")
	}
	return &u, nil
}

// SetPassword stores a new password hash for an active user, touching no other
// column; Unauthenticated if the user is gone or deactivated meanwhile.
func (s *Store) SetPassword(ctx context.Context, userID uint, hash string, now time.Time) error {
	res := s.db.WithContext(ctx).Model(&models.User{}).Where("id = ? AND active = ?", userID, true).
		UpdateColumns(map[string]any{"password_hash": hash, "updated_at": now})
	if res.Error != nil {
		return translate(res.Error, "update", "user")
	}
	if res.RowsAffected == 0 {
		return models.Errorf(models.Unauthenticated, "the account is deactivated")
	}
	return nil
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
