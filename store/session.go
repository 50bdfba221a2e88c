package store

import (
	"context"
	"time"

	"coursegraph/models"
)

// CreateSession inserts a session.
func (s *Store) CreateSession(ctx context.Context, sess *models.Session) error {
	return translate(s.db.WithContext(ctx).Create(sess).Error, "insert", "session")
}

// SessionByTokenHash returns the session with the token hash; NotFound if none.
func (s *Store) SessionByTokenHash(ctx context.Context, hash string) (*models.Session, error) {
	var sess models.Session
	if err := s.db.WithContext(ctx).Where("token_hash = ?", hash).Take(&sess).Error; err != nil {
		return nil, translate(err, "find", "session")
	}
	return &sess, nil
}

// RevokeSession marks the session with the token hash revoked at now.
func (s *Store) RevokeSession(ctx context.Context, hash string, now time.Time) error {
	err := s.db.WithContext(ctx).Model(&models.Session{}).
		Where("token_hash = ? AND revoked_at IS NULL", hash).UpdateColumn("revoked_at", now).Error
	return translate(err, "revoke", "session")
}

// RevokeUserSessions revokes every live session of the user except the one whose
// token hashes to keep ("" keeps none), and returns how many it revoked.
func (s *Store) RevokeUserSessions(ctx context.Context, userID uint, keep string, now time.Time) (int, error) {
	res := s.db.WithContext(ctx).Model(&models.Session{}).
		Where("user_id = ? AND revoked_at IS NULL AND token_hash <> ?", userID, keep).
		UpdateColumn("revoked_at", now)
	return int(res.RowsAffected), translate(res.Error, "revoke", "sessions")
}
