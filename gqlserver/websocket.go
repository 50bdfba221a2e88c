package gqlserver

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"coursegraph/auth"
	"coursegraph/events"
	"coursegraph/models"
	"coursegraph/ratelimit"
	"coursegraph/service"

	"github.com/99designs/gqlgen/graphql/handler/transport"
	coderws "github.com/coder/websocket"
)

// WebSocket close codes, as graphql-transport-ws and RFC 6455 define them. A
// graphql-ws client gives up on 4401, 4403 and 4400 (the user must act) and
// reconnects after 1013 (the server asks it to come back later).
const (
	closeUnauthorized  = 4401
	closeForbidden     = 4403
	closeInitTimeout   = 4408
	closeTryAgainLater = 1013
	closeInternalError = 1011
)

// webSocketTransport serves subscriptions over graphql-transport-ws. A connection
// signs in with the bearer token of its connection_init payload; one that cannot
// is closed with 4401 (no or bad token, or a subscribe before connection_init),
// 4403 (a user who may not subscribe) or 1013 (the database did not answer), with
// the reason, and each refusal is logged at INFO, once a minute at most for one
// client address, so that a client stuck in a reconnect loop cannot flood the log.
// The sign-in's session lookup is bounded by timeout, as a request is.
func webSocketTransport(svc *service.Service, log *slog.Logger, origins []string, timeout time.Duration) transport.Websocket {
	return transport.Websocket{
		KeepAlivePingInterval: 15 * time.Second,
		InitTimeout:           10 * time.Second,
		InitFunc:              websocketAuth(svc, log, timeout),
		Implementation: closeCodes{transport.CoderWebsocketImplementation{
			AcceptOptions: coderws.AcceptOptions{OriginPatterns: origins},
		}},
	}
}

// websocketAuth signs a subscription connection in with the bearer token of its
// connection_init payload ({"Authorization": "Bearer <token>"}). Subscriptions are
// for staff.
func websocketAuth(svc *service.Service, log *slog.Logger, timeout time.Duration) transport.WebsocketInitFunc {
	logRefusal := ratelimit.New(1, time.Minute, func() time.Time { return svc.Now() })
	refuse := func(ctx context.Context, code int, reason string, cause error) (context.Context, *transport.InitPayload, error) {
		level := slog.LevelInfo
		if code == closeInternalError {
			level = slog.LevelError
		}
		if level == slog.LevelError || logRefusal.Allow(auth.ClientIP(ctx)) {
			attrs := []slog.Attr{slog.Int("code", code), slog.String("reason", reason), slog.String("client", auth.ClientIP(ctx))}
			if cause != nil {
				attrs = append(attrs, slog.Any("error", cause))
			}
			log.LogAttrs(ctx, level, "websocket refused", attrs...)
		}
		ctx = transport.WithWebsocketCloseCode(transport.AppendCloseReason(ctx, reason), code)
		return ctx, nil, errors.New(reason)
	}
	return func(ctx context.Context, payload transport.InitPayload) (context.Context, *transport.InitPayload, error) {
		token, ok := strings.CutPrefix(payload.Authorization(), "Bearer ")
		if !ok || !auth.WellFormed(token) {
			return refuse(ctx, closeUnauthorized, `Unauthorized: send {"Authorization": "Bearer <token>"} in connection_init`, nil)
		}
		hash := auth.HashToken(token)
		lookup, cancel := context.WithTimeout(ctx, timeout)
		user, err := svc.UserBySession(lookup, hash)
		cancel()
		if me, isModel := errors.AsType[*models.Error](err); isModel {
			switch me.Code {
			case models.Unauthenticated:
				return refuse(ctx, closeUnauthorized, "Unauthorized: "+me.Message, nil)
			case models.Unavailable:
				return refuse(ctx, closeTryAgainLater, "Try Again Later: the service is unavailable", err)
			}
		}
		if err != nil {
			return refuse(ctx, closeInternalError, "Internal Error", err)
		}
		if !user.Can(models.RoleStaff) {
			return refuse(ctx, closeForbidden, "Forbidden: subscriptions are for staff", nil)
		}
		ctx = context.WithValue(ctx, webSocketSessionKey{}, hash)
		return auth.WithViewer(ctx, user, hash, auth.ClientIP(ctx)), nil, nil
	}
}

