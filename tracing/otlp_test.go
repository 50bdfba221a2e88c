package tracing

import (
	"context"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"
)

// TestSpansReachAnOTLPCollectorAsItsExportRequest: the exporter's body is an
// ExportTraceServiceRequest (decoded with the collector's own type) holding each
// span with its ids, parent, kind, times, attributes of every type, event and
// status, under the service's resource and the tracer's scope; a refusal is an
// error.
func TestSpansReachAnOTLPCollectorAsItsExportRequest(t *testing.T) {
	var mu sync.Mutex
	var got []*coltracepb.ExportTraceServiceRequest
	status := http.StatusOK
	collector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var req coltracepb.ExportTraceServiceRequest
		if r.URL.Path != "/v1/traces" || r.Header.Get("Content-Type") != "application/x-protobuf" || proto.Unmarshal(body, &req) != nil {
			t.Errorf("collector got %s %s %q", r.Method, r.URL.Path, r.Header.Get("Content-Type"))
		}
		mu.Lock()
		got = append(got, &req)
		code := status
		mu.Unlock()
		w.WriteHeader(code)
	}))
	defer collector.Close()
	url, err := ParseEndpoint(collector.URL)
	if err != nil {
		t.Fatal(err)
	}
	exporter := newOTLPExporter(url)
	provider := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exporter),
		sdktrace.WithResource(resource.NewSchemaless(attribute.String("service.name", ServiceName))))
	defer provider.Shutdown(context.Background())
	tracer := provider.Tracer("coursegraph/test")
	ctx, parent := tracer.Start(context.Background(), "POST /graphql", trace.WithSpanKind(trace.SpanKindServer))
	_, child := tracer.Start(ctx, "SELECT", trace.WithAttributes(
		attribute.String("db.system.name", "mysql"), attribute.Int64("rows", 3), attribute.Bool("cached", false),
		attribute.Float64("ratio", 0.5), attribute.StringSlice("tags", []string{"a", "b"})))
	child.AddEvent("retry", trace.WithAttributes(attribute.Int("attempt", 2)))
	child.SetStatus(codes.Error, "failed")
	child.End()
	parent.End()

	mu.Lock()
	defer mu.Unlock()
	if len(got) != 2 {
		t.Fatalf("%d export requests; want one per span (a syncer)", len(got))
	}
	rs := got[0].ResourceSpans
	if len(rs) != 1 || len(rs[0].ScopeSpans) != 1 || len(rs[0].ScopeSpans[0].Spans) != 1 {
		t.Fatalf("request: %v", got[0])
	}
	if a := rs[0].Resource.Attributes; len(a) != 1 || a[0].Key != "service.name" || a[0].Value.GetStringValue() != ServiceName {
		t.Errorf("resource attributes %v", a)
	}
	if rs[0].ScopeSpans[0].Scope.Name != "coursegraph/test" {
		t.Errorf("scope %v", rs[0].ScopeSpans[0].Scope)
	}
	sp := rs[0].ScopeSpans[0].Spans[0]
	psid := parent.SpanContext().SpanID()
	ctid := child.SpanContext().TraceID()
	if sp.Name != "SELECT" || hex.EncodeToString(sp.TraceId) != ctid.String() || hex.EncodeToString(sp.ParentSpanId) != psid.String() ||
		sp.Kind != tracepb.Span_SPAN_KIND_INTERNAL || sp.StartTimeUnixNano == 0 || sp.EndTimeUnixNano < sp.StartTimeUnixNano {
		t.Errorf("span %v", sp)
	}
	attrs := map[string]string{}
	for _, kv := range sp.Attributes {
		attrs[kv.Key] = kv.Value.String()
	}
	want := map[string]string{"db.system.name": `string_value:"mysql"`, "rows": `int_value:3`, "cached": `bool_value:false`, "ratio": `double_value:0.5`}
	for k, v := range want {
		if attrs[k] != v {
			t.Errorf("attribute %s = %q; want %q", k, attrs[k], v)
		}
	}
	if len(sp.Attributes) != 5 || len(sp.Attributes[4].Value.GetArrayValue().GetValues()) != 2 {
		t.Errorf("attributes %v", sp.Attributes)
	}
	if len(sp.Events) != 1 || sp.Events[0].Name != "retry" || sp.Status.Code != tracepb.Status_STATUS_CODE_ERROR || sp.Status.Message != "failed" {
		t.Errorf("events %v, status %v", sp.Events, sp.Status)
	}
	if server := got[1].ResourceSpans[0].ScopeSpans[0].Spans[0]; server.Kind != tracepb.Span_SPAN_KIND_SERVER || len(server.ParentSpanId) != 0 {
		t.Errorf("the parent span: %v", server)
	}

	status = http.StatusServiceUnavailable
	mu.Unlock()
	_, refused := tracer.Start(context.Background(), "refused")
	refused.End()
	err = exporter.ExportSpans(context.Background(), []sdktrace.ReadOnlySpan{refused.(sdktrace.ReadOnlySpan)})
	mu.Lock()
	if err == nil {
		t.Error("a refused batch is not an error")
	}
}
