package gqlserver

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"coursegraph/graph"
	"coursegraph/logging"
	"coursegraph/models"
	"coursegraph/service"
	"coursegraph/store/storetest"
)

// panicking is the real resolver root with one query that panics.
type panicking struct{ graph.ResolverRoot }

func (p panicking) Query() graph.QueryResolver { return panickingQuery{p.ResolverRoot.Query()} }

type panickingQuery struct{ graph.QueryResolver }

func (panickingQuery) Centre(context.Context) (*models.Centre, error) {
	panic("boom: mysql://app:s3cret@db/cg")
}

func TestPanicIsAnInternalErrorWithoutDetailsAndIsLoggedWithTheRequestID(t *testing.T) {
	svc, err := service.New(storetest.OpenSQLite(t), service.Options{BcryptCost: 4})
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	log, err := logging.New(&logs, "json", slog.LevelInfo)
	if err != nil {
		t.Fatal(err)
	}
	h := logging.Middleware(log, newHandler(graph.Schema(panicking{&graph.Resolver{Service: svc}}), svc, log, HandlerOptions{}))
	req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query":"{ centre { name } }"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(logging.RequestIDHeader, "req-123")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)

	var resp struct {
		Errors []struct {
			Message    string
			Extensions map[string]any
		}
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil || len(resp.Errors) != 1 {
		t.Fatalf("response: %s", rec.Body.String())
	}
	if e := resp.Errors[0]; e.Message != "internal error" || e.Extensions["code"] != "INTERNAL_SERVER_ERROR" {
		t.Errorf("error = %+v", e)
	}
	if strings.Contains(rec.Body.String(), "s3cret") || strings.Contains(rec.Body.String(), "goroutine") {
		t.Errorf("response leaks the panic: %s", rec.Body.String())
	}
	if n := strings.Count(logs.String(), `"msg":"panic in resolver"`); n != 1 || !strings.Contains(logs.String(), `"request_id":"req-123"`) || !strings.Contains(logs.String(), "goroutine") {
		t.Errorf("want the panic logged once with its stack and request id; logs:\n%s", logs.String())
	}
	if strings.Contains(logs.String(), `"msg":"resolve field"`) {
		t.Errorf("the panic was logged twice:\n%s", logs.String())
	}
}
