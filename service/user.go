package service

import (
	"context"
	"errors"
	"time"

	"coursegraph/auth"
	"coursegraph/cachetag"
	"coursegraph/models"
	"coursegraph/ratelimit"
	"coursegraph/store"
)

// AuthPayload is what signing in returns: the bearer token (shown once), when it
// expires and who it signs in.
type AuthPayload struct {
	Token     string
	ExpiresAt time.Time
	User      *models.User
}

// errBadCredentials is the one answer to a wrong email, a wrong password and a
// deactivated account alike, so that none can be told apart.
var errBadCredentials = models.Errorf(models.Unauthenticated, "the email or password is wrong")

// Login signs a user in by email and password, for anyone: it returns a new session
// token and makes the rest of the request act as the user. A wrong email, wrong
// password or deactivated account is Unauthenticated with one message, and costs
// the same time (a password hash is checked either way). Only failures count
// towards the limits: too many from one client address, for one account from one
// address, or for one account from everywhere are RateLimited. A success refunds
// its attempt and starts the account's limit at that address afresh, so no one can
// lock staff out from elsewhere (short of the loose total cap).
func (s *Service) Login(ctx context.Context, email, password string) (*AuthPayload, error) {
	email = models.NormalizeEmail(email)
	ip := auth.ClientIP(ctx)
	accountAtAddress := email + "\x00" + ip
	var tickets []*ratelimit.Ticket
	for _, take := range []struct {
		lim *ratelimit.Limiter
		key string
	}{{s.loginPerAddress, ip}, {s.loginPerAccount, accountAtAddress}, {s.loginPerAccountTotal, email}} {
		t, wait, err := take.lim.Try(take.key, 1)
		if err != nil {
			for _, t := range tickets {
				t.Refund() // a refused attempt is not a failure
			}
			return nil, rateLimited(err, wait, "too many failed sign-in attempts; wait a few minutes and try again")
		}
		tickets = append(tickets, t)
	}
	u, err := s.store.UserByEmail(ctx, email)
	if me, ok := errors.AsType[*models.Error](err); ok && me.Code == models.NotFound {
		s.passwords.Check("", password)
		return nil, errBadCredentials
	}
	if err == nil && (!s.passwords.Check(u.PasswordHash, password) || !u.Active) {
		return nil, errBadCredentials
	}
	// From here the attempt is not a failure: a right password, or our own error.
	for _, t := range tickets {
		t.Refund()
	}
	if err != nil {
		return nil, err
	}
	s.loginPerAccount.Reset(accountAtAddress)
	now := s.Now()
	token, hash := auth.NewToken()
	sess := &models.Session{UserID: u.ID, TokenHash: hash, CreatedAt: now, ExpiresAt: now.Add(s.sessionTTL)}
	err = s.store.WithTx(ctx, func(tx *store.Store) error {
		if err := tx.CreateSession(ctx, sess); err != nil {
			return err
		}
		return tx.TouchLogin(ctx, u.ID, now)
	})
	if err != nil {
		return nil, err
	}
	u.LastLoginAt = &now
	auth.SignIn(ctx, u, hash)
	return &AuthPayload{Token: token, ExpiresAt: sess.ExpiresAt, User: u}, nil
}

// Logout revokes the session the request came with, for a signed-in user;
// Unauthenticated otherwise.
func (s *Service) Logout(ctx context.Context) (bool, error) {
	if _, err := require(ctx, models.RoleStaff); err != nil {
		return false, err
	}
	if err := s.store.RevokeSession(ctx, auth.TokenHash(ctx), s.Now()); err != nil {
		return false, err
	}
	auth.SignIn(ctx, nil, "")
	return true, nil
}

// UserBySession returns the active user of the session whose token hashes to hash.
// An unknown, expired or revoked session, or a deactivated user, is
// Unauthenticated. It implements auth.SessionFinder.
func (s *Service) UserBySession(ctx context.Context, hash string) (*models.User, error) {
	sess, u, err := s.store.SessionWithUser(ctx, hash)
	if me, ok := errors.AsType[*models.Error](err); ok && me.Code == models.NotFound {
		return nil, models.Errorf(models.Unauthenticated, "the token is not valid; sign in again")
	}
	if err != nil {
		return nil, err
	}
	if !sess.Valid(s.Now()) {
		return nil, models.Errorf(models.Unauthenticated, "the session has expired or was signed out; sign in again")
	}
	if !u.Active {
		return nil, models.Errorf(models.Unauthenticated, "the account is deactivated")
	}
	return u, nil
}

// Me returns the signed-in user, or nil for an anonymous caller.
func (s *Service) Me(ctx context.Context) *models.User { return auth.UserFrom(ctx) }

