package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"coursegraph/apitest"
	"coursegraph/gqlserver"
	"coursegraph/playground"
	"coursegraph/store/storetest"

	"github.com/google/go-cmp/cmp"
)

// syncBuffer is a bytes.Buffer safe for a server goroutine to write while the test
// reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startServer runs the program on a free port with env and returns its base URL
// and a stop function that shuts it down and returns run's error.
func startServer(t *testing.T, env map[string]string) (string, *syncBuffer, func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	outR, outW := io.Pipe()
	logs := &syncBuffer{}
	done := make(chan error, 1)
	getenv := func(k string) string {
		if k == "BCRYPT_COST" && env[k] == "" {
			return "4" // the cheapest hashes: tests sign in often
		}
		return env[k]
	}
	go func() {
		done <- run(ctx, []string{"serve", "-addr", "127.0.0.1:0"}, getenv, strings.NewReader(""), outW, logs)
		_ = outW.Close()
	}()
	line, err := bufio.NewReader(outR).ReadString('\n')
	if err != nil {
		cancel()
		t.Fatalf("server did not start: %v\n%s", err, logs.String())
	}
	go func() { _, _ = io.Copy(io.Discard, outR) }()
	_, after, found := strings.Cut(line, "GraphQL at ")
	base, _, found2 := strings.Cut(after, "/graphql")
	if !found || !found2 {
		cancel()
		t.Fatalf("no address in %q", line)
	}
	var once sync.Once
	var runErr error
	stop := func() error {
		once.Do(func() { cancel(); runErr = <-done })
		return runErr
	}
	t.Cleanup(func() { _ = stop() })
	return base, logs, stop
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func postQuery(t *testing.T, url, query string) (int, string) {
	t.Helper()
	body := `{"query":` + jsonString(query) + `}`
	resp, err := http.Post(url+"/graphql", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func jsonString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(s) + `"`
}

func TestFirstStartMigratesSeedsAndServesTheCatalogue(t *testing.T) {
	dbURL := "sqlite:" + filepath.Join(t.TempDir(), "data", "coursegraph.db")
	base, logs, stop := startServer(t, map[string]string{"DATABASE_URL": dbURL})

	if code, body := get(t, base+"/healthz"); code != 200 || body != "ok\n" {
		t.Errorf("/healthz = %d %q", code, body)
	}
	if code, body := get(t, base+"/readyz"); code != 200 || body != "ok\n" {
		t.Errorf("/readyz = %d %q", code, body)
	}
	code, body := postQuery(t, base, `{ courses { totalCount edges { node { title fee { formatted } weekdays schedules { batch { name startTime endTime } } } } } }`)
	if code != 200 || !strings.Contains(body, `"totalCount":6`) || !strings.Contains(body, `"formatted":"৳12,500"`) || !strings.Contains(body, `"startTime":"20:30","endTime":"22:00"`) {
		t.Errorf("catalogue = %d %s", code, body)
	}
	if code, body := get(t, base+"/"); code != 200 || !strings.Contains(body, "<html") {
		t.Errorf("playground at / = %d", code)
	}
	if err := stop(); err != nil {
		t.Errorf("graceful shutdown returned %v", err)
	}
	if !strings.Contains(logs.String(), "seeded demo data") || !strings.Contains(logs.String(), "request_id=") {
		t.Errorf("logs lack the seeding or request ids:\n%s", logs.String())
	}

	// A second start finds the database migrated and seeded and adds nothing.
	base, logs, _ = startServer(t, map[string]string{"DATABASE_URL": dbURL})
	if _, body := postQuery(t, base, `{ courses { totalCount } batches { name } }`); !strings.Contains(body, `"totalCount":6`) || strings.Count(body, `"name"`) != 8 {
		t.Errorf("after restart: %s", body)
	}
	if strings.Contains(logs.String(), "seeded demo data") {
		t.Errorf("second start seeded again:\n%s", logs.String())
	}
}

func TestProductionTurnsOffPlaygroundAndIntrospectionAndLogsJSON(t *testing.T) {
	dbURL := "sqlite:" + filepath.Join(t.TempDir(), "cg.db")
	base, logs, _ := startServer(t, map[string]string{"DATABASE_URL": dbURL, "APP_ENV": "production", "SHUTDOWN_DRAIN": "0s"})
	for _, path := range []string{"/", playground.AssetPath + "playground.js"} {
		if code, _ := get(t, base+path); code != http.StatusNotFound {
			t.Errorf("playground in production: GET %s = %d, want 404", path, code)
		}
	}
	if _, body := postQuery(t, base, `{ __schema { types { name } } }`); !strings.Contains(body, `"code":"GRAPHQL_VALIDATION_FAILED"`) {
		t.Errorf("introspection in production: %s", body)
	}
	if !strings.Contains(logs.String(), `"msg":"serving"`) {
		t.Errorf("production logs are not JSON:\n%s", logs.String())
	}

	base, _, _ = startServer(t, map[string]string{"DATABASE_URL": dbURL, "APP_ENV": "production", "PLAYGROUND": "true", "INTROSPECTION": "true", "SHUTDOWN_DRAIN": "0s"})
	for _, path := range []string{"/", playground.AssetPath + "playground.js"} {
		if code, _ := get(t, base+path); code != http.StatusOK {
			t.Errorf("PLAYGROUND=true in production: GET %s = %d", path, code)
		}
	}
	if _, body := postQuery(t, base, `{ __schema { queryType { name } } }`); !strings.Contains(body, `"name":"Query"`) {
		t.Errorf("INTROSPECTION=true in production: %s", body)
	}
}

func TestCORSAllowsOnlyTheConfiguredOrigins(t *testing.T) {
	base, _, _ := startServer(t, map[string]string{
		"DATABASE_URL": "sqlite:" + filepath.Join(t.TempDir(), "cg.db"),
		"CORS_ORIGINS": "https://site.example",
	})
	for origin, want := range map[string]string{"https://site.example": "https://site.example", "https://evil.example": ""} {
		req, _ := http.NewRequest(http.MethodOptions, base+"/graphql", nil)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", "POST")
		// What the contact form sends: its idempotency key and a bearer token.
		req.Header.Set("Access-Control-Request-Headers", "authorization,content-type,idempotency-key") // sorted, as browsers send it
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		if got := resp.Header.Get("Access-Control-Allow-Origin"); got != want {
			t.Errorf("preflight from %s: Allow-Origin %q, want %q", origin, got, want)
		}
		if allowed := strings.ToLower(resp.Header.Get("Access-Control-Allow-Headers")); want != "" && !strings.Contains(allowed, "idempotency-key") {
			t.Errorf("preflight from %s: Allow-Headers %q lacks Idempotency-Key", origin, allowed)
		}
	}
}

func TestBadConfigurationStopsStartNamingTheVariable(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"a port that is not a number", map[string]string{"PORT": "eighty"}, nil, "PORT"},
		{"an unknown environment", map[string]string{"APP_ENV": "staging"}, nil, "APP_ENV"},
		{"an unknown log level", map[string]string{"LOG_LEVEL": "loud"}, nil, "LOG_LEVEL"},
		{"an unknown log format", map[string]string{"LOG_FORMAT": "xml"}, nil, "LOG_FORMAT"},
		{"a database URL of another engine", map[string]string{"DATABASE_URL": "postgres://db/x"}, nil, "DATABASE_URL"},
		{"a CORS origin without a scheme", map[string]string{"CORS_ORIGINS": "site.example"}, nil, "CORS_ORIGINS"},
		{"a playground switch that is not a boolean", map[string]string{"PLAYGROUND": "sure"}, nil, "PLAYGROUND"},
		{"an address without a port", nil, []string{"-addr", "localhost"}, "ADDR"},
		{"a session lifetime that is not a duration", map[string]string{"SESSION_TTL": "a week"}, nil, "SESSION_TTL"},
		{"a trusted proxy that is not an address", map[string]string{"TRUSTED_PROXIES": "proxy.local"}, nil, "TRUSTED_PROXIES"},
		{"an admin email without a password", map[string]string{"ADMIN_EMAIL": "a@example.com"}, nil, "ADMIN_PASSWORD"},
		{"a bcrypt cost out of range", map[string]string{"BCRYPT_COST": "40"}, nil, "BCRYPT_COST"},
		{"a comment rate without an interval", map[string]string{"COMMENTS_PER_ADDRESS": "5"}, nil, "COMMENTS_PER_ADDRESS"},
		{"a request timeout that is not a duration", map[string]string{"REQUEST_TIMEOUT": "soon"}, nil, "REQUEST_TIMEOUT"},
		{"a mail timeout over a minute", map[string]string{"SMTP_TIMEOUT": "2h"}, nil, "SMTP_TIMEOUT"},
		{"a negative shutdown drain", map[string]string{"SHUTDOWN_DRAIN": "-1s"}, nil, "SHUTDOWN_DRAIN"},
		{"a depth limit that is not a number", map[string]string{"QUERY_MAX_DEPTH": "deep"}, nil, "QUERY_MAX_DEPTH"},
		{"a token limit of zero", nil, []string{"-query-max-tokens", "0"}, "QUERY_MAX_TOKENS"},
		{"a response cache switch that is not on or off", map[string]string{"RESPONSE_CACHE": "yes"}, nil, "RESPONSE_CACHE"},
		{"a response cache of no memory", map[string]string{"RESPONSE_CACHE_MB": "0"}, nil, "RESPONSE_CACHE_MB"},
		{"a response cache lifetime that is not a duration", map[string]string{"RESPONSE_CACHE_TTL": "long"}, nil, "RESPONSE_CACHE_TTL"},
		{"a max-age over an hour", map[string]string{"CACHE_MAX_AGE": "2h"}, nil, "CACHE_MAX_AGE"},
		{"a negative stale-while-revalidate", map[string]string{"CACHE_STALE_WHILE_REVALIDATE": "-1s"}, nil, "CACHE_STALE_WHILE_REVALIDATE"},
		{"a purge URL that is not http", map[string]string{"CACHE_PURGE_URL": "ftp://cdn.example"}, nil, "CACHE_PURGE_URL"},
		{"a Redis URL of another scheme", map[string]string{"REDIS_URL": "http://127.0.0.1:6379"}, nil, "REDIS_URL"},
		{"a cost budget without an interval", map[string]string{"ANONYMOUS_COST_PER_ADDRESS": "60000"}, nil, "ANONYMOUS_COST_PER_ADDRESS"},
		{"a budget exemption that is not an address", map[string]string{"ANONYMOUS_COST_EXEMPT": "localhost"}, nil, "ANONYMOUS_COST_EXEMPT"},
		{"replicas of the embedded database", map[string]string{"DATABASE_REPLICA_URLS": "mysql://r@127.0.0.1:3307/cg"}, nil, "needs a MySQL primary"},
		{"a replica that is not MySQL", map[string]string{"DATABASE_URL": "mysql://p@127.0.0.1/cg", "DATABASE_REPLICA_URLS": "sqlite:r.db"}, nil, "DATABASE_REPLICA_URLS"},
		{"a replica lag that is not a duration", map[string]string{"REPLICA_MAX_LAG": "a bit"}, nil, "REPLICA_MAX_LAG"},
		{"a read-after-write window shorter than a replica may lag", map[string]string{"DATABASE_URL": "mysql://p@127.0.0.1/cg", "DATABASE_REPLICA_URLS": "mysql://r@127.0.0.1:3307/cg",
			"REPLICA_MAX_LAG": "10s", "REPLICA_READ_AFTER_WRITE": "5s"}, nil, "REPLICA_READ_AFTER_WRITE must be at least 11s"},
		{"a replica lag without replicas", map[string]string{"REPLICA_MAX_LAG": "10s"}, nil, "REPLICA_MAX_LAG is set but DATABASE_REPLICA_URLS is not"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := loadConfig(tc.args, func(k string) string { return tc.env[k] }, io.Discard)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("loadConfig error = %v; want one naming %s", err, tc.want)
			}
		})
	}
}

