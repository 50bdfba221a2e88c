package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"coursegraph/bench/internal/benchproc"
	"coursegraph/bench/scenario"
)

// mixedResult is what the mixed scenario saw.
type mixedResult struct {
	workers                 int
	elapsed                 time.Duration
	reads, writes, hits     int64
	stale, errors           int64
	firstStale, firstError  string
	readsPerSecond, hitRate float64
	writeKinds              map[string]int64
	staleByScenario         map[string]int64
	readsByScenario         map[string]int64
	hitsByScenario          map[string]int64
}

// mixedWrite is one kind of write the mixed scenario makes, toggling a value and
// back, so that the data ends as it began.
type mixedWrite struct {
	kind  string
	query string
	vars  func(toggle bool) map[string]any
}

// runMixed sends Q1, Q2 and Q3 to the cached server from workers goroutines for
// d, with one write (a course renamed, Q3's article retitled, a schedule's seats
// changed; in turn) per 100 requests, through the same server as the bench admin.
// Every read is checked against the raw server, which reads the database
// directly: reads and the raw check hold a read lock, writes the write lock, so
// that the truth cannot move between the two and a difference is a stale answer.
// It returns the counts; it fails only on setup errors.
func runMixed(ctx context.Context, db *sql.DB, raw, cgc *benchproc.Server, f *fixture, d time.Duration, workers int, stdout io.Writer) (mixedResult, error) {
	fmt.Fprintf(stdout, "compare: mixed, %d workers for %s (one write per 100 requests, every read checked)\n", workers, d)
	token, err := login(ctx, cgc, adminEmail, adminPassword)
	if err != nil {
		return mixedResult{}, err
	}
	writes, restore, err := mixedWrites(ctx, db, f)
	if err != nil {
		return mixedResult{}, err
	}
	defer func() {
		for _, w := range restore {
			if _, _, err := answer(context.WithoutCancel(ctx), cgc, benchproc.RequestBody(w.query, w.vars(false)), token); err != nil {
				fmt.Fprintf(stdout, "compare: mixed: could not restore (%s): %v\n", w.kind, err)
			}
		}
	}()
	res := mixedResult{workers: workers, writeKinds: map[string]int64{}, staleByScenario: map[string]int64{},
		readsByScenario: map[string]int64{}, hitsByScenario: map[string]int64{}}
	var (
		truth   sync.RWMutex
		mu      sync.Mutex // guards res
		n       atomic.Int64
		toggles = make([]bool, len(writes))
		wg      sync.WaitGroup
	)
	deadline := time.Now().Add(d)
	start := time.Now()
	for range workers {
		wg.Go(func() {
			for time.Now().Before(deadline) && ctx.Err() == nil {
				i := n.Add(1)
				if i%100 == 0 {
					truth.Lock()
					k := int(i/100) % len(writes)
					toggles[k] = !toggles[k]
					w := writes[k]
					_, _, err := answer(ctx, cgc, benchproc.RequestBody(w.query, w.vars(toggles[k])), token)
					truth.Unlock()
					mu.Lock()
					res.writes++
					res.writeKinds[w.kind]++
					if err != nil {
						res.errors++
						if res.firstError == "" {
							res.firstError = err.Error()
						}
					}
					mu.Unlock()
					continue
				}
				sc := []string{"q1", "q2", "q3"}[i%3]
				body, _ := f.request(sc, "", 0)
				truth.RLock()
				got, hit, gerr := postCached(ctx, cgc.URL, body)
				want, _, werr := answer(ctx, raw, body, "")
				truth.RUnlock()
				mu.Lock()
				res.reads++
				res.readsByScenario[sc]++
				switch {
				case gerr != nil || werr != nil:
					res.errors++
					if res.firstError == "" {
						res.firstError = fmt.Sprint(gerr, werr)
					}
				case !reflect.DeepEqual(got, want):
					res.stale++
					res.staleByScenario[sc]++
					if res.firstStale == "" {
						res.firstStale = sc + " at " + firstDifference(want, got, "$")
					}
				}
				if hit {
					res.hits++
					res.hitsByScenario[sc]++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	if res.reads > 0 {
		res.readsPerSecond = float64(res.reads) / res.elapsed.Seconds()
		res.hitRate = float64(res.hits) / float64(res.reads)
	}
	fmt.Fprintf(stdout, "compare: mixed: %d reads, %d writes, %d stale, %d errors, hit rate %.1f %%\n",
		res.reads, res.writes, res.stale, res.errors, 100*res.hitRate)
	return res, nil
}

// mixedWrites picks what the writes change: the first course of Q2 (by title),
// Q3's article and one schedule of a course in Q2, with their current values,
// which the restore writes put back.
func mixedWrites(ctx context.Context, db *sql.DB, f *fixture) (writes, restore []mixedWrite, err error) {
	var courseID, articleID, scheduleID uint64
	var courseTitle, articleTitle string
	var seats, capacity int
	if err = db.QueryRowContext(ctx, "SELECT id, title FROM courses WHERE active = 1 ORDER BY title, id LIMIT 1").Scan(&courseID, &courseTitle); err != nil {
		return nil, nil, fmt.Errorf("mixed: a course: %w", err)
	}
	if err = db.QueryRowContext(ctx, "SELECT id, title FROM articles WHERE slug = ?", f.slug).Scan(&articleID, &articleTitle); err != nil {
		return nil, nil, fmt.Errorf("mixed: Q3's article: %w", err)
	}
	if err = db.QueryRowContext(ctx, "SELECT id, seats_taken, capacity FROM schedules WHERE course_id = ? AND capacity > seats_taken ORDER BY id LIMIT 1", courseID).
		Scan(&scheduleID, &seats, &capacity); err != nil {
		return nil, nil, fmt.Errorf("mixed: a schedule: %w", err)
	}
	course, article, schedule := gid("Course", courseID), gid("Article", articleID), gid("Schedule", scheduleID)
	title := func(orig string, toggle bool) string {
		if toggle {
			return orig + " (edited)"
		}
		return orig
	}
	writes = []mixedWrite{
		{"updateCourse", `mutation($id: ID!, $t: String!) { updateCourse(id: $id, input: {title: $t}) { id } }`,
			func(t bool) map[string]any { return map[string]any{"id": course, "t": title(courseTitle, t)} }},
		{"updateArticle", `mutation($id: ID!, $t: String!) { updateArticle(id: $id, input: {title: $t}) { id } }`,
			func(t bool) map[string]any { return map[string]any{"id": article, "t": title(articleTitle, t)} }},
		{"updateSchedule", `mutation($id: ID!, $n: Int!) { updateSchedule(id: $id, input: {seatsTaken: $n}) { id } }`,
			func(t bool) map[string]any {
				if t {
					return map[string]any{"id": schedule, "n": seats + 1}
				}
				return map[string]any{"id": schedule, "n": seats}
			}},
	}
	return writes, writes, nil
}

// login signs in and returns the session token.
func login(ctx context.Context, s *benchproc.Server, email, password string) (string, error) {
	v, _, err := answer(ctx, s, benchproc.RequestBody(scenario.Login, map[string]any{"email": email, "password": password}), "")
	if err != nil {
		return "", fmt.Errorf("sign in as %s: %w", email, err)
	}
	token, _ := v["data"].(map[string]any)["login"].(map[string]any)["token"].(string)
	if token == "" {
		return "", fmt.Errorf("sign in as %s: no token", email)
	}
	return token, nil
}

// postCached posts an anonymous request and reports whether the cache answered.
func postCached(ctx context.Context, url string, body []byte) (map[string]any, bool, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, false, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return nil, false, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, false, err
	}
	var v map[string]any
	if err := json.Unmarshal(b, &v); err != nil || v["errors"] != nil {
		return nil, false, fmt.Errorf("status %d: %.300s", resp.StatusCode, b)
	}
	return v, resp.Header.Get("X-Cache") == "HIT", nil
}

// markdown renders the mixed scenario's counts.
func (m *mixedResult) markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Mixed scenario through the response cache: %d workers for %s; one write per 100 requests (%s), every read compared with the raw server's answer under a lock that writes take exclusively.\n\n",
		m.workers, m.elapsed.Round(time.Millisecond), kinds(m.writeKinds))
	b.WriteString("| reads | writes | stale answers | errors | hit rate | reads/s (with the check) | hit rate Q1 / Q2 / Q3 |\n|---:|---:|---:|---:|---:|---:|---|\n")
	rate := func(sc string) string {
		if m.readsByScenario[sc] == 0 {
			return "-"
		}
		return fmt.Sprintf("%.1f %%", 100*float64(m.hitsByScenario[sc])/float64(m.readsByScenario[sc]))
	}
	fmt.Fprintf(&b, "| %d | %d | %d | %d | %.1f %% | %.0f | %s / %s / %s |\n", m.reads, m.writes, m.stale, m.errors, 100*m.hitRate, m.readsPerSecond,
		rate("q1"), rate("q2"), rate("q3"))
	if m.firstStale != "" {
		fmt.Fprintf(&b, "\nFirst stale answer: %s\n", m.firstStale)
	}
	if m.firstError != "" {
		fmt.Fprintf(&b, "\nFirst error: %.300s\n", m.firstError)
	}
	return b.String()
}

func kinds(m map[string]int64) string {
	var parts []string
	for _, k := range []string{"updateCourse", "updateArticle", "updateSchedule"} {
		parts = append(parts, fmt.Sprintf("%d %s", m[k], k))
	}
	return strings.Join(parts, ", ")
}