// User returns the user with id (private fields are gated in the schema): any user
// for STAFF, and for readers only the author of an article they may read, so that
// staff who never published are not listed to the world. NotFound otherwise.
func (s *Service) User(ctx context.Context, id uint) (*models.User, error) {
	if !auth.UserFrom(ctx).Can(models.RoleStaff) {
		cachetag.From(ctx).Add(cachetag.Articles)
		ok, err := s.store.HasVisibleArticleBy(ctx, id, s.now(ctx))
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, models.Errorf(models.NotFound, "user not found")
		}
	}
	u, err := s.store.UserByID(ctx, id)
	read(ctx, cachetag.User(id), cachetag.Users, err)
	return u, err
}

// UsersByIDs returns the users with the given ids by id, for dataloaders.
func (s *Service) UsersByIDs(ctx context.Context, ids []uint) (map[uint]*models.User, error) {
	rows, err := s.store.UsersByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	m := byID(rows, func(u *models.User) uint { return u.ID })
	found(ctx, cachetag.User, cachetag.Users, ids, len(m))
	return m, nil
}

// Users lists every user by name, for ADMIN.
func (s *Service) Users(ctx context.Context) ([]*models.User, error) {
	if _, err := require(ctx, models.RoleAdmin); err != nil {
		return nil, err
	}
	return s.store.Users(ctx)
}

// CreateUser adds a staff account, for ADMIN. Name, email, role and password are
// required; a taken email is Conflict.
func (s *Service) CreateUser(ctx context.Context, in models.UserInput, password string) (*models.User, error) {
	actor, err := require(ctx, models.RoleAdmin)
	if err != nil {
		return nil, err
	}
	in.Normalize()
	for _, req := range []struct {
		field   string
		missing bool
	}{{"input.name", in.Name == nil}, {"input.email", in.Email == nil}, {"input.role", in.Role == nil}} {
		if req.missing {
			return nil, models.InvalidField(req.field, "is required")
		}
	}
	u := &models.User{Active: true}
	ch := u.Apply(in)
	if err := in.Validate("input"); err != nil {
		return nil, err
	}
	if err := models.ValidatePassword("input.password", password, u.Email); err != nil {
		return nil, err
	}
	if u.PasswordHash, err = s.passwords.Hash(password); err != nil {
		return nil, err
	}
	ch.Record("password", "", "set", true)
	err = s.store.WithTx(ctx, func(tx *store.Store) error {
		if err := tx.CreateUser(ctx, u); err != nil {
			return onConflict(err, "input.email", "a user with this email already exists")
		}
		return audit(ctx, tx, actor, "user.create", "User", u.ID, ch)
	})
	if err != nil {
		return nil, err
	}
	s.changed(ctx, cachetag.User(u.ID), cachetag.Users)
	return u, nil
}

// UpdateUser changes a user's profile: any signed-in user their own name, email,
// bio and avatar, an ADMIN anyone's and their role. Demoting the last active admin
// is Conflict.
func (s *Service) UpdateUser(ctx context.Context, id uint, in models.UserInput) (*models.User, error) {
	actor, err := require(ctx, models.RoleStaff)
	if err != nil {
		return nil, err
	}
	if actor.ID != id && !actor.Can(models.RoleAdmin) {
		return nil, models.Errorf(models.Forbidden, "only an admin may change another user")
	}
	if in.Role != nil && !actor.Can(models.RoleAdmin) {
		return nil, &models.Error{Code: models.Forbidden, Field: "input.role", Message: "only an admin may change roles"}
	}
	in.Normalize()
	if err := in.Validate("input"); err != nil {
		return nil, err
	}
	var u *models.User
	err = s.store.WithTx(ctx, func(tx *store.Store) error {
		// A role change may demote an admin: lock the admins before the user, in
		// the one order every such transaction uses (see LockActiveAdmins).
		var admins []uint
		if in.Role != nil {
			if admins, err = tx.LockActiveAdmins(ctx); err != nil {
				return err
			}
		}
		if u, err = tx.LockUser(ctx, id); err != nil {
			return err
		}
		wasAdmin := u.Role == models.RoleAdmin && u.Active
		ch := u.Apply(in)
		if wasAdmin && u.Role != models.RoleAdmin {
			if err := lastAdminGuard(admins, "input.role"); err != nil {
				return err
			}
		}
		if len(ch) == 0 {
			return nil
		}
		if err := tx.SaveUser(ctx, u); err != nil {
			return onConflict(err, "input.email", "a user with this email already exists")
		}
		return audit(ctx, tx, actor, "user.update", "User", u.ID, ch)
	})
	if err != nil {
		return nil, err
	}
	s.changed(ctx, cachetag.User(u.ID), cachetag.Users)
	return u, nil
}

// lastAdminGuard is Conflict when there is only one active admin left (admins,
// as LockActiveAdmins returned them): the one about to be demoted or deactivated.
func lastAdminGuard(admins []uint, field string) error {
	if len(admins) <= 1 {
		return &models.Error{Code: models.Conflict, Field: field, Message: "this is the last active admin; make another admin first"}
	}
	return nil
}

