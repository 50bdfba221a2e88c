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
)

// wrkScript POSTs one body.
const wrkScript = `wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = [==[%s]==]
`

// measure builds the server without a profile and with o.out, starts both
// with RESPONSE_CACHE=off on the dataset, and runs Q1, Q2 and Q3 against each
// with wrk, o.rounds rounds of o.duration interleaved (the order alternating
// each round), printing req/s and the ratio with/without the profile per
// round, as median [min-max].
func measure(ctx context.Context, o *options, root, tmp string, stdout io.Writer) error {
	if _, err := exec.LookPath("wrk"); err != nil {
		return fmt.Errorf("-measure needs wrk (apt-get install wrk): %w", err)
	}
	profile, err := filepath.Abs(o.out)
	if err != nil {
		return err
	}
	builds := []struct{ name, pgo string }{{"without", "off"}, {"with", profile}}
	var servers []*server
	for _, b := range builds {
		bin := filepath.Join(tmp, "coursegraph-"+b.name)
		fmt.Fprintf(stdout, "pgo: building the server with -pgo=%s\n", b.pgo)
		if err := command(ctx, root, stdout, "go", "build", "-pgo="+b.pgo, "-o", bin, "."); err != nil {
			return fmt.Errorf("build: %w", err)
		}
		port, err := freePort()
		if err != nil {
			return err
		}
		s, err := startServer(ctx, b.name, bin, []string{
			"DATABASE_URL=" + o.dsn, "ADDR=127.0.0.1:" + strconv.Itoa(port), "APP_ENV=production", "LOG_LEVEL=warn",
			"ENQUIRIES_PER_ADDRESS=off", "COMMENTS_PER_ADDRESS=off", "RESPONSE_CACHE=off",
		}, port, tmp)
		if err != nil {
			return err
		}
		defer s.stop()
		servers = append(servers, s)
	}
	reqs, err := requests(ctx, servers[0].url, []string{"q1", "q2", "q3"})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\n| Scenario (c=%d, %d rounds of %s) | req/s without | req/s with | ratio with/without, median [min-max] | each round |\n|---|---:|---:|---|---|\n",
		o.conns, o.rounds, o.duration)
	for _, r := range reqs {
		script := filepath.Join(tmp, r.name+".lua")
		if err := os.WriteFile(script, fmt.Appendf(nil, wrkScript, r.body), 0o644); err != nil {
			return err
		}
		for _, s := range servers {
			if _, err := runWrk(ctx, s.url, script, o.conns, o.warmup); err != nil {
				return err
			}
		}
		var without, with, ratios []float64
		for round := range o.rounds {
			order := []int{0, 1}
			if round%2 == 1 {
				order = []int{1, 0}
			}
			rps := make([]float64, 2)
			for _, i := range order {
				if rps[i], err = runWrk(ctx, servers[i].url, script, o.conns, o.duration); err != nil {
					return err
				}
			}
			without, with = append(without, rps[0]), append(with, rps[1])
			ratios = append(ratios, rps[1]/rps[0])
		}
		each := make([]string, len(ratios))
		for i, x := range ratios {
			each[i] = strconv.FormatFloat(x, 'f', 2, 64)
		}
		fmt.Fprintf(stdout, "| %s | %.0f | %.0f | %.2f [%.2f-%.2f] | %s |\n", strings.ToUpper(r.name), median(without), median(with),
			median(ratios), slices.Min(ratios), slices.Max(ratios), strings.Join(each, " "))
	}
	return nil
}

// runWrk runs wrk for d and returns its requests per second; any error
// (socket or non-2xx) fails it.
func runWrk(ctx context.Context, url, script string, conns int, d time.Duration) (float64, error) {
	secs := max(1, int(d.Round(time.Second).Seconds()))
	ctx, cancel := context.WithTimeout(ctx, d+30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "wrk", "-t2", "-c"+strconv.Itoa(conns), "-d"+strconv.Itoa(secs)+"s", "--timeout", "10s", "-s", script, url).CombinedOutput()
	if err != nil {
		return 0, fmt.Errorf("wrk: %w: %s", err, out)
	}
	if strings.Contains(string(out), "Non-2xx") || strings.Contains(string(out), "Socket errors") {
		return 0, fmt.Errorf("wrk saw errors: %s", out)
	}
	for l := range strings.SplitSeq(string(out), "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(l), "Requests/sec:"); ok {
			return strconv.ParseFloat(strings.TrimSpace(v), 64)
		}
	}
	return 0, fmt.Errorf("wrk printed no Requests/sec: %s", out)
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
