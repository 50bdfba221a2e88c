package gqlserver

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/netip"
	"time"

	"coursegraph/auth"
	"coursegraph/gqlhttp"
	"coursegraph/gqlserver/respcache"
	"coursegraph/graph"
	"coursegraph/models"
	"coursegraph/persisted"
	"coursegraph/ratelimit"
	"coursegraph/service"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/validator/core"
	"github.com/vektah/gqlparser/v2/validator/rules"
)

// HandlerOptions are the GraphQL endpoint's settings.
type HandlerOptions struct {
	// TrustedProxies are the proxies whose X-Forwarded-For names the client.
	TrustedProxies []netip.Prefix
	// WebSocketOrigins are the browser origins (host patterns, such as
	// "site.example" or "*.site.example") allowed to open subscriptions besides the
	// server's own.
	WebSocketOrigins []string
	// Introspection lets clients ask for the schema (tools, the playground).
	// Without it, validation errors have no "Did you mean …" suggestions either,
	// which would reveal the schema just as well.
	Introspection bool
	// Limits bound each document's tokens, aliases, directives, repeated
	// names, depth and cost; a zero field means its default.
	Limits Limits
	// Documents is the store of automatic persisted queries; nil means one in
	// process of persisted.DefaultMemoryBytes.
	Documents persisted.Store
	// Trusted, when set, is the trusted-documents manifest: the server runs only
	// its documents (and, with TrustedStaffFree, any document of signed-in
	// staff), and registers no persisted query.
	Trusted          *persisted.Manifest
	TrustedStaffFree bool
	// Budget, when set, is what anonymous clients may spend, per address, in
	// cost points (each operation's cost, as Limits.Cost counts it): an
	// operation its address's bucket cannot pay is refused RATE_LIMITED, HTTP
	// 429, with Retry-After. Signed-in staff are not counted.
	Budget *ratelimit.Limiter
	// BudgetExempt are the client addresses Budget does not apply to.
	BudgetExempt []netip.Prefix
	// RequestTimeout is how long a request (but a WebSocket) may take, database
	// calls included; 0 means DefaultRequestTimeout.
	RequestTimeout time.Duration
	// TraceResolvers gives each resolver a span in traced requests (tracing is
	// on); off, resolvers cost nothing more.
	TraceResolvers bool
	// NoTelemetry, set when metrics, the debug extensions and tracing are all
	// off, leaves out the extension that records each operation for them (see
	// telemetry), which nothing would read: it costs every operation two
	// allocations of gqlgen's.
	NoTelemetry bool
	// Cache, when set, answers anonymous queries from memory (or Redis) and sets
	// the HTTP caching headers; nil turns it off.
	Cache *respcache.Cache
	// WriteMarks, set when the database has read replicas, remember the
	// anonymous clients that have just written; with them, the reads of
	// signed-in requests, WebSockets, mutations and those clients go to the
	// primary (readafterwrite.go). Nil: every read goes where the store sends it.
	WriteMarks WriteMarks
}

// DefaultComplexityLimit allows a full page of courses with their schedules,
// batches and courses, and refuses much more.
const DefaultComplexityLimit = 5000

// NewHandler returns the GraphQL endpoint over svc: POST, and GET for queries only,
// per GraphQL over HTTP; a parsed-query cache; automatic persisted queries; the
// document limits (QUERY_TOO_COMPLEX, before validation but for the exact cost);
// no suggestions without introspection; the error presenter and the panic
// recoverer. Order: the
// request's deadline → auth (the viewer from the bearer token) → gqlgen, with
// fresh loaders for each response.
func NewHandler(svc *service.Service, log *slog.Logger, opts HandlerOptions) http.Handler {
	return newHandler(graph.NewSchema(svc), svc, log, opts)
}

