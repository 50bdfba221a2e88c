// Command pgo refreshes default.pgo, the CPU profile from which the Go
// toolchain optimises the server (profile-guided optimisation: go build's
// default -pgo=auto reads default.pgo in the main package's directory, here
// the repository root).
//
//	go run ./bench/pgo                  # or: make pgo (about 2 minutes)
//	go run ./bench/pgo -seconds 30 -dataset=false
//
// It builds the server with -pgo=off (so that the profile does not depend on
// the one it replaces), loads the benchmark dataset into its own database
// (coursegraph_bench_pgo, so that a comparison running on coursegraph_bench is
// not disturbed), and starts the server twice on it as bench/compare does
// (production, LOG_LEVEL=warn, rate limits off): once with RESPONSE_CACHE=off,
// loaded with compare's Q1, Q2, Q3 and Q6 in turn, and once with it on, loaded
// with Q1-Q3 (warm hits), each from -conns clients. From each it takes a CPU
// profile of -seconds through PPROF_ADDR, and writes the two merged (go tool
// pprof -proto) to -out. Every answer is checked: one with errors stops it.
// Traffic goes to 127.0.0.1 only. It imports bench/scenario and, for starting
// servers and posting to them as compare does, bench/internal/benchproc.
//
// With -measure it writes nothing: it builds the server with -pgo=off and with
// the profile at -out, and runs compare's Q1-Q3 uncached against both with wrk,
// -rounds interleaved runs of -duration each, printing the ratio.
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
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"coursegraph/bench/internal/benchproc"
	"coursegraph/bench/scenario"
)

// The bench staff account made by bench/dataset (bench-only credentials), for Q6.
const (
	staffEmail    = "bench-staff@bench.example"
	staffPassword = "bench-only-password-7c41e9"
)

type options struct {
	dsn     string
	dataset bool
	seconds int
	warmup  time.Duration
	conns   int
	out     string
	keep    bool

	measure  bool
	rounds   int
	duration time.Duration
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "pgo:", err)
		os.Exit(1)
	}
}

