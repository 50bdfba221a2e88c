// Package metricstest reads the server's metrics as /metrics serves them, for
// tests. It imports metrics only.
package metricstest

import (
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"coursegraph/metrics"
)

// Value returns the value of series (a metric's name with its labels, as
// /metrics writes it: `coursegraph_rate_limit_refusals_total{limit="x"}`) and
// whether /metrics has it.
func Value(t testing.TB, series string) (float64, bool) {
	t.Helper()
	h, err := metrics.Handler()
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	for line := range strings.SplitSeq(rec.Body.String(), "\n") {
		if v, ok := strings.CutPrefix(line, series+" "); ok {
			n, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatalf("%s: %v", line, err)
			}
			return n, true
		}
	}
	return 0, false
}
