// Command coursegraph is the GraphQL API server of a computer-training centre.
//
//	coursegraph [serve] [flags]   run the server (the default)
//	coursegraph migrate [flags]   apply pending database migrations
//	coursegraph seed [flags]      write the demo data (idempotent)
//
// Configuration comes from the environment, overridden by flags: see config.go and
// the README.
package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"coursegraph/graph"
	"coursegraph/logging"
	"coursegraph/mail"
	"coursegraph/service"
	"coursegraph/store"
	"coursegraph/store/seed"

	"github.com/99designs/gqlgen/graphql/playground"
	"github.com/rs/cors"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "coursegraph:", err)
		os.Exit(1)
	}
}

// HTTP limits.
const (
	maxBodyBytes    = 1 << 20
	shutdownTimeout = 20 * time.Second
)

// run is the whole program: config, store, service, graph, serve. It returns when
// ctx is cancelled (after a graceful shutdown) or on a fatal error.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	var userArgs []string
	if cmd == "user" {
		// The user command's own flags; the rest of the configuration comes from
		// the environment.
		userArgs, args = args, nil
	}
	cfg, err := loadConfig(args, getenv, stderr)
	if err != nil {
		return fmt.Errorf("configuration: %w", err)
	}
	log, err := logging.New(stderr, cfg.LogFormat, cfg.LogLevel)
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return fmt.Errorf("database %s: %w", cfg.maskedDatabaseURL(), err)
	}
	defer st.Close()
	opts := service.Options{
		SessionTTL: cfg.SessionTTL, BcryptCost: cfg.BcryptCost,
		CommentsPerAddress:  service.Limit{Burst: cfg.CommentsPerAddress.Burst, Every: cfg.CommentsPerAddress.Interval},
		EnquiriesPerAddress: service.Limit{Burst: cfg.EnquiriesPerAddress.Burst, Every: cfg.EnquiriesPerAddress.Interval},
	}
	if cfg.SMTPURL != "" {
		sender, err := mail.ParseURL(cfg.SMTPURL)
		if err != nil {
			return fmt.Errorf("SMTP_URL: %w", err)
		}
		opts.Notify = &service.Notify{Sender: sender, To: cfg.NotifyEmail}
	}
	svc, err := service.New(st, opts)
	if err != nil {
		return err
	}

	switch cmd {
	case "migrate":
		n, err := st.Migrate(ctx)
		if err != nil {
			return err
		}
		log.Info("migrated", slog.Int("applied", n))
		return nil
	case "seed":
		if err := seed.Run(ctx, st); err != nil {
			return fmt.Errorf("seed: %w", err)
		}
		log.Info("seeded demo data")
		return nil
	case "user":
		return createUserCommand(ctx, userArgs, getenv, stdin, stdout, svc)
	case "serve":
		if err := prepare(ctx, cfg, st, log); err != nil {
			return err
		}
		if err := bootstrapAdmin(ctx, cfg, svc, log); err != nil {
			return err
		}
		go deliverMail(ctx, svc, log, mailInterval)
		return serve(ctx, cfg, svc, log, stdout)
	default:
		return fmt.Errorf("unknown command %q (want serve, migrate, seed or user create)", cmd)
	}
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

// serve listens on cfg.Addr until ctx ends, then finishes in-flight requests.
func serve(ctx context.Context, cfg Config, svc *service.Service, log *slog.Logger, stdout io.Writer) error {
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	srv := &http.Server{
		Handler:           newMux(cfg, svc, log),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		// Longer than a request may take, so that a request cut by its deadline
		// is still answered (SERVICE_UNAVAILABLE) rather than dropped.
		WriteTimeout: cfg.RequestTimeout + 10*time.Second,
		IdleTimeout:  120 * time.Second,
		ErrorLog:     slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	url := "http://" + displayAddr(ln.Addr())
	if cfg.Playground {
		fmt.Fprintf(stdout, "coursegraph: GraphQL at %s/graphql (playground at %s/)\n", url, url)
	} else {
		fmt.Fprintf(stdout, "coursegraph: GraphQL at %s/graphql\n", url)
	}
	log.Info("serving", slog.String("addr", ln.Addr().String()), slog.String("env", cfg.Env), slog.String("database", cfg.maskedDatabaseURL()))

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing in-flight requests")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// newMux routes /graphql, /healthz, /readyz and (in development) the playground at
// /. Middleware order: request id and log, CORS, body limit, then the endpoint.
func newMux(cfg Config, svc *service.Service, log *slog.Logger) http.Handler {
	mux := http.NewServeMux()
	gql := graph.NewHandler(svc, log, graph.HandlerOptions{
		Introspection: cfg.Introspection, TrustedProxies: cfg.TrustedProxies, WebSocketOrigins: cfg.webSocketOrigins(),
		RequestTimeout: cfg.RequestTimeout,
	})
	mux.Handle("/graphql", longLivedWebSockets(limitBody(gql, maxBodyBytes)))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, "ok\n")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if err := svc.Ready(ctx); err != nil {
			log.WarnContext(r.Context(), "not ready", slog.Any("error", err))
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = io.WriteString(w, "database unreachable\n")
			return
		}
		_, _ = io.WriteString(w, "ok\n")
	})
	if cfg.Playground {
		mux.Handle("GET /{$}", playground.Handler("coursegraph", "/graphql"))
	}
	var h http.Handler = mux
	if len(cfg.CORSOrigins) > 0 {
		h = cors.New(cors.Options{
			AllowedOrigins: cfg.CORSOrigins,
			AllowedMethods: []string{http.MethodGet, http.MethodPost, http.MethodOptions},
			AllowedHeaders: []string{"Authorization", "Content-Type", logging.RequestIDHeader},
			ExposedHeaders: []string{logging.RequestIDHeader},
			MaxAge:         600,
		}).Handler(h)
	}
	return logging.Middleware(log, h)
}

// limitBody refuses request bodies over max bytes with 413 and a GraphQL error, and
// hands the endpoint a body it has read in full (the endpoint reads it all anyway).
func limitBody(next http.Handler, max int64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, max+1))
		if err != nil || int64(len(body)) > max {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusRequestEntityTooLarge)
			_, _ = fmt.Fprintf(w, `{"errors":[{"message":"the request body is over %d bytes","extensions":{"code":"BAD_USER_INPUT"}}]}`, max)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		next.ServeHTTP(w, r)
	})
}

// longLivedWebSockets lifts the server's read and write timeouts from WebSocket
// upgrades: a subscription lives for as long as the client stays; its keep-alive
// pings notice dead peers instead.
func longLivedWebSockets(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
			rc := http.NewResponseController(w)
			_ = rc.SetReadDeadline(time.Time{})
			_ = rc.SetWriteDeadline(time.Time{})
		}
		next.ServeHTTP(w, r)
	})
}

// mailInterval is how often the outbox is checked for due mail.
const mailInterval = 5 * time.Second

// deliverMail sends the outbox's due mail every interval until ctx ends.
func deliverMail(ctx context.Context, svc *service.Service, log *slog.Logger, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if n, err := svc.DeliverMail(ctx); err != nil {
				log.ErrorContext(ctx, "deliver mail", slog.Any("error", err))
			} else if n > 0 {
				log.InfoContext(ctx, "delivered mail", slog.Int("sent", n))
			}
		}
	}
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