func parseFlags(args []string) (*options, error) {
	fs := flag.NewFlagSet("pgo", flag.ContinueOnError)
	o := &options{}
	fs.StringVar(&o.dsn, "dsn", "mysql://root@127.0.0.1:3306/coursegraph_bench_pgo", "the database, as DATABASE_URL (loopback; its name must contain \"bench\")")
	fs.BoolVar(&o.dataset, "dataset", true, "load a fresh default dataset first (false: use the database as it is)")
	fs.IntVar(&o.seconds, "seconds", 20, "length of each of the two CPU profiles")
	fs.DurationVar(&o.warmup, "warmup", 3*time.Second, "load before each profile starts")
	fs.IntVar(&o.conns, "conns", 16, "clients sending requests at once")
	fs.StringVar(&o.out, "out", "", "where to write the merged profile (default: default.pgo in the repository root)")
	fs.BoolVar(&o.keep, "keep", false, "keep the temporary directory (binary, server logs, the two profiles)")
	fs.BoolVar(&o.measure, "measure", false, "write nothing: measure Q1-Q3 uncached built with the profile at -out against built without, with wrk")
	fs.IntVar(&o.rounds, "rounds", 3, "with -measure: interleaved runs per scenario and build")
	fs.DurationVar(&o.duration, "duration", 5*time.Second, "with -measure: length of each run")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	switch {
	case fs.NArg() > 0:
		return nil, fmt.Errorf("unexpected arguments %q", fs.Args())
	case o.seconds < 5 || o.seconds > 300:
		return nil, errors.New("-seconds must be from 5 to 300")
	case o.warmup < 0 || o.warmup > time.Minute:
		return nil, errors.New("-warmup must be from 0 to 1m")
	case o.conns < 1 || o.conns > 256:
		return nil, errors.New("-conns must be from 1 to 256")
	case o.rounds < 1 || o.rounds > 50:
		return nil, errors.New("-rounds must be from 1 to 50")
	case o.duration < time.Second || o.duration > 10*time.Minute:
		return nil, errors.New("-duration must be from 1s to 10m")
	}
	u, err := url.Parse(o.dsn)
	if err != nil || u.Scheme != "mysql" {
		return nil, errors.New("-dsn must be a mysql:// URL, as coursegraph's DATABASE_URL")
	}
	if ip := net.ParseIP(u.Hostname()); ip == nil || !ip.IsLoopback() {
		return nil, fmt.Errorf("-dsn must name a loopback IP address, not %q", u.Hostname())
	}
	if !strings.Contains(u.Path, "bench") {
		return nil, fmt.Errorf("-dsn must name a database whose name contains \"bench\", not %q", strings.TrimPrefix(u.Path, "/"))
	}
	return o, nil
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	o, err := parseFlags(args)
	if err != nil {
		return err
	}
	root, err := benchproc.RepoRoot(ctx)
	if err != nil {
		return err
	}
	if o.out == "" {
		o.out = filepath.Join(root, "default.pgo")
	}
	tmp, err := os.MkdirTemp("", "coursegraph-pgo-")
	if err != nil {
		return err
	}
	if o.keep {
		fmt.Fprintf(stdout, "pgo: keeping %s\n", tmp)
	} else {
		defer os.RemoveAll(tmp)
	}

	if o.dataset {
		fmt.Fprintln(stdout, "pgo: loading the dataset into", o.dsn)
		if err := benchproc.Command(ctx, root, nil, stdout, "go", "run", "./bench/dataset", "-fresh", "-dsn", o.dsn); err != nil {
			return fmt.Errorf("dataset: %w", err)
		}
	}
	if o.measure {
		return measure(ctx, o, root, tmp, stdout)
	}
	fmt.Fprintln(stdout, "pgo: building the server with -pgo=off")
	bin := filepath.Join(tmp, "coursegraph")
	if err := benchproc.Command(ctx, root, nil, stdout, "go", "build", "-pgo=off", "-o", bin, "."); err != nil {
		return fmt.Errorf("build: %w", err)
	}

	var profiles []string
	for _, phase := range []struct {
		name      string
		cache     string
		scenarios []string
	}{
		{"uncached", "off", []string{"q1", "q2", "q3", "q6"}},
		{"cached", "on", []string{"q1", "q2", "q3"}},
	} {
		p, err := profilePhase(ctx, o, bin, tmp, phase.name, phase.cache, phase.scenarios, stdout)
		if err != nil {
			return fmt.Errorf("%s: %w", phase.name, err)
		}
		profiles = append(profiles, p)
	}

	// Written beside -out first, so that a failed merge leaves the old profile.
	merged, err := os.CreateTemp(filepath.Dir(o.out), ".default.pgo-")
	if err != nil {
		return err
	}
	defer os.Remove(merged.Name())
	cmd := exec.CommandContext(ctx, "go", append([]string{"tool", "pprof", "-proto"}, profiles...)...)
	cmd.Dir, cmd.Stdout, cmd.Stderr = root, merged, os.Stderr
	err = cmd.Run()
	if cerr := merged.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("merge the profiles: %w", err)
	}
	if err := os.Chmod(merged.Name(), 0o644); err != nil {
		return err
	}
	if err := os.Rename(merged.Name(), o.out); err != nil {
		return err
	}
	info, err := os.Stat(o.out)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "pgo: wrote %s (%d kB)\n", o.out, info.Size()>>10)
	return nil
}

// profilePhase starts the server with RESPONSE_CACHE=cache, checks each
// scenario's answer, loads it with the scenarios in turn from o.conns clients,
// and meanwhile takes a CPU profile of o.seconds, which it writes in dir.
func profilePhase(ctx context.Context, o *options, bin, dir, name, cache string, scenarios []string, stdout io.Writer) (string, error) {
	port, err := benchproc.FreePort()
	if err != nil {
		return "", err
	}
	pprofPort, err := benchproc.FreePort()
	if err != nil {
		return "", err
	}
	srv, err := benchproc.Start(ctx, name, bin, nil, []string{
		"DATABASE_URL=" + o.dsn, "ADDR=127.0.0.1:" + strconv.Itoa(port), "APP_ENV=production", "LOG_LEVEL=warn",
		"ENQUIRIES_PER_ADDRESS=off", "COMMENTS_PER_ADDRESS=off", "RESPONSE_CACHE=" + cache,
		"PPROF_ADDR=127.0.0.1:" + strconv.Itoa(pprofPort),
	}, port, dir)
	if err != nil {
		return "", err
	}
	defer srv.Stop()
	reqs, err := requests(ctx, srv.URL, scenarios)
	if err != nil {
		return "", err
	}

	loadCtx, stopLoad := context.WithCancel(ctx)
	defer stopLoad()
	l := startLoad(loadCtx, srv.URL, reqs, o.conns)
	fmt.Fprintf(stdout, "pgo: %s (%s): warming up for %s, then profiling for %ds at c=%d\n", name, strings.Join(scenarios, ","), o.warmup, o.seconds, o.conns)
	select {
	case <-time.After(o.warmup):
	case <-ctx.Done():
		return "", ctx.Err()
	}
	before := l.done.Load()
	path := filepath.Join(dir, name+".pprof")
	err = fetch(ctx, fmt.Sprintf("http://127.0.0.1:%d/debug/pprof/profile?seconds=%d", pprofPort, o.seconds), path, time.Duration(o.seconds+30)*time.Second)
	during := l.done.Load() - before
	stopLoad()
	l.wait()
	if err != nil {
		return "", fmt.Errorf("CPU profile: %w", err)
	}
	if n := l.failed.Load(); n > 0 {
		return "", fmt.Errorf("%d requests failed, the first: %s", n, l.first())
	}
	fmt.Fprintf(stdout, "pgo: %s: %d requests while profiling (%.0f/s)\n", name, during, float64(during)/float64(o.seconds))
	return path, nil
}

