package store

import (
	"errors"
	"fmt"

	"coursegraph/models"

	"gorm.io/gorm"
)

// translate turns a database error into a models error where it means something to
// the caller (what names the thing, as "course"), and wraps it otherwise.
func translate(err error, verb, what string) error {
	if me := asUnavailable(err); me != nil {
		return me
	}
	switch {
	case err == nil:
		return nil
	case errors.Is(err, gorm.ErrRecordNotFound):
		return models.Errorf(models.NotFound, "%s not found", what)
	case errors.Is(err, gorm.ErrDuplicatedKey):
		return models.Errorf(models.Conflict, "%s already exists", what)
	case errors.Is(err, gorm.ErrForeignKeyViolated):
		return models.Errorf(models.Invalid, "%s refers to something that does not exist, or is still in use", what)
	default:
		return fmt.Errorf("%s %s: %w", verb, what, err)
	}
}
