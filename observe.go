package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"

	"coursegraph/gqlserver"
	"coursegraph/metrics"
	"coursegraph/service"
	"coursegraph/store"
	"coursegraph/tracing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// observability is what the server tells its operators, as configured: /metrics on
// METRICS_ADDR, the debug extensions (DEBUG_EXTENSIONS), spans sent to
// OTEL_EXPORTER_OTLP_ENDPOINT and Go's profiles on PPROF_ADDR. Each part that is
// off costs nothing per request.
type observability struct {
	measure bool // metrics or the debug extensions: requests carry a metrics.Request
	debug   bool
	tracing *tracing.Tracing
	server  *http.Server // /metrics
	served  chan error
	pprof   *http.Server // /debug/pprof/
}

// startObservability hooks metrics and tracing into st and, with METRICS_ADDR,
// starts serving /metrics. Call shutdown once the main server is done; on an
// error, nothing is left running.
func startObservability(ctx context.Context, cfg Config, st *store.Store, svc *service.Service, log *slog.Logger) (*observability, error) {
	o := &observability{measure: cfg.Telemetry.MetricsAddr != "" || cfg.Telemetry.DebugExtensions, debug: cfg.Telemetry.DebugExtensions}
	err := o.start(ctx, cfg, st, svc, log)
	if err != nil {
		shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_ = o.shutdown(shutdownCtx)
		return nil, err
	}
	return o, nil
}

// start does startObservability's work, leaving what it started in o.
func (o *observability) start(ctx context.Context, cfg Config, st *store.Store, svc *service.Service, log *slog.Logger) error {
	if cfg.Telemetry.OTLPEndpoint != "" {
		t, err := tracing.New(ctx, cfg.Telemetry.OTLPEndpoint)
		if err != nil {
			return fmt.Errorf("OTEL_EXPORTER_OTLP_ENDPOINT: %w", err)
		}
		o.tracing = t
		st.Observe(t.Statements(st.Dialect()))
		log.Info("tracing: sending spans over OTLP/HTTP")
	}
	if o.measure {
		st.Observe(statementMetrics{})
	}
	if cfg.Telemetry.PprofAddr != "" {
		if err := o.servePprof(cfg.Telemetry.PprofAddr, log); err != nil {
			return err
		}
	}
	if cfg.Telemetry.MetricsAddr == "" {
		return nil
	}
	db, err := st.SQL()
	if err != nil {
		return err
	}
	instance := []prometheus.Collector{collectors.NewDBStatsCollector(db, "coursegraph")}
	if svc.Mail() {
		instance = append(instance, metrics.Outbox(func(ctx context.Context) (int, time.Time, error) {
			b, err := svc.MailBacklog(ctx)
			return b.Count, b.Oldest, err
		}, svc.Now))
	}
	h, err := metrics.Handler(instance...)
	if err != nil {
		return fmt.Errorf("metrics: %w", err)
	}
	ln, err := net.Listen("tcp", cfg.Telemetry.MetricsAddr)
	if err != nil {
		return fmt.Errorf("listen on METRICS_ADDR %s: %w", cfg.Telemetry.MetricsAddr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", h)
	o.server = &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	o.served = make(chan error, 1)
	go func() { o.served <- o.server.Serve(ln) }()
	log.Info("serving metrics", slog.String("addr", "http://"+displayAddr(ln.Addr())+"/metrics"))
	return nil
}

// pprofWriteTimeout bounds a request to PPROF_ADDR, and so the longest CPU
// profile or execution trace it can take (net/http/pprof refuses longer ones).
const pprofWriteTimeout = 10 * time.Minute

// servePprof serves net/http/pprof's handlers under /debug/pprof/ on a
// listener of its own at addr, which must be a loopback address: never on the
// public handler (net/http/pprof also registers itself on
// http.DefaultServeMux, which nothing serves).
func (o *observability) servePprof(addr string, log *slog.Logger) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on PPROF_ADDR %s: %w", addr, err)
	}
	if !loopbackOnly(ln.Addr()) {
		// localhost that resolves elsewhere.
		_ = ln.Close()
		return fmt.Errorf("PPROF_ADDR %s listens on %s, which is not a loopback address", addr, ln.Addr())
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index) // heap, goroutine, allocs, block, mutex ...
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	o.pprof = &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 5 * time.Second,
		WriteTimeout:      pprofWriteTimeout,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	// Serve ends with http.ErrServerClosed when shutdown closes it.
	go func() { _ = o.pprof.Serve(ln) }()
	log.Info("serving Go's profiles", slog.String("addr", "http://"+displayAddr(ln.Addr())+"/debug/pprof/"))
	return nil
}

// handler wraps the server's handler: a span for each /graphql request when
// tracing, and a metrics.Request in its context when measuring.
func (o *observability) handler(next http.Handler) http.Handler {
	h := next
	if o.measure {
		h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/graphql" {
				next.ServeHTTP(w, r)
				return
			}
			req := &metrics.Request{Start: time.Now(), Debug: o.debug, Connection: gqlserver.IsWebSocket(r)}
			next.ServeHTTP(w, r.WithContext(metrics.WithRequest(r.Context(), req)))
		})
	}
	if o.tracing != nil {
		// A WebSocket lives as long as its client: its operations are traced,
		// not the connection.
		h = o.tracing.Handler(h, func(r *http.Request) bool { return r.URL.Path == "/graphql" && !gqlserver.IsWebSocket(r) })
	}
	return h
}

// shutdown stops serving /metrics and the profiles and sends the spans still
// waiting, within ctx. A profile being taken is cut: it would show a server
// shutting down, and must not hold the shutdown up for its seconds.
func (o *observability) shutdown(ctx context.Context) error {
	var errs []error
	if o.pprof != nil {
		if err := o.pprof.Close(); err != nil {
			errs = append(errs, fmt.Errorf("pprof server: %w", err))
		}
	}
	if o.server != nil {
		if err := o.server.Shutdown(ctx); err != nil {
			errs = append(errs, fmt.Errorf("metrics server: %w", err))
		}
		if err := <-o.served; !errors.Is(err, http.ErrServerClosed) {
			errs = append(errs, fmt.Errorf("metrics server: %w", err))
		}
	}
	if o.tracing != nil {
		if err := o.tracing.Shutdown(ctx); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// statementMetrics counts each SQL statement, and adds it to its request's
// measurements.
type statementMetrics struct{}

func (statementMetrics) StartStatement(ctx context.Context, _ string) context.Context { return ctx }

func (statementMetrics) EndStatement(ctx context.Context, st store.Statement) {
	metrics.Statement(ctx, st.Kind, st.Duration)
}
