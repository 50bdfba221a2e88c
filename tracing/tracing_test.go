package tracing

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"coursegraph/store"

	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
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

// TestRequestSpansLinkAnIncomingTraceAndRecordNoClientData: a traced request
// gets a new root server span named for its method and path, with its status;
// the client's traceparent is a link, never the parent; untraced requests get no
// span; no client address or user agent is recorded.
func TestRequestSpansLinkAnIncomingTraceAndRecordNoClientData(t *testing.T) {
	tr, rec := recording()
	h := tr.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if traced := trace.SpanFromContext(r.Context()).SpanContext().IsValid(); traced != strings.HasPrefix(r.URL.Path, "/graphql") {
			t.Errorf("%s: the handler's context has a span: %v", r.URL.Path, traced)
		}
		if r.URL.Path == "/graphql/fail" {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		_, _ = w.Write([]byte("ok"))
	}), func(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/graphql") })
	const remote = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
	for _, path := range []string{"/graphql", "/graphql/fail", "/healthz"} {
		req := httptest.NewRequest(http.MethodPost, path, nil)
		req.Header.Set("traceparent", remote)
		req.Header.Set("User-Agent", "private-agent")
		req.RemoteAddr = "198.51.100.7:5000"
		h.ServeHTTP(httptest.NewRecorder(), req)
	}
	spans := rec.Ended()
	if len(spans) != 2 {
		t.Fatalf("%d spans; want one per traced request", len(spans))
	}
	ok, failed := spans[0], spans[1]
	if ok.Name() != "POST /graphql" || ok.SpanKind() != trace.SpanKindServer || ok.Parent().IsValid() {
		t.Errorf("span %q kind %v parent %v; want a root server span POST /graphql", ok.Name(), ok.SpanKind(), ok.Parent())
	}
	if links := ok.Links(); len(links) != 1 || links[0].SpanContext.TraceID().String() != "4bf92f3577b34da6a3ce929d0e0e4736" || ok.SpanContext().TraceID() == links[0].SpanContext.TraceID() {
		t.Errorf("links %v; want the client's trace linked, and a trace of the server's own", links)
	}
	attrs := map[string]string{}
	for _, a := range failed.Attributes() {
		attrs[string(a.Key)] = a.Value.Emit()
	}
	if attrs["http.request.method"] != "POST" || attrs["http.response.status_code"] != "503" || failed.Status().Code != codes.Error {
		t.Errorf("the failed request's span: %v %v", attrs, failed.Status())
	}
	for k, v := range attrs {
		if strings.Contains(v, "198.51.100.7") || strings.Contains(v, "private-agent") {
			t.Errorf("attribute %s records client data: %s", k, v)
		}
	}
}
