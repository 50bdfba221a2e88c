package graph

import (
	"context"

	"coursegraph/auth"
	"coursegraph/models"

	"github.com/99designs/gqlgen/graphql"
)

// hasRole implements @hasRole: anonymous callers are Unauthenticated and users whose
// role does not include role are Forbidden, before the field resolves. The service
// checks again for every operation; this gate also covers private fields that are
// plain struct fields. A field of an entity the caller made in this request (a
// reader's comment, in postComment's answer; see auth.Made) is theirs to read.
func hasRole(ctx context.Context, obj any, next graphql.Resolver, role models.Role) (any, error) {
	u := auth.UserFrom(ctx)
	if u.Can(role) {
		return next(ctx)
	}
	// Only a caller the role refuses asks whether they made the object (its
	// global id is built only then).
	if made, ok := obj.(interface{ GlobalID() string }); ok && auth.MadeBy(ctx, made.GlobalID()) {
		return next(ctx)
	}
	if u == nil {
		return nil, models.Errorf(models.Unauthenticated, "sign in to see this")
	}
	return nil, models.Errorf(models.Forbidden, "this needs the %s role", role)
}