// closeCodes accepts WebSocket connections as its Implementation does, and gives
// them the close codes of graphql-transport-ws where gqlgen uses a generic one (a
// subscribe before connection_init is 4401 Unauthorized, not 1002; a missing
// connection_init is 4408). It also lets the server close a connection whose
// subscriber fell behind (see webSocketConns).
type closeCodes struct {
	transport.WebsocketImplementation
}

func (i closeCodes) Accept(w http.ResponseWriter, r *http.Request, opts transport.WebsocketAcceptOptions) (transport.WebsocketConn, error) {
	conn, err := i.WebsocketImplementation.Accept(w, r, opts)
	if err != nil {
		return nil, err
	}
	c := &wsConn{WebsocketConn: conn}
	if h, ok := r.Context().Value(wsHolderKey{}).(*wsHolder); ok {
		h.set(c)
	}
	return c, nil
}

// wsConn is a WebSocket connection that knows whether the server has written to
// it yet (in graphql-transport-ws, the first write is connection_ack) and that is
// closed once only.
type wsConn struct {
	transport.WebsocketConn
	wrote, closed atomic.Bool
}

func (c *wsConn) WriteJSON(v any) error {
	if c.closed.Load() {
		return net.ErrClosed
	}
	c.wrote.Store(true)
	return c.WebsocketConn.WriteJSON(v)
}

func (c *wsConn) WriteClose(code int, reason string) error {
	if !c.closed.CompareAndSwap(false, true) {
		return nil
	}
	if code == transport.WebsocketCloseProtocolError && !c.wrote.Load() && c.Subprotocol() == "graphql-transport-ws" {
		switch reason {
		case "unexpected message":
			code, reason = closeUnauthorized, "Unauthorized: send connection_init first"
		case "connection initialisation timeout":
			code, reason = closeInitTimeout, "Connection initialisation timeout"
		}
	}
	return c.WebsocketConn.WriteClose(code, reason)
}

func (c *wsConn) SetReadLimit(limit int64) {
	if l, ok := c.WebsocketConn.(transport.WebsocketReadLimiter); ok {
		l.SetReadLimit(limit)
	}
}

func (c *wsConn) SetReadDeadline(t time.Time) error {
	if d, ok := c.WebsocketConn.(transport.WebsocketReadDeadliner); ok {
		return d.SetReadDeadline(t)
	}
	return nil
}

// wsHolder finds the connection of a WebSocket request once it is accepted.
type wsHolder struct {
	mu   sync.Mutex
	conn *wsConn
}

type wsHolderKey struct{}

func (h *wsHolder) set(c *wsConn) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.conn = c
}

// close closes the connection with code and reason, before anything else is
// written to it.
func (h *wsHolder) close(code int, reason string) {
	h.mu.Lock()
	c := h.conn
	h.mu.Unlock()
	if c != nil {
		_ = c.WriteClose(code, reason)
	}
}

// webSocketConns prepares each WebSocket request so that a subscriber the event
// bus cuts off (it fell behind, or the bus lost its connection to Redis) has
// its connection closed with 1013 Try Again Later, before its subscription could
// be reported complete: its client reconnects, subscribes again and fetches what
// it missed. Each cut is logged at WARN.
func webSocketConns(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !IsWebSocket(r) {
			next.ServeHTTP(w, r)
			return
		}
		ctx := r.Context()
		h := &wsHolder{}
		ctx = context.WithValue(ctx, wsHolderKey{}, h)
		ctx = events.OnCut(ctx, func(cause error) {
			what := "subscriber fell behind"
			if !errors.Is(cause, events.ErrFellBehind) {
				what = "event bus unavailable"
			}
			log.WarnContext(ctx, what+": closing its connection so that it reconnects and fetches again",
				slog.String("client", auth.ClientIP(ctx)), slog.Any("cause", cause))
			h.close(closeTryAgainLater, "Try Again Later: events were missed; subscribe and fetch again")
		})
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}
