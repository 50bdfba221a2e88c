// Command load sends GraphQL queries to a running coursegraph server and reports
// throughput and latency. It stops by itself after -n requests or -duration,
// whichever comes first, and talks only to loopback addresses: this is a tool for
// measuring a server on the same machine, never for loading someone else's.
//
//	go run ./bench/load -url http://127.0.0.1:8080/graphql -c 8 -n 2000
//
// It exits 1 if any request failed (a transport error, a status other than 200, or
// a GraphQL answer with "errors"); reaching -duration first is not a failure. It
// imports the standard library only.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

const catalogueQuery = `{ courses { totalCount edges { node { title fee { formatted } weekdays schedules { batch { name startTime endTime } } } } } }`

// maxBody bounds what is read of one answer; the server itself refuses requests
// over 1 MiB and its answers to these queries are a few KiB.
const maxBody = 16 << 20

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	target := fs.String("url", "http://127.0.0.1:8080/graphql", "GraphQL endpoint; its host must be loopback (127.0.0.0/8, localhost or ::1)")
	concurrency := fs.Int("c", 8, "requests in flight at once")
	total := fs.Int("n", 2000, "requests to send in all")
	duration := fs.Duration("duration", 30*time.Second, "hard stop: requests still running then are abandoned")
	query := fs.String("query", catalogueQuery, "GraphQL query to send")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	switch {
	case *concurrency < 1:
		return fmt.Errorf("-c must be at least 1, not %d", *concurrency)
	case *total < 1:
		return fmt.Errorf("-n must be at least 1, not %d", *total)
	case *duration <= 0:
		return fmt.Errorf("-duration must be positive, not %s", *duration)
	case strings.TrimSpace(*query) == "":
		return errors.New("-query is empty")
	}
	if err := checkLoopback(*target); err != nil {
		return err
	}
	workers := min(*concurrency, *total)
	body, err := json.Marshal(map[string]string{"query": *query})
	if err != nil {
		return err
	}

	fmt.Fprintf(stdout, "POST %s: %d requests, %d at a time, hard stop after %s\n", *target, *total, workers, *duration)
	ctx, cancel := context.WithTimeout(context.Background(), *duration)
	defer cancel()
	client := newClient(workers)
	defer client.CloseIdleConnections()

	var (
		issued  atomic.Int64
		mu      sync.Mutex
		results []result
		wg      sync.WaitGroup
	)
	start := time.Now()
	for range workers {
		wg.Go(func() {
			var mine []result
			for ctx.Err() == nil && issued.Add(1) <= int64(*total) {
				mine = append(mine, send(ctx, client, *target, body))
			}
			mu.Lock()
			results = append(results, mine...)
			mu.Unlock()
		})
	}
	wg.Wait()
	elapsed := time.Since(start)

	r := summarise(results, ctx.Err() != nil)
	r.print(stdout, elapsed)
	if r.failed > 0 {
		return fmt.Errorf("%d of %d requests failed", r.failed, r.sent)
	}
	return nil
}

// checkLoopback refuses any URL whose host is not a loopback address or the name
// localhost. Names are not resolved here; the dialer checks the address it
// actually connects to (see newClient).
func checkLoopback(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("-url: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("-url must be http:// or https://, not %q", raw)
	}
	host := u.Hostname()
	if strings.EqualFold(host, "localhost") {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("-url host %q is not a loopback address: this tool may only load-test 127.0.0.0/8, localhost or ::1", host)
}

// newClient keeps a connection per worker alive, never uses a proxy, never follows
// a redirect, and refuses to connect to anything but a loopback address, so that
// "localhost" in an odd hosts file or a redirect cannot point the load elsewhere.
func newClient(workers int) *http.Client {
	dialer := &net.Dialer{
		Timeout: 5 * time.Second,
		Control: func(_, address string, _ syscall.RawConn) error {
			host, _, err := net.SplitHostPort(address)
			if err != nil {
				return err
			}
			if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
				return fmt.Errorf("refusing to connect to %s: not a loopback address", address)
			}
			return nil
		},
	}
	return &http.Client{
		Transport: &http.Transport{
			Proxy:               nil,
			DialContext:         dialer.DialContext,
			MaxIdleConns:        workers,
			MaxIdleConnsPerHost: workers,
			IdleConnTimeout:     30 * time.Second,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// result is one request's outcome. An abandoned request (cut off by the hard stop)
// is neither a success nor a failure.
type result struct {
	latency   time.Duration
	failure   string
	abandoned bool
}

func send(ctx context.Context, client *http.Client, target string, body []byte) result {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return result{failure: err.Error()}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return result{abandoned: true}
		}
		return result{latency: time.Since(start), failure: err.Error()}
	}
	answer, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	_ = resp.Body.Close()
	latency := time.Since(start)
	switch {
	case err != nil && ctx.Err() != nil:
		return result{abandoned: true}
	case err != nil:
		return result{latency: latency, failure: "read answer: " + err.Error()}
	case resp.StatusCode != http.StatusOK:
		return result{latency: latency, failure: fmt.Sprintf("status %d: %s", resp.StatusCode, clip(answer))}
	}
	var gql struct {
		Errors json.RawMessage `json:"errors"`
	}
	if err := json.Unmarshal(answer, &gql); err != nil {
		return result{latency: latency, failure: "answer is not JSON: " + clip(answer)}
	}
	if len(gql.Errors) > 0 && string(gql.Errors) != "null" {
		return result{latency: latency, failure: "GraphQL errors: " + clip(gql.Errors)}
	}
	return result{latency: latency}
}

func clip(b []byte) string {
	const n = 300
	s := strings.TrimSpace(string(b))
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

type report struct {
	sent, failed, abandoned int
	stopped                 bool
	firstFailure            string
	latencies               []time.Duration // sorted
}

func summarise(results []result, stopped bool) report {
	r := report{stopped: stopped}
	for _, x := range results {
		if x.abandoned {
			r.abandoned++
			continue
		}
		r.sent++
		r.latencies = append(r.latencies, x.latency)
		if x.failure != "" {
			r.failed++
			if r.firstFailure == "" {
				r.firstFailure = x.failure
			}
		}
	}
	slices.Sort(r.latencies)
	return r
}

// percentile is the nearest-rank percentile of sorted latencies.
func percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := (p*len(sorted) + 99) / 100
	return sorted[max(i, 1)-1]
}

func (r report) print(w io.Writer, elapsed time.Duration) {
	fmt.Fprintf(w, "requests    %d (%d ok, %d errors)\n", r.sent, r.sent-r.failed, r.failed)
	if r.stopped {
		fmt.Fprintf(w, "hard stop   reached; %d requests in flight abandoned\n", r.abandoned)
	}
	fmt.Fprintf(w, "elapsed     %s\n", elapsed.Round(time.Millisecond))
	fmt.Fprintf(w, "throughput  %.1f req/s\n", float64(r.sent)/elapsed.Seconds())
	l := r.latencies
	fmt.Fprintf(w, "latency     p50 %s  p90 %s  p99 %s  max %s\n",
		ms(percentile(l, 50)), ms(percentile(l, 90)), ms(percentile(l, 99)), ms(percentile(l, 100)))
	if r.firstFailure != "" {
		fmt.Fprintf(w, "first error %s\n", r.firstFailure)
	}
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond)) }