func TestReplicaSettings(t *testing.T) {
	env := map[string]string{"DATABASE_URL": "mysql://p@127.0.0.1:13306/cg", "DATABASE_REPLICA_URLS": " mysql://r@127.0.0.1:13307/cg , r2@tcp(127.0.0.1:13308)/cg"}
	c, err := loadConfig(nil, func(k string) string { return env[k] }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"mysql://r@127.0.0.1:13307/cg", "r2@tcp(127.0.0.1:13308)/cg"}
	if d := cmp.Diff(want, c.Database.ReplicaURLs); d != "" || c.Database.ReplicaMaxLag != 5*time.Second || c.Database.ReplicaReadAfterWrite != 6*time.Second {
		t.Errorf("replicas (-want +got):\n%s\nmax lag %s, read after write %s; want 5s and 6s", d, c.Database.ReplicaMaxLag, c.Database.ReplicaReadAfterWrite)
	}
	env["REPLICA_MAX_LAG"], env["REPLICA_READ_AFTER_WRITE"] = "1s", "30s"
	if c, err = loadConfig(nil, func(k string) string { return env[k] }, io.Discard); err != nil {
		t.Fatal(err)
	}
	if c.Database.ReplicaMaxLag != time.Second || c.Database.ReplicaReadAfterWrite != 30*time.Second {
		t.Errorf("max lag %s, read after write %s; want 1s and 30s", c.Database.ReplicaMaxLag, c.Database.ReplicaReadAfterWrite)
	}
}