// request is one scenario's POST.
type request struct {
	name  string
	body  []byte
	token string
}

// requests makes the bodies of scenarios as bench/compare sends them (Q3's
// article is the middle one of Q1's page; Q6 signs in as the dataset's staff
// user) and checks that each is answered without errors.
func requests(ctx context.Context, url string, scenarios []string) ([]request, error) {
	var out []request
	var slug, token string
	for _, sc := range scenarios {
		r := request{name: sc}
		switch sc {
		case "q1":
			r.body = benchproc.RequestBody(scenario.ArticlesPage, nil)
		case "q2":
			r.body = benchproc.RequestBody(scenario.Catalogue, nil)
		case "q3":
			if slug == "" {
				var page struct {
					Data struct {
						Articles struct {
							Edges []struct{ Node struct{ Slug string } }
						}
					}
				}
				if err := graphQL(ctx, url, "", benchproc.RequestBody(scenario.ArticlesPage, nil), &page); err != nil {
					return nil, err
				}
				edges := page.Data.Articles.Edges
				if len(edges) == 0 {
					return nil, errors.New("the dataset has no published articles")
				}
				slug = edges[len(edges)/2].Node.Slug
			}
			r.body = benchproc.RequestBody(scenario.ArticleBySlug, map[string]any{"slug": slug})
		case "q6":
			if token == "" {
				var login struct {
					Data struct{ Login struct{ Token string } }
				}
				if err := graphQL(ctx, url, "", benchproc.RequestBody(scenario.Login, map[string]any{"email": staffEmail, "password": staffPassword}), &login); err != nil {
					return nil, fmt.Errorf("sign in as %s: %w", staffEmail, err)
				}
				token = login.Data.Login.Token
			}
			r.body, r.token = benchproc.RequestBody(scenario.Inbox, nil), token
		default:
			return nil, fmt.Errorf("unknown scenario %q", sc)
		}
		if err := graphQL(ctx, url, r.token, r.body, nil); err != nil {
			return nil, fmt.Errorf("%s: %w", sc, err)
		}
		out = append(out, r)
	}
	return out, nil
}

var client = &http.Client{
	Timeout:   30 * time.Second,
	Transport: &http.Transport{MaxIdleConnsPerHost: 256},
}

// post sends one request; an answer other than 200, or with "errors", is an error.
func post(ctx context.Context, url, token string, b []byte) ([]byte, error) {
	out, err := benchproc.Post(ctx, client, url, token, b)
	if err == nil && bytes.Contains(out, []byte(`"errors"`)) {
		err = fmt.Errorf("status 200: %.300s", out)
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// graphQL posts and decodes the answer into v (when not nil).
func graphQL(ctx context.Context, url, token string, b []byte, v any) error {
	out, err := post(ctx, url, token, b)
	if err != nil || v == nil {
		return err
	}
	return json.Unmarshal(out, v)
}

// load is conns clients sending the requests in turn until their context ends.
type load struct {
	done, failed atomic.Int64
	mu           sync.Mutex
	firstErr     error
	wg           sync.WaitGroup
}

func startLoad(ctx context.Context, url string, reqs []request, conns int) *load {
	l := &load{}
	for i := range conns {
		l.wg.Go(func() {
			for n := i; ctx.Err() == nil; n++ { // each client starts at a different scenario
				r := reqs[n%len(reqs)]
				_, err := post(ctx, url, r.token, r.body)
				switch {
				case ctx.Err() != nil: // cut at the end: not counted
				case err != nil:
					l.failed.Add(1)
					l.mu.Lock()
					if l.firstErr == nil {
						l.firstErr = fmt.Errorf("%s: %w", r.name, err)
					}
					l.mu.Unlock()
				default:
					l.done.Add(1)
				}
			}
		})
	}
	return l
}

func (l *load) wait() { l.wg.Wait() }

func (l *load) first() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.firstErr
}

// fetch GETs url into the file path.
func fetch(ctx context.Context, url, path string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 1000))
		return fmt.Errorf("GET %s: status %d: %s", url, resp.StatusCode, b)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
