package store

import (
	"context"
	"database/sql"
	"time"

	"coursegraph/models"
)

// CreateSession inserts a session.
func (s *Store) CreateSession(ctx context.Context, sess *models.Session) error {
	return translate(s.db.WithContext(ctx).Create(sess).Error, "insert", "session")
}

// SessionWithUser returns the session with the token hash and its user, in one
// statement (every signed-in request makes it); NotFound if there is none.
func (s *Store) SessionWithUser(ctx context.Context, hash string) (*models.Session, *models.User, error) {
	type pair struct {
		sess *models.Session
		user *models.User
	}
	q := newQuery("SELECT sessions.id, sessions.user_id, sessions.token_hash, sessions.created_at, sessions.expires_at, sessions.revoked_at, "+
		userColumns+" FROM sessions JOIN users ON users.id = sessions.user_id").and("sessions.token_hash = ?", hash)
	p, err := readOne(ctx, s, "session", q, func(rows *sql.Rows) (pair, error) {
		sess, u := new(models.Session), new(models.User)
		err := rows.Scan(append([]any{&sess.ID, &sess.UserID, &sess.TokenHash, &sess.CreatedAt, &sess.ExpiresAt, nullTime{&sess.RevokedAt}},
			userDest(u)...)...)
		return pair{sess, u}, err
	})
	return p.sess, p.user, err
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