func TestConfigDefaultsAndFlagsOverrideEnvironment(t *testing.T) {
	c, err := loadConfig(nil, func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.HTTP.Addr != "127.0.0.1:8080" || c.Database.URL != DefaultDatabaseURL || !c.HTTP.Playground || !c.HTTP.Introspection || c.Log.Format != "text" ||
		c.Limits.CommentsPerAddress != (RateLimit{Burst: 5, Interval: 2 * time.Minute}) ||
		c.Limits.AnonymousCost != (RateLimit{Burst: 60000, Interval: time.Minute}) || fmt.Sprint(c.Limits.AnonymousCostExempt) != "[127.0.0.0/8 ::1/128]" {
		t.Errorf("defaults = %+v", c)
	}
	c, err = loadConfig(nil, func(k string) string {
		return map[string]string{"ANONYMOUS_COST_PER_ADDRESS": "off", "ANONYMOUS_COST_EXEMPT": "none"}[k]
	}, io.Discard)
	if err != nil || c.Limits.AnonymousCost.points("test", nil) != nil || c.Limits.AnonymousCostExempt != nil {
		t.Errorf("the cost budget turned off: %+v, %v", c.Limits.AnonymousCost, err)
	}
	env := map[string]string{"PORT": "9000", "APP_ENV": "production"}
	c, err = loadConfig([]string{"-addr", "127.0.0.1:7000", "-env", "development"}, func(k string) string { return env[k] }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.HTTP.Addr != "127.0.0.1:7000" || c.Production() {
		t.Errorf("flags did not override the environment: %+v", c)
	}
}

// TestTheDemoListensOnThisMachineOnlyUnlessToldOtherwise: outside production,
// an address without a host (PORT, ADDR=":port") is 127.0.0.1; production, or
// an address with a host, listens where it is told. The start-up line says so.
func TestTheDemoListensOnThisMachineOnlyUnlessToldOtherwise(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{}, "127.0.0.1:8080"},
		{map[string]string{"PORT": "9001"}, "127.0.0.1:9001"},
		{map[string]string{"ADDR": ":9002"}, "127.0.0.1:9002"},
		{map[string]string{"ADDR": "0.0.0.0:9003"}, "0.0.0.0:9003"},
		{map[string]string{"PORT": "9004", "APP_ENV": "production"}, ":9004"},
		{map[string]string{"ADDR": "[::1]:9005", "APP_ENV": "production"}, "[::1]:9005"},
	} {
		c, err := loadConfig(nil, func(k string) string { return tc.env[k] }, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		if c.HTTP.Addr != tc.want {
			t.Errorf("%v: listens on %q; want %q", tc.env, c.HTTP.Addr, tc.want)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out, logs := &syncBuffer{}, &syncBuffer{}
	env := map[string]string{"DATABASE_URL": "sqlite:" + filepath.Join(t.TempDir(), "coursegraph.db"), "BCRYPT_COST": "4", "PORT": "0"}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, nil, func(k string) string { return env[k] }, strings.NewReader(""), out, logs)
	}()
	// The first start compiles the SQLite engine: slow under the race detector.
	for deadline := time.Now().Add(2 * time.Minute); !strings.Contains(out.String(), "GraphQL at"); {
		if time.Now().After(deadline) {
			t.Fatalf("no start-up line:\n%s", logs.String())
		}
		runtime.Gosched()
	}
	if line := out.String(); !strings.Contains(line, "this machine only") || !strings.Contains(line, "ADDR=0.0.0.0") {
		t.Errorf("the start-up line does not say the demo is private to this machine: %q", line)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestQueryLimitsAreOnByDefaultAndEachCanBeSetOrTurnedOff(t *testing.T) {
	c, err := loadConfig(nil, func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	want := gqlserver.Limits{Tokens: 15000, Aliases: 30, Directives: 10, Repeats: 10, Depth: 12, Cost: 5000}
	if diff := cmp.Diff(want, c.Limits.Query); diff != "" {
		t.Errorf("default limits (-want +got):\n%s", diff)
	}
	env := map[string]string{"QUERY_MAX_TOKENS": "2000", "QUERY_MAX_ALIASES": "off", "QUERY_MAX_DEPTH": "8", "QUERY_MAX_COST": "900"}
	c, err = loadConfig([]string{"-query-max-directives", "3", "-query-max-depth", "off"}, func(k string) string { return env[k] }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	want = gqlserver.Limits{Tokens: 2000, Aliases: -1, Directives: 3, Repeats: 10, Depth: -1, Cost: 900}
	if diff := cmp.Diff(want, c.Limits.Query); diff != "" {
		t.Errorf("set limits (-want +got):\n%s", diff)
	}
}

func TestDatabasePasswordIsMaskedInLogs(t *testing.T) {
	for url, want := range map[string]string{
		"mysql://app:s3cret@db:3306/cg":      "mysql://app:*****@db:3306/cg",
		"app:s3cret@tcp(db:3306)/cg":         "app:*****@tcp(db:3306)/cg",
		"sqlite:data/coursegraph.db":         "sqlite:data/coursegraph.db",
		"mysql://app@db:3306/cg?parseTime=1": "mysql://app@db:3306/cg?parseTime=1",
	} {
		if got := (DatabaseConfig{URL: url}).masked(); got != want {
			t.Errorf("mask(%q) = %q, want %q", url, got, want)
		}
	}
}

func TestMigrateAndSeedCommandsAreIdempotent(t *testing.T) {
	dbURL := "sqlite:" + filepath.Join(t.TempDir(), "cg.db")
	getenv := func(k string) string { return map[string]string{"DATABASE_URL": dbURL, "BCRYPT_COST": "4"}[k] }
	for _, cmd := range []string{"migrate", "migrate", "seed", "seed"} {
		if err := run(context.Background(), []string{cmd}, getenv, strings.NewReader(""), io.Discard, io.Discard); err != nil {
			t.Fatalf("%s: %v", cmd, err)
		}
	}
	base, _, _ := startServer(t, map[string]string{"DATABASE_URL": dbURL})
	if _, body := postQuery(t, base, `{ courses { totalCount } schedules { totalCount } batches { ordinal } }`); !strings.Contains(body, `"courses":{"totalCount":6}`) || !strings.Contains(body, `"schedules":{"totalCount":14}`) {
		t.Errorf("after migrate twice and seed twice: %s", body)
	}
	if err := run(context.Background(), []string{"frobnicate"}, getenv, strings.NewReader(""), io.Discard, io.Discard); err == nil || !strings.Contains(err.Error(), "unknown command") {
		t.Errorf("unknown command: %v", err)
	}
}

func TestRequestBodiesOverTheLimitAreRefused(t *testing.T) {
	base, _, _ := startServer(t, map[string]string{"DATABASE_URL": "sqlite:" + filepath.Join(t.TempDir(), "cg.db")})
	big := `{"query":"{ centre { name } }","variables":{"pad":"` + strings.Repeat("x", gqlserver.DefaultMaxBodyBytes) + `"}}`
	resp, err := http.Post(base+"/graphql", "application/json", strings.NewReader(big))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(body), `"code":"BODY_TOO_LARGE"`) {
		t.Errorf("a body over %d bytes: %d %s; want 413 with BODY_TOO_LARGE", gqlserver.DefaultMaxBodyBytes, resp.StatusCode, body)
	}
}

func TestUserCreateCommandReadsThePasswordFromStdinOrTheEnvironment(t *testing.T) {
	storetest.RunURL(t, func(t *testing.T, dbURL string) {
		env := map[string]string{"DATABASE_URL": dbURL, "BCRYPT_COST": "4"}
		getenv := func(k string) string { return env[k] }
		if err := run(context.Background(), []string{"migrate"}, getenv, strings.NewReader(""), io.Discard, io.Discard); err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		err := run(context.Background(), []string{"user", "create", "--email", "Owner@Example.com", "--name", "Owner", "--role", "admin"},
			getenv, strings.NewReader("a long enough password\n"), &out, io.Discard)
		if err != nil || !strings.Contains(out.String(), "created ADMIN owner@example.com") {
			t.Fatalf("user create from stdin: %v %q", err, out.String())
		}
		env["USER_PASSWORD"] = "another long password"
		if err := run(context.Background(), []string{"user", "create", "--email", "ed@example.com", "--name", "Ed", "--role", "editor"}, getenv, strings.NewReader(""), io.Discard, io.Discard); err != nil {
			t.Fatalf("user create from USER_PASSWORD: %v", err)
		}
		delete(env, "USER_PASSWORD")
		for _, tc := range []struct {
			name  string
			args  []string
			stdin string
			want  string
		}{
			{"no password", []string{"user", "create", "--email", "x@example.com", "--name", "X"}, "", "password"},
			{"a weak password", []string{"user", "create", "--email", "x@example.com", "--name", "X"}, "short\n", "input.password"},
			{"an unknown role", []string{"user", "create", "--email", "x@example.com", "--name", "X", "--role", "boss"}, "a long enough password\n", "--role"},
			{"no subcommand", []string{"user"}, "", "usage"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				err := run(context.Background(), tc.args, getenv, strings.NewReader(tc.stdin), io.Discard, io.Discard)
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Errorf("error = %v; want one mentioning %s", err, tc.want)
				}
			})
		}

		base, logs, _ := startServer(t, env)
		if _, body := postQuery(t, base, `mutation { login(email: "owner@example.com", password: "a long enough password") { user { role } } }`); !strings.Contains(body, `"role":"ADMIN"`) {
			t.Errorf("login as the created admin: %s", body)
		}
		if strings.Contains(logs.String(), "demo admin") {
			t.Errorf("a demo admin was made although an admin exists:\n%s", logs.String())
		}
	})
}

func TestFirstAdminFromTheEnvironmentAndTheDemoAdminOfTheDevelopmentDatabase(t *testing.T) {
	t.Run("ADMIN_EMAIL and ADMIN_PASSWORD make the first admin", func(t *testing.T) {
		base, logs, _ := startServer(t, map[string]string{
			"DATABASE_URL": "sqlite:" + filepath.Join(t.TempDir(), "cg.db"),
			"ADMIN_EMAIL":  "boss@example.com", "ADMIN_PASSWORD": "the boss's long password",
		})
		if _, body := postQuery(t, base, `mutation { login(email: "boss@example.com", password: "the boss's long password") { user { role } } }`); !strings.Contains(body, `"role":"ADMIN"`) {
			t.Errorf("login: %s", body)
		}
		if strings.Contains(logs.String(), "the boss's long password") {
			t.Error("the admin password appears in the log")
		}
	})
	t.Run("the embedded development database gets a demo admin with a password logged once", func(t *testing.T) {
		dbURL := "sqlite:" + filepath.Join(t.TempDir(), "cg.db")
		base, logs, stop := startServer(t, map[string]string{"DATABASE_URL": dbURL})
		_, after, found := strings.Cut(logs.String(), "password=")
		// The password ends at the first space or line end: it is the last value
		// of its line, and other lines may follow it by the time the log is read.
		password := ""
		if words := strings.Fields(after); len(words) > 0 {
			password = words[0]
		}
		if !found || len(password) < 20 {
			t.Fatalf("no demo admin password in the log:\n%s", logs.String())
		}
		body := `mutation { login(email: "admin@example.com", password: "` + password + `") { user { role } } }`
		if _, got := postQuery(t, base, body); !strings.Contains(got, `"role":"ADMIN"`) {
			t.Errorf("login as the demo admin: %s", got)
		}
		_ = stop()
		_, logs, _ = startServer(t, map[string]string{"DATABASE_URL": dbURL})
		if strings.Contains(logs.String(), "password=") {
			t.Errorf("a second start logged a password again:\n%s", logs.String())
		}
	})
	t.Run("production makes no demo admin", func(t *testing.T) {
		_, logs, _ := startServer(t, map[string]string{"DATABASE_URL": "sqlite:" + filepath.Join(t.TempDir(), "cg.db"), "APP_ENV": "production"})
		if strings.Contains(logs.String(), "password=") {
			t.Errorf("production logged a password:\n%s", logs.String())
		}
		if !strings.Contains(logs.String(), "no active admin") {
			t.Errorf("production did not warn that there is no admin:\n%s", logs.String())
		}
	})
}

func TestSecurityHeadersOnEveryResponseAndCredentialedOnesAreNotCached(t *testing.T) {
	base, _, _ := startServer(t, map[string]string{
		"DATABASE_URL": "sqlite:" + filepath.Join(t.TempDir(), "cg.db"),
		"ADMIN_EMAIL":  "admin@example.com", "ADMIN_PASSWORD": "a long enough password",
	})
	send := func(method, path, body, token string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		return resp
	}
	_, login := postQuery(t, base, `mutation { login(email: "admin@example.com", password: "a long enough password") { token } }`)
	_, after, _ := strings.Cut(login, `"token":"`)
	token, _, _ := strings.Cut(after, `"`)
	if token == "" {
		t.Fatalf("no token: %s", login)
	}
	query := `{"query":"{ me { name } }"}`
	for _, tc := range []struct {
		name               string
		resp               *http.Response
		signedIn, playPage bool
	}{
		{"an anonymous query", send(http.MethodPost, "/graphql", query, ""), false, false},
		{"a signed-in query", send(http.MethodPost, "/graphql", query, token), true, false},
		{"a query with a token that is not valid", send(http.MethodPost, "/graphql", query, "nonsense"), true, false},
		{"a body over the limit", send(http.MethodPost, "/graphql", strings.Repeat(" ", gqlserver.DefaultMaxBodyBytes+1), ""), false, false},
		{"the health check", send(http.MethodGet, "/healthz", "", ""), false, false},
		{"the playground", send(http.MethodGet, "/", "", ""), false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := tc.resp.Header
			if h.Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("X-Content-Type-Options = %q", h.Get("X-Content-Type-Options"))
			}
			if got := h.Get("Cache-Control") == "no-store" && h.Get("Referrer-Policy") == "no-referrer"; got != tc.signedIn {
				t.Errorf("Cache-Control %q, Referrer-Policy %q; want no-store and no-referrer: %v", h.Get("Cache-Control"), h.Get("Referrer-Policy"), tc.signedIn)
			}
			if csp := h.Get("Content-Security-Policy"); (csp != "") != tc.playPage {
				t.Errorf("Content-Security-Policy %q", csp)
			}
		})
	}
}

