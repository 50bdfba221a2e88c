// Command coursegraph is the GraphQL API server of a computer-training centre.
//
//	coursegraph [serve] [flags]           run the server (the default)
//	coursegraph migrate [flags]           apply pending database migrations
//	coursegraph seed [flags]              write the demo data (idempotent)
//	coursegraph schema                    print the GraphQL schema the server serves
//	coursegraph backup FILE               copy the embedded database, while it runs
//	coursegraph restore FILE              put a backup back (server stopped)
//	coursegraph user create ...           add a user (password prompted for, or on stdin)
//	coursegraph user reset-password ...   set a user's password, signing them out
//	coursegraph version                   print the version and VCS revision
//	coursegraph help                      list the commands (also -h, --help)
//
// Configuration comes from the environment, overridden by flags: see config.go and
// the README. The command table is in commands.go.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"coursegraph/gqlserver"
	"coursegraph/gqlserver/respcache"
	"coursegraph/instant"
	"coursegraph/logging"
	"coursegraph/metrics"
	"coursegraph/models"
	"coursegraph/persisted"
	"coursegraph/ratelimit"
	"coursegraph/readroute"
	"coursegraph/redisconn"
	"coursegraph/service"
	"coursegraph/store"
	"coursegraph/store/seed"

	"github.com/go-sql-driver/mysql"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "coursegraph:", err)
	}
	stop()
	os.Exit(exitCode(err))
}

// HTTP limits.
const (
	shutdownTimeout = 20 * time.Second
)

// run is the whole program: it reads the command line and runs the command it
// names (serve when it names none) from the one command table, commands. It
// returns when ctx is cancelled (after a graceful shutdown) or on a fatal
// error; a mistake in the command line is a *usageError (exit status 2).
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	std := stdio{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	name := "serve"
	switch {
	case len(args) > 0 && isHelpFlag(args[0]):
		// `coursegraph -h` asks for the commands; `coursegraph serve -h` for the flags.
		name, args = "help", nil
	case len(args) > 1 && args[0] == "user" && !strings.HasPrefix(args[1], "-"):
		name, args = "user "+args[1], args[2:]
	case len(args) > 0 && !strings.HasPrefix(args[0], "-"):
		name, args = args[0], args[1:]
	}
	for _, c := range commandTable() {
		if c.name == name {
			return c.run(ctx, std, args)
		}
	}
	usage(stderr)
	if strings.HasPrefix(name, "user") {
		return usageErrorf("usage: coursegraph user create|reset-password [flags]")
	}
	return usageErrorf("unknown command %q", name)
}

// configure reads the configuration from the environment and args (flags) and
// makes the log; help (-h) is errHelp, handled by the caller as success.
func configure(std stdio, args []string) (Config, *slog.Logger, error) {
	cfg, err := loadConfig(args, std.getenv, std.stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return Config{}, nil, err
		}
		return Config{}, nil, fmt.Errorf("configuration: %w", err)
	}
	log, err := logging.New(std.stderr, cfg.Log.Format, cfg.Log.Level)
	if err != nil {
		return Config{}, nil, err
	}
	for _, s := range cfg.UnknownSettings {
		log.Warn("unknown setting, ignored: coursegraph reads no such environment variable", slog.String("setting", s))
	}
	// The MySQL driver reports dropped connections on its own logger: send them
	// to ours, at WARN, instead of unstructured lines on stderr.
	_ = mysql.SetLogger(slog.NewLogLogger(log.Handler(), slog.LevelWarn))
	tuneGC(std.getenv)
	return cfg, log, nil
}

// helpIsSuccess turns a -h that printed the flags into success.
func helpIsSuccess(err error) error {
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	return err
}

