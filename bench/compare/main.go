// Command compare measures coursegraph against the hand-written baseline in
// bench/raw on MySQL (MariaDB), scenario by scenario, and prints the throughput
// ratio coursegraph/raw with the database work per request.
//
//	go run ./bench/compare                          # everything, about 8 minutes
//	go run ./bench/compare -duration 10s -rounds 5  # longer, steadier
//	go run ./bench/compare -scenarios q1,q3 -conns 16 -dataset=false
//
// It builds both servers (and bench/limit and bench/dataset) into a temporary directory, loads
// the default dataset into a fresh database (-dataset=false keeps what is there),
// starts both servers on free loopback ports against that database, checks that
// they answer every scenario with the same JSON (it stops with a diff if not),
// counts the SQL statements, round trips and temporary tables per request from
// MariaDB's global status while sending requests one at a time, and then runs each
// scenario with wrk at each connection count, interleaving the two servers round
// by round. The cached scenarios (q1c-q3c) also run against bench/limit, which
// replays the cached server's own hit and does nothing else: the ceiling of a
// hit. Every loop is bounded in count and time; traffic goes to 127.0.0.1
// only. It may import models (cursor encoding), bench/scenario,
// bench/internal/benchproc (servers started and posted to, as pgo does) and
// bench/dataset's constants by value.
package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"coursegraph/bench/internal/benchproc"

	"github.com/go-sql-driver/mysql"
)

// The bench staff account made by bench/dataset (bench-only credentials).
const (
	staffEmail    = "bench-staff@bench.example"
	staffPassword = "bench-only-password-7c41e9"
	// loadDomain marks the enquiries the runner submits, so that it can delete them.
	loadDomain = "load.bench.example"
	// The admin the cached server makes at start, for the mixed scenario's writes
	// (bench-only credentials).
	adminEmail    = "bench-admin@bench.example"
	adminPassword = "bench-only-admin-password-5d1f"
)

type options struct {
	dsn         string
	duration    time.Duration
	warmup      time.Duration
	rounds      int
	conns       []int
	scenarios   []string
	dataset     bool
	datasetArgs []string
	count       int
	out         string
	keep        bool
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "compare:", err)
		os.Exit(1)
	}
}

