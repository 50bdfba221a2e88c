package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httputil"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"coursegraph/bench/internal/benchproc"
)

// The limit row: a cached scenario's req/s against bench/limit's, a net/http
// server that replays the cached server's own hit (status, headers and body,
// byte for byte) and does nothing else. A hit can at best do what limit does,
// so the ratio says how much of a hit is overhead (issue 19).

// recordHit posts a cached scenario's request to the cached server until it is
// answered from the cache (X-Cache: HIT; at most three tries) and writes that
// answer, as an HTTP response, to dir/<sc>-answer.http for bench/limit.
func recordHit(ctx context.Context, url string, body []byte, dir, sc string) (string, error) {
	for range 3 {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
		if err != nil {
			return "", err
		}
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			return "", err
		}
		dump, err := httputil.DumpResponse(resp, true)
		resp.Body.Close()
		if err != nil {
			return "", err
		}
		if resp.StatusCode != http.StatusOK {
			return "", fmt.Errorf("%s: status %d: %.300s", sc, resp.StatusCode, dump)
		}
		if resp.Header.Get("X-Cache") != "HIT" {
			continue
		}
		path := filepath.Join(dir, sc+"-answer.http")
		return path, os.WriteFile(path, dump, 0o644)
	}
	return "", fmt.Errorf("%s: the cached server did not answer from its cache in three tries", sc)
}

// startLimit starts bench/limit replaying the hit of a cached scenario.
func startLimit(ctx context.Context, bin string, f *fixture, cgc *benchproc.Server, sc, dir string) (*benchproc.Server, error) {
	body, _ := f.request(sc, "", 0)
	answer, err := recordHit(ctx, cgc.URL, body, dir, sc)
	if err != nil {
		return nil, err
	}
	port, err := benchproc.FreePort()
	if err != nil {
		return nil, err
	}
	return benchproc.Start(ctx, "limit", bin, []string{"-addr", "127.0.0.1:" + strconv.Itoa(port), "-answer", answer}, nil, port, dir)
}

// roundOrder is the order of the servers in a round: as given, then reversed,
// so that no server always runs first (or, with raw, coursegraph and limit,
// coursegraph always between the other two).
func roundOrder(round int, servers []*benchproc.Server) []*benchproc.Server {
	if round%2 == 0 {
		return servers
	}
	out := slices.Clone(servers)
	slices.Reverse(out)
	return out
}

// limitTable renders the cached scenarios against the limit, or "" when no
// scenario ran against it.
func (r *results) limitTable() string {
	var b strings.Builder
	for _, c := range r.cells {
		if len(c.limit) == 0 {
			continue
		}
		if b.Len() == 0 {
			b.WriteString("Cached answers against the limit: bench/limit replays the cached server's own hit (status, headers, body) and does nothing else; " +
				"in the same interleaved rounds; ratio = coursegraph/limit req/s per round, median [min-max].\n\n")
			b.WriteString("| Scenario | Conns | limit req/s | coursegraph req/s | ratio cg/limit | limit p50 / p99 ms | cg p50 / p99 ms | errors limit / cg |\n")
			b.WriteString("|---|---:|---:|---:|---|---:|---:|---:|\n")
		}
		var ratios []float64
		for i := range min(len(c.limit), len(c.cg)) {
			if c.limit[i].rps > 0 {
				ratios = append(ratios, c.cg[i].rps/c.limit[i].rps)
			}
		}
		if len(ratios) == 0 {
			ratios = []float64{0}
		}
		rps := func(x wrkResult) float64 { return x.rps }
		p50 := func(x wrkResult) float64 { return float64(x.p50) }
		p99 := func(x wrkResult) float64 { return float64(x.p99) }
		fmt.Fprintf(&b, "| %s | %d | %.0f | %.0f | %.2f [%.2f-%.2f] | %s / %s | %s / %s | %d / %d |\n",
			scenarioNames[c.sc], c.conns, median(field(c.limit, rps)), median(field(c.cg, rps)),
			median(ratios), slices.Min(ratios), slices.Max(ratios),
			ms(median(field(c.limit, p50))), ms(median(field(c.limit, p99))),
			ms(median(field(c.cg, p50))), ms(median(field(c.cg, p99))),
			errorCount(c.limit), errorCount(c.cg))
	}
	if b.Len() > 0 {
		b.WriteString("\n")
	}
	return b.String()
}

func errorCount(rs []wrkResult) (n int) {
	for _, x := range rs {
		n += x.errors
	}
	return n
}