func newHandler(schema graphql.ExecutableSchema, svc *service.Service, log *slog.Logger, opts HandlerOptions) http.Handler {
	srv := handler.New(schema)
	if !opts.NoTelemetry {
		srv.Use(telemetry{}) // first: the outermost, so that it measures all the rest
	}
	if opts.TraceResolvers {
		srv.Use(resolverSpans{})
	}
	timeout := opts.RequestTimeout
	if timeout == 0 {
		timeout = DefaultRequestTimeout
	}
	srv.AddTransport(webSocketTransport(svc, log, opts.WebSocketOrigins, timeout))
	srv.AddTransport(transport.Options{})
	srv.AddTransport(httpTransport{log: log})
	queries := newQueryCache(queryCacheSize)
	srv.SetQueryCache(queries)
	documents := opts.Documents
	if documents == nil && opts.Trusted == nil {
		documents = persisted.Memory(persisted.DefaultMemoryBytes)
	}
	if opts.Trusted != nil {
		documents = nil // nothing is registered in trusted-documents mode
	}
	srv.Use(persistedDocuments{store: documents, manifest: opts.Trusted, staffFree: opts.TrustedStaffFree})
	limits := opts.Limits.withDefaults()
	// After the persisted query extension, which fills in the document.
	srv.Use(documentLimits{limits: limits, cache: queries})
	if opts.Introspection {
		srv.Use(extension.Introspection{})
	} else {
		srv.Use(noIntrospection{})
		srv.SetDisableSuggestion(true) // fields and scalar leaves
		srv.SetValidationRulesFn(rulesWithoutSuggestions)
	}
	if limits.Cost > 0 || opts.Budget != nil {
		srv.Use(newCostLimit(limits.Cost, opts.Budget, opts.BudgetExempt))
	}
	srv.AroundOperations(recheckWebSocketSession(svc, log, timeout))
	if opts.WriteMarks != nil {
		srv.AroundOperations(routeOperations(opts.WriteMarks))
	}
	srv.AroundResponses(graph.PerResponse(svc))
	if opts.Cache != nil {
		srv.Use(opts.Cache.Extension())
	}
	srv.SetErrorPresenter(presenter(log))
	srv.SetRecoverFunc(recoverer(log))
	// The response cache goes first: a hit needs no deadline, session or parse.
	// Reads are routed before the session is looked up: a signed-in request's
	// lookup reads the primary too, where a session made a moment ago is.
	return opts.Cache.Middleware(withDeadline(timeout, routeSignedIn(opts.WriteMarks,
		authenticate(svc, opts.TrustedProxies, log, webSocketConns(log, srv)))))
}

// rulesWithoutSuggestions are gqlparser's rules with none of the "Did you mean …"
// suggestions that gqlgen's SetDisableSuggestion leaves (arguments, types, enum
// values and input fields), which would reveal the schema.
func rulesWithoutSuggestions() *rules.Rules {
	r := rules.NewDefaultRules()
	for _, pair := range [][2]core.Rule{
		{rules.KnownArgumentNamesRule, rules.KnownArgumentNamesRuleWithoutSuggestions},
		{rules.KnownTypeNamesRule, rules.KnownTypeNamesRuleWithoutSuggestions},
		{rules.ValuesOfCorrectTypeRule, rules.ValuesOfCorrectTypeRuleWithoutSuggestions},
	} {
		r.ReplaceRule(pair[0].Name, pair[1].RuleFunc)
	}
	return r
}

// noIntrospection refuses operations that ask for the schema (__schema or __type)
// with a validation error, before any resolver runs.
type noIntrospection struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = noIntrospection{}

func (noIntrospection) ExtensionName() string { return "NoIntrospection" }

func (noIntrospection) Validate(graphql.ExecutableSchema) error { return nil }

func (noIntrospection) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation != nil && asksForSchema(oc.Operation.SelectionSet) {
		err := gqlerror.Errorf("introspection is disabled on this server")
		err.Extensions = map[string]any{extensionCode: errcode.ValidationFailed}
		return err
	}
	return nil
}

func asksForSchema(set ast.SelectionSet) bool {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if s.Name == "__schema" || s.Name == "__type" {
				return true
			}
		case *ast.InlineFragment:
			if asksForSchema(s.SelectionSet) {
				return true
			}
		case *ast.FragmentSpread:
			if s.Definition != nil && asksForSchema(s.Definition.SelectionSet) {
				return true
			}
		}
	}
	return false
}

// webSocketSessionKey marks a context whose viewer came from a WebSocket's
// connection_init: its token hash, to check again on every operation.
type webSocketSessionKey struct{}

// recheckWebSocketSession checks the session of a WebSocket connection again for
// every operation sent over it, so that a user signed out, deactivated or demoted
// after connecting loses access at once, as over HTTP.
// A lookup the database does not answer within timeout is SERVICE_UNAVAILABLE, not
// a signed-out session; one cut because the client went away is logged at DEBUG
// as cancelled.
func recheckWebSocketSession(svc *service.Service, log *slog.Logger, timeout time.Duration) graphql.OperationMiddleware {
	return func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		hash, ok := ctx.Value(webSocketSessionKey{}).(string)
		if !ok {
			return next(ctx)
		}
		lookup, cancel := context.WithTimeout(ctx, timeout)
		user, err := svc.UserBySession(lookup, hash)
		cancel()
		if isUnavailable(err) && gqlhttp.ClientGone(ctx) {
			log.DebugContext(ctx, "request cancelled: its client went away while its session was checked")
			return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{gqlhttp.ClientClosed()}})
		}
		if me, isModel := errors.AsType[*models.Error](err); isModel && me.Code == models.Unavailable {
			return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{{
				Message:    me.Message,
				Extensions: map[string]any{extensionCode: codeUnavailable},
			}}})
		}
		if err != nil || !user.Can(models.RoleStaff) {
			return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{{
				Message:    "the session has ended; sign in and reconnect",
				Extensions: map[string]any{extensionCode: gqlhttp.CodeUnauthenticated},
			}}})
		}
		return next(auth.WithViewer(ctx, user, hash, auth.ClientIP(ctx)))
	}
}
