package service

import (
	"context"
	"errors"

	"coursegraph/auth"
	"coursegraph/models"
	"coursegraph/store"
)

// require returns the signed-in user of ctx if their role includes role;
// Unauthenticated when nobody is signed in, Forbidden otherwise. Every use case
// that is not public starts here: the schema's @hasRole only fails fast.
func require(ctx context.Context, role models.Role) (*models.User, error) {
	u := auth.UserFrom(ctx)
	if u == nil {
		return nil, models.Errorf(models.Unauthenticated, "sign in to do this")
	}
	if !u.Can(role) {
		return nil, models.Errorf(models.Forbidden, "this needs the %s role", role)
	}
	return u, nil
}

// audit records a staff write in tx: who (actor), what (action, as
// "course.update"), to which entity, and the changed fields.
func audit(ctx context.Context, tx *store.Store, actor *models.User, action, entityType string, entityID uint, ch models.Changes) error {
	return tx.CreateAuditEntry(ctx, &models.AuditEntry{
		ActorID: actor.ID, Action: action, EntityType: entityType, EntityID: entityID, Changes: ch,
	})
}

// onConflict names the input field of a Conflict error, with a message for it.
func onConflict(err error, field, format string, args ...any) error {
	if me, ok := errors.AsType[*models.Error](err); ok && me.Code == models.Conflict {
		e := models.Errorf(models.Conflict, format, args...)
		e.Field = field
		return e
	}
	return err
}

// asInvalid turns NotFound into Invalid on field: a reference in an input to
// something that does not exist is bad input, not a missing target.
func asInvalid(err error, field string) error {
	if me, ok := errors.AsType[*models.Error](err); ok && me.Code == models.NotFound {
		return models.InvalidField(field, "%s", me.Message)
	}
	return err
}
