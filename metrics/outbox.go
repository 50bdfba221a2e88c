package metrics

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

var (
	outboxBacklogDesc = prometheus.NewDesc(namespace+"_outbox_backlog",
		"Mail notices queued in the outbox and not delivered yet.", nil, nil)
	outboxAgeDesc = prometheus.NewDesc(namespace+"_outbox_oldest_age_seconds",
		"How long the oldest undelivered mail notice has waited (0 when none waits).", nil, nil)
)

// outboxCollector reads the outbox's backlog at each scrape (one small indexed
// query), so that the figures are never older than the scrape.
type outboxCollector struct {
	backlog func(context.Context) (count int, oldest time.Time, err error)
	now     func() time.Time
}

// Outbox returns a collector of the mail outbox's backlog and the age of its oldest
// message, read through backlog at each scrape (within 2 seconds; a scrape that
// cannot read it has neither figure) with now as the clock.
func Outbox(backlog func(context.Context) (count int, oldest time.Time, err error), now func() time.Time) prometheus.Collector {
	return outboxCollector{backlog: backlog, now: now}
}

func (c outboxCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- outboxBacklogDesc
	ch <- outboxAgeDesc
}

func (c outboxCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	n, oldest, err := c.backlog(ctx)
	if err != nil {
		return
	}
	age := 0.0
	if n > 0 && !oldest.IsZero() {
		age = max(c.now().Sub(oldest).Seconds(), 0)
	}
	ch <- prometheus.MustNewConstMetric(outboxBacklogDesc, prometheus.GaugeValue, float64(n))
	ch <- prometheus.MustNewConstMetric(outboxAgeDesc, prometheus.GaugeValue, age)
}
