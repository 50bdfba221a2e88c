package graph

import (
	"context"
	"encoding/json"

	"coursegraph/graph/loaders"
	"coursegraph/models"
	"coursegraph/service"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// Loading ahead. gqlgen resolves each element of a list in a goroutine of its own;
// when a relation of those elements (a schedule's batch) is loaded on demand, the
// first goroutine fetches the whole level and every other one parks until it is
// done, and parking a goroutine deep in gqlgen's recursion grows and copies its
// stack: in a profile of the catalogue (BenchmarkReadPath/Q2) the waits and the
// stack copies they caused were a fifth of the CPU.
//
// So a resolver that returns a list walks the query's selection below it and loads
// every relation it asks for, a level at a time, through the same loaders (one
// statement per level, as before) before gqlgen starts on the elements; the field
// resolvers then find their values cached and never wait. What is not loaded ahead
// (a relation with a cursor, say) is still loaded on demand, so this is a speed-up
// only, never a condition for a correct answer.

// ahead loads the relations selected below the current field.
type ahead struct {
	ctx context.Context
	op  *graphql.OperationContext
	l   *loaders.Loaders
}

func loadAhead(ctx context.Context) (*ahead, ast.SelectionSet) {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || !graphql.HasOperationContext(ctx) {
		return nil, nil
	}
	return &ahead{ctx: ctx, op: graphql.GetOperationContext(ctx), l: loaders.For(ctx)}, fc.Field.Selections
}

func (a *ahead) fields(sel ast.SelectionSet, implementors []string) []graphql.CollectedField {
	return graphql.CollectFields(a.op, sel, implementors)
}

// nodes returns the selection of a connection's edges' nodes.
func (a *ahead) nodes(sel ast.SelectionSet, connection, edge []string) []ast.SelectionSet {
	var out []ast.SelectionSet
	for _, e := range a.fields(sel, connection) {
		if e.Name != "edges" {
			continue
		}
		for _, n := range a.fields(e.Selections, edge) {
			if n.Name == "node" {
				out = append(out, n.Selections)
			}
		}
	}
	return out
}

// loadAll loads every key through ld; it stops at the first error, which the field
// resolvers will meet and report themselves.
func loadAll[V any](ctx context.Context, ld *loaders.Loader[uint, V], keys []uint) ([]V, bool) {
	out := make([]V, 0, len(keys))
	for _, k := range keys {
		v, err := ld.Load(ctx, k)
		if err != nil {
			return nil, false
		}
		out = append(out, v)
	}
	return out, true
}

// argInt reads an Int argument as the field resolver receives it (nil when absent).
func argInt(v any) *int {
	var n int64
	switch x := v.(type) {
	case int64:
		n = x
	case int:
		n = int64(x)
	case json.Number:
		var err error
		if n, err = x.Int64(); err != nil {
			return nil
		}
	case float64:
		n = int64(x)
	default:
		return nil
	}
	i := int(n)
	return &i
}

// argEnum reads an enum argument as the field resolver receives it (nil when absent).
func argEnum[E ~string](v any) *E {
	s, ok := v.(string)
	if !ok {
		return nil
	}
	e := E(s)
	return &e
}

func nodesOf[E, N any](edges []E, node func(E) N) []N {
	out := make([]N, len(edges))
	for i, e := range edges {
		out[i] = node(e)
	}
	return out
}

func flatten[V any](lists [][]V) []V {
	var out []V
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

func ids[T any](list []T, key func(T) uint) []uint {
	out := make([]uint, len(list))
	for i, v := range list {
		out[i] = key(v)
	}
	return out
}

func optionalIDs[T any](list []T, key func(T) *uint) []uint {
	var out []uint
	for _, v := range list {
		if k := key(v); k != nil {
			out = append(out, *k)
		}
	}
	return out
}

func (a *ahead) courses(sel ast.SelectionSet, list []*models.Course) {
	for _, f := range a.fields(sel, courseImplementors) {
		if f.Name == "schedules" {
			if lists, ok := loadAll(a.ctx, a.l.SchedulesByCourseID, ids(list, (*models.Course).Key)); ok {
				a.schedules(f.Selections, flatten(lists))
			}
		}
	}
}

func (a *ahead) schedules(sel ast.SelectionSet, list []*models.Schedule) {
	for _, f := range a.fields(sel, scheduleImplementors) {
		switch f.Name {
		case "course":
			if courses, ok := loadAll(a.ctx, a.l.CourseByID, ids(list, func(s *models.Schedule) uint { return s.CourseID })); ok {
				a.courses(f.Selections, courses)
			}
		case "batch":
			if batches, ok := loadAll(a.ctx, a.l.BatchByID, ids(list, func(s *models.Schedule) uint { return s.BatchID })); ok {
				a.batches(f.Selections, batches)
			}
		}
	}
}

func (a *ahead) batches(sel ast.SelectionSet, list []*models.Batch) {
	for _, f := range a.fields(sel, batchImplementors) {
		if f.Name == "schedules" {
			if lists, ok := loadAll(a.ctx, a.l.SchedulesByBatchID, ids(list, func(b *models.Batch) uint { return b.ID })); ok {
				a.schedules(f.Selections, flatten(lists))
			}
		}
	}
}

func (a *ahead) articles(sel ast.SelectionSet, list []*models.Article) {
	keys := ids(list, (*models.Article).Key)
	for _, f := range a.fields(sel, articleImplementors) {
		switch f.Name {
		case "author":
			loadAll(a.ctx, a.l.UserByID, ids(list, func(x *models.Article) uint { return x.AuthorID }))
		case "tags":
			if lists, ok := loadAll(a.ctx, a.l.TagsByArticleID, keys); ok {
				a.tags(f.Selections, flatten(lists))
			}
		case "commentCount":
			loadAll(a.ctx, a.l.CommentCountByArticleID, keys)
		case "comments":
			args := f.ArgumentMap(a.op.Variables)
			if args["after"] != nil {
				continue
			}
			loadAll(a.ctx, a.l.FirstComments(argEnum[models.CommentStatus](args["status"]), argInt(args["first"])), keys)
		}
	}
}

func (a *ahead) comments(sel ast.SelectionSet, list []*models.Comment) {
	for _, f := range a.fields(sel, commentImplementors) {
		if f.Name == "article" {
			if articles, ok := loadAll(a.ctx, a.l.ArticleByID, ids(list, func(c *models.Comment) uint { return c.ArticleID })); ok {
				a.articles(f.Selections, articles)
			}
		}
	}
}

func (a *ahead) tags(sel ast.SelectionSet, list []*models.Tag) {
	keys := ids(list, func(t *models.Tag) uint { return t.ID })
	for _, f := range a.fields(sel, tagImplementors) {
		switch f.Name {
		case "articleCount":
			loadAll(a.ctx, a.l.ArticleCountByTagID, keys)
		case "articles":
			args := f.ArgumentMap(a.op.Variables)
			if args["after"] != nil {
				continue
			}
			if conns, ok := loadAll(a.ctx, a.l.FirstTagArticles(argInt(args["first"])), keys); ok {
				var articles []*models.Article
				for _, c := range conns {
					articles = append(articles, nodesOf(c.Edges, func(e *service.ArticleEdge) *models.Article { return e.Node })...)
				}
				for _, nodeSel := range a.nodes(f.Selections, articleConnectionImplementors, articleEdgeImplementors) {
					a.articles(nodeSel, articles)
				}
			}
		}
	}
}

// tagsAhead loads the relations selected below a list of tags.
func tagsAhead(ctx context.Context, list []*models.Tag, err error) ([]*models.Tag, error) {
	if err != nil {
		return nil, err
	}
	if a, sel := loadAhead(ctx); a != nil {
		a.tags(sel, list)
	}
	return list, nil
}

func (a *ahead) enquiries(sel ast.SelectionSet, list []*models.Enquiry) {
	fields := a.fields(sel, enquiryImplementors)
	// Notes and schedules first: fetching them hints their authors and courses
	// into the groups of the enquiries' own assignees and courses, so that users
	// and courses are one statement each, whatever path reaches them.
	for _, f := range fields {
		switch f.Name {
		case "schedule":
			if schedules, ok := loadAll(a.ctx, a.l.ScheduleByID, optionalIDs(list, func(e *models.Enquiry) *uint { return e.ScheduleID })); ok {
				a.schedules(f.Selections, schedules)
			}
		case "notes":
			if lists, ok := loadAll(a.ctx, a.l.NotesByEnquiryID, ids(list, func(e *models.Enquiry) uint { return e.ID })); ok {
				a.notes(f.Selections, flatten(lists))
			}
		}
	}
	for _, f := range fields {
		switch f.Name {
		case "course":
			if courses, ok := loadAll(a.ctx, a.l.CourseByID, optionalIDs(list, func(e *models.Enquiry) *uint { return e.CourseID })); ok {
				a.courses(f.Selections, courses)
			}
		case "assignee":
			loadAll(a.ctx, a.l.UserByID, optionalIDs(list, func(e *models.Enquiry) *uint { return e.AssigneeID }))
		}
	}
}

func (a *ahead) notes(sel ast.SelectionSet, list []*models.EnquiryNote) {
	for _, f := range a.fields(sel, enquiryNoteImplementors) {
		if f.Name == "author" {
			loadAll(a.ctx, a.l.UserByID, ids(list, func(n *models.EnquiryNote) uint { return n.AuthorID }))
		}
	}
}

// The resolvers' entry points: each primes the loaders with its answer (which
// hints the relations of what it holds), then loads ahead what the query selects
// below it, and passes the answer through.

func coursesAhead(ctx context.Context, conn *service.CourseConnection, err error) (*service.CourseConnection, error) {
	if err != nil {
		return nil, err
	}
	list := nodesOf(conn.Edges, func(e *service.CourseEdge) *models.Course { return e.Node })
	loaders.For(ctx).Courses(list)
	if a, sel := loadAhead(ctx); a != nil {
		for _, nodeSel := range a.nodes(sel, courseConnectionImplementors, courseEdgeImplementors) {
			a.courses(nodeSel, list)
		}
	}
	return conn, nil
}

func schedulesAhead(ctx context.Context, conn *service.ScheduleConnection, err error) (*service.ScheduleConnection, error) {
	if err != nil {
		return nil, err
	}
	list := nodesOf(conn.Edges, func(e *service.ScheduleEdge) *models.Schedule { return e.Node })
	loaders.For(ctx).Schedules(list)
	if a, sel := loadAhead(ctx); a != nil {
		for _, nodeSel := range a.nodes(sel, scheduleConnectionImplementors, scheduleEdgeImplementors) {
			a.schedules(nodeSel, list)
		}
	}
	return conn, nil
}

func batchesAhead(ctx context.Context, list []*models.Batch, err error) ([]*models.Batch, error) {
	if err != nil {
		return nil, err
	}
	loaders.For(ctx).Batches(list)
	if a, sel := loadAhead(ctx); a != nil {
		a.batches(sel, list)
	}
	return list, nil
}

func articlesAhead(ctx context.Context, conn *service.ArticleConnection, err error) (*service.ArticleConnection, error) {
	if err != nil {
		return nil, err
	}
	list := nodesOf(conn.Edges, func(e *service.ArticleEdge) *models.Article { return e.Node })
	loaders.For(ctx).Articles(list)
	if a, sel := loadAhead(ctx); a != nil {
		for _, nodeSel := range a.nodes(sel, articleConnectionImplementors, articleEdgeImplementors) {
			a.articles(nodeSel, list)
		}
	}
	return conn, nil
}

func enquiriesAhead(ctx context.Context, conn *service.EnquiryConnection, err error) (*service.EnquiryConnection, error) {
	if err != nil {
		return nil, err
	}
	list := nodesOf(conn.Edges, func(e *service.EnquiryEdge) *models.Enquiry { return e.Node })
	loaders.For(ctx).Enquiries(list)
	if a, sel := loadAhead(ctx); a != nil {
		for _, nodeSel := range a.nodes(sel, enquiryConnectionImplementors, enquiryEdgeImplementors) {
			a.enquiries(nodeSel, list)
		}
	}
	return conn, nil
}

// commentsAhead passes the moderation queue through, with the articles of its
// comments fetched as one group (and their relations a level at a time).
func commentsAhead(ctx context.Context, conn *service.CommentConnection, err error) (*service.CommentConnection, error) {
	if err != nil {
		return nil, err
	}
	list := nodesOf(conn.Edges, func(e *service.CommentEdge) *models.Comment { return e.Node })
	loaders.For(ctx).Comments(list)
	if a, sel := loadAhead(ctx); a != nil {
		for _, nodeSel := range a.nodes(sel, commentConnectionImplementors, commentEdgeImplementors) {
			a.comments(nodeSel, list)
		}
	}
	return conn, nil
}

func searchAhead(ctx context.Context, list []models.Node, err error) ([]models.Node, error) {
	if err != nil {
		return nil, err
	}
	articles, courses := loaders.SplitNodes(list)
	loaders.For(ctx).Articles(articles)
	loaders.For(ctx).Courses(courses)
	if a, sel := loadAhead(ctx); a != nil {
		a.articles(sel, articles)
		a.courses(sel, courses)
	}
	return list, nil
}
