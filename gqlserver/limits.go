package gqlserver

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/netip"

	"coursegraph/auth"
	"coursegraph/gqlhttp"
	"coursegraph/ratelimit"

	"github.com/99designs/gqlgen/complexity"
	"github.com/99designs/gqlgen/graphql"
	"github.com/maypok86/otter/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/lexer"
	"github.com/vektah/gqlparser/v2/parser"
)

// codeTooComplex is the code of a document refused by a limit, with
// extensions.limit and extensions.actual.
const codeTooComplex = gqlhttp.CodeQueryTooComplex

// Limits bound what one document may ask for. Each is checked before gqlgen's
// validation, whose cost grows with the square of repeated fields, except Cost,
// whose exact value needs a validated document (a cheap lower bound, the number
// of fields, is checked before). 0 means the default; a negative value turns the
// limit off.
type Limits struct {
	// Tokens is the most lexical tokens (names, punctuation, values) a document
	// may have.
	Tokens int
	// Aliases is the most aliased fields a document may have.
	Aliases int
	// Directives is the most directives on one field, fragment or operation.
	Directives int
	// Repeats is the most times one response name may appear in one selection
	// set, counted through the fragments merged into it: validation compares
	// every such pair.
	Repeats int
	// Depth is the most fields nested in one another, counted through fragments;
	// the introspection fields __schema and __type count as one (gqlparser bounds
	// what is under them).
	Depth int
	// Cost is the most an operation may cost: each field 1, lists times the page
	// size they ask for.
	Cost int
}

// The default limits: several times what the repository's deepest and widest
// legitimate queries (graph/testdata, bench/scenario) use.
const (
	DefaultTokenLimit     = 15000
	DefaultAliasLimit     = 30
	DefaultDirectiveLimit = 10
	DefaultRepeatLimit    = 10
	DefaultDepthLimit     = 12
)

// withDefaults fills zero limits with their defaults.
func (l Limits) withDefaults() Limits {
	for _, f := range []struct {
		v   *int
		def int
	}{{&l.Tokens, DefaultTokenLimit}, {&l.Aliases, DefaultAliasLimit}, {&l.Directives, DefaultDirectiveLimit}, {&l.Repeats, DefaultRepeatLimit}, {&l.Depth, DefaultDepthLimit}, {&l.Cost, DefaultComplexityLimit}} {
		if *f.v == 0 {
			*f.v = f.def
		}
	}
	return l
}

func tooComplex(limit, actual int, format string, args ...any) *gqlerror.Error {
	return &gqlerror.Error{
		Message:    fmt.Sprintf(format, args...),
		Extensions: map[string]any{extensionCode: codeTooComplex, "limit": limit, "actual": actual},
	}
}

// documentLimits refuses a document over a limit before gqlgen parses and
// validates it. A document found in the query cache passed already (the cache
// holds only documents that were validated, so after this check), so it costs a
// lookup; any other document is parsed once more here, which is linear in its
// size.
type documentLimits struct {
	limits Limits
	cache  graphql.Cache[*ast.QueryDocument]
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
} = documentLimits{}

func (documentLimits) ExtensionName() string { return "DocumentLimits" }

func (documentLimits) Validate(graphql.ExecutableSchema) error { return nil }

func (d documentLimits) MutateOperationParameters(ctx context.Context, params *graphql.RawParams) *gqlerror.Error {
	if params.Query == "" {
		return nil // gqlgen answers a missing document
	}
	if _, ok := d.cache.Get(ctx, params.Query); ok {
		return nil
	}
	l := d.limits
	tokenLimit := max(l.Tokens, 0)
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: params.Query}, tokenLimit)
	if err != nil {
		if tokenLimit > 0 && isTokenLimit(err, tokenLimit) {
			n := countTokens(params.Query)
			return tooComplex(l.Tokens, n, "the document has %d tokens, over the limit of %d", n, l.Tokens)
		}
		return nil // gqlgen reports the syntax error
	}
	return checkDocument(doc, l)
}

