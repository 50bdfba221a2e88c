package auth

import (
	"context"
	"sync"

	"coursegraph/models"
)

// viewer is who makes a request. It is mutable because signing in or out happens
// in the middle of a request: the fields of login's answer are read as the user
// who just signed in.
type viewer struct {
	mu        sync.RWMutex
	user      *models.User
	tokenHash string
	clientIP  string
	// made are the entities the viewer made in this request (see Made).
	made map[string]bool
}

type viewerKey struct{}

// WithViewer returns ctx for a request by user (nil for anonymous) holding the
// session whose token hashes to tokenHash, from clientIP.
func WithViewer(ctx context.Context, user *models.User, tokenHash, clientIP string) context.Context {
	return context.WithValue(ctx, viewerKey{}, &viewer{user: user, tokenHash: tokenHash, clientIP: clientIP})
}

// WithUser returns ctx acting as user, for tests and commands.
func WithUser(ctx context.Context, user *models.User) context.Context {
	return WithViewer(ctx, user, "", "")
}

// AsSystem returns ctx acting as the server's operator, for the commands they
// run (user create, start-up bootstrap): an active ADMIN with id 0, made anew
// each time so that no caller can change it for the others.
func AsSystem(ctx context.Context) context.Context {
	return WithUser(ctx, &models.User{ID: 0, Name: "system", Role: models.RoleAdmin, Active: true})
}

func from(ctx context.Context) *viewer {
	v, _ := ctx.Value(viewerKey{}).(*viewer)
	if v == nil {
		return &viewer{}
	}
	return v
}

// UserFrom returns the signed-in user of ctx, or nil for an anonymous caller.
func UserFrom(ctx context.Context) *models.User {
	v := from(ctx)
	v.mu.RLock()
	defer v.mu.RUnlock()
	return v.user
}

// TokenHash returns the hash of the session token the request came with, or "".
func TokenHash(ctx context.Context) string {
	v := from(ctx)
	v.mu.RLock()
	defer v.mu.RUnlock()
	return v.tokenHash
}

// ClientIP returns the client's address, as the middleware worked it out, or "".
func ClientIP(ctx context.Context) string {
	v := from(ctx)
	v.mu.RLock()
	defer v.mu.RUnlock()
	return v.clientIP
}

// SignIn makes the rest of the request act as user with the session tokenHash;
// SignIn(ctx, nil, "") signs out. It has no effect on a ctx without a viewer.
func SignIn(ctx context.Context, user *models.User, tokenHash string) {
	v, _ := ctx.Value(viewerKey{}).(*viewer)
	if v == nil {
		return
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	v.user, v.tokenHash = user, tokenHash
}

// Made records that the rest of the request was made by the viewer of the
// entity ref names (a reader's own comment, by its global id), so that its answer
// may show the viewer that entity's fields, which are theirs, even where their role
// could not read them otherwise. It has no effect on a ctx without a viewer, and
// it is forgotten with the request.
func Made(ctx context.Context, ref string) {
	v, _ := ctx.Value(viewerKey{}).(*viewer)
	if v == nil {
		return
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.made == nil {
		v.made = map[string]bool{}
	}
	v.made[ref] = true
}

// MadeBy reports whether the viewer of ctx made the entity ref names in this
// request (see Made).
func MadeBy(ctx context.Context, ref string) bool {
	v := from(ctx)
	v.mu.RLock()
	defer v.mu.RUnlock()
	return v.made[ref]
}

// SessionFinder finds the active user of a session by its token hash. It returns
// a *models.Error with code Unauthenticated when the session is unknown, expired
// or revoked, or its user is deactivated; any other error is internal.
type SessionFinder interface {
	UserBySession(ctx context.Context, tokenHash string) (*models.User, error)
}
