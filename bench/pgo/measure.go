package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"coursegraph/bench/internal/benchproc"
)

// wrkScript POSTs one body.
const wrkScript = `wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = [==[%s]==]
`

// measure builds the server without a profile and with o.out, starts both
// with RESPONSE_CACHE=off on the dataset, and runs Q1, Q2 and Q3 against each
// with wrk, o.rounds rounds of o.duration interleaved (the order alternating
// each round). It prints, per scenario, req/s and the server's CPU time per
// request (from /proc) with and without the profile, and their ratios per
// round as median [min-max]: on a shared machine the CPU per request moves
// less than req/s with the other work.
func measure(ctx context.Context, o *options, root, tmp string, stdout io.Writer) error {
	if _, err := exec.LookPath("wrk"); err != nil {
		return fmt.Errorf("-measure needs wrk (apt-get install wrk): %w", err)
	}
	profile, err := filepath.Abs(o.out)
	if err != nil {
		return err
	}
	builds := []struct{ name, pgo string }{{"without", "off"}, {"with", profile}}
	var servers []*benchproc.Server
	for _, b := range builds {
		bin := filepath.Join(tmp, "coursegraph-"+b.name)
		fmt.Fprintf(stdout, "pgo: building the server with -pgo=%s\n", b.pgo)
		if err := benchproc.Command(ctx, root, nil, stdout, "go", "build", "-pgo="+b.pgo, "-o", bin, "."); err != nil {
			return fmt.Errorf("build: %w", err)
		}
		port, err := benchproc.FreePort()
		if err != nil {
			return err
		}
		s, err := benchproc.Start(ctx, b.name, bin, nil, []string{
			"DATABASE_URL=" + o.dsn, "ADDR=127.0.0.1:" + strconv.Itoa(port), "APP_ENV=production", "LOG_LEVEL=warn",
			"ENQUIRIES_PER_ADDRESS=off", "COMMENTS_PER_ADDRESS=off", "RESPONSE_CACHE=off",
		}, port, tmp)
		if err != nil {
			return err
		}
		defer s.Stop()
		servers = append(servers, s)
	}
	reqs, err := requests(ctx, servers[0].URL, []string{"q1", "q2", "q3"})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\nc=%d, %d interleaved rounds of %s per build; ratio = with/without per round, median [min-max], then each round.\n\n", o.conns, o.rounds, o.duration)
	fmt.Fprintln(stdout, "| Scenario | req/s without / with | ratio req/s | server CPU ms per request without / with | ratio CPU per request | req/s ratio each round | CPU ratio each round |")
	fmt.Fprintln(stdout, "|---|---:|---|---:|---|---|---|")
	for _, r := range reqs {
		script := filepath.Join(tmp, r.name+".lua")
		if err := os.WriteFile(script, fmt.Appendf(nil, wrkScript, r.body), 0o644); err != nil {
			return err
		}
		for _, s := range servers {
			if _, err := runWrk(ctx, s, script, o.conns, o.warmup); err != nil {
				return err
			}
		}
		var runs [2][]wrkRun
		var rps, cpu []float64
		for round := range o.rounds {
			order := []int{0, 1}
			if round%2 == 1 {
				order = []int{1, 0}
			}
			var pair [2]wrkRun
			for _, i := range order {
				if pair[i], err = runWrk(ctx, servers[i], script, o.conns, o.duration); err != nil {
					return err
				}
				runs[i] = append(runs[i], pair[i])
			}
			rps = append(rps, pair[1].rps/pair[0].rps)
			cpu = append(cpu, float64(pair[1].cpuPerRequest())/float64(pair[0].cpuPerRequest()))
		}
		perSecond := func(w wrkRun) float64 { return w.rps }
		cpuMillis := func(w wrkRun) float64 { return w.cpuPerRequest().Seconds() * 1000 }
		fmt.Fprintf(stdout, "| %s | %.0f / %.0f | %s | %.2f / %.2f | %s | %s | %s |\n", strings.ToUpper(r.name),
			median(each(runs[0], perSecond)), median(each(runs[1], perSecond)), spread(rps),
			median(each(runs[0], cpuMillis)), median(each(runs[1], cpuMillis)), spread(cpu), list(rps), list(cpu))
	}
	return nil
}

// wrkRun is one wrk run's throughput, and the server's CPU time meanwhile.
type wrkRun struct {
	rps      float64
	requests int
	cpu      time.Duration
}

// cpuPerRequest is the server's CPU time per request answered: less
// disturbed than req/s by other work on the machine.
func (w wrkRun) cpuPerRequest() time.Duration { return w.cpu / time.Duration(max(1, w.requests)) }

func each(ws []wrkRun, f func(wrkRun) float64) []float64 {
	out := make([]float64, len(ws))
	for i, w := range ws {
		out[i] = f(w)
	}
	return out
}

func spread(xs []float64) string {
	return fmt.Sprintf("%.2f [%.2f-%.2f]", median(xs), slices.Min(xs), slices.Max(xs))
}

func list(xs []float64) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = strconv.FormatFloat(x, 'f', 2, 64)
	}
	return strings.Join(s, " ")
}

// cpuTime reads the user and system CPU time of process pid from /proc, in
// clock ticks of 10 ms (USER_HZ on Linux).
func cpuTime(pid int) (time.Duration, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, err
	}
	// The command name, in parentheses, may hold spaces: count fields after it.
	fields := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
	if len(fields) < 13 {
		return 0, fmt.Errorf("short /proc/%d/stat", pid)
	}
	utime, err1 := strconv.ParseInt(fields[11], 10, 64)
	stime, err2 := strconv.ParseInt(fields[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("bad /proc/%d/stat", pid)
	}
	return time.Duration(utime+stime) * 10 * time.Millisecond, nil
}

// runWrk runs wrk against s for d; any error (socket or non-2xx) fails it.
func runWrk(ctx context.Context, s *benchproc.Server, script string, conns int, d time.Duration) (wrkRun, error) {
	var w wrkRun
	secs := max(1, int(d.Round(time.Second).Seconds()))
	ctx, cancel := context.WithTimeout(ctx, d+30*time.Second)
	defer cancel()
	before, err := cpuTime(s.Pid())
	if err != nil {
		return w, err
	}
	out, err := exec.CommandContext(ctx, "wrk", "-t2", "-c"+strconv.Itoa(conns), "-d"+strconv.Itoa(secs)+"s", "--timeout", "10s", "-s", script, s.URL).CombinedOutput()
	if err != nil {
		return w, fmt.Errorf("wrk: %w: %s", err, out)
	}
	after, err := cpuTime(s.Pid())
	if err != nil {
		return w, err
	}
	w.cpu = after - before
	if strings.Contains(string(out), "Non-2xx") || strings.Contains(string(out), "Socket errors") {
		return w, fmt.Errorf("wrk saw errors: %s", out)
	}
	for l := range strings.SplitSeq(string(out), "\n") {
		l = strings.TrimSpace(l)
		if v, ok := strings.CutPrefix(l, "Requests/sec:"); ok {
			w.rps, err = strconv.ParseFloat(strings.TrimSpace(v), 64)
		}
		if n, _, ok := strings.Cut(l, " requests in "); ok {
			w.requests, err = strconv.Atoi(n)
		}
		if err != nil {
			return w, fmt.Errorf("wrk's figures: %w: %s", err, out)
		}
	}
	if w.rps == 0 || w.requests == 0 {
		return w, fmt.Errorf("wrk printed no figures: %s", out)
	}
	return w, nil
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
