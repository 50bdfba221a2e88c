package graph

import (
	"log/slog"
	"net/http"

	"coursegraph/graph/loaders"
	"coursegraph/models"
	"coursegraph/service"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
)

// HandlerOptions are the GraphQL endpoint's settings.
type HandlerOptions struct {
	// Introspection lets clients ask for the schema (tools, the playground).
	Introspection bool
	// ComplexityLimit is the most a query may cost (each field 1, lists times the
	// page size they ask for); 0 means DefaultComplexityLimit.
	ComplexityLimit int
}

// DefaultComplexityLimit allows a full page of courses with their schedules,
// batches and courses, and refuses much more.
const DefaultComplexityLimit = 5000

// NewHandler returns the GraphQL endpoint over svc: POST, and GET for queries only,
// per GraphQL over HTTP; a parsed-query cache; automatic persisted queries; a
// complexity limit; the error presenter and the panic recoverer. Each request gets
// its own dataloaders.
func NewHandler(svc *service.Service, log *slog.Logger, opts HandlerOptions) http.Handler {
	cfg := Config{Resolvers: &Resolver{Service: svc}}
	setComplexity(&cfg.Complexity)
	srv := handler.New(NewExecutableSchema(cfg))
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	srv.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](1000)})
	if opts.Introspection {
		srv.Use(extension.Introspection{})
	}
	limit := opts.ComplexityLimit
	if limit == 0 {
		limit = DefaultComplexityLimit
	}
	srv.Use(extension.FixedComplexityLimit(limit))
	srv.SetErrorPresenter(presenter(log))
	srv.SetRecoverFunc(recoverer(log))
	return loaders.Middleware(svc, srv)
}

// setComplexity makes a connection cost its page size times what each item asks.
func setComplexity(c *ComplexityRoot) {
	perPage := func(first *int, child int) int {
		n := 20
		if first != nil && *first > 0 {
			n = *first
		}
		return 1 + n*child
	}
	c.Query.Courses = func(child int, _ *models.CourseFilter, _ *models.CourseOrder, first *int, _ *string) int {
		return perPage(first, child)
	}
	c.Query.Schedules = func(child int, _ *models.ScheduleFilter, first *int, _ *string) int {
		return perPage(first, child)
	}
}
