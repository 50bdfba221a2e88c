// Package metrics holds coursegraph's Prometheus metrics: the process-wide
// collectors every package records into (requests, statements, loader batches,
// the response cache, rate limits, subscriptions), the per-request measurements
// that the debug extensions show, and the /metrics handler.
//
// It may import the standard library and the Prometheus client only, so that any
// package may import it. Recording is safe for concurrent use and cheap (an
// atomic add); nothing is exposed unless the server is given METRICS_ADDR.
package metrics

import (
	"context"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// namespace prefixes every metric of ours.
const namespace = "coursegraph"

// The process-wide collectors, which every package records into (as
// Prometheus's own packages do); they are registered nowhere but in the
// registry each Handler makes, so that no registry is package state and tests
// may run several instances, each with its /metrics, in one process.
var (
	requests = newCounterVec("graphql_requests_total",
		"GraphQL operations answered, by operation name (see README: at most MaxOperationNames names, then \"other\") and outcome (\"ok\" or the first error's code).",
		"operation", "outcome")
	requestDuration = newHistogramVec("graphql_request_duration_seconds",
		"Time from a GraphQL request's arrival to its answer being ready, by operation name.",
		prometheus.DefBuckets, "operation")
	requestStatements = newHistogramVec("graphql_request_sql_statements",
		"SQL statements run for one GraphQL request (the sign-in check included), by operation name.",
		[]float64{0, 1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 64}, "operation")
	requestDBTime = newHistogramVec("graphql_request_db_seconds",
		"Time one GraphQL request spent waiting on SQL statements, by operation name.",
		[]float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5}, "operation")
	statements = newCounterVec("sql_statements_total",
		"SQL statements run, inside requests and outside (background work), by kind (query, create, update, delete, row, raw).",
		"kind")
	loaderBatch = newHistogramVec("loader_batch_keys",
		"Keys fetched by one loader call (a group of sibling keys fetched in one query), by loader.",
		[]float64{1, 2, 5, 10, 20, 50, 100, 200, 500}, "loader")
	cacheHits = newCounter("response_cache_hits_total",
		"Responses answered from the response cache.")
	cacheMisses = newCounter("response_cache_misses_total",
		"Cacheable requests that were not in the response cache.")
	cacheInvalidations = newCounter("response_cache_invalidations_total",
		"Writes that dropped cached responses.")
	cacheInvalidatedTags = newCounter("response_cache_invalidated_tags_total", "Tags (entities and lists) writes invalidated in the response cache.")
	redisErrors          = newCounterVec("redis_errors_total",
		"Redis commands that failed, by the feature that sent them (persisted_queries, response_cache, events, rate_limit).", "feature")
	eventsUndelivered = newCounterVec("events_undelivered_total",
		"Live events (enquiryReceived, commentPosted) that reached no subscriber because the event bus could not carry them (Redis did not take them); the write itself succeeded.", "topic")
	clientClosed = newCounter("client_closed_requests_total",
		"Requests whose client went away before they were answered (answered 499 in the access log; neither a server error nor the database being unavailable).")
	rateLimited = newCounterVec("rate_limit_refusals_total",
		"Actions refused by a rate limit, by limit.", "limit")
	subscriptions = prometheus.NewGauge(prometheus.GaugeOpts{
		Namespace: namespace, Name: "graphql_subscriptions",
		Help: "GraphQL subscriptions open now.",
	})
)

// shared returns the process-wide collectors.
func shared() []prometheus.Collector {
	return []prometheus.Collector{
		requests, requestDuration, requestStatements, requestDBTime, statements, loaderBatch,
		cacheHits, cacheMisses, cacheInvalidations, cacheInvalidatedTags, redisErrors, eventsUndelivered, clientClosed, rateLimited, subscriptions,
	}
}

func newCounter(name, help string) prometheus.Counter {
	return prometheus.NewCounter(prometheus.CounterOpts{Namespace: namespace, Name: name, Help: help})
}

func newCounterVec(name, help string, labels ...string) *prometheus.CounterVec {
	return prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: namespace, Name: name, Help: help}, labels)
}

func newHistogramVec(name, help string, buckets []float64, labels ...string) *prometheus.HistogramVec {
	return prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: namespace, Name: name, Help: help, Buckets: buckets}, labels)
}

// CacheHit counts a response answered from the response cache.
func CacheHit() { cacheHits.Inc() }

// CacheMiss counts a cacheable request that was not in the response cache.
func CacheMiss() { cacheMisses.Inc() }

// CacheInvalidation counts a write that invalidated tags (the entities and lists
// it changed) in the response cache; every answer that read one of them is dropped.
func CacheInvalidation(tags int) {
	cacheInvalidations.Inc()
	cacheInvalidatedTags.Add(float64(tags))
}

// RedisError counts a failed Redis command of feature (a fixed name).
func RedisError(feature string) { redisErrors.WithLabelValues(feature).Inc() }

// ClientClosed counts a request whose client went away before it was answered.
func ClientClosed() { clientClosed.Inc() }

// RateLimited counts an action refused by the rate limit named limit. Limit names
// are fixed in code (ratelimit.Limiter names), never taken from a request.
func RateLimited(limit string) { rateLimited.WithLabelValues(limit).Inc() }

// LoaderBatch records that the loader named loader fetched keys keys in one call.
func LoaderBatch(loader string, keys int) { loaderBatch.WithLabelValues(loader).Observe(float64(keys)) }

// SubscriptionStarted counts a subscription opened; it is counted closed when
// ctx, the subscription's context, ends.
func SubscriptionStarted(ctx context.Context) {
	subscriptions.Inc()
	context.AfterFunc(ctx, subscriptions.Dec)
}

// ObserveRequest records one answered GraphQL request: its operation label (from
// OperationLabel), outcome ("ok" or an error code), and the measurements of req.
func ObserveRequest(operation, outcome string, req *Request, now time.Time) {
	requests.WithLabelValues(operation, outcome).Inc()
	requestDuration.WithLabelValues(operation).Observe(now.Sub(req.Start).Seconds())
	requestStatements.WithLabelValues(operation).Observe(float64(req.Statements()))
	requestDBTime.WithLabelValues(operation).Observe(req.DatabaseTime().Seconds())
}

// Handler serves the metrics in Prometheus's text format: the process-wide ones and
// those of extra, the collectors of one server instance (its database pool, its
// outbox).
func Handler(extra ...prometheus.Collector) (http.Handler, error) {
	registry := prometheus.NewRegistry()
	all := append([]prometheus.Collector{
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	}, shared()...)
	for _, c := range append(all, extra...) {
		if err := registry.Register(c); err != nil {
			return nil, err
		}
	}
	return promhttp.HandlerFor(registry, promhttp.HandlerOpts{
		Timeout:             10 * time.Second,
		MaxRequestsInFlight: 4,
	}), nil
}

// EventUndelivered counts an event of topic (a fixed name) that reached no
// subscriber because the bus could not carry it (Redis did not take it).
func EventUndelivered(topic string) { eventsUndelivered.WithLabelValues(topic).Inc() }
