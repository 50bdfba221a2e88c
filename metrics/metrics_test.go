package metrics_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"coursegraph/metrics"

	"github.com/prometheus/client_golang/prometheus"
)

// scrape serves the metrics once and returns each sample by name and labels.
func scrape(t *testing.T, extra ...prometheus.Collector) map[string]float64 {
	t.Helper()
	h, err := metrics.Handler(extra...)
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != 200 {
		t.Fatalf("/metrics = %d %s", rec.Code, rec.Body)
	}
	samples := map[string]float64{}
	for line := range strings.SplitSeq(rec.Body.String(), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			t.Fatalf("bad sample %q", line)
		}
		samples[line[:i]] = v
	}
	return samples
}

func TestTheCacheRateLimitAndLoaderCountersMove(t *testing.T) {
	before := scrape(t)
	metrics.CacheHit()
	metrics.CacheHit()
	metrics.CacheMiss()
	metrics.CacheInvalidation(3)
	metrics.CacheInvalidation(0)
	metrics.RateLimited("test_limit")
	metrics.LoaderBatch("test_loader", 7)
	after := scrape(t)
	for name, want := range map[string]float64{
		"coursegraph_response_cache_hits_total":                     2,
		"coursegraph_response_cache_misses_total":                   1,
		"coursegraph_response_cache_invalidations_total":            2,
		"coursegraph_response_cache_invalidated_tags_total":         3,
		`coursegraph_rate_limit_refusals_total{limit="test_limit"}`: 1,
		`coursegraph_loader_batch_keys_sum{loader="test_loader"}`:   7,
		`coursegraph_loader_batch_keys_count{loader="test_loader"}`: 1,
	} {
		if got := after[name] - before[name]; got != want {
			t.Errorf("%s went up by %v; want %v", name, got, want)
		}
	}
}

func TestOpenSubscriptionsAreCountedUntilTheirContextEnds(t *testing.T) {
	before := scrape(t)["coursegraph_graphql_subscriptions"]
	ctx, cancel := context.WithCancel(context.Background())
	metrics.SubscriptionStarted(ctx)
	if got := scrape(t)["coursegraph_graphql_subscriptions"]; got != before+1 {
		t.Fatalf("subscriptions = %v with one open; want %v", got, before+1)
	}
	cancel()
	deadline := time.Now().Add(5 * time.Second)
	for scrape(t)["coursegraph_graphql_subscriptions"] != before {
		if time.Now().After(deadline) {
			t.Fatal("the subscription was still counted after its context ended")
		}
		runtime.Gosched() // context.AfterFunc runs in a goroutine of its own
	}
}

func TestOperationNamesGetALabelUpToTheCapThenOther(t *testing.T) {
	names := metrics.NewOperationNames(2)
	for _, c := range []struct {
		name  string
		admit bool
		want  string
	}{
		{"", true, "anonymous"},
		{"NotValidated", false, "other"},
		{"First", true, "First"},
		{"Second", true, "Second"},
		{"Third", true, "other"},
		{"First", false, "First"},
		{"NotValidated", true, "other"},
	} {
		if got := names.Label(c.name, c.admit); got != c.want {
			t.Errorf("Label(%q, admit %v) = %q; want %q", c.name, c.admit, got, c.want)
		}
	}
}

func TestTheOutboxBacklogIsReadAtEachScrape(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	count, oldest, fail := 3, now.Add(-90*time.Second), error(nil)
	outbox := metrics.Outbox(func(context.Context) (int, time.Time, error) { return count, oldest, fail }, func() time.Time { return now })
	got := scrape(t, outbox)
	if got["coursegraph_outbox_backlog"] != 3 || got["coursegraph_outbox_oldest_age_seconds"] != 90 {
		t.Errorf("backlog %v, age %v; want 3 and 90", got["coursegraph_outbox_backlog"], got["coursegraph_outbox_oldest_age_seconds"])
	}
	count, oldest = 0, time.Time{}
	if got := scrape(t, outbox); got["coursegraph_outbox_backlog"] != 0 || got["coursegraph_outbox_oldest_age_seconds"] != 0 {
		t.Errorf("an empty outbox shows backlog %v, age %v", got["coursegraph_outbox_backlog"], got["coursegraph_outbox_oldest_age_seconds"])
	}
	fail = errors.New("database down")
	if _, ok := scrape(t, outbox)["coursegraph_outbox_backlog"]; ok {
		t.Error("a backlog that could not be read is shown")
	}
}

func TestARequestAddsUpItsStatementsAndKeepsItsCacheStatus(t *testing.T) {
	req := &metrics.Request{Start: time.Now(), Debug: true}
	ctx := metrics.WithRequest(context.Background(), req)
	metrics.Statement(ctx, "query", 3*time.Millisecond)
	metrics.Statement(ctx, "row", 2*time.Millisecond)
	metrics.Statement(context.Background(), "row", time.Second) // another request's
	if req.Statements() != 2 || req.DatabaseTime() != 5*time.Millisecond {
		t.Errorf("request: %d statements, %v; want 2 and 5ms", req.Statements(), req.DatabaseTime())
	}
	if req.CacheStatus() != metrics.CacheOff {
		t.Errorf("cache status %q before the cache said anything; want off", req.CacheStatus())
	}
	metrics.SetCacheStatus(ctx, "hit")
	metrics.SetCacheStatus(context.Background(), "miss") // not measured: a no-op
	if req.CacheStatus() != "hit" {
		t.Errorf("cache status %q; want hit", req.CacheStatus())
	}
	if op := req.PerOperation(time.Now()); !op.Debug || op.Statements() != 0 || op.CacheStatus() != metrics.CacheOff {
		t.Errorf("a WebSocket operation's request starts afresh with the connection's Debug: %+v", op)
	}
}