func TestThePlaygroundAndItsBundleAreServedFromTheBinary(t *testing.T) {
	base, _, _ := startServer(t, map[string]string{"DATABASE_URL": "sqlite:" + filepath.Join(t.TempDir(), "cg.db")})
	resp, err := http.Get(base + "/")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	host := strings.TrimPrefix(base, "http://")
	csp := resp.Header.Get("Content-Security-Policy")
	for _, want := range []string{"script-src 'self';", "connect-src 'self' ws://" + host + " wss://" + host + ";"} {
		if !strings.Contains(csp, want) {
			t.Errorf("policy %q lacks %q", csp, want)
		}
	}
	for _, asset := range []string{"playground.js", "playground.css"} {
		path := playground.AssetPath + asset
		if !bytes.Contains(page, []byte(`"`+path+`"`)) {
			t.Errorf("the page does not load %s:\n%s", path, page)
		}
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		n, _ := io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusOK || n < 10_000 || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("GET %s = %d, %d bytes, X-Content-Type-Options %q", path, resp.StatusCode, n, resp.Header.Get("X-Content-Type-Options"))
		}
	}
}

// TestTheResponseCacheIsOnByDefaultAndOffWithTheSetting: the second anonymous
// query is answered from the cache (X-Cache: HIT) unless RESPONSE_CACHE=off,
// when no answer carries the cache's headers.
func TestTheResponseCacheIsOnByDefaultAndOffWithTheSetting(t *testing.T) {
	for _, tc := range []struct {
		setting string
		want    []string
	}{{"", []string{"MISS", "HIT"}}, {"off", []string{"", ""}}} {
		t.Run("RESPONSE_CACHE="+tc.setting, func(t *testing.T) {
			dbURL := "sqlite:" + filepath.Join(t.TempDir(), "data", "coursegraph.db")
			base, _, _ := startServer(t, map[string]string{"DATABASE_URL": dbURL, "RESPONSE_CACHE": tc.setting})
			for i, want := range tc.want {
				resp, err := http.Post(base+"/graphql", "application/json", strings.NewReader(`{"query":"{ centre { name } }"}`))
				if err != nil {
					t.Fatal(err)
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				_ = resp.Body.Close()
				if got := resp.Header.Get("X-Cache"); got != want || (want == "") != (resp.Header.Get("ETag") == "") {
					t.Errorf("request %d: X-Cache %q, ETag %q; want X-Cache %q", i+1, got, resp.Header.Get("ETag"), want)
				}
			}
		})
	}
}

// TestRequestsSentWhileTheServerStartsAreHeldUntilItIsReady: the port is taken
// before the database is migrated and seeded; a request sent meanwhile waits and
// is answered once the server is ready, and one whose client gave up while it
// waited is neither a panic nor a 500.
func TestRequestsSentWhileTheServerStartsAreHeldUntilItIsReady(t *testing.T) {
	free, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := free.Addr().String()
	_ = free.Close()
	env := map[string]string{"DATABASE_URL": "sqlite:" + filepath.Join(t.TempDir(), "coursegraph.db"), "BCRYPT_COST": "4"}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out, logs := &syncBuffer{}, &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "-addr", addr}, func(k string) string { return env[k] }, strings.NewReader(""), out, logs)
	}()
	dial := func() net.Conn {
		deadline := time.Now().Add(30 * time.Second)
		for {
			c, err := net.Dial("tcp", addr)
			if err == nil {
				return c
			}
			if time.Now().After(deadline) {
				t.Fatalf("the port was never taken: %v\n%s", err, logs.String())
			}
			runtime.Gosched()
		}
	}
	request := func(c net.Conn) {
		body := `{"query":"{ courses { totalCount } }"}`
		fmt.Fprintf(c, "POST /graphql HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", addr, len(body), body)
	}
	patient := dial()
	defer patient.Close()
	request(patient)
	impatient := dial()
	request(impatient)
	if strings.Contains(out.String(), "GraphQL at") {
		t.Fatal("the server was ready before the requests were sent: the test proves nothing")
	}
	_ = impatient.Close() // gives up before the server is ready

	resp, err := http.ReadResponse(bufio.NewReader(patient), nil)
	if err != nil {
		t.Fatalf("no answer: %v\n%s", err, logs.String())
	}
	b, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(b), `"totalCount":6`) {
		t.Errorf("the request sent during start-up: %d %s; want the catalogue", resp.StatusCode, b)
	}
	apitest.WaitFor(t, "both requests answered", func() bool { return strings.Count(logs.String(), "path=/graphql") == 2 })
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"level=ERROR", "service unavailable", "panic", "status=500", "status=503"} {
		if strings.Contains(logs.String(), bad) {
			t.Errorf("the log holds %q:\n%s", bad, logs.String())
		}
	}
}
