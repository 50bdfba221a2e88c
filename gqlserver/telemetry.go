package gqlserver

import (
	"context"
	"time"

	"coursegraph/metrics"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// telemetry measures and traces each GraphQL operation. It is the outermost
// extension, so that what it measures includes every other one.
//
//   - Metrics: each answered operation but a subscription's events is counted by
//     operation name and outcome, with its time and its SQL statements, when the
//     request carries a metrics.Request (METRICS_ADDR or DEBUG_EXTENSIONS; see
//     the server's wiring). With DEBUG_EXTENSIONS the response's extensions.debug
//     shows its statements, database time and cache status. Open subscriptions
//     are counted.
//   - Tracing: when the request has a sampled span (OTEL_EXPORTER_OTLP_ENDPOINT),
//     a span for the operation; resolverSpans gives the resolvers theirs, and the
//     SQL statements they run are spans of the store's, below them.
//
// No span or metric records a document, variables or results: they may hold
// passwords and personal data. With metrics, the debug extensions and tracing
// all off, the server leaves it out (HandlerOptions.NoTelemetry).
type telemetry struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationInterceptor
	graphql.ResponseInterceptor
} = telemetry{}

// tracerName names the tracer of the GraphQL spans.
const tracerName = "coursegraph/graph"

// debugExtension is the key of the debug measurements in a response's extensions.
const debugExtension = "debug"

func (telemetry) ExtensionName() string { return "Telemetry" }

func (telemetry) Validate(graphql.ExecutableSchema) error { return nil }

// InterceptOperation counts open subscriptions: each is counted from its start
// until its context ends (the client completes it or goes away).
func (telemetry) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	if oc := graphql.GetOperationContext(ctx); oc.Operation != nil && oc.Operation.Operation == ast.Subscription {
		metrics.SubscriptionStarted(ctx)
	}
	return next(ctx)
}

// InterceptResponse wraps one response (one per query or mutation, one per
// subscription event) in the operation's span, and records it in the request
// metrics and the debug extensions.
func (telemetry) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	var oc *graphql.OperationContext
	if graphql.HasOperationContext(ctx) {
		oc = graphql.GetOperationContext(ctx)
	}
	opType, opName := operationOf(oc)
	if parent := trace.SpanFromContext(ctx); parent.SpanContext().IsSampled() {
		var span trace.Span
		ctx, span = parent.TracerProvider().Tracer(tracerName).Start(ctx, spanName(opType, opName),
			trace.WithAttributes(attribute.String("graphql.operation.type", opType), attribute.String("graphql.operation.name", opName)))
		defer span.End()
		next = spanOutcome(span, next)
	}
	req := metrics.RequestFrom(ctx)
	if req == nil || opType == string(ast.Subscription) {
		return next(ctx)
	}
	if req.Connection {
		req = req.PerOperation(time.Now())
		ctx = metrics.WithRequest(ctx, req)
	}
	resp := next(ctx)
	admit := oc != nil && oc.Operation != nil
	metrics.ObserveRequest(metrics.OperationLabel(opName, admit), outcome(resp), req, time.Now())
	if req.Debug && resp != nil {
		if resp.Extensions == nil {
			resp.Extensions = map[string]any{}
		}
		resp.Extensions[debugExtension] = map[string]any{
			"sqlStatements":  req.Statements(),
			"databaseMillis": float64(req.DatabaseTime().Microseconds()) / 1000,
			"cache":          req.CacheStatus(),
		}
	}
	return resp
}

// operationOf returns the type (query, mutation, subscription) and name of the
// operation; before the document is parsed, the name the request gave and an
// empty type.
func operationOf(oc *graphql.OperationContext) (opType, name string) {
	switch {
	case oc == nil:
		return "", ""
	case oc.Operation != nil:
		return string(oc.Operation.Operation), oc.Operation.Name
	default:
		return "", oc.OperationName
	}
}

// spanName is the operation span's name, as OpenTelemetry's GraphQL conventions
// have it: "query Catalogue", or "query" for an anonymous one ("graphql" before
// the document is parsed).
func spanName(opType, name string) string {
	if opType == "" {
		opType = "graphql"
	}
	if name == "" {
		return opType
	}
	const maxName = 100
	if len(name) > maxName {
		name = name[:maxName]
	}
	return opType + " " + name
}

// spanOutcome marks span failed when the response has errors, with the first
// error's code (never its message, which may quote input).
func spanOutcome(span trace.Span, next graphql.ResponseHandler) graphql.ResponseHandler {
	return func(ctx context.Context) *graphql.Response {
		resp := next(ctx)
		if o := outcome(resp); o != outcomeOK {
			span.SetAttributes(attribute.String("graphql.error.code", o))
			span.SetStatus(codes.Error, o)
		}
		return resp
	}
}

// outcomeOK is the outcome of a response without errors.
const outcomeOK = "ok"

// outcome is "ok" for a response without errors, else its first error's code
// (codes are set by the server, never by clients, so they are a bounded set), or
// "error" for an error without one.
func outcome(resp *graphql.Response) string {
	if resp == nil || len(resp.Errors) == 0 {
		return outcomeOK
	}
	if code, ok := resp.Errors[0].Extensions[extensionCode].(string); ok && code != "" && len(code) <= 40 {
		return code
	}
	return "error"
}

// resolverSpans gives each field that a resolver method answers (the fields that
// may do I/O) a span of its own, below the operation's or its parent field's,
// when the request is traced; other fields (model fields and methods, which do no
// I/O) are left alone. It is used only with HandlerOptions.TraceResolvers: any
// field interceptor costs gqlgen an allocation per field.
type resolverSpans struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.FieldInterceptor
} = resolverSpans{}

func (resolverSpans) ExtensionName() string { return "ResolverSpans" }

func (resolverSpans) Validate(graphql.ExecutableSchema) error { return nil }

// InterceptField starts the field's span when its resolver is a method and the
// request has a sampled span.
func (resolverSpans) InterceptField(ctx context.Context, next graphql.Resolver) (any, error) {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || !fc.IsResolver {
		return next(ctx)
	}
	// A field's children are resolved after its resolver returned, so their
	// parent span has ended: it is still their parent.
	parent := trace.SpanFromContext(ctx)
	if !parent.SpanContext().IsSampled() {
		return next(ctx)
	}
	ctx, span := parent.TracerProvider().Tracer(tracerName).Start(ctx, fc.Object+"."+fc.Field.Name,
		trace.WithAttributes(attribute.String("graphql.field.path", fc.Path().String())))
	defer span.End()
	res, err := next(ctx)
	if err != nil {
		span.SetStatus(codes.Error, "resolver failed")
	}
	return res, err
}