func isTokenLimit(err error, limit int) bool {
	gqlErr, ok := errors.AsType[*gqlerror.Error](err)
	return ok && gqlErr.Message == fmt.Sprintf("exceeded token limit of %d", limit)
}

// countTokens counts a document's tokens, up to the end or the first lexical
// error.
func countTokens(query string) int {
	lex := lexer.New(&ast.Source{Input: query})
	n := 0
	for {
		tok, err := lex.ReadToken()
		if err != nil || tok.Kind == lexer.EOF {
			return n
		}
		n++
	}
}

// checkDocument applies the limits but Tokens to a parsed document; every
// operation is checked, since the query cache does not know which one a request
// runs.
func checkDocument(doc *ast.QueryDocument, l Limits) *gqlerror.Error {
	w := &limitWalker{doc: doc, depth: map[string]int{}, fields: map[string]int{}, nameCounts: map[string]map[string]int{}, visiting: map[string]bool{}}
	w.directives(doc)
	for _, op := range doc.Operations {
		w.names(op.SelectionSet)
	}
	for _, f := range doc.Fragments {
		w.fragmentNames(f.Name)
	}
	if l.Directives > 0 && w.maxDirectives > l.Directives {
		return tooComplex(l.Directives, w.maxDirectives, "a location has %d directives, over the limit of %d", w.maxDirectives, l.Directives)
	}
	if l.Aliases > 0 && w.aliases > l.Aliases {
		return tooComplex(l.Aliases, w.aliases, "the document has %d aliases, over the limit of %d", w.aliases, l.Aliases)
	}
	if l.Repeats > 0 && w.maxRepeats > l.Repeats {
		return tooComplex(l.Repeats, w.maxRepeats, "%q appears %d times in one selection, over the limit of %d", w.repeated, w.maxRepeats, l.Repeats)
	}
	for _, op := range doc.Operations {
		if depth := w.setDepth(op.SelectionSet); l.Depth > 0 && depth > l.Depth {
			return tooComplex(l.Depth, depth, "the operation is %d fields deep, over the limit of %d", depth, l.Depth)
		}
		if n := w.setFields(op.SelectionSet); l.Cost > 0 && n > l.Cost {
			return tooComplex(l.Cost, n, "the operation has %d fields, so costs at least %d, over the limit of %d", n, n, l.Cost)
		}
	}
	return nil
}

// limitWalker measures a parsed, unvalidated document: fragment spreads are
// looked up by name (validation has not linked them), each fragment is measured
// once, and a fragment cycle counts as nothing here (validation refuses it).
type limitWalker struct {
	doc                    *ast.QueryDocument
	aliases, maxDirectives int
	maxRepeats             int
	repeated               string // the name repeated maxRepeats times
	depth, fields          map[string]int
	nameCounts             map[string]map[string]int
	visiting               map[string]bool
}

// maxFields caps the field count, which fragments spread within fragments can
// multiply beyond any int.
const maxFields = 1 << 40

// directives counts aliases and the most directives on one location, over the
// whole text of the document.
func (w *limitWalker) directives(doc *ast.QueryDocument) {
	note := func(list ast.DirectiveList) { w.maxDirectives = max(w.maxDirectives, len(list)) }
	var walk func(ast.SelectionSet)
	walk = func(set ast.SelectionSet) {
		for _, sel := range set {
			switch s := sel.(type) {
			case *ast.Field:
				if s.Alias != s.Name {
					w.aliases++
				}
				note(s.Directives)
				walk(s.SelectionSet)
			case *ast.InlineFragment:
				note(s.Directives)
				walk(s.SelectionSet)
			case *ast.FragmentSpread:
				note(s.Directives)
			}
		}
	}
	for _, op := range doc.Operations {
		note(op.Directives)
		for _, v := range op.VariableDefinitions {
			note(v.Directives)
		}
		walk(op.SelectionSet)
	}
	for _, f := range doc.Fragments {
		note(f.Directives)
		walk(f.SelectionSet)
	}
}

