package graph

import (
	"context"

	"coursegraph/graph/loaders"
	"coursegraph/instant"
	"coursegraph/models"
	"coursegraph/service"

	"github.com/99designs/gqlgen/graphql"
)

// NewSchema returns the executable schema over svc: the resolvers, @hasRole and
// the cost of each field (see setComplexity). The HTTP side serves it.
func NewSchema(svc *service.Service) graphql.ExecutableSchema { return Schema(&Resolver{Service: svc}) }

// Schema returns the executable schema with root's resolvers (tests wrap the
// service's), with @hasRole and the fields' costs.
func Schema(root ResolverRoot) graphql.ExecutableSchema {
	cfg := Config{Resolvers: root}
	cfg.Directives.HasRole = hasRole
	setComplexity(&cfg.Complexity)
	return withCosts(NewExecutableSchema(cfg), &cfg.Complexity)
}

// PerResponse gives every response (each query and mutation, and each event of a
// subscription) what it reads through: fresh loaders over svc, so that a
// long-lived subscription never serves stale or ever-growing caches, and one
// instant (the response cache's, when it set one), so that no answer is made of
// two readings of the clock. The HTTP side installs it with AroundResponses.
func PerResponse(svc *service.Service) graphql.ResponseMiddleware {
	return func(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
		if _, ok := instant.From(ctx); !ok {
			ctx = instant.With(ctx, svc.Now())
		}
		ctx = loaders.With(ctx, svc, relationHints)
		return next(ctx)
	}
}

// setComplexity makes every list a client sizes cost its size times what each
// item asks, so that deep or wide queries (articles → related → comments …) hit
// the limit instead of the database.
func setComplexity(c *ComplexityRoot) {
	times := func(def, largest int) func(first *int, child int) int {
		return func(first *int, child int) int { return 1 + pageCost(first, def, largest)*child }
	}
	page, related, search := times(models.DefaultPageSize, models.MaxPageSize), times(relatedDefault, relatedMax), times(10, 50)
	c.Query.Courses = func(child int, _ *models.CourseFilter, _ *models.CourseOrder, first *int, _ *string) int {
		return page(first, child)
	}
	c.Query.Schedules = func(child int, _ *models.ScheduleFilter, first *int, _ *string) int { return page(first, child) }
	c.Query.Articles = func(child int, _ *models.ArticleFilter, _ *models.ArticleOrder, first *int, _ *string) int {
		return page(first, child)
	}
	c.Query.AuditLog = func(child int, _ *string, first *int, _ *string) int { return page(first, child) }
	c.Query.Enquiries = func(child int, _ *models.EnquiryFilter, _ *models.OrderDirection, first *int, _ *string) int {
		return page(first, child)
	}
	c.Query.Comments = func(child int, _ *models.CommentStatus, first *int, _ *string) int { return page(first, child) }
	c.Query.Search = func(child int, _ string, first *int) int { return search(first, child) }
	c.Tag.Articles = func(child int, first *int, _ *string) int { return page(first, child) }
	c.Article.Comments = func(child int, first *int, _ *string, _ *models.CommentStatus) int { return page(first, child) }
	c.Article.Related = func(child int, first *int) int { return related(first, child) }
}

// pageCost is the page size a list's cost counts: the page asked for, or def;
// a page over the largest allowed counts as the largest, since the field then
// refuses it (BAD_USER_INPUT on first) before any query runs.
func pageCost(first *int, def, largest int) int {
	if first == nil || *first <= 0 {
		return def
	}
	return min(*first, largest)
}