// runServe is `coursegraph serve`: the port first, so that a second server
// started by mistake stops before it migrates, seeds, creates a demo admin or
// prints a one-time password that would not work; then the database, prepared,
// the first admin, and serving until ctx ends.
func runServe(ctx context.Context, std stdio, args []string) error {
	cfg, log, err := configure(std, args)
	if err != nil {
		return helpIsSuccess(err)
	}
	ln, err := listen(cfg.HTTP.Addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	// The demo admin's password (of a new embedded database) is hashed in the
	// background while the engine compiles and the database is prepared, and the
	// equal-time dummy once the server is up: a quarter of a second each that
	// the first answer need not wait for.
	demoPassword := ""
	if demoAdminWanted(cfg) {
		demoPassword = newDemoPassword()
	}
	a, err := openApp(ctx, cfg, log, appNeeds{redis: true, prehash: demoPassword, replicas: true})
	if err != nil {
		return err
	}
	defer a.close()
	if err := prepare(ctx, cfg, a.st, log); err != nil {
		return err
	}
	if err := bootstrapAdmin(ctx, cfg, a.svc, demoPassword, log); err != nil {
		return err
	}
	go a.passwords.Warm()
	// serve returns once requests and background work are done: only then does
	// a.close close the pool.
	return serve(ctx, a, std.stdout, ln)
}

// prepare migrates and seeds the embedded database on start; a MySQL database must
// be migrated with `coursegraph migrate` first, so that schema changes are a
// deliberate step in production.
func prepare(ctx context.Context, cfg Config, st *store.Store, log *slog.Logger) error {
	if !cfg.Embedded() {
		pending, err := st.HasPendingMigrations(ctx)
		if err != nil {
			return err
		}
		if pending {
			return errors.New("the database has pending migrations: run `coursegraph migrate` (or `go run . migrate`) first")
		}
		return nil
	}
	if n, err := st.Migrate(ctx); err != nil {
		return err
	} else if n > 0 {
		log.Info("migrated embedded database", slog.Int("applied", n))
	}
	empty, err := seed.IsEmpty(ctx, st)
	if err != nil {
		return err
	}
	if empty {
		if err := seed.Run(ctx, st); err != nil {
			return fmt.Errorf("seed: %w", err)
		}
		log.Info("seeded demo data into the new embedded database")
	}
	return nil
}

// serve answers on ln until ctx ends and runs the background work (the
// outbox). Then it shuts down in order: it stops being ready and, for
// cfg.HTTP.ShutdownDrain, keeps answering with "Connection: close" so that clients
// and load balancers move away without a request cut; it stops accepting and
// finishes in-flight requests; it closes WebSockets; and it lets a mail delivery
// in progress finish (or, at the shutdown deadline, cuts it and releases its
// message for a retry). It returns only when all of that is done, so that the
// caller may close the database. Metrics and tracing (see observability) start
// first and stop after all that.
// a's Redis client, when set, is shared by the persisted queries, the response
// cache, the event bus and the rate limits (nil when off).
func serve(ctx context.Context, a *app, stdout io.Writer, ln net.Listener) error {
	cfg, st, svc, cache, rdb, log := a.cfg, a.st, a.svc, a.cache, a.rdb, a.log
	obs, err := startObservability(ctx, cfg, st, svc, log)
	if err != nil {
		return err
	}
	defer func() {
		// Last: /metrics answers, and spans are kept, until everything else is done.
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if obsErr := obs.shutdown(shutdownCtx); obsErr != nil {
			log.Warn("shutting down metrics and tracing", slog.Any("error", obsErr))
		}
	}()
	var (
		draining   atomic.Bool
		webSockets sync.WaitGroup
		work       sync.WaitGroup
	)
	// Requests get a context that ends only after shutdown, when WebSockets
	// (which Shutdown does not wait for) must go.
	base, closeWebSockets := context.WithCancel(context.WithoutCancel(ctx))
	defer closeWebSockets()
	var documents persisted.Store // in memory, unless Redis is shared
	var busConnected func() bool
	if a.events != nil {
		a.events.Start() // stopped by a.close, after the WebSockets
		busConnected = a.events.Connected
	}
	if rdb != nil {
		documents = persisted.Redis(rdb, "coursegraph:apq:", persistedQueryTTL, redisErrors(log, "persisted_queries", svc.Now))
	}
	srv := &http.Server{
		Handler: gqlserver.Routes(svc, log, gqlserver.RoutesOptions{
			GraphQL: gqlserver.HandlerOptions{
				Introspection: cfg.HTTP.Introspection, TrustedProxies: cfg.HTTP.TrustedProxies, WebSocketOrigins: cfg.HTTP.webSocketOrigins(),
				RequestTimeout: cfg.HTTP.RequestTimeout, Limits: cfg.Limits.Query, TraceResolvers: cfg.Telemetry.OTLPEndpoint != "",
				NoTelemetry: !obs.measure && obs.tracing == nil, Budget: cfg.Limits.AnonymousCost.points("anonymous_cost_per_address", a.limits),
				BudgetExempt: cfg.Limits.AnonymousCostExempt, Documents: documents, Trusted: cfg.HTTP.TrustedDocuments, TrustedStaffFree: cfg.HTTP.TrustedDocumentsStaff, Cache: cache,
				WriteMarks: writeMarks(cfg, rdb, log, svc),
			},
			CORSOrigins: cfg.HTTP.CORSOrigins, Playground: cfg.HTTP.Playground, Replicas: replicaStates(st),
			Draining: draining.Load, WebSockets: &webSockets, Observe: obs.handler, EventBusConnected: busConnected,
		}),
		BaseContext:       func(net.Listener) context.Context { return base },
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		// Longer than a request may take, so that a request cut by its deadline
		// is still answered (SERVICE_UNAVAILABLE) rather than dropped.
		WriteTimeout: cfg.HTTP.RequestTimeout + 10*time.Second,
		IdleTimeout:  120 * time.Second,
		ErrorLog:     slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	url := "http://" + displayAddr(ln.Addr())
	var notes []string
	if cfg.HTTP.Playground {
		notes = append(notes, "playground at "+url+"/")
	}
	if loopbackOnly(ln.Addr()) {
		notes = append(notes, "this machine only: set ADDR=0.0.0.0:PORT to listen on every interface")
	}
	if len(notes) > 0 {
		fmt.Fprintf(stdout, "coursegraph: GraphQL at %s/graphql (%s)\n", url, strings.Join(notes, "; "))
	} else {
		fmt.Fprintf(stdout, "coursegraph: GraphQL at %s/graphql\n", url)
	}
	log.Info("serving", slog.String("addr", ln.Addr().String()), slog.String("env", cfg.Env), slog.String("database", cfg.Database.masked()))

	// A delivery in progress is not cut by ctx: it finishes, or is cut at the
	// shutdown deadline through cutMail.
	mailCtx, cutMail := context.WithCancel(context.WithoutCancel(ctx))
	defer cutMail()
	// Background work reads what it is about to change: on the primary.
	workCtx, mailCtx := readroute.Primary(ctx), readroute.Primary(mailCtx)
	if svc.Mail() {
		work.Go(func() { deliverMail(workCtx, mailCtx, svc, log, cfg.Mail.PollInterval) })
	}
	if cfg.Database.Backup.Dir != "" {
		work.Go(func() { keepBackups(workCtx, st, cfg.Database.Backup, svc.Now, log) })
	}
	if !cfg.Retention.Off() {
		work.Go(func() { applyRetention(workCtx, svc, cfg.Retention, log, retentionEvery) })
	}
	work.Go(func() { st.WatchReplicas(workCtx) })

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	var serveErr error
	select {
	case err := <-errc:
		serveErr = fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing in-flight requests and background work", slog.Duration("drain", cfg.HTTP.ShutdownDrain))
	draining.Store(true)
	if serveErr == nil && cfg.HTTP.ShutdownDrain > 0 {
		t := time.NewTimer(cfg.HTTP.ShutdownDrain)
		<-t.C
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && serveErr == nil {
		serveErr = fmt.Errorf("shutdown: %w", err)
	}
	closeWebSockets()
	waitUntil(shutdownCtx, &webSockets, func() {})
	waitUntil(shutdownCtx, &work, func() {
		log.Warn("shutting down: cutting the mail delivery in progress; its message will be retried")
		cutMail()
	})
	return serveErr
}

// waitUntil waits for wg; if ctx ends first, it calls cut and waits on.
func waitUntil(ctx context.Context, wg *sync.WaitGroup, cut func()) {
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		cut()
		<-done
	}
}

// redisErrors reports the Redis errors of feature: each is counted in /metrics
// (redis_errors_total) and logged at WARN, once a minute at most, so that an
// outage shows without flooding the log.
func redisErrors(log *slog.Logger, feature string, now func() time.Time) func(error) {
	logged := ratelimit.New(1, time.Minute, now)
	return func(err error) {
		metrics.RedisError(feature)
		if logged.Allow(feature) {
			log.Warn("Redis failed (further failures this minute are counted, not logged)", slog.String("feature", feature), slog.Any("error", err))
		}
	}
}

// persistedQueryTTL is how long Redis keeps a persisted query after its last
// registration.
const persistedQueryTTL = 24 * time.Hour

// deliverMail sends the outbox's due mail every interval until stop ends. Each
// pass runs with ctx, which outlives stop so that a delivery in progress can
// finish. Every failed attempt is logged at WARN.
func deliverMail(stop, ctx context.Context, svc *service.Service, log *slog.Logger, interval time.Duration) {
	every(stop, interval, false, func() {
		report, err := svc.DeliverMail(ctx)
		for _, f := range report.Failed {
			log.WarnContext(ctx, "mail delivery failed", slog.Uint64("outbox_id", uint64(f.ID)), slog.Int("attempt", f.Attempt),
				slog.Time("next_attempt", f.NextAttempt), slog.Any("error", f.Err))
		}
		if err != nil {
			log.ErrorContext(ctx, "deliver mail", slog.Any("error", err))
		}
		if report.Sent > 0 {
			log.InfoContext(ctx, "delivered mail", slog.Int("sent", report.Sent))
		}
	})
}

// retentionEvery is how often the server applies the retention of personal
// data (one instance of several does each pass).
const retentionEvery = time.Hour

// applyRetention anonymises the personal data kept longer than r allows, at
// start and then every interval until stop ends. Each pass is logged with its
// counts (never the data); a failed pass at ERROR, tried again at the next.
func applyRetention(stop context.Context, svc *service.Service, r models.Retention, log *slog.Logger, interval time.Duration) {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	holder := hex.EncodeToString(b) // this instance, for the lease
	every(stop, interval, true, func() {
		counts, ran, err := svc.ApplyRetention(stop, r, holder)
		switch {
		case err != nil && stop.Err() == nil:
			log.Error("retention of personal data failed", slog.Any("error", err))
		case ran && counts.Total() > 0:
			log.Info("retention of personal data", slog.Int("enquiries", counts.Enquiries), slog.Int("notes", counts.Notes),
				slog.Int("history_entries", counts.HistoryEntries), slog.Int("notices", counts.Notices),
				slog.Int("client_ips", counts.ClientIPs), slog.Int("comment_emails", counts.CommentEmails))
		}
	})
}

// every runs do every interval (and once at once when now is set) until stop
// ends: the one loop of the server's background work.
func every(stop context.Context, interval time.Duration, now bool, do func()) {
	if now {
		do()
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-stop.Done():
			return
		case <-t.C:
			do()
		}
	}
}

// loopbackOnly reports whether a is reachable from this machine only.
func loopbackOnly(a net.Addr) bool {
	t, ok := a.(*net.TCPAddr)
	return ok && t.IP.IsLoopback()
}

// displayAddr writes a listen address as a browser would want it.
func displayAddr(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}

// writeMarks remembers the anonymous clients that have just written, so that
// their reads go to the primary for REPLICA_READ_AFTER_WRITE: in Redis when it
// is shared, so that every instance knows; nil without read replicas.
func writeMarks(cfg Config, rdb *redisconn.Client, log *slog.Logger, svc *service.Service) gqlserver.WriteMarks {
	if len(cfg.Database.ReplicaURLs) == 0 {
		return nil
	}
	if rdb == nil {
		return gqlserver.MemoryWriteMarks(cfg.Database.ReplicaReadAfterWrite, time.Now) // wall time: the window is the replica's real lag
	}
	return gqlserver.RedisWriteMarks(rdb, "coursegraph:raw:", cfg.Database.ReplicaReadAfterWrite, cfg.Redis.Timeout, log,
		redisErrors(log, "read_after_write", svc.Now))
}

// replicaStates reports the read replicas' states for /readyz?verbose (nil
// without replicas).
func replicaStates(st *store.Store) func() []gqlserver.ReplicaStatus {
	if len(st.Replicas()) == 0 {
		return nil
	}
	return func() []gqlserver.ReplicaStatus {
		var out []gqlserver.ReplicaStatus
		for _, r := range st.Replicas() {
			out = append(out, gqlserver.ReplicaStatus{Name: r.Name, InRotation: r.InRotation, Lag: r.Lag, Why: r.Err, Served: r.Served})
		}
		return out
	}
}

// responseCache makes the response cache the configuration asks for (nil when
// RESPONSE_CACHE=off), in rdb when it is set: answers end at the next
// scheduled publication st knows of, as of the request's instant on clock.
func responseCache(cfg Config, rdb *redisconn.Client, log *slog.Logger, clock func() time.Time, st *store.Store) (*respcache.Cache, error) {
	if !cfg.Cache.On {
		return nil, nil
	}
	opts := respcache.Options{
		MaxBytes: int64(cfg.Cache.MB) << 20, TTL: cfg.Cache.TTL,
		MaxAge: cfg.Cache.MaxAge, StaleWhileRevalidate: cfg.Cache.StaleWhileRevalidate, PurgeURL: cfg.Cache.PurgeURL,
		Now: clock,
		NextPublication: func(ctx context.Context) (time.Time, bool, error) {
			return st.NextPublication(ctx, instant.Or(ctx, clock))
		},
		Redis: rdb, Log: log, ReplicaWindow: st.ReplicaWindow(),
		// The cache's hits, misses and invalidations, for /metrics.
		Hooks: respcache.Hooks{
			Hit: metrics.CacheHit, Miss: metrics.CacheMiss,
			Invalidate: func(tags []string) { metrics.CacheInvalidation(len(tags)) },
			Error:      func() { metrics.RedisError("response_cache") },
		},
	}
	cache, err := respcache.New(opts)
	if err != nil {
		return nil, fmt.Errorf("response cache: %w", err)
	}
	return cache, nil
}
