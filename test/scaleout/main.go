// Command scaleout runs the named checks of `make scaleout-test` against the
// topology test/scaleout/run.sh starts (a MariaDB primary and its replica,
// HAProxy): it starts a Redis and three coursegraph instances (A, B and C) as
// its children, so that it can kill and restart them, and prints, for each
// check, what came back and PASS or FAIL. It exits 1 if any check failed.
//
// It is a client from outside, as an operator's tools would be: it imports
// nothing of coursegraph's, only HTTP, WebSocket and the MySQL driver.
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
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/coder/websocket"
	_ "github.com/go-sql-driver/mysql"
)

const (
	adminEmail    = "admin@scaleout.test"
	adminPassword = "scale-out admin password"
	maxLag        = 2 * time.Second
	enquiryLimit  = 5
)

type topology struct {
	bin, dir             string
	primary, replica     int
	redisPort, lbPort    int
	ports                [3]int
	procs                [3]*proc
	redis                *proc
	primaryDB, replicaDB *sql.DB
	run                  string // this run's mark, in idempotency keys and messages
	token                string // the admin's
	course               struct{ ID, Slug, Title string }
}

func main() {
	var t topology
	var instances string
	flag.StringVar(&t.bin, "bin", "", "the coursegraph binary")
	flag.StringVar(&t.dir, "dir", "", "a directory for logs and Redis")
	flag.IntVar(&t.primary, "primary", 13306, "the MariaDB primary's port")
	flag.IntVar(&t.replica, "replica", 13307, "the MariaDB replica's port")
	flag.IntVar(&t.redisPort, "redis", 16379, "the port of the Redis to start")
	flag.IntVar(&t.lbPort, "lb", 18080, "HAProxy's port")
	flag.StringVar(&instances, "instances", "18081,18082,18083", "the ports of instances A, B and C")
	only := flag.String("run", "", "run only the checks whose name contains this")
	flag.Parse()
	for i, p := range strings.Split(instances, ",") {
		if i < 3 {
			t.ports[i], _ = strconv.Atoi(p)
		}
	}
	t.run = strconv.FormatInt(time.Now().UnixNano()%1e9, 36)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	code := 1
	func() {
		defer t.stopAll()
		if err := t.setUp(ctx); err != nil {
			fmt.Println("setting up:", err)
			return
		}
		code = t.checks(ctx, *only)
	}()
	os.Exit(code)
}

// check is one named check: it prints what came back and returns why it
// failed, or nil.
type check struct {
	name string
	run  func(ctx context.Context, t *topology) error
}

func (t *topology) checks(ctx context.Context, only string) int {
	all := []check{
		{"reads go to the replica", readsGoToTheReplica},
		{"a write through C is seen on A and B at once", aWriteIsSeenEverywhere},
		{"read-your-writes holds, and a stopped replica SQL thread produces no stale cached answer", readYourWritesAndNoStaleCache},
		{"a subscription on A receives events written through B and C within a second", eventsCrossInstances},
		{"one address gets exactly the limit across the three", limitAcrossInstances},
		{"SIGKILL of one instance under load loses no enquiry and duplicates none", killUnderLoad},
		{"Redis stopped and restarted mid-run: writes succeed, subscriptions get 1013 and recover, limits recover", redisOutage},
	}
	var failed []string
	for _, c := range all {
		if only != "" && !strings.Contains(c.name, only) {
			continue
		}
		fmt.Printf("\n=== CHECK %s\n", c.name)
		start := time.Now()
		cctx, cancel := context.WithTimeout(ctx, 90*time.Second)
		err := c.run(cctx, t)
		cancel()
		if err != nil {
			fmt.Printf("--- FAIL %s (%.1fs): %v\n", c.name, time.Since(start).Seconds(), err)
			failed = append(failed, c.name)
		} else {
			fmt.Printf("--- PASS %s (%.1fs)\n", c.name, time.Since(start).Seconds())
		}
		if ctx.Err() != nil {
			break
		}
	}
	fmt.Println()
	if len(failed) > 0 {
		fmt.Printf("FAILED %d check(s):\n  %s\n", len(failed), strings.Join(failed, "\n  "))
		return 1
	}
	fmt.Println("every check passed")
	return 0
}

// ---- processes ----

type proc struct {
	name string
	cmd  *exec.Cmd
	done chan struct{}
}