// names counts each response name of set once its inline fragments and
// fragment spreads are merged into it, as validation merges them (and compares
// every pair of the same name), and notes the most repeated name of set and of
// every set within it. A fragment's counts are computed once.
func (w *limitWalker) names(set ast.SelectionSet) map[string]int {
	counts := map[string]int{}
	add := func(name string, n int) {
		counts[name] = min(counts[name]+n, maxFields)
		if counts[name] > w.maxRepeats {
			w.maxRepeats, w.repeated = counts[name], name
		}
	}
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			add(s.Alias, 1)
			if len(s.SelectionSet) > 0 {
				w.names(s.SelectionSet)
			}
		case *ast.InlineFragment:
			for name, n := range w.names(s.SelectionSet) {
				add(name, n)
			}
		case *ast.FragmentSpread:
			for name, n := range w.fragmentNames(s.Name) {
				add(name, n)
			}
		}
	}
	return counts
}

func (w *limitWalker) fragmentNames(name string) map[string]int {
	if v, ok := w.nameCounts[name]; ok {
		return v
	}
	def := w.doc.Fragments.ForName(name)
	if def == nil || w.visiting[name] {
		return nil
	}
	w.visiting[name] = true
	v := w.names(def.SelectionSet)
	delete(w.visiting, name)
	w.nameCounts[name] = v
	return v
}

func isIntrospection(f *ast.Field) bool { return f.Name == "__schema" || f.Name == "__type" }

func (w *limitWalker) setDepth(set ast.SelectionSet) int {
	deepest := 0
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			d := 1
			if !isIntrospection(s) {
				d += w.setDepth(s.SelectionSet)
			}
			deepest = max(deepest, d)
		case *ast.InlineFragment:
			deepest = max(deepest, w.setDepth(s.SelectionSet))
		case *ast.FragmentSpread:
			deepest = max(deepest, w.fragment(s.Name, w.depth, w.setDepth))
		}
	}
	return deepest
}

func (w *limitWalker) setFields(set ast.SelectionSet) int {
	n := 0
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			switch s.Name {
			case "__schema": // gqlgen's cost leaves the schema out
			case "__type":
				n++
			default:
				n += 1 + w.setFields(s.SelectionSet)
			}
		case *ast.InlineFragment:
			n += w.setFields(s.SelectionSet)
		case *ast.FragmentSpread:
			n += w.fragment(s.Name, w.fields, w.setFields)
		}
		n = min(n, maxFields)
	}
	return n
}

// fragment measures the named fragment once with measure, remembering the result
// in memo; an unknown fragment, or one within itself, measures 0.
func (w *limitWalker) fragment(name string, memo map[string]int, measure func(ast.SelectionSet) int) int {
	if v, ok := memo[name]; ok {
		return v
	}
	def := w.doc.Fragments.ForName(name)
	if def == nil || w.visiting[name] {
		return 0
	}
	w.visiting[name] = true
	v := measure(def.SelectionSet)
	delete(w.visiting, name)
	memo[name] = v
	return v
}

// costLimit refuses an operation whose cost, computed from the validated
// document with the variables, is over limit (when limit > 0), and an anonymous
// operation whose cost its client address's budget cannot pay.
type costLimit struct {
	limit  int
	budget *ratelimit.Limiter
	exempt []netip.Prefix
	es     graphql.ExecutableSchema
	// fixed keeps the cost of each operation whose cost does not depend on
	// its variables (-1 for one whose does). The query cache hands out the
	// same operation for the same document, and computing a cost makes a map
	// for every field of it (about 40 allocations for an article page).
	fixed *otter.Cache[*ast.OperationDefinition, int]
}

func newCostLimit(limit int, budget *ratelimit.Limiter, exempt []netip.Prefix) *costLimit {
	return &costLimit{limit: limit, budget: budget, exempt: exempt,
		fixed: otter.Must(&otter.Options[*ast.OperationDefinition, int]{MaximumSize: queryCacheSize})}
}

