// Package tracing sets up OpenTelemetry tracing: spans exported over OTLP/HTTP, a
// span for each HTTP request (otelhttp), and one for each SQL statement the store
// runs. The GraphQL operation's and resolvers' spans are graph's; they find the
// tracer through the request's span, so graph needs no setting.
//
// It may import the standard library, OpenTelemetry and store.
package tracing

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"coursegraph/store"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// ServiceName is the service.name of every span.
const ServiceName = "coursegraph"

// Tracing exports spans. It is safe for concurrent use.
type Tracing struct {
	provider *sdktrace.TracerProvider
	tracer   trace.Tracer
}

// ParseEndpoint checks an OTLP endpoint (OTEL_EXPORTER_OTLP_ENDPOINT): an http or
// https URL, to which spans are sent at /v1/traces.
func ParseEndpoint(endpoint string) (string, error) {
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", errors.New("must be an http:// or https:// URL such as http://localhost:4318")
	}
	return strings.TrimSuffix(endpoint, "/") + "/v1/traces", nil
}

// New returns tracing that sends spans, in batches, over OTLP/HTTP (protobuf) to
// endpoint's /v1/traces. Every span is sampled; a request's incoming trace
// context is linked, not followed, since /graphql is public.
func New(ctx context.Context, endpoint string) (*Tracing, error) {
	tracesURL, err := ParseEndpoint(endpoint)
	if err != nil {
		return nil, err
	}
	provider := sdktrace.NewTracerProvider(
		sdktrace.WithBatcher(newOTLPExporter(tracesURL)),
		sdktrace.WithResource(resource.NewSchemaless(attribute.String("service.name", ServiceName))),
	)
	return &Tracing{provider: provider, tracer: provider.Tracer("coursegraph/store")}, nil
}

// Shutdown sends the spans still waiting and stops exporting; ctx bounds the wait.
func (t *Tracing) Shutdown(ctx context.Context) error {
	if err := t.provider.Shutdown(ctx); err != nil {
		return fmt.Errorf("flush spans: %w", err)
	}
	return nil
}

// Handler gives each request that traced accepts a span ("POST /graphql") with
// the request's method, route and status, around next, so that every span of the
// request (the GraphQL operation's, the SQL statements') is below it.
func (t *Tracing) Handler(next http.Handler, traced func(*http.Request) bool) http.Handler {
	return otelhttp.NewHandler(next, "http.request",
		otelhttp.WithTracerProvider(t.provider),
		otelhttp.WithMeterProvider(metricnoop.NewMeterProvider()),
		otelhttp.WithPropagators(propagation.TraceContext{}),
		otelhttp.WithPublicEndpointFn(func(*http.Request) bool { return true }),
		otelhttp.WithFilter(otelhttp.Filter(traced)),
		otelhttp.WithSpanNameFormatter(func(_ string, r *http.Request) string { return r.Method + " " + r.URL.Path }),
	)
}

// Statements returns the store observer that gives each SQL statement run within
// a traced request a span ("SELECT", "INSERT" ...) with its text (placeholders,
// never arguments) and system ("mysql" or "sqlite"). Statements outside a traced
// request (background work) get none.
func (t *Tracing) Statements(system store.Dialect) store.StatementObserver {
	return statements{tracer: t.tracer, system: attribute.String("db.system.name", string(system))}
}

type statements struct {
	tracer trace.Tracer
	system attribute.KeyValue
}

func (s statements) StartStatement(ctx context.Context, kind string) context.Context {
	if !trace.SpanFromContext(ctx).SpanContext().IsSampled() {
		return ctx
	}
	ctx, _ = s.tracer.Start(ctx, "sql "+kind, trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(s.system))
	return ctx
}

func (s statements) EndStatement(ctx context.Context, st store.Statement) {
	span := trace.SpanFromContext(ctx)
	if !span.IsRecording() {
		return
	}
	if verb, _, _ := strings.Cut(strings.TrimSpace(st.SQL), " "); verb != "" && len(verb) <= 10 {
		span.SetName(strings.ToUpper(verb))
	}
	span.SetAttributes(attribute.String("db.query.text", st.SQL))
	if st.Kind == "create" || st.Kind == "update" || st.Kind == "delete" {
		span.SetAttributes(attribute.Int64("db.rows_affected", st.Rows))
	}
	if st.Err != nil {
		// The error's text may quote stored values (a duplicate key's): its
		// type only.
		span.SetAttributes(attribute.String("error.type", fmt.Sprintf("%T", st.Err)))
		span.SetStatus(codes.Error, "statement failed")
	}
	span.End()
}