func startProc(name, bin string, args, env []string, logFile string) (*proc, error) {
	f, err := os.OpenFile(logFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, args...)
	// Only what the process is given: CI's own settings (REDIS_TEST_URL,
	// TEST_MYSQL_DSN...) are not the instances'.
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}, env...)
	cmd.Stdout, cmd.Stderr = f, f
	// If this program dies, so do its children.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		f.Close()
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	p := &proc{name: name, cmd: cmd, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); f.Close(); close(p.done) }()
	return p, nil
}

// stop sends sig and waits for the process to end (SIGKILL after 20 s).
func (p *proc) stop(sig syscall.Signal) {
	if p == nil {
		return
	}
	_ = p.cmd.Process.Signal(sig)
	select {
	case <-p.done:
	case <-time.After(20 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

func (t *topology) stopAll() {
	var wg sync.WaitGroup
	for _, p := range t.procs {
		wg.Go(func() { p.stop(syscall.SIGTERM) })
	}
	wg.Wait()
	t.redis.stop(syscall.SIGTERM)
}

func (t *topology) startRedis() error {
	p, err := startProc("redis", "redis-server", []string{"--port", strconv.Itoa(t.redisPort), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--dir", t.dir}, nil, filepath.Join(t.dir, "redis.log"))
	if err != nil {
		return err
	}
	t.redis = p
	return waitPort(t.redisPort, 10*time.Second)
}

var instanceNames = [3]string{"A", "B", "C"}

func (t *topology) startInstance(ctx context.Context, i int) error {
	env := []string{
		"ADDR=127.0.0.1:" + strconv.Itoa(t.ports[i]),
		"APP_ENV=production",
		fmt.Sprintf("DATABASE_URL=mysql://cg:cg@127.0.0.1:%d/coursegraph", t.primary),
		fmt.Sprintf("DATABASE_REPLICA_URLS=mysql://cg:cg@127.0.0.1:%d/coursegraph", t.replica),
		fmt.Sprintf("REDIS_URL=redis://127.0.0.1:%d/0", t.redisPort),
		"REPLICA_MAX_LAG=" + maxLag.String(),
		"TRUSTED_PROXIES=127.0.0.1/32",
		fmt.Sprintf("ENQUIRIES_PER_ADDRESS=%d/1m", enquiryLimit),
		"SHUTDOWN_DRAIN=2s",
		"BCRYPT_COST=4",
		"ADMIN_EMAIL=" + adminEmail, "ADMIN_PASSWORD=" + adminPassword,
	}
	p, err := startProc(instanceNames[i], t.bin, []string{"serve"}, env, filepath.Join(t.dir, "instance-"+instanceNames[i]+".log"))
	if err != nil {
		return err
	}
	t.procs[i] = p
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-p.done:
			return fmt.Errorf("instance %s exited at start (see its log)", instanceNames[i])
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if st, _, err := get(ctx, t.instance(i)+"/readyz"); err == nil && st == http.StatusOK {
			return nil
		}
	}
	return fmt.Errorf("instance %s not ready after 30s", instanceNames[i])
}

func waitPort(port int, within time.Duration) error {
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		if c, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(port)); err == nil {
			c.Close()
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("nothing listens on 127.0.0.1:%d after %s", port, within)
}

func (t *topology) instance(i int) string { return "http://127.0.0.1:" + strconv.Itoa(t.ports[i]) }
func (t *topology) lb() string            { return "http://127.0.0.1:" + strconv.Itoa(t.lbPort) }

func (t *topology) setUp(ctx context.Context) error {
	var err error
	if t.primaryDB, err = sql.Open("mysql", fmt.Sprintf("root@tcp(127.0.0.1:%d)/coursegraph", t.primary)); err != nil {
		return err
	}
	if t.replicaDB, err = sql.Open("mysql", fmt.Sprintf("root@tcp(127.0.0.1:%d)/coursegraph", t.replica)); err != nil {
		return err
	}
	if err := t.startRedis(); err != nil {
		return err
	}
	// A first: it makes the first admin, which B and C then find.
	for i := range 3 {
		if err := t.startInstance(ctx, i); err != nil {
			return err
		}
	}
	// HAProxy sees each instance up after two checks a second apart.
	if err := t.waitBalanced(ctx); err != nil {
		return err
	}
	tok, err := signIn(ctx, t.lb())
	if err != nil {
		return err
	}
	t.token = tok
	var got struct {
		Courses struct {
			Edges []struct {
				Node struct{ ID, Slug, Title string }
			}
		}
	}
	if err := (client{base: t.lb()}).ok(ctx, `{ courses(first: 1) { edges { node { id slug title } } } }`, nil, &got); err != nil {
		return err
	}
	if len(got.Courses.Edges) == 0 {
		return errors.New("the seeded catalogue is empty")
	}
	t.course = got.Courses.Edges[0].Node
	fmt.Printf("topology: primary :%d, replica :%d, Redis :%d, HAProxy :%d, instances A :%d B :%d C :%d; course %q (%s)\n",
		t.primary, t.replica, t.redisPort, t.lbPort, t.ports[0], t.ports[1], t.ports[2], t.course.Title, t.course.Slug)
	return nil
}

// waitBalanced waits until HAProxy answers through each of the three.
func (t *topology) waitBalanced(ctx context.Context) error {
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		ok := 0
		for range 6 {
			if st, _, err := get(ctx, t.lb()+"/readyz"); err == nil && st == http.StatusOK {
				ok++
			}
		}
		if ok == 6 {
			time.Sleep(2500 * time.Millisecond) // two health checks: all three are up
			return nil
		}
		time.Sleep(200 * time.Millisecond)
	}
	return errors.New("HAProxy does not answer /readyz")
}

// ---- GraphQL over HTTP ----

type client struct {
	base, token, addr string // addr: the client address, sent as X-Forwarded-For
	idempotencyKey    string
}

type gqlError struct {
	Message    string         `json:"message"`
	Extensions map[string]any `json:"extensions"`
}

type reply struct {
	status  int
	cache   string // X-Cache
	data    json.RawMessage
	errors  []gqlError
	elapsed time.Duration
}

func (r reply) code() string {
	if len(r.errors) == 0 {
		return ""
	}
	c, _ := r.errors[0].Extensions["code"].(string)
	return c
}

var httpClient = &http.Client{Timeout: 15 * time.Second}

func (c client) post(ctx context.Context, query string, vars map[string]any) (reply, error) {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/graphql", bytes.NewReader(body))
	if err != nil {
		return reply{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if c.addr != "" {
		req.Header.Set("X-Forwarded-For", c.addr)
	}
	if c.idempotencyKey != "" {
		req.Header.Set("Idempotency-Key", c.idempotencyKey)
	}
	start := time.Now()
	resp, err := httpClient.Do(req)
	if err != nil {
		return reply{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return reply{}, err
	}
	r := reply{status: resp.StatusCode, cache: resp.Header.Get("X-Cache"), elapsed: time.Since(start)}
	var out struct {
		Data   json.RawMessage `json:"data"`
		Errors []gqlError      `json:"errors"`
	}
	if err := json.Unmarshal(b, &out); err != nil {
		return r, fmt.Errorf("HTTP %d, not JSON: %.200s", resp.StatusCode, b)
	}
	r.data, r.errors = out.Data, out.Errors
	return r, nil
}

// ok posts a query that must succeed and decodes its data into v.
func (c client) ok(ctx context.Context, query string, vars map[string]any, v any) error {
	r, err := c.post(ctx, query, vars)
	if err != nil {
		return err
	}
	if len(r.errors) > 0 {
		return fmt.Errorf("%s: %s", r.code(), r.errors[0].Message)
	}
	if v != nil {
		return json.Unmarshal(r.data, v)
	}
	return nil
}

func get(ctx context.Context, url string) (int, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, "", err
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), nil
}

func signIn(ctx context.Context, base string) (string, error) {
	var got struct{ Login struct{ Token string } }
	err := (client{base: base}).ok(ctx, `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }`,
		map[string]any{"e": adminEmail, "p": adminPassword}, &got)
	if err != nil {
		return "", fmt.Errorf("sign in: %w", err)
	}
	return got.Login.Token, nil
}

const courseTitle = `query($slug: String!) { course(slug: $slug) { title } }`

// title reads the course's title as c.
func (t *topology) title(ctx context.Context, c client) (string, reply, error) {
	r, err := c.post(ctx, courseTitle, map[string]any{"slug": t.course.Slug})
	if err != nil {
		return "", r, err
	}
	if len(r.errors) > 0 {
		return "", r, fmt.Errorf("%s: %s", r.code(), r.errors[0].Message)
	}
	var got struct{ Course struct{ Title string } }
	err = json.Unmarshal(r.data, &got)
	return got.Course.Title, r, err
}

// rename gives the course a new title through base, as the admin.
func (t *topology) rename(ctx context.Context, base, title string) error {
	return (client{base: base, token: t.token}).ok(ctx, `mutation($id: ID!, $t: String!) { updateCourse(id: $id, input: {title: $t}) { title } }`,
		map[string]any{"id": t.course.ID, "t": title}, nil)
}

// submit sends an enquiry as c, whose message (and email) carries marker: the
// same marker is the same enquiry, as a retry must be.
func submit(ctx context.Context, c client, marker string) (reply, error) {
	return c.post(ctx, `mutation($in: SubmitEnquiryInput!) { submitEnquiry(input: $in) { id } }`, map[string]any{"in": map[string]any{
		"name": "Scale Out", "email": "visitor-" + marker + "@example.com",
		"message": "Is there a seat in the evening batch? Reference " + marker,
	}})
}

// address returns a client address of its own for n (TEST-NET-2 and -3).
func address(n int) string { return fmt.Sprintf("198.%d.%d.%d", 51+n/65536%2*49, n/256%256, n%256) }

var servedRe = regexp.MustCompile(`replica (\S+): (in rotation|out of rotation)[^,]*(?:, lag (\S+))?.*?, (\d+) reads served`)

// replicaStates reads /readyz?verbose of each instance: its replica line and
// the reads the replica served.
func (t *topology) replicaStates(ctx context.Context) ([3]string, [3]int64, error) {
	var lines [3]string
	var served [3]int64
	for i := range 3 {
		_, body, err := get(ctx, t.instance(i)+"/readyz?verbose")
		if err != nil {
			return lines, served, err
		}
		for l := range strings.SplitSeq(body, "\n") {
			if m := servedRe.FindStringSubmatch(l); m != nil {
				lines[i] = l
				served[i], _ = strconv.ParseInt(m[4], 10, 64)
			}
		}
		if lines[i] == "" {
			return lines, served, fmt.Errorf("instance %s: no replica in /readyz?verbose:\n%s", instanceNames[i], body)
		}
	}
	return lines, served, nil
}

func comSelect(ctx context.Context, db *sql.DB) (int64, error) {
	var name string
	var n int64
	err := db.QueryRowContext(ctx, "SHOW GLOBAL STATUS LIKE 'Com_select'").Scan(&name, &n)
	return n, err
}

// ---- the checks ----

// readsGoToTheReplica: 100 anonymous catalogue reads, each a different
// document (so that the cache cannot answer them), through HAProxy.
func readsGoToTheReplica(ctx context.Context, t *topology) error {
	_, before, err := t.replicaStates(ctx)
	if err != nil {
		return err
	}
	pBefore, err := comSelect(ctx, t.primaryDB)
	if err != nil {
		return err
	}
	rBefore, err := comSelect(ctx, t.replicaDB)
	if err != nil {
		return err
	}
	c := client{base: t.lb(), addr: address(1)}
	for i := range 100 {
		q := fmt.Sprintf(`query Catalogue%d { courses(first: 5) { edges { node { title fee { amount } } } } }`, i)
		if err := c.ok(ctx, q, nil, nil); err != nil {
			return err
		}
	}
	lines, after, err := t.replicaStates(ctx)
	if err != nil {
		return err
	}
	pAfter, _ := comSelect(ctx, t.primaryDB)
	rAfter, _ := comSelect(ctx, t.replicaDB)
	var served int64
	for i := range 3 {
		d := after[i] - before[i]
		served += d
		fmt.Printf("  instance %s: replica served %d reads; %s\n", instanceNames[i], d, strings.TrimSpace(lines[i]))
	}
	fmt.Printf("  100 catalogue reads: %d statements on the replica (its Com_select +%d, lag checks included); primary Com_select +%d\n",
		served, rAfter-rBefore, pAfter-pBefore)
	if served < 100 {
		return fmt.Errorf("the replica served %d statements for 100 reads", served)
	}
	if pAfter-pBefore >= 50 {
		return fmt.Errorf("the primary ran %d SELECTs during 100 anonymous reads", pAfter-pBefore)
	}
	return nil
}

// aWriteIsSeenEverywhere: a rename through C, then reads on A and B at once:
// signed in (the primary), and anonymous (the response cache, shared in
// Redis, and a replica, which may lag a few milliseconds: its first answer is
// printed, and the check waits for the new title at most REPLICA_MAX_LAG).
func aWriteIsSeenEverywhere(ctx context.Context, t *topology) error {
	anon := func(i int) client { return client{base: t.instance(i), addr: address(10 + i)} }
	for _, i := range []int{0, 1} { // warm the cache with the current title
		if _, _, err := t.title(ctx, anon(i)); err != nil {
			return err
		}
	}
	title := "Scale-out rename " + t.run
	if err := t.rename(ctx, t.instance(2), title); err != nil {
		return err
	}
	written := time.Now()
	for _, i := range []int{0, 1} {
		got, _, err := t.title(ctx, client{base: t.instance(i), token: t.token})
		if err != nil {
			return err
		}
		fmt.Printf("  signed in on %s, at once: %q\n", instanceNames[i], got)
		if got != title {
			return fmt.Errorf("instance %s answered %q to a signed-in read after the write", instanceNames[i], got)
		}
	}
	for _, i := range []int{0, 1} {
		first := ""
		for {
			got, r, err := t.title(ctx, anon(i))
			if err != nil {
				return err
			}
			if first == "" {
				first = fmt.Sprintf("%q (X-Cache %s)", got, r.cache)
			}
			if got == title {
				fmt.Printf("  anonymous on %s: first answer %s; the new title %s after the write\n", instanceNames[i], first, time.Since(written).Round(time.Millisecond))
				break
			}
			if r.cache == "HIT" {
				return fmt.Errorf("instance %s answered the old title from the cache after the write", instanceNames[i])
			}
			if time.Since(written) > maxLag {
				return fmt.Errorf("instance %s still answers %q %s after the write", instanceNames[i], got, maxLag)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	t.course.Title = title
	return nil
}

// readYourWritesAndNoStaleCache stops the replica's SQL thread, so that it
// keeps answering, in rotation, without applying writes until its lag passes
// REPLICA_MAX_LAG; then, in that window: the admin renames the course through
// A and reads it through B and C (signed in: the primary); an anonymous client
// that has just sent an enquiry reads it (the primary); another anonymous client
// reads it (the replica: the old title, which must not be kept by the cache).
// Until the replica is out of rotation and after, every cached answer must be
// the new title.
func readYourWritesAndNoStaleCache(ctx context.Context, t *topology) error {
	if _, err := t.replicaDB.ExecContext(ctx, "STOP SLAVE SQL_THREAD"); err != nil {
		return err
	}
	stopped := time.Now()
	defer func() { _, _ = t.replicaDB.ExecContext(context.Background(), "START SLAVE SQL_THREAD") }()
	fmt.Println("  STOP SLAVE SQL_THREAD on the replica")
	old := t.course.Title
	title := "Read your writes " + t.run
	if err := t.rename(ctx, t.instance(0), title); err != nil {
		return err
	}
	var failures []string
	for _, i := range []int{1, 2} {
		got, _, err := t.title(ctx, client{base: t.instance(i), token: t.token})
		if err != nil {
			return err
		}
		fmt.Printf("  read-your-writes: the admin reads through %s: %q\n", instanceNames[i], got)
		if got != title {
			failures = append(failures, fmt.Sprintf("the admin read %q through %s after writing %q", got, instanceNames[i], title))
		}
	}
	// The writer reads the title through a document of its own, so that its
	// answer (read on the primary, and kept) is not the one the others ask for.
	writer := client{base: t.instance(0), addr: address(100)}
	if r, err := submit(ctx, writer, "ryw-"+t.run); err != nil || len(r.errors) > 0 {
		return fmt.Errorf("anonymous enquiry: %v %v", err, r.errors)
	}
	writer.base = t.instance(1)
	r, err := writer.post(ctx, `query Mine($slug: String!) { course(slug: $slug) { title slug } }`, map[string]any{"slug": t.course.Slug})
	if err != nil {
		return err
	}
	var mine struct{ Course struct{ Title string } }
	_ = json.Unmarshal(r.data, &mine)
	fmt.Printf("  read-your-writes: an anonymous client that has just sent an enquiry through A reads through B: %q (X-Cache %s)\n", mine.Course.Title, r.cache)
	if mine.Course.Title != title {
		failures = append(failures, fmt.Sprintf("an anonymous client read %q just after its own write", mine.Course.Title))
	}
	// Other clients, each once, through A, B and C in turn: the replica, in
	// rotation and stale, until its lag passes REPLICA_MAX_LAG.
	staleSeen, keptStale, newSeen := 0, 0, 0
	var outAt time.Duration
	for n := 0; time.Since(stopped) < maxLag+3*time.Second; n++ {
		i := n % 3
		got, r, err := t.title(ctx, client{base: t.instance(i), addr: address(200 + n)})
		if err != nil {
			return err
		}
		first := n == 0 || got == title && newSeen == 0
		if got == old {
			staleSeen++
			if r.cache == "HIT" {
				keptStale++
				first = first || keptStale == 1
			}
		} else {
			newSeen++
			if outAt == 0 {
				outAt = time.Since(stopped)
			}
		}
		if first {
			fmt.Printf("  %6s after the stop, another anonymous client through %s: %q (X-Cache %s)\n",
				time.Since(stopped).Round(time.Millisecond), instanceNames[i], got, r.cache)
		}
		time.Sleep(50 * time.Millisecond)
	}
	lines, _, err := t.replicaStates(ctx)
	if err != nil {
		return err
	}
	for i := range 3 {
		fmt.Printf("  /readyz?verbose on %s: %s\n", instanceNames[i], strings.TrimSpace(lines[i]))
		if !strings.Contains(lines[i], "out of rotation") {
			failures = append(failures, "instance "+instanceNames[i]+" keeps the stopped replica in rotation")
		}
	}
	fmt.Printf("  no stale cache: %d answers with the old title (read on the stale replica), %d of them from the cache; %d with the new title, from %s after the stop on\n",
		staleSeen, keptStale, newSeen, outAt.Round(time.Millisecond))
	if staleSeen == 0 {
		failures = append(failures, "no read saw the stopped replica's old title: the check proved nothing")
	}
	if keptStale > 0 {
		failures = append(failures, fmt.Sprintf("%d stale answers came from the cache", keptStale))
	}
	if _, err := t.replicaDB.ExecContext(ctx, "START SLAVE SQL_THREAD"); err != nil {
		return err
	}
	fmt.Println("  START SLAVE SQL_THREAD")
	started := time.Now()
	for {
		lines, _, err := t.replicaStates(ctx)
		if err != nil {
			return err
		}
		in := 0
		for _, l := range lines {
			if strings.Contains(l, "in rotation") && !strings.Contains(l, "out of rotation") {
				in++
			}
		}
		if in == 3 {
			fmt.Printf("  back in rotation on A, B and C %s after the start: %s\n", time.Since(started).Round(time.Millisecond), strings.TrimSpace(lines[0]))
			break
		}
		if time.Since(started) > 10*time.Second {
			failures = append(failures, "the replica is not back in rotation 10s after it caught up")
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	got, r, err := t.title(ctx, client{base: t.lb(), addr: address(400)})
	if err != nil {
		return err
	}
	fmt.Printf("  afterwards, anonymous through HAProxy: %q (X-Cache %s)\n", got, r.cache)
	if got != title {
		failures = append(failures, fmt.Sprintf("after the replica caught up, an anonymous read gave %q", got))
	}
	t.course.Title = title
	if len(failures) > 0 {
		return errors.New(strings.Join(failures, "; "))
	}
	return nil
}

// subscription is a graphql-transport-ws connection to enquiryReceived.
type subscription struct {
	conn   *websocket.Conn
	events chan string // each event's message
	closed chan websocket.StatusCode
}

func subscribe(ctx context.Context, base, token string) (*subscription, error) {
	url := "ws" + strings.TrimPrefix(base, "http") + "/graphql"
	dctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	conn, _, err := websocket.Dial(dctx, url, &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", url, err)
	}
	send := func(v any) error {
		b, _ := json.Marshal(v)
		return conn.Write(dctx, websocket.MessageText, b)
	}
	if err := send(map[string]any{"type": "connection_init", "payload": map[string]any{"Authorization": "Bearer " + token}}); err != nil {
		return nil, err
	}
	_, b, err := conn.Read(dctx)
	if err != nil || !strings.Contains(string(b), "connection_ack") {
		return nil, fmt.Errorf("connection_init: %v %s", err, b)
	}
	if err := send(map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{"query": "subscription { enquiryReceived { message } }"}}); err != nil {
		return nil, err
	}
	s := &subscription{conn: conn, events: make(chan string, 1024), closed: make(chan websocket.StatusCode, 1)}
	go func() {
		for {
			_, b, err := conn.Read(context.Background())
			if err != nil {
				s.closed <- websocket.CloseStatus(err)
				return
			}
			var msg struct {
				Type    string
				Payload struct {
					Data struct{ EnquiryReceived struct{ Message string } }
				}
			}
			_ = json.Unmarshal(b, &msg)
			switch msg.Type {
			case "ping":
				_ = conn.Write(context.Background(), websocket.MessageText, []byte(`{"type":"pong"}`))
			case "next":
				s.events <- msg.Payload.Data.EnquiryReceived.Message
			}
		}
	}()
	return s, nil
}

func (s *subscription) close() { _ = s.conn.Close(websocket.StatusNormalClosure, "") }

// waitFor waits for the event whose message contains marker.
func (s *subscription) waitFor(marker string, within time.Duration) (time.Time, error) {
	timer := time.NewTimer(within)
	defer timer.Stop()
	for {
		select {
		case m := <-s.events:
			if strings.Contains(m, marker) {
				return time.Now(), nil
			}
		case code := <-s.closed:
			s.closed <- code
			return time.Time{}, fmt.Errorf("subscription closed (%d) before %s", code, marker)
		case <-timer.C:
			return time.Time{}, fmt.Errorf("no event for %s within %s", marker, within)
		}
	}
}

// eventsCrossInstances: 50 enquiries, alternately through B and C, each
// awaited on a subscription on A; the latency is from just before the POST to
// the event on A.
func eventsCrossInstances(ctx context.Context, t *topology) error {
	sub, err := subscribe(ctx, t.instance(0), t.token)
	if err != nil {
		return err
	}
	defer sub.close()
	var lat []time.Duration
	missed := 0
	for n := range 50 {
		i := 1 + n%2
		marker := fmt.Sprintf("ev-%s-%d", t.run, n)
		start := time.Now()
		r, err := submit(ctx, client{base: t.instance(i), addr: address(1000 + n)}, marker)
		if err != nil || len(r.errors) > 0 {
			return fmt.Errorf("enquiry through %s: %v %v", instanceNames[i], err, r.errors)
		}
		at, err := sub.waitFor(marker, time.Second)
		if err != nil {
			missed++
			if missed == 1 {
				fmt.Printf("  enquiry %d through %s: %v\n", n, instanceNames[i], err)
			}
			if missed >= 3 {
				break
			}
			continue
		}
		lat = append(lat, at.Sub(start))
	}
	if missed > 0 {
		return fmt.Errorf("%d of the events written through B and C did not reach A within a second (stopped after %d sent)", missed, len(lat)+missed)
	}
	slices.Sort(lat)
	fmt.Printf("  %d events through B and C received on A: median %s, max %s (from the POST to the event)\n",
		len(lat), lat[len(lat)/2].Round(time.Microsecond), lat[len(lat)-1].Round(time.Microsecond))
	return nil
}

// limitAcrossInstances: 15 enquiries from one address, 5 through each
// instance, with ENQUIRIES_PER_ADDRESS=5/1m.
func limitAcrossInstances(ctx context.Context, t *topology) error {
	accepted, limited := t.sendFrom(ctx, address(5000), 15)
	fmt.Printf("  ENQUIRIES_PER_ADDRESS=%d/1m, 15 enquiries from one address through A, B and C in turn: %d accepted, %d RATE_LIMITED\n",
		enquiryLimit, accepted, limited)
	if accepted != enquiryLimit {
		return fmt.Errorf("%d accepted, want exactly %d", accepted, enquiryLimit)
	}
	return nil
}

func (t *topology) sendFrom(ctx context.Context, addr string, n int) (accepted, limited int) {
	for k := range n {
		// A marker of its own: the same enquiry sent again is answered with
		// the first one's receipt (duplicates are caught before the limit).
		r, err := submit(ctx, client{base: t.instance(k % 3), addr: addr}, fmt.Sprintf("limit-%s-%s-%d", t.run, addr, k))
		switch {
		case err != nil:
		case r.code() == "RATE_LIMITED":
			limited++
		case len(r.errors) == 0:
			accepted++
		}
	}
	return accepted, limited
}

// killUnderLoad: 200 enquiries, 8 at a time, each with an Idempotency-Key
// and retried (same key, through HAProxy) until answered; instance C is
// SIGKILLed after the 60th receipt and started again afterwards.
func killUnderLoad(ctx context.Context, t *topology) error {
	const total = 200
	keys := make(chan int, total)
	for k := range total {
		keys <- k
	}
	close(keys)
	var receipts, retries, killed atomic.Int64
	var firstErr atomic.Pointer[string]
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for k := range keys {
				c := client{base: t.lb(), addr: address(20000 + k), idempotencyKey: fmt.Sprintf("scaleout-%s-%d", t.run, k)}
				for attempt := 1; ; attempt++ {
					// Two clients of eight send each first attempt to C
					// itself (as a client whose connection the balancer had
					// pinned there), so that some are cut or refused when C
					// dies; every retry goes through HAProxy.
					if w < 2 && attempt == 1 {
						c.base = t.instance(2)
					} else {
						c.base = t.lb()
					}
					r, err := submit(ctx, c, fmt.Sprintf("load-%s-%d", t.run, k))
					if err == nil && len(r.errors) == 0 && r.status == http.StatusOK {
						break
					}
					if ctx.Err() != nil || attempt == 20 {
						msg := fmt.Sprintf("enquiry %d: %v %v", k, err, r.errors)
						firstErr.CompareAndSwap(nil, &msg)
						return
					}
					retries.Add(1)
					time.Sleep(time.Duration(attempt) * 50 * time.Millisecond)
				}
				if receipts.Add(1) == 60 && killed.CompareAndSwap(0, 1) {
					_ = t.procs[2].cmd.Process.Signal(syscall.SIGKILL)
					fmt.Println("  SIGKILL to instance C after 60 receipts")
				}
			}
		})
	}
	wg.Wait()
	if e := firstErr.Load(); e != nil {
		return errors.New(*e)
	}
	<-t.procs[2].done
	var rows, distinct int
	err := t.primaryDB.QueryRowContext(ctx, "SELECT COUNT(*), COUNT(DISTINCT idempotency_key) FROM enquiries WHERE idempotency_key LIKE ?",
		"scaleout-"+t.run+"-%").Scan(&rows, &distinct)
	if err != nil {
		return err
	}
	fmt.Printf("  %d enquiries, 8 at a time (2 clients first to C, the rest and every retry through HAProxy): %d receipts, %d client retries; %d rows, %d distinct keys\n",
		total, receipts.Load(), retries.Load(), rows, distinct)
	if err := t.startInstance(ctx, 2); err != nil {
		return fmt.Errorf("restart C: %w", err)
	}
	fmt.Println("  instance C started again")
	if receipts.Load() != total || rows != total || distinct != total {
		return fmt.Errorf("want %d receipts, rows and keys", total)
	}
	return t.waitBalanced(ctx)
}

// redisOutage stops Redis while a subscription is open on A, writes during
// the outage, starts Redis again, then subscribes again and checks a limit.
func redisOutage(ctx context.Context, t *topology) error {
	sub, err := subscribe(ctx, t.instance(0), t.token)
	if err != nil {
		return err
	}
	defer sub.close()
	var failures []string
	t.redis.stop(syscall.SIGTERM)
	fmt.Println("  Redis stopped")
	select {
	case code := <-sub.closed:
		fmt.Printf("  the subscription on A was closed with %d\n", code)
		if code != 1013 {
			failures = append(failures, fmt.Sprintf("the subscription was closed with %d, want 1013", code))
		}
	case <-time.After(5 * time.Second):
		failures = append(failures, "the subscription on A was not closed within 5s of Redis stopping")
	}
	ok := 0
	for n := range 6 {
		r, err := submit(ctx, client{base: t.instance(n % 3), addr: address(30000 + n)}, fmt.Sprintf("outage-%s-%d", t.run, n))
		if err == nil && len(r.errors) == 0 {
			ok++
		} else if err == nil {
			fmt.Printf("  enquiry during the outage: %s %s\n", r.code(), r.errors[0].Message)
		}
	}
	fmt.Printf("  during the outage: %d of 6 enquiries accepted\n", ok)
	if ok != 6 {
		failures = append(failures, fmt.Sprintf("%d of 6 writes succeeded while Redis was down", ok))
	}
	if err := t.startRedis(); err != nil {
		return err
	}
	restarted := time.Now()
	fmt.Println("  Redis started again")
	var again *subscription
	deadline := time.Now().Add(10 * time.Second)
	for {
		again, err = subscribe(ctx, t.instance(0), t.token)
		if err == nil {
			marker := "after-" + t.run
			if _, err = submit(ctx, client{base: t.instance(1), addr: address(31000)}, marker); err == nil {
				if _, err = again.waitFor(marker, time.Second); err == nil {
					break
				}
			}
			again.close()
		}
		if time.Now().After(deadline) {
			failures = append(failures, "no subscription on A received an event through B within 10s of Redis starting again: "+err.Error())
			again = nil
			break
		}
		time.Sleep(500 * time.Millisecond)
	}
	if again != nil {
		fmt.Println("  a new subscription on A receives an event written through B")
		again.close()
	}
	// Each instance tries Redis again a moment after its last failure: until
	// then, limits count in its memory. Each try is a new address.
	back := time.Since(restarted)
	for try := 0; ; try++ {
		accepted, limited := t.sendFrom(ctx, address(32000+try), 8)
		if accepted == enquiryLimit {
			fmt.Printf("  %s after Redis started again, 8 enquiries from one address through A, B and C: %d accepted, %d RATE_LIMITED (try %d)\n",
				time.Since(restarted).Round(time.Millisecond), accepted, limited, try+1)
			break
		}
		if time.Since(restarted) > back+10*time.Second {
			failures = append(failures, fmt.Sprintf("10s after the outage, %d accepted from one address, want %d", accepted, enquiryLimit))
			break
		}
		time.Sleep(500 * time.Millisecond)
	}
	if len(failures) > 0 {
		return errors.New(strings.Join(failures, "; "))
	}
	return nil
}
