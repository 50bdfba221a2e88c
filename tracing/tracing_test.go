package tracing

import (
	"context"
	"errors"
	"strings"
	"testing"

	"coursegraph/store"

	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

// recording returns Tracing whose spans are kept by the returned recorder.
func recording() (*Tracing, *tracetest.SpanRecorder) {
	rec := tracetest.NewSpanRecorder()
	provider := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	return &Tracing{provider: provider, tracer: provider.Tracer("coursegraph/store")}, rec
}

func TestStatementSpansAreChildrenOfTheRequestAndHideArgumentsAndErrors(t *testing.T) {
	tr, rec := recording()
	obs := tr.Statements(store.MySQL)
	ctx, request := tr.provider.Tracer("test").Start(context.Background(), "request")

	sctx := obs.StartStatement(ctx, "create")
	obs.EndStatement(sctx, store.Statement{Kind: "create", SQL: "INSERT INTO `users` (`email`) VALUES (?)", Rows: 0,
		Err: errors.New("Error 1062: Duplicate entry 'someone@example.com' for key 'email'")})
	sctx = obs.StartStatement(ctx, "row")
	obs.EndStatement(sctx, store.Statement{Kind: "row", SQL: "SELECT id FROM courses WHERE slug = ?"})
	request.End()
	// Outside a traced request (background work): no span.
	bctx := obs.StartStatement(context.Background(), "row")
	obs.EndStatement(bctx, store.Statement{Kind: "row", SQL: "SELECT 1"})

	spans := rec.Ended()
	if len(spans) != 3 {
		t.Fatalf("%d spans; want the request's and its 2 statements'", len(spans))
	}
	insert, sel := spans[0], spans[1]
	for _, sp := range []sdktrace.ReadOnlySpan{insert, sel} {
		if sp.Parent().SpanID() != request.SpanContext().SpanID() {
			t.Errorf("span %q is not the request's child", sp.Name())
		}
	}
	if insert.Name() != "INSERT" || sel.Name() != "SELECT" {
		t.Errorf("span names %q, %q; want INSERT and SELECT", insert.Name(), sel.Name())
	}
	if insert.Status().Code != codes.Error || strings.Contains(insert.Status().Description, "someone") {
		t.Errorf("failed statement's status = %+v; want an error without the message", insert.Status())
	}
	attrs := map[string]string{}
	for _, a := range insert.Attributes() {
		attrs[string(a.Key)] = a.Value.Emit()
	}
	if attrs["db.system.name"] != "mysql" || attrs["db.query.text"] != "INSERT INTO `users` (`email`) VALUES (?)" || attrs["error.type"] != "*errors.errorString" {
		t.Errorf("insert attributes = %v", attrs)
	}
	for k, v := range attrs {
		if strings.Contains(v, "someone@example.com") {
			t.Errorf("attribute %s shows the error's text: %s", k, v)
		}
	}
}

func TestEndpointsMustBeHTTPURLs(t *testing.T) {
	for endpoint, want := range map[string]string{
		"http://localhost:4318":      "http://localhost:4318/v1/traces",
		"https://otel.example/base/": "https://otel.example/base/v1/traces",
		"localhost:4318":             "",
		"grpc://collector:4317":      "",
	} {
		got, err := ParseEndpoint(endpoint)
		if got != want || (err == nil) != (want != "") {
			t.Errorf("ParseEndpoint(%q) = %q, %v; want %q", endpoint, got, err, want)
		}
	}
}
