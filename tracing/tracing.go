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

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
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

// Handler gives each request that traced accepts a server span ("POST /graphql")
// with the request's method, path, scheme and protocol and the response's
// status, around next, so that every span of the request (the GraphQL
// operation's, the SQL statements') is below it. /graphql is public, so an
// incoming trace context is linked, never followed (a client cannot make the
// server's spans part of its trace), and no client address or user agent is
// recorded (they are personal data).
func (t *Tracing) Handler(next http.Handler, traced func(*http.Request) bool) http.Handler {
	tracer := t.provider.Tracer("coursegraph/http")
	propagator := propagation.TraceContext{}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !traced(r) {
			next.ServeHTTP(w, r)
			return
		}
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		opts := []trace.SpanStartOption{
			trace.WithSpanKind(trace.SpanKindServer), trace.WithNewRoot(),
			trace.WithAttributes(
				attribute.String("http.request.method", r.Method), attribute.String("url.path", r.URL.Path),
				attribute.String("http.route", r.URL.Path), attribute.String("url.scheme", scheme),
				attribute.String("network.protocol.version", fmt.Sprintf("%d.%d", r.ProtoMajor, r.ProtoMinor)),
			),
		}
		if remote := trace.SpanContextFromContext(propagator.Extract(r.Context(), propagation.HeaderCarrier(r.Header))); remote.IsValid() {
			opts = append(opts, trace.WithLinks(trace.Link{SpanContext: remote}))
		}
		ctx, span := tracer.Start(r.Context(), r.Method+" "+r.URL.Path, opts...)
		defer span.End()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r.WithContext(ctx))
		span.SetAttributes(attribute.Int("http.response.status_code", sw.status))
		if sw.status >= 500 {
			span.SetStatus(codes.Error, "")
		}
	})
}

// statusWriter keeps the status a handler writes.
type statusWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (w *statusWriter) WriteHeader(status int) {
	if !w.wrote {
		w.status, w.wrote = status, true
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection's own writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

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
