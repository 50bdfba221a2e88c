package ratelimit_test

import (
	"testing"
	"time"

	"coursegraph/metrics/metricstest"
	"coursegraph/ratelimit"
)

// refusals reads coursegraph_rate_limit_refusals_total{limit=name} from /metrics.
func refusals(t *testing.T, name string) float64 {
	t.Helper()
	n, _ := metricstest.Value(t, `coursegraph_rate_limit_refusals_total{limit="`+name+`"}`)
	return n
}

func TestANamedLimitersRefusalsAreCounted(t *testing.T) {
	c := &clock{t: time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)}
	named := ratelimit.New(2, time.Minute, c.now).Named("test_named")
	unnamed := ratelimit.New(1, time.Minute, c.now)
	before := refusals(t, "test_named")
	named.Allow("a")
	named.Allow("a")
	named.Allow("a")                          // refused
	named.Take("a")                           // refused
	named.TakeN("b", 3)                       // more than the burst: refused
	if _, _, ok := named.TakeN("b", 2); !ok { // allowed: not counted
		t.Fatal("a fresh key could not take its burst")
	}
	unnamed.Allow("a")
	unnamed.Allow("a") // refused, but unnamed
	if got := refusals(t, "test_named") - before; got != 3 {
		t.Errorf("%v refusals counted; want 3", got)
	}
	if got := refusals(t, ""); got != 0 {
		t.Errorf("an unnamed limiter's refusals were counted (%v)", got)
	}
}
