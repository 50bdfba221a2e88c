package service

import (
	"context"
	"time"

	"coursegraph/auth"
	"coursegraph/events"
	"coursegraph/models"
)

// sessionCheckTimeout bounds the session check before each live event.
const sessionCheckTimeout = 10 * time.Second

// live returns the values published on bus from now until ctx ends, for a viewer
// with role (Unauthenticated or Forbidden otherwise). The viewer's session is
// checked again before each value is handed on: once it is signed out, expired,
// deactivated or lacks the role, the channel is closed. It is the one way the
// subscriptions (EnquiryReceived, CommentPosted) hand events on.
func live[T any](ctx context.Context, s *Service, bus events.Bus[T], role models.Role) (<-chan T, error) {
	if _, err := require(ctx, role); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	in, err := bus.Subscribe(ctx)
	if err != nil {
		cancel()
		return nil, err
	}
	hash := auth.TokenHash(ctx)
	out := make(chan T)
	go func() {
		defer cancel()
		defer close(out)
		for v := range in {
			if hash != "" {
				// A subscription has no request deadline: bound the check itself.
				check, cancelCheck := context.WithTimeout(ctx, sessionCheckTimeout)
				u, err := s.UserBySession(check, hash)
				cancelCheck()
				if err != nil || !u.Can(role) {
					return
				}
			}
			select {
			case out <- v:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out, nil
}