func parseFlags(args []string) (*options, error) {
	fs := flag.NewFlagSet("compare", flag.ContinueOnError)
	o := &options{}
	fs.StringVar(&o.dsn, "dsn", "mysql://root@127.0.0.1:3306/coursegraph_bench", "the benchmark database (loopback; its name must contain \"bench\")")
	fs.DurationVar(&o.duration, "duration", 5*time.Second, "length of each measured wrk run")
	fs.DurationVar(&o.warmup, "warmup", 2*time.Second, "unmeasured run before a scenario's rounds, per server and connection count")
	fs.IntVar(&o.rounds, "rounds", 3, "measured runs per server, scenario and connection count (interleaved)")
	conns := fs.String("conns", "16,64", "connection counts, comma-separated")
	scenarios := fs.String("scenarios", "q1,q2,q3,q4,q6,q1c,q2c,q3c,q5,mixed", "scenarios to run, in order (q5 and mixed write: keep them last; q1c-q3c are q1-q3 through the response cache; mixed is reads and writes through it, every read checked)")
	fs.BoolVar(&o.dataset, "dataset", true, "load a fresh default dataset first (false: use the database as it is)")
	datasetArgs := fs.String("dataset-args", "", "more flags for bench/dataset, such as \"-large\" or \"-scale 10\"")
	fs.IntVar(&o.count, "count", 50, "requests sent one at a time per scenario and server to count statements")
	fs.StringVar(&o.out, "out", "", "also write the results table (markdown) to this file")
	fs.BoolVar(&o.keep, "keep", false, "keep the temporary directory (binaries, wrk scripts, server logs, answers)")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	for _, c := range strings.Split(*conns, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(c))
		if err != nil || n < 1 || n > 1024 {
			return nil, fmt.Errorf("-conns: %q is not a connection count from 1 to 1024", c)
		}
		o.conns = append(o.conns, n)
	}
	for _, s := range strings.Split(*scenarios, ",") {
		s = strings.ToLower(strings.TrimSpace(s))
		if _, ok := scenarioNames[s]; !ok {
			return nil, fmt.Errorf("-scenarios: unknown scenario %q (want q1 to q6, q1c to q3c or mixed)", s)
		}
		o.scenarios = append(o.scenarios, s)
	}
	o.datasetArgs = strings.Fields(*datasetArgs)
	switch {
	case o.duration < time.Second || o.duration > 10*time.Minute:
		return nil, errors.New("-duration must be from 1s to 10m")
	case o.warmup < 0 || o.warmup > time.Minute:
		return nil, errors.New("-warmup must be from 0 to 1m")
	case o.rounds < 1 || o.rounds > 50:
		return nil, errors.New("-rounds must be from 1 to 50")
	case o.count < 1 || o.count > 10000:
		return nil, errors.New("-count must be from 1 to 10000")
	}
	return o, nil
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	o, err := parseFlags(args)
	if err != nil {
		return err
	}
	cfg, err := dbConfig(o.dsn)
	if err != nil {
		return err
	}
	if err := ensureWrk(ctx, stdout); err != nil {
		return err
	}
	root, err := benchproc.RepoRoot(ctx)
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "coursegraph-compare-")
	if err != nil {
		return err
	}
	if o.keep {
		fmt.Fprintf(stdout, "compare: keeping %s\n", tmp)
	} else {
		defer os.RemoveAll(tmp)
	}

	fmt.Fprintln(stdout, "compare: building coursegraph, bench/raw, bench/limit and bench/dataset")
	bins := map[string]string{"coursegraph": ".", "raw": "./bench/raw", "limit": "./bench/limit", "dataset": "./bench/dataset"}
	for name, pkg := range bins {
		if err := benchproc.Command(ctx, root, nil, os.Stderr, "go", "build", "-o", filepath.Join(tmp, name), pkg); err != nil {
			return fmt.Errorf("build %s: %w", pkg, err)
		}
	}
	if o.dataset {
		fmt.Fprintln(stdout, "compare: loading the dataset")
		dargs := append([]string{"-fresh", "-dsn", o.dsn}, o.datasetArgs...)
		if err := benchproc.Command(ctx, root, nil, stdout, filepath.Join(tmp, "dataset"), dargs...); err != nil {
			return fmt.Errorf("dataset: %w", err)
		}
	}
	db, err := sql.Open("mysql", cfg.FormatDSN())
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(2)
	if err := deleteLoadEnquiries(ctx, db); err != nil {
		return err
	}
	defer func() { _ = deleteLoadEnquiries(context.WithoutCancel(ctx), db) }()

	cgPort, err := benchproc.FreePort()
	if err != nil {
		return err
	}
	cg, err := benchproc.Start(ctx, "coursegraph", filepath.Join(tmp, "coursegraph"), nil, []string{
		"DATABASE_URL=" + o.dsn, "ADDR=127.0.0.1:" + strconv.Itoa(cgPort), "APP_ENV=production", "LOG_LEVEL=warn",
		"ENQUIRIES_PER_ADDRESS=off", "COMMENTS_PER_ADDRESS=off", "RESPONSE_CACHE=off",
	}, cgPort, tmp)
	if err != nil {
		return err
	}
	defer cg.Stop()
	// The same server with its response cache, for q1c-q3c and mixed; it makes
	// the bench admin (bench-only credentials) that mixed writes as.
	cgcPort, err := benchproc.FreePort()
	if err != nil {
		return err
	}
	cgc, err := benchproc.Start(ctx, "coursegraph-cached", filepath.Join(tmp, "coursegraph"), nil, []string{
		"DATABASE_URL=" + o.dsn, "ADDR=127.0.0.1:" + strconv.Itoa(cgcPort), "APP_ENV=production", "LOG_LEVEL=warn",
		"ENQUIRIES_PER_ADDRESS=off", "COMMENTS_PER_ADDRESS=off", "RESPONSE_CACHE=on",
		"ADMIN_EMAIL=" + adminEmail, "ADMIN_PASSWORD=" + adminPassword,
	}, cgcPort, tmp)
	if err != nil {
		return err
	}
	defer cgc.Stop()
	// target is the coursegraph server a scenario measures.
	target := func(sc string) *benchproc.Server {
		if cached(sc) {
			return cgc
		}
		return cg
	}
	rawPort, err := benchproc.FreePort()
	if err != nil {
		return err
	}
	raw, err := benchproc.Start(ctx, "raw", filepath.Join(tmp, "raw"), []string{"-addr", "127.0.0.1:" + strconv.Itoa(rawPort), "-dsn", o.dsn}, nil, rawPort, tmp)
	if err != nil {
		return err
	}
	defer raw.Stop()

	fix, err := fixtures(ctx, db, cg)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, "compare: checking that both servers answer the same")
	if err := checkSame(ctx, db, raw, cg, fix, tmp); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "compare: counting statements (%d requests one at a time per scenario and server)\n", o.count)
	counts := map[string]map[string]dbDelta{}
	for _, sc := range o.scenarios {
		if sc == "mixed" {
			continue
		}
		counts[sc] = map[string]dbDelta{}
		for _, s := range []*benchproc.Server{raw, target(sc)} {
			d, err := countStatements(ctx, db, s, fix, sc, o.count)
			if err != nil {
				return err
			}
			name := s.Name
			if s != raw {
				name = "coursegraph"
			}
			counts[sc][name] = d
		}
		if sc == "q5" {
			if err := deleteLoadEnquiries(ctx, db); err != nil {
				return err
			}
		}
	}

	res := &results{opts: o, counts: counts}
	for _, sc := range o.scenarios {
		if sc == "mixed" {
			m, err := runMixed(ctx, db, raw, cgc, fix, o.duration*time.Duration(o.rounds), o.conns[0], stdout)
			if err != nil {
				return err
			}
			res.mixed = &m
			continue
		}
		cg := target(sc)
		servers := []*benchproc.Server{raw, cg}
		var limit *benchproc.Server
		if cached(sc) {
			// The limit row: the cached server's own hit, replayed by bench/limit.
			if limit, err = startLimit(ctx, filepath.Join(tmp, "limit"), fix, cgc, sc, tmp); err != nil {
				return err
			}
			defer limit.Stop() // on an error; stopped below otherwise
			servers = append(servers, limit)
		}
		for _, c := range o.conns {
			scripts := map[string]string{}
			for _, s := range servers {
				if scripts[s.Name], err = writeScript(tmp, fix, sc, s.Name, c); err != nil {
					return err
				}
				if o.warmup > 0 {
					if _, err := runWrk(ctx, db, s, scripts[s.Name], c, o.warmup); err != nil {
						return fmt.Errorf("%s %s warm-up: %w", s.Name, sc, err)
					}
				}
			}
			for round := range o.rounds {
				got := map[*benchproc.Server]wrkResult{}
				for _, s := range roundOrder(round, servers) {
					fmt.Fprintf(stdout, "compare: %s c=%d round %d/%d %s\n", sc, c, round+1, o.rounds, s.Name)
					r, err := runWrk(ctx, db, s, scripts[s.Name], c, o.duration)
					if err != nil {
						return fmt.Errorf("%s %s: %w", s.Name, sc, err)
					}
					got[s] = r
				}
				res.add(sc, c, got[raw], got[cg])
				if limit != nil {
					res.addLimit(sc, c, got[limit])
				}
			}
		}
		if limit != nil {
			limit.Stop()
		}
		if sc == "q5" {
			if err := deleteLoadEnquiries(ctx, db); err != nil {
				return err
			}
		}
	}
	res.hwm = map[string]int64{"raw": hwm(raw), "coursegraph": hwm(cg), "coursegraph-cached": hwm(cgc)}
	table, err := res.markdown(ctx, root, db)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout)
	fmt.Fprint(stdout, table)
	if o.out != "" {
		if err := os.WriteFile(o.out, []byte(table), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// dbConfig reads the DSN and insists on a loopback benchmark database.
func dbConfig(raw string) (*mysql.Config, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "mysql" {
		return nil, errors.New("-dsn must be a mysql:// URL, as coursegraph's DATABASE_URL")
	}
	cfg := mysql.NewConfig()
	cfg.User = u.User.Username()
	cfg.Passwd, _ = u.User.Password()
	cfg.Net, cfg.Addr = "tcp", u.Host
	if u.Port() == "" {
		cfg.Addr += ":3306"
	}
	cfg.DBName = strings.TrimPrefix(u.Path, "/")
	cfg.ParseTime, cfg.Loc, cfg.InterpolateParams = true, time.UTC, true
	cfg.Params = map[string]string{"time_zone": "'+00:00'"}
	if ip := net.ParseIP(u.Hostname()); ip == nil || !ip.IsLoopback() {
		return nil, fmt.Errorf("-dsn must name a loopback IP address, not %q", u.Hostname())
	}
	if !strings.Contains(cfg.DBName, "bench") {
		return nil, fmt.Errorf("-dsn must name a database whose name contains \"bench\", not %q", cfg.DBName)
	}
	return cfg, nil
}

// ensureWrk installs wrk with apt-get when it is missing.
func ensureWrk(ctx context.Context, stdout io.Writer) error {
	if _, err := exec.LookPath("wrk"); err == nil {
		return nil
	}
	fmt.Fprintln(stdout, "compare: installing wrk (apt-get)")
	if err := benchproc.Command(ctx, "", nil, io.Discard, "apt-get", "install", "-y", "wrk"); err != nil {
		if err := benchproc.Command(ctx, "", nil, io.Discard, "apt-get", "update"); err != nil {
			return fmt.Errorf("apt-get update: %w", err)
		}
		if err := benchproc.Command(ctx, "", nil, io.Discard, "apt-get", "install", "-y", "wrk"); err != nil {
			return fmt.Errorf("install wrk: %w", err)
		}
	}
	_, err := exec.LookPath("wrk")
	return err
}

// procStatus reads a field of /proc/PID/status of a server in KiB.
func procStatus(s *benchproc.Server, field string) int64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(s.Pid()) + "/status")
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return n
		}
	}
	return 0
}

func rss(s *benchproc.Server) int64 { return procStatus(s, "VmRSS") }
func hwm(s *benchproc.Server) int64 { return procStatus(s, "VmHWM") }

func deleteLoadEnquiries(ctx context.Context, db *sql.DB) error {
	_, err := db.ExecContext(ctx, "DELETE FROM enquiries WHERE email LIKE ?", "%@"+loadDomain)
	if err != nil {
		return fmt.Errorf("delete the enquiries the runner made: %w", err)
	}
	return nil
}
