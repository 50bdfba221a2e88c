package graph

import (
	"context"

	"coursegraph/graph/loaders"
	"coursegraph/models"
	"coursegraph/service"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// The machinery of the relation declarations (relations.go): the kinds of
// relation, their hints, and loading ahead.
//
// Loading ahead. gqlgen resolves the field resolvers of a list's elements in
// goroutines of their own; when a relation of those elements (a schedule's batch)
// is loaded on demand, the first goroutine fetches the whole level and every other
// one parks until it is done, and parking a goroutine deep in gqlgen's recursion
// grows and copies its stack: in a profile of the catalogue (BenchmarkReadPath/Q2)
// the waits and the stack copies they caused were a fifth of the CPU.
//
// So a resolver that returns a list (or a root object) walks the query's
// selection below it and loads every declared relation it selects, a level at a
// time, through the same loaders (one statement per level, as before) before
// gqlgen starts on the elements; the field resolvers then find their values cached
// and never wait. What is not loaded ahead (a page with a cursor, a relation with
// arguments below a union) is still loaded on demand, so this is a speed-up only,
// never a condition for a correct answer.

// relations are the declared relations of one GraphQL object type, whose values
// are P, in the order loading ahead follows.
type relations[P any] struct {
	implementors []string // the type's name first, as gqlgen generates them
	// seen primes a list of the type's entities in the loaders, which hints
	// their relations (nil: there is no loader of the type; hint only).
	seen   func(*loaders.Loaders, []P)
	fields []relation[P]
}

// relation is one declared relation of a type whose values are P.
type relation[P any] interface {
	declared() declaration
	// hint names the keys of parents to the relation's loader.
	hint(l *loaders.Loaders, parents []P)
	// ahead loads the relation of parents for f, a selection of it, and what f
	// selects below it; s is the scope of the field whose values are parents.
	ahead(a *ahead, s *scope, f graphql.CollectedField, parents []P)
}

// declaration is what a relation says of itself to the schema test.
type declaration struct {
	parent, field string
	// returns is the GraphQL type the field returns (its named type: the
	// connection for a page), "" for a value such as a count.
	returns string
}

// declarations lists every relation, in declaration order.
var declarations []declaration

func register[P any](set *relations[P], r relation[P]) {
	set.fields = append(set.fields, r)
	declarations = append(declarations, r.declared())
}

func typeName(implementors []string) string { return implementors[0] }

// hint hints every relation of a list of the type's values.
func (set *relations[P]) hint(l *loaders.Loaders, list []P) {
	for _, r := range set.fields {
		r.hint(l, list)
	}
}

// see primes (where there is a loader of the type) and hints a list of values.
func (set *relations[P]) see(l *loaders.Loaders, list []P) {
	if set.seen != nil {
		set.seen(l, list)
		return
	}
	set.hint(l, list)
}

// oneRel is a relation to at most one value per parent (an entity, a count),
// by a key of the parent.
type oneRel[P any, K comparable, C any] struct {
	parent *relations[P]
	field  string
	key    func(P) (K, bool)                   // false: the parent has none (a null foreign key)
	joined func(*loaders.Loaders, P) (C, bool) // the value read with the parent, if it may stand for the whole
	loader func(*loaders.Loaders) *loaders.Loader[K, C]
	next   *relations[C] // nil for a value without relations (a count)
}

func one[P any, K comparable, C any](parent *relations[P], field string, key func(P) (K, bool), joined func(*loaders.Loaders, P) (C, bool),
	loader func(*loaders.Loaders) *loaders.Loader[K, C], next *relations[C],
) *oneRel[P, K, C] {
	r := &oneRel[P, K, C]{parent: parent, field: field, key: key, joined: joined, loader: loader, next: next}
	register(parent, relation[P](r))
	return r
}

func (r *oneRel[P, K, C]) declared() declaration {
	d := declaration{parent: typeName(r.parent.implementors), field: r.field}
	if r.next != nil {
		d.returns = typeName(r.next.implementors)
	}
	return d
}

// resolve is the field resolver: the parent's value, or the zero C when it has none.
func (r *oneRel[P, K, C]) resolve(ctx context.Context, p P) (C, error) {
	k, ok := r.key(p)
	if !ok {
		var zero C
		return zero, nil
	}
	return r.loader(loaders.For(ctx)).Load(ctx, k)
}

func (r *oneRel[P, K, C]) hint(l *loaders.Loaders, parents []P) {
	ld := r.loader(l)
	keys := make([]K, 0, len(parents))
	for _, p := range parents {
		k, ok := r.key(p)
		if !ok {
			continue
		}
		if r.joined != nil {
			if c, ok := r.joined(l, p); ok {
				ld.Prime(k, c)
			}
		}
		keys = append(keys, k)
	}
	ld.Hint(keys)
}

func (r *oneRel[P, K, C]) ahead(a *ahead, s *scope, f graphql.CollectedField, parents []P) {
	ld := r.loader(a.l)
	var children []C
	if r.next != nil {
		children = make([]C, 0, len(parents))
	}
	for _, p := range parents {
		k, ok := r.key(p)
		if !ok {
			continue
		}
		c, err := ld.Load(a.ctx, k)
		if err != nil {
			return // the field resolvers meet the error and report it
		}
		if r.next != nil {
			children = append(children, c)
		}
	}
	if r.next != nil {
		walk(a, r.next, s.sub(f), f.Selections, children)
	}
}

// manyRel is a relation to a list of values per parent, by a key of the parent.
type manyRel[P any, K comparable, C any] struct {
	parent *relations[P]
	field  string
	key    func(P) K
	loader func(*loaders.Loaders) *loaders.Loader[K, []C]
	next   *relations[C]
}

func many[P any, K comparable, C any](parent *relations[P], field string, key func(P) K,
	loader func(*loaders.Loaders) *loaders.Loader[K, []C], next *relations[C],
) *manyRel[P, K, C] {
	r := &manyRel[P, K, C]{parent: parent, field: field, key: key, loader: loader, next: next}
	register(parent, relation[P](r))
	return r
}

func (r *manyRel[P, K, C]) declared() declaration {
	return declaration{parent: typeName(r.parent.implementors), field: r.field, returns: typeName(r.next.implementors)}
}

// resolve is the field resolver.
func (r *manyRel[P, K, C]) resolve(ctx context.Context, p P) ([]C, error) {
	return r.loader(loaders.For(ctx)).Load(ctx, r.key(p))
}

func (r *manyRel[P, K, C]) hint(l *loaders.Loaders, parents []P) {
	r.loader(l).Hint(keysOf(parents, r.key))
}

func (r *manyRel[P, K, C]) ahead(a *ahead, s *scope, f graphql.CollectedField, parents []P) {
	ld := r.loader(a.l)
	var children []C
	for _, p := range parents {
		list, err := ld.Load(a.ctx, r.key(p))
		if err != nil {
			return
		}
		children = append(children, list...)
	}
	walk(a, r.next, s.sub(f), f.Selections, children)
}

// pagedRel is a relation with arguments: a page (V) of values (C) per parent.
// Arguments without a cursor are batched by a loader per argument values, made
// when first asked for and hinted with the groups of parents seen so far;
// arguments with a cursor are read directly, parent by parent.
type pagedRel[P any, K comparable, A any, V any, C any] struct {
	parent  *relations[P]
	field   string
	key     func(P) K
	pages   func(*loaders.Loaders, []K)                                                 // records a group of parents for the loaders per arguments
	args    func(context.Context, *graphql.FieldContext) (a A, batched bool, err error) // from the field's context, with its operation's
	load    func(context.Context, *loaders.Loaders, A, K) (V, error)
	direct  func(context.Context, *service.Service, P, A) (V, error) // nil: always batched
	nodes   func(V) []C
	below   func(a *ahead, s *scope, sel ast.SelectionSet, nodes []C) // loads ahead below the nodes
	returns string
	next    *relations[C]
}

// paged declares a relation whose value is a connection (conn) of C.
func paged[P any, K comparable, A any, V any, C any](parent *relations[P], field string, key func(P) K, pages func(*loaders.Loaders, []K),
	args func(context.Context, *graphql.FieldContext) (A, bool, error), load func(context.Context, *loaders.Loaders, A, K) (V, error),
	direct func(context.Context, *service.Service, P, A) (V, error), conn *connection[V, C],
) *pagedRel[P, K, A, V, C] {
	r := &pagedRel[P, K, A, V, C]{
		parent: parent, field: field, key: key, pages: pages, args: args, load: load, direct: direct,
		nodes: conn.nodes, below: conn.walkNodes, returns: typeName(conn.implementors), next: conn.next,
	}
	register(parent, relation[P](r))
	return r
}

// pagedList declares a relation with arguments whose value is a list of C.
func pagedList[P any, K comparable, A any, C any](parent *relations[P], field string, key func(P) K, pages func(*loaders.Loaders, []K),
	args func(context.Context, *graphql.FieldContext) (A, bool, error), load func(context.Context, *loaders.Loaders, A, K) ([]C, error), next *relations[C],
) *pagedRel[P, K, A, []C, C] {
	r := &pagedRel[P, K, A, []C, C]{
		parent: parent, field: field, key: key, pages: pages, args: args, load: load,
		nodes:   func(list []C) []C { return list },
		below:   func(a *ahead, s *scope, sel ast.SelectionSet, nodes []C) { walk(a, next, s, sel, nodes) },
		returns: typeName(next.implementors), next: next,
	}
	register(parent, relation[P](r))
	return r
}

func (r *pagedRel[P, K, A, V, C]) declared() declaration {
	return declaration{parent: typeName(r.parent.implementors), field: r.field, returns: r.returns}
}

// resolve is the field resolver; the arguments are the field's own (its
// FieldContext's Args, as gqlgen coerced them).
func (r *pagedRel[P, K, A, V, C]) resolve(ctx context.Context, svc *service.Service, p P) (V, error) {
	var zero V
	fc := graphql.GetFieldContext(ctx)
	args, batched, err := r.args(ctx, fc)
	if err != nil {
		return zero, err
	}
	l := loaders.For(ctx)
	if batched || r.direct == nil {
		return r.load(ctx, l, args, r.key(p))
	}
	v, err := r.direct(ctx, svc, p, args)
	if err != nil {
		return zero, err
	}
	// A page read apart: its nodes are primed and what the query selects
	// below them is loaded ahead here.
	nodes := r.nodes(v)
	r.next.see(l, nodes)
	if a, s := loadAhead(ctx); a != nil {
		r.below(a, s, fc.Field.Selections, nodes)
	}
	return v, nil
}

func (r *pagedRel[P, K, A, V, C]) hint(l *loaders.Loaders, parents []P) {
	r.pages(l, keysOf(parents, r.key))
}

func (r *pagedRel[P, K, A, V, C]) ahead(a *ahead, s *scope, f graphql.CollectedField, parents []P) {
	fs := s.sub(f)
	fc := a.fieldContext(fs)
	if fc == nil {
		return // no arguments to read (below a union): loaded on demand
	}
	args, batched, err := r.args(a.ctx, fc)
	if err != nil || !batched {
		return
	}
	var nodes []C
	for _, p := range parents {
		v, err := r.load(a.ctx, a.l, args, r.key(p))
		if err != nil {
			return
		}
		nodes = append(nodes, r.nodes(v)...)
	}
	r.below(a, fs, f.Selections, nodes)
}

// connection is a page type (V) of nodes C: how to reach the nodes in a value
// and in a selection (edges, then node).
type connection[V any, C any] struct {
	implementors, edgeImplementors []string
	nodes                          func(V) []C
	next                           *relations[C]
}

// walkNodes loads ahead what sel, a selection of the connection (in scope s),
// selects below its nodes.
func (c *connection[V, C]) walkNodes(a *ahead, s *scope, sel ast.SelectionSet, nodes []C) {
	if len(nodes) == 0 || len(c.next.fields) == 0 {
		return
	}
	for _, e := range graphql.CollectFields(a.op, sel, c.implementors) {
		if e.Name != edgesField {
			continue
		}
		es := s.sub(e)
		for _, n := range graphql.CollectFields(a.op, e.Selections, c.edgeImplementors) {
			if n.Name == nodeField {
				walk(a, c.next, es.sub(n), n.Selections, nodes)
			}
		}
	}
}

// walk loads ahead the declared relations of parents (of set's type) that sel
// selects; s is the scope of the field whose values parents are.
func walk[P any](a *ahead, set *relations[P], s *scope, sel ast.SelectionSet, parents []P) {
	if len(set.fields) == 0 || len(parents) == 0 {
		return
	}
	fields := graphql.CollectFields(a.op, sel, set.implementors)
	for _, r := range set.fields {
		name := r.declared().field
		for _, f := range fields {
			if f.Name == name {
				r.ahead(a, s, f, parents)
			}
		}
	}
}

// ahead is one walk of loading ahead, from one resolver.
type ahead struct {
	ctx   context.Context
	op    *graphql.OperationContext
	l     *loaders.Loaders
	quiet context.Context // ctx without the response's errors, made on first use
}

// scope is a field of the walk, whose FieldContext (for its arguments) is made
// only when a relation with arguments needs it, through its parent's Child:
// gqlgen's own coercion of the field's arguments.
type scope struct {
	up    *scope
	field graphql.CollectedField
	fc    *graphql.FieldContext
	done  bool
}

func (s *scope) sub(f graphql.CollectedField) *scope { return &scope{up: s, field: f} }

// fieldContext returns the FieldContext of s, or nil when gqlgen has none to give
// (the fields of a union's members).
func (a *ahead) fieldContext(s *scope) *graphql.FieldContext {
	if s == nil {
		return nil
	}
	if !s.done {
		s.done = true
		if up := a.fieldContext(s.up); up != nil && up.Child != nil {
			if a.quiet == nil {
				// Arguments gqlgen refuses are reported once, by the field itself.
				a.quiet = graphql.WithResponseContext(a.ctx,
					func(context.Context, error) *gqlerror.Error { return nil },
					func(context.Context, any) error { return nil })
			}
			if fc, err := up.Child(a.quiet, s.field); err == nil {
				fc.Parent = up // as graphql.WithFieldContext links a resolver's
				s.fc = fc
			}
		}
	}
	return s.fc
}

// loadAhead starts a walk from the current field (a resolver's), or nil outside
// an operation.
func loadAhead(ctx context.Context) (*ahead, *scope) {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || !graphql.HasOperationContext(ctx) {
		return nil, nil
	}
	return &ahead{ctx: ctx, op: graphql.GetOperationContext(ctx), l: loaders.For(ctx)}, &scope{fc: fc, done: true, field: fc.Field}
}

func keysOf[P any, K any](list []P, key func(P) K) []K {
	out := make([]K, len(list))
	for i, v := range list {
		out[i] = key(v)
	}
	return out
}

func nodesOf[E, N any](edges []E, node func(E) N) []N {
	out := make([]N, len(edges))
	for i, e := range edges {
		out[i] = node(e)
	}
	return out
}

// The resolvers' entry points: each primes the loaders with its answer (which
// hints the relations of what it holds), then loads ahead what the query selects
// below it, and passes the answer through.

// listAhead passes a list through.
func listAhead[P any](ctx context.Context, set *relations[P], list []P, err error) ([]P, error) {
	if err != nil {
		return nil, err
	}
	set.see(loaders.For(ctx), list)
	if a, s := loadAhead(ctx); a != nil {
		walk(a, set, s, s.fc.Field.Selections, list)
	}
	return list, nil
}

// objectAhead passes one object (or none) through.
func objectAhead[T any](ctx context.Context, set *relations[*T], v *T, err error) (*T, error) {
	if err != nil || v == nil {
		return v, err
	}
	list := []*T{v}
	set.see(loaders.For(ctx), list)
	if a, s := loadAhead(ctx); a != nil {
		walk(a, set, s, s.fc.Field.Selections, list)
	}
	return v, nil
}

// pageAhead passes a connection through.
func pageAhead[V any, C any](ctx context.Context, conn *connection[V, C], v V, err error) (V, error) {
	if err != nil {
		return v, err
	}
	nodes := conn.nodes(v)
	conn.next.see(loaders.For(ctx), nodes)
	if a, s := loadAhead(ctx); a != nil {
		conn.walkNodes(a, s, s.fc.Field.Selections, nodes)
	}
	return v, nil
}

// searchAhead passes search results through: articles and courses.
func searchAhead(ctx context.Context, list []models.Node, err error) ([]models.Node, error) {
	if err != nil {
		return nil, err
	}
	var articles []*models.Article
	var courses []*models.Course
	for _, n := range list {
		switch v := n.(type) {
		case *models.Article:
			articles = append(articles, v)
		case *models.Course:
			courses = append(courses, v)
		}
	}
	l := loaders.For(ctx)
	articleRels.see(l, articles)
	courseRels.see(l, courses)
	if a, s := loadAhead(ctx); a != nil {
		walk(a, &articleRels, s, s.fc.Field.Selections, articles)
		walk(a, &courseRels, s, s.fc.Field.Selections, courses)
	}
	return list, nil
}

// personalAhead passes a person's exported data through, hinting the
// relations of its enquiries (notes), history (actors) and comments (articles),
// so that each is one statement however many rows the person has.
func personalAhead(ctx context.Context, pd *service.PersonalData, err error) (*service.PersonalData, error) {
	if err != nil {
		return nil, err
	}
	l := loaders.For(ctx)
	enquiryRels.see(l, pd.Enquiries)
	auditEntryRels.see(l, pd.History)
	commentRels.see(l, pd.Comments)
	return pd, nil
}

// statsAhead passes the inbox's counts through, hinting the courses they name.
func statsAhead(ctx context.Context, stats *service.EnquiryStats, err error) (*service.EnquiryStats, error) {
	if err != nil {
		return nil, err
	}
	courseCountRels.see(loaders.For(ctx), stats.ByCourse)
	return stats, nil
}
