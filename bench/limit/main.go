// Command limit is the ceiling a response-cache hit is measured against: a
// net/http server that answers every POST /graphql with one recorded answer (its
// status, headers and body, byte for byte) and does nothing else: no parsing, no
// lookup, no logging. A cache hit can at best do what it does, so coursegraph's
// cached req/s over limit's, interleaved in one run, says how much of a hit is
// overhead (issue 19).
//
//	curl -si -H 'Content-Type: application/json' --data-binary @q3.json http://127.0.0.1:8080/graphql > q3.http
//	go run ./bench/limit -addr 127.0.0.1:18093 -answer q3.http
//
// The answer file is an HTTP/1.1 response as `curl -i` or httputil.DumpResponse
// writes it; bench/compare records the cached server's own hit. It answers GET
// /readyz "ok" besides, so that a runner can wait for it. It may import the
// standard library only.
package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "limit:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("limit", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:18093", "host:port to listen on")
	file := fs.String("answer", "", "the answer to replay: an HTTP response as `curl -i` writes it")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *file == "" {
		return errors.New("-answer is required")
	}
	dump, err := os.ReadFile(*file)
	if err != nil {
		return err
	}
	a, err := parseAnswer(dump)
	if err != nil {
		return fmt.Errorf("%s: %w", *file, err)
	}
	mux := http.NewServeMux()
	mux.Handle("POST /graphql", a)
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok\n") })
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	// The timeouts coursegraph and bench/raw set, so that the servers differ in
	// their handlers only.
	srv := &http.Server{
		Handler: mux, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 15 * time.Second,
		WriteTimeout: 30 * time.Second, IdleTimeout: 120 * time.Second,
	}
	fmt.Printf("limit: listening on http://%s/graphql (%d bytes, status %d)\n", ln.Addr(), len(a.body), a.status)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return srv.Shutdown(shutdown)
}

// answer is one recorded response, replayed as it was.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// parseAnswer reads an HTTP response dump. Date is left to net/http, which sets
// it on every response of either server; Content-Length is set from the body.
func parseAnswer(dump []byte) (*answer, error) {
	resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(dump)), nil)
	if err != nil {
		return nil, fmt.Errorf("not an HTTP response: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("read its body: %w", err)
	}
	h := resp.Header.Clone()
	h.Del("Date")
	h.Del("Transfer-Encoding")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	return &answer{status: resp.StatusCode, header: h, body: body}, nil
}

// ServeHTTP writes the recorded answer. The request body is drained, as any
// server that reads its request would (net/http would drain it after the
// handler anyway, to reuse the connection).
func (a *answer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	h := w.Header()
	for k, v := range a.header {
		h[k] = v
	}
	w.WriteHeader(a.status)
	_, _ = w.Write(a.body)
}
