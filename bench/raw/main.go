// Command raw is the hand-written baseline the comparison measures coursegraph
// against: net/http, database/sql and go-sql-driver/mysql (interpolateParams, so
// that every statement is one round trip), a few index-friendly statements per
// request, and encoding/json. It answers the same JSON as coursegraph for the
// documents in bench/scenario only, chosen by the exact query text; it parses no
// GraphQL. It is what a careful engineer would write for these pages, not a
// general server.
//
//	go run ./bench/raw -addr 127.0.0.1:18092 -dsn mysql://root@127.0.0.1:3306/coursegraph_bench
//
// It may import models (pure rules: enquiry validation and fingerprints, money
// formatting) and bench/scenario.
package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"coursegraph/bench/scenario"

	"github.com/go-sql-driver/mysql"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "raw:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("raw", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:18092", "host:port to listen on")
	dsn := fs.String("dsn", "mysql://root@127.0.0.1:3306/coursegraph_bench", "the database, as mysql://user:pass@host:port/db")
	maxOpen := fs.Int("max-open", 32, "most open database connections")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := parseDSN(*dsn)
	if err != nil {
		return err
	}
	db, err := sql.Open("mysql", cfg.FormatDSN())
	if err != nil {
		return err
	}
	defer db.Close()
	// Keep every connection the load needs open: a pool that closes idle
	// connections under bursty load pays for reconnecting.
	db.SetMaxOpenConns(*maxOpen)
	db.SetMaxIdleConns(*maxOpen)
	db.SetConnMaxLifetime(30 * time.Minute)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.PingContext(pingCtx); err != nil {
		return fmt.Errorf("connect: %w", err)
	}

	s := &server{db: db, now: func() time.Time { return time.Now().UTC().Truncate(time.Second) }}
	s.routes = map[string]handler{
		scenario.ArticlesPage:  s.articlesPage,
		scenario.Catalogue:     s.catalogue,
		scenario.ArticleBySlug: s.articleBySlug,
		scenario.SubmitEnquiry: s.submitEnquiry,
		scenario.Inbox:         s.inbox,
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /graphql", s.serveGraphQL)
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		if err := db.PingContext(r.Context()); err != nil {
			http.Error(w, "database unreachable", http.StatusServiceUnavailable)
			return
		}
		_, _ = io.WriteString(w, "ok\n")
	})
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler: mux, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 15 * time.Second,
		WriteTimeout: 30 * time.Second, IdleTimeout: 120 * time.Second,
	}
	fmt.Printf("raw: listening on http://%s/graphql\n", ln.Addr())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel2 := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel2()
	return srv.Shutdown(shutdown)
}

// parseDSN reads mysql://user:pass@host:port/db (coursegraph's DATABASE_URL form)
// or a Go MySQL DSN, with the settings coursegraph uses (UTC, utf8mb4, parsed
// times) and interpolateParams.
func parseDSN(raw string) (*mysql.Config, error) {
	var cfg *mysql.Config
	if strings.HasPrefix(raw, "mysql://") {
		u, err := url.Parse(raw)
		if err != nil {
			return nil, errors.New("-dsn is not a valid mysql:// URL")
		}
		cfg = mysql.NewConfig()
		cfg.User = u.User.Username()
		cfg.Passwd, _ = u.User.Password()
		cfg.Net, cfg.Addr = "tcp", u.Host
		if u.Port() == "" {
			cfg.Addr += ":3306"
		}
		cfg.DBName = strings.TrimPrefix(u.Path, "/")
	} else {
		var err error
		if cfg, err = mysql.ParseDSN(raw); err != nil {
			return nil, err
		}
	}
	cfg.ParseTime, cfg.Loc = true, time.UTC
	cfg.InterpolateParams = true
	cfg.Collation = "utf8mb4_unicode_ci"
	cfg.Params = map[string]string{"time_zone": "'+00:00'"}
	cfg.Timeout, cfg.ReadTimeout, cfg.WriteTimeout = 5*time.Second, 30*time.Second, 30*time.Second
	return cfg, nil
}

type server struct {
	db     *sql.DB
	now    func() time.Time
	routes map[string]handler
}

// handler answers one scenario: the value of "data", or an error for "errors".
type handler func(ctx context.Context, r *http.Request, vars json.RawMessage) (any, error)

type request struct {
	Query         string          `json:"query"`
	Variables     json.RawMessage `json:"variables"`
	OperationName string          `json:"operationName"`
}

// gqlError is an answer's error, shaped as coursegraph's presenter shapes them.
type gqlError struct {
	Message    string            `json:"message"`
	Path       []string          `json:"path,omitempty"`
	Extensions map[string]string `json:"extensions,omitempty"`
}

func (e *gqlError) Error() string { return e.Message }

func badInput(path, field, message string) *gqlError {
	ext := map[string]string{"code": "BAD_USER_INPUT"}
	if field != "" {
		ext["field"] = field
	}
	return &gqlError{Message: message, Path: []string{path}, Extensions: ext}
}

var buffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

const maxBody = 1 << 20

func (s *server) serveGraphQL(w http.ResponseWriter, r *http.Request) {
	buf := buffers.Get().(*bytes.Buffer)
	defer buffers.Put(buf)
	buf.Reset()
	if _, err := buf.ReadFrom(io.LimitReader(r.Body, maxBody+1)); err != nil || buf.Len() > maxBody {
		writeJSON(w, http.StatusRequestEntityTooLarge, map[string]any{"errors": []*gqlError{{Message: "the request body is too large or unreadable"}}})
		return
	}
	var req request
	if err := json.Unmarshal(buf.Bytes(), &req); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"errors": []*gqlError{{Message: "the body is not JSON"}}})
		return
	}
	h, ok := s.routes[req.Query]
	if !ok {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"errors": []*gqlError{{Message: "raw answers the bench/scenario documents only"}}})
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 10*time.Second)
	defer cancel()
	data, err := h(ctx, r, req.Variables)
	if err != nil {
		var ge *gqlError
		if !errors.As(err, &ge) {
			log.Printf("raw: %v", err)
			ge = &gqlError{Message: "internal error", Extensions: map[string]string{"code": "INTERNAL_SERVER_ERROR"}}
		}
		status := http.StatusOK
		if ge.Extensions["code"] == "UNAUTHENTICATED" {
			status = http.StatusUnauthorized
		}
		writeJSON(w, status, map[string]any{"errors": []*gqlError{ge}, "data": nil})
		return
	}
	writeJSON(w, http.StatusOK, envelope{Data: data})
}

type envelope struct {
	Data any `json:"data"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	buf := buffers.Get().(*bytes.Buffer)
	defer buffers.Put(buf)
	buf.Reset()
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		log.Printf("raw: encode answer: %v", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}