// DeactivateUser turns an account off and signs it out everywhere, for ADMIN. The
// last active admin cannot be deactivated (Conflict).
func (s *Service) DeactivateUser(ctx context.Context, id uint) (*models.User, error) {
	actor, err := require(ctx, models.RoleAdmin)
	if err != nil {
		return nil, err
	}
	var u *models.User
	err = s.store.WithTx(ctx, func(tx *store.Store) error {
		// The admins first, then the user: one lock order for every transaction
		// that may take both (see LockActiveAdmins).
		admins, err := tx.LockActiveAdmins(ctx)
		if err != nil {
			return err
		}
		if u, err = tx.LockUser(ctx, id); err != nil {
			return err
		}
		if !u.Active {
			return nil
		}
		if u.Role == models.RoleAdmin {
			if err := lastAdminGuard(admins, "id"); err != nil {
				return err
			}
		}
		u.Active = false
		if err := tx.SaveUser(ctx, u); err != nil {
			return err
		}
		if _, err := tx.RevokeUserSessions(ctx, u.ID, "", s.Now()); err != nil {
			return err
		}
		var ch models.Changes
		ch.Record("active", true, false, false)
		return audit(ctx, tx, actor, "user.deactivate", "User", u.ID, ch)
	})
	if err != nil {
		return nil, err
	}
	s.changed(ctx, cachetag.User(u.ID), cachetag.Users)
	return u, nil
}

// ChangePassword sets a new password for the signed-in user, who must give the
// current one, and signs out every other session of theirs. Too many wrong current
// passwords are RateLimited; right ones do not count.
func (s *Service) ChangePassword(ctx context.Context, current, next string) (bool, error) {
	actor, err := require(ctx, models.RoleStaff)
	if err != nil {
		return false, err
	}
	ticket, wait, err := s.passwordChanges.Try(actor.Email, 1)
	if err != nil {
		return false, rateLimited(err, wait, "too many wrong passwords; wait a few minutes and try again")
	}
	u, err := s.store.UserCredentials(ctx, actor.ID)
	if err != nil {
		ticket.Refund()
		return false, err
	}
	if !s.passwords.Check(u.PasswordHash, current) {
		return false, models.InvalidField("current", "is not your current password")
	}
	ticket.Refund() // only wrong current passwords count
	if err := models.ValidatePassword("new", next, u.Email); err != nil {
		return false, err
	}
	hash, err := s.passwords.Hash(next)
	if err != nil {
		return false, err
	}
	err = s.store.WithTx(ctx, func(tx *store.Store) error {
		// Only the hash is written: the account may have changed (even been
		// deactivated) while the hashes were computed.
		if err := tx.SetPassword(ctx, u.ID, hash, s.Now()); err != nil {
			return err
		}
		if _, err := tx.RevokeUserSessions(ctx, u.ID, auth.TokenHash(ctx), s.Now()); err != nil {
			return err
		}
		var ch models.Changes
		ch.Record("password", "", "changed", true)
		return audit(ctx, tx, actor, "user.password", "User", u.ID, ch)
	})
	return err == nil, err
}

// ResetPassword sets a new password for the active user with email and signs
// them out everywhere, for ADMIN (the operator's `user reset-password` command,
// for someone who forgot theirs). The password is validated as at sign-up
// (Invalid on "password"); an unknown email is NotFound and a deactivated
// account Invalid on "email".
func (s *Service) ResetPassword(ctx context.Context, email, password string) (*models.User, error) {
	actor, err := require(ctx, models.RoleAdmin)
	if err != nil {
		return nil, err
	}
	u, err := s.store.UserByEmail(ctx, email)
	if err != nil {
		return nil, err
	}
	if !u.Active {
		return nil, models.InvalidField("email", "the account is deactivated")
	}
	if err := models.ValidatePassword("password", password, u.Email); err != nil {
		return nil, err
	}
	hash, err := s.passwords.Hash(password)
	if err != nil {
		return nil, err
	}
	err = s.store.WithTx(ctx, func(tx *store.Store) error {
		if err := tx.SetPassword(ctx, u.ID, hash, s.Now()); err != nil {
			return err
		}
		if _, err := tx.RevokeUserSessions(ctx, u.ID, "", s.Now()); err != nil {
			return err
		}
		var ch models.Changes
		ch.Record("password", "", "reset", true)
		return audit(ctx, tx, actor, "user.password.reset", "User", u.ID, ch)
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// HasActiveAdmin reports whether any active admin exists, for start-up bootstrap.
func (s *Service) HasActiveAdmin(ctx context.Context) (bool, error) {
	n, err := s.store.CountActiveAdmins(ctx)
	return n > 0, err
}
