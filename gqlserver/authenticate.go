package gqlserver

import (
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strings"

	"coursegraph/auth"
	"coursegraph/gqlhttp"
	"coursegraph/models"
)

// authenticate puts the request's viewer in its context: the user of the bearer
// token in the Authorization header (anonymous without one) and the client's
// address (see ClientAddr). A malformed, unknown, expired or revoked token is
// answered at once with 401 and a GraphQL error UNAUTHENTICATED, so that a client
// knows to sign in again rather than silently getting public answers. When the
// session cannot be looked up because the database is unavailable, the answer is
// 503 SERVICE_UNAVAILABLE with Retry-After.
func authenticate(find auth.SessionFinder, trusted []netip.Prefix, log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		ip := ClientAddr(r, trusted)
		token, present, ok := bearer(r.Header.Get("Authorization"))
		if !present {
			next.ServeHTTP(w, r.WithContext(auth.WithViewer(ctx, nil, "", ip)))
			return
		}
		if !ok || !auth.WellFormed(token) {
			unauthenticated(w, r, "the Authorization header must be \"Bearer <token>\" with a token from login")
			return
		}
		hash := auth.HashToken(token)
		user, err := find.UserBySession(ctx, hash)
		if me, isModel := errors.AsType[*models.Error](err); isModel && me.Code == models.Unauthenticated {
			unauthenticated(w, r, me.Message)
			return
		} else if isModel && me.Code == models.Unavailable && gqlhttp.ClientGone(ctx) {
			log.DebugContext(ctx, "request cancelled: its client went away while its session was looked up")
			gqlhttp.WriteErrors(w, r, gqlhttp.StatusClientClosed, gqlhttp.ClientClosed())
			return
		} else if isModel && me.Code == models.Unavailable {
			log.WarnContext(ctx, "find session", slog.Any("error", me.Err))
			gqlhttp.WriteErrors(w, r, http.StatusServiceUnavailable, gqlhttp.Error(gqlhttp.CodeUnavailable, me.Message))
			return
		}
		if err != nil {
			log.ErrorContext(ctx, "find session", slog.Any("error", err))
			gqlhttp.WriteErrors(w, r, http.StatusInternalServerError, gqlhttp.Error(gqlhttp.CodeInternal, "internal error"))
			return
		}
		next.ServeHTTP(w, r.WithContext(auth.WithViewer(ctx, user, hash, ip)))
	})
}

// bearer reads "Bearer <token>": present says a header was sent at all.
func bearer(header string) (token string, present, ok bool) {
	if header == "" {
		return "", false, false
	}
	scheme, token, found := strings.Cut(header, " ")
	if !found || !strings.EqualFold(scheme, "Bearer") {
		return "", true, false
	}
	return strings.TrimSpace(token), true, true
}

func unauthenticated(w http.ResponseWriter, r *http.Request, message string) {
	w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
	gqlhttp.WriteErrors(w, r, http.StatusUnauthorized, gqlhttp.Error(gqlhttp.CodeUnauthenticated, message))
}

// ClientAddr returns the address of the client: the connection's peer, or, when the
// peer is a trusted proxy, the right-most address of X-Forwarded-For that is not a
// trusted proxy itself. Addresses a client writes into X-Forwarded-For in front of
// an untrusted hop are never believed.
func ClientAddr(r *http.Request, trusted []netip.Prefix) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	peer, err := netip.ParseAddr(host)
	if err != nil {
		return models.Truncate(host, maxClientAddr)
	}
	peer = peer.Unmap().WithZone("")
	if !isTrusted(peer, trusted) {
		return peer.String()
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break
		}
		a = a.Unmap().WithZone("") // a zone ("%eth0") is any text a client likes, of any length
		if !isTrusted(a, trusted) {
			return a.String()
		}
		peer = a
	}
	return peer.String()
}

// maxClientAddr is the size of the client_ip columns (VARCHAR(45), the longest
// IPv6 text); an address is stored with what it sent.
const maxClientAddr = 45

func isTrusted(a netip.Addr, trusted []netip.Prefix) bool {
	for _, p := range trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