// costedFields is what the schema tells of the fields with a cost of their own
// (graph's schema does; see HasCost there).
type costedFields interface {
	HasCost(typeName, field string) bool
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = &costLimit{}

func (*costLimit) ExtensionName() string { return "CostLimit" }

func (c *costLimit) Validate(es graphql.ExecutableSchema) error {
	c.es = es
	return nil
}

func (c *costLimit) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	cost := c.cost(ctx, oc)
	if c.limit > 0 && cost > c.limit {
		return tooComplex(c.limit, cost, "the operation costs %d, over the limit of %d", cost, c.limit)
	}
	return c.spend(ctx, cost)
}

// cost is the operation's cost: kept from an earlier request when it does not
// depend on the variables (no field with a cost of its own takes a variable).
func (c *costLimit) cost(ctx context.Context, oc *graphql.OperationContext) int {
	costed, ok := c.es.(costedFields)
	if !ok {
		return complexity.Calculate(ctx, c.es, oc.Operation, oc.Variables)
	}
	if cost, ok := c.fixed.GetIfPresent(oc.Operation); ok && cost >= 0 {
		return cost
	} else if ok {
		return complexity.Calculate(ctx, c.es, oc.Operation, oc.Variables)
	}
	cost := complexity.Calculate(ctx, c.es, oc.Operation, oc.Variables)
	if variableCost(c.es.Schema(), costed, oc.Operation.SelectionSet) {
		c.fixed.Set(oc.Operation, -1)
	} else {
		c.fixed.Set(oc.Operation, cost)
	}
	return cost
}

// variableCost reports whether a field of set (or under it, through
// fragments) has a cost of its own and an argument that is or holds a
// variable. A field of an interface has its implementations' costs.
func variableCost(schema *ast.Schema, costed costedFields, set ast.SelectionSet) bool {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if s.ObjectDefinition != nil && takesVariable(s.Arguments) && hasCost(schema, costed, s.ObjectDefinition, s.Name) {
				return true
			}
			if variableCost(schema, costed, s.SelectionSet) {
				return true
			}
		case *ast.InlineFragment:
			if variableCost(schema, costed, s.SelectionSet) {
				return true
			}
		case *ast.FragmentSpread:
			if s.Definition != nil && variableCost(schema, costed, s.Definition.SelectionSet) {
				return true
			}
		}
	}
	return false
}

func hasCost(schema *ast.Schema, costed costedFields, def *ast.Definition, field string) bool {
	if def.Kind != ast.Interface && def.Kind != ast.Union {
		return costed.HasCost(def.Name, field)
	}
	for _, t := range schema.GetPossibleTypes(def) {
		if costed.HasCost(t.Name, field) {
			return true
		}
	}
	return false
}

func takesVariable(args ast.ArgumentList) bool {
	for _, a := range args {
		if holdsVariable(a.Value) {
			return true
		}
	}
	return false
}

func holdsVariable(v *ast.Value) bool {
	if v == nil {
		return false
	}
	if v.Kind == ast.Variable {
		return true
	}
	for _, c := range v.Children {
		if holdsVariable(c.Value) {
			return true
		}
	}
	return false
}

// spend takes cost points from the budget of an anonymous viewer's address.
func (c *costLimit) spend(ctx context.Context, cost int) *gqlerror.Error {
	if c.budget == nil || auth.UserFrom(ctx) != nil {
		return nil
	}
	addr := auth.ClientIP(ctx)
	if ip, err := netip.ParseAddr(addr); err == nil {
		for _, p := range c.exempt {
			if p.Contains(ip) {
				return nil
			}
		}
	}
	if _, wait, ok := c.budget.TakeN(addr, cost); !ok {
		secs := max(1, int(math.Ceil(wait.Seconds())))
		return &gqlerror.Error{
			Message:    fmt.Sprintf("this address has spent its query budget; an operation costing %d can run again in %d s", cost, secs),
			Extensions: map[string]any{extensionCode: gqlhttp.CodeRateLimited, extensionRetryAfter: secs, "cost": cost},
		}
	}
	return nil
}
