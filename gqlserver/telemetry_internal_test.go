package gqlserver

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"coursegraph/graph"
	"coursegraph/service"
	"coursegraph/store/storetest"
)

// TestWithoutTelemetryAnOperationCostsLess: with metrics, the debug extensions
// and tracing off (NoTelemetry), the telemetry extension is left out, and an
// operation costs the allocations gqlgen makes for it no more.
func TestWithoutTelemetryAnOperationCostsLess(t *testing.T) {
	svc, err := service.New(storetest.OpenSQLite(t), service.Options{BcryptCost: 4})
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	schema := cannedSchema{graph.NewSchema(svc), json.RawMessage(`{"centre":{"name":"x"}}`)}
	allocs := func(opts HandlerOptions) float64 {
		h := newHandler(schema, svc, log, opts)
		return testing.AllocsPerRun(200, func() {
			req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query":"{ centre { name } }"}`))
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d: %s", rec.Code, rec.Body.String())
			}
		})
	}
	with, without := allocs(HandlerOptions{}), allocs(HandlerOptions{NoTelemetry: true})
	if with-without < 1.5 {
		t.Errorf("an operation allocates %v times without telemetry, %v with it; want 2 fewer", without, with)
	}
}
