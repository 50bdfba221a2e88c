package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"coursegraph/metrics"
	"coursegraph/models"
	"coursegraph/store"
	"coursegraph/store/storetest"

	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"
)

// catalogueFixture makes a centre (so that the server does not fill the database
// with its demo data) and three courses with schedules on different batches (2, 1
// and 3 schedules), so that a nested catalogue query has parents that differ.
func catalogueFixture(t *testing.T, s *store.Store) []*models.Course {
	t.Helper()
	if err := s.SaveCentre(context.Background(), &models.Centre{
		Name: "Test Centre", Address: []string{"1 Test Road"}, Phone: "+880 1000 000000", Email: "centre@example.org",
		Timezone: "Asia/Dhaka", Currency: "BDT", Links: []models.CentreLink{},
	}); err != nil {
		t.Fatal(err)
	}
	var batches []*models.Batch
	for range 3 {
		batches = append(batches, storetest.CreateBatch(t, s))
	}
	var courses []*models.Course
	for i, n := range []int{2, 1, 3} {
		c := storetest.CreateCourse(t, s)
		for j := range n {
			storetest.CreateSchedule(t, s, c, batches[(i+j)%3])
		}
		courses = append(courses, c)
	}
	return courses
}

// catalogueQuery is the nested catalogue: one statement for the courses and one
// for their schedules with their batches.
const catalogueQuery = `query CourseList { courses(first: 10) { edges { node { title schedules { batch { name } } } } } }`

// graphQL posts a request to base's /graphql with token (if any) and returns the
// decoded response.
func graphQL(t *testing.T, base, token string, req map[string]any) map[string]any {
	t.Helper()
	body, _ := json.Marshal(req)
	r, _ := http.NewRequest(http.MethodPost, base+"/graphql", strings.NewReader(string(body)))
	r.Header.Set("Content-Type", "application/json")
	if token != "" {
		r.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("decode response: %v", err)
	}
	return out
}

var metricsAddr = regexp.MustCompile(`serving metrics" addr=(\S+)`)

// metricsURL finds the /metrics address in the server's log.
func metricsURL(t *testing.T, logs *syncBuffer) string {
	t.Helper()
	m := metricsAddr.FindStringSubmatch(logs.String())
	if m == nil {
		t.Fatalf("no metrics address in the log:\n%s", logs.String())
	}
	return m[1]
}

// scrape reads /metrics and returns each sample's value by its name and labels,
// as written ("name{label=\"value\"}").
func scrape(t *testing.T, url string) map[string]float64 {
	t.Helper()
	code, body := get(t, url)
	if code != 200 {
		t.Fatalf("GET %s = %d %s", url, code, body)
	}
	samples := map[string]float64{}
	sc := bufio.NewScanner(strings.NewReader(body))
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			t.Fatalf("bad sample %q", line)
		}
		samples[line[:i]] = v
	}
	return samples
}

// TestMetricsShowEachFamilyAfterAFewRequests serves /metrics on METRICS_ADDR and
// checks, after a few requests, that each family is there and moved as the
// requests say it should: requests by operation and outcome, latency, statements
// and database time per request, statements by kind, loader batch sizes,
// rate-limit refusals, the outbox backlog, the database pool, Go and the process.
func TestMetricsShowEachFamilyAfterAFewRequests(t *testing.T) {
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	smtpAddr := closed.Addr().String()
	_ = closed.Close() // a mail server that is down: the notice stays in the outbox
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		catalogueFixture(t, s)
		base, logs, _ := startServer(t, map[string]string{
			"DATABASE_URL": storetest.URL(s), "METRICS_ADDR": "127.0.0.1:0",
			"SMTP_URL": "smtp://" + smtpAddr + "?from=noreply@example.org", "ENQUIRIES_PER_ADDRESS": "1/1h",
		})
		url := metricsURL(t, logs)
		before := scrape(t, url)
		for range 2 {
			resp := graphQL(t, base, "", map[string]any{"query": catalogueQuery})
			if resp["errors"] != nil || resp["extensions"] != nil {
				t.Fatalf("catalogue = %v; want data and, without DEBUG_EXTENSIONS, no extensions", resp)
			}
		}
		graphQL(t, base, "", map[string]any{"query": `{ nope }`})
		enquiry := `mutation Ask($message: String!) { submitEnquiry(input: {name: "Rahim Uddin", email: "rahim@example.com", message: $message}) { id } }`
		if resp := graphQL(t, base, "", map[string]any{"query": enquiry, "variables": map[string]any{"message": "Is there a seat?"}}); resp["errors"] != nil {
			t.Fatalf("first enquiry: %v", resp)
		}
		if resp := graphQL(t, base, "", map[string]any{"query": enquiry, "variables": map[string]any{"message": "And on Fridays?"}}); !strings.Contains(fmt.Sprint(resp["errors"]), "RATE_LIMITED") {
			t.Fatalf("second enquiry = %v; want RATE_LIMITED", resp)
		}
		after := scrape(t, url)

		delta := func(name string) float64 { return after[name] - before[name] }
		for name, want := range map[string]float64{
			`coursegraph_graphql_requests_total{operation="CourseList",outcome="ok"}`:                       1, // the second from the cache
			`coursegraph_graphql_requests_total{operation="anonymous",outcome="GRAPHQL_VALIDATION_FAILED"}`: 1,
			`coursegraph_graphql_requests_total{operation="Ask",outcome="ok"}`:                              1,
			`coursegraph_graphql_requests_total{operation="Ask",outcome="RATE_LIMITED"}`:                    1,
			`coursegraph_graphql_request_duration_seconds_count{operation="CourseList"}`:                    1,
			`coursegraph_graphql_request_sql_statements_count{operation="CourseList"}`:                      1,
			`coursegraph_graphql_request_sql_statements_sum{operation="CourseList"}`:                        2,
			`coursegraph_graphql_request_db_seconds_count{operation="CourseList"}`:                          1,
			`coursegraph_loader_batch_keys_count{loader="course_schedules"}`:                                1,
			`coursegraph_loader_batch_keys_sum{loader="course_schedules"}`:                                  3, // the 3 courses, in one call
			`coursegraph_rate_limit_refusals_total{limit="enquiries_per_address"}`:                          1,
			`coursegraph_response_cache_hits_total`:                                                         1,
			`coursegraph_response_cache_invalidations_total`:                                                0, // an enquiry changes nothing public
		} {
			if got := delta(name); got != want {
				t.Errorf("%s went up by %v; want %v", name, got, want)
			}
		}
		for _, name := range []string{
			`coursegraph_response_cache_misses_total`,
			`coursegraph_graphql_request_duration_seconds_sum{operation="CourseList"}`,
			`coursegraph_graphql_request_db_seconds_sum{operation="CourseList"}`,
			`coursegraph_sql_statements_total{kind="row"}`,
		} {
			if delta(name) <= 0 {
				t.Errorf("%s did not grow (%v → %v)", name, before[name], after[name])
			}
		}
		for _, name := range []string{
			`coursegraph_outbox_backlog`, `go_sql_open_connections{db_name="coursegraph"}`,
			`go_goroutines`, `process_resident_memory_bytes`,
			// process_cpu_seconds_total is there, but counts in 10 ms ticks: a
			// few requests may not move it.
		} {
			if after[name] < 1 {
				t.Errorf("%s = %v; want at least 1", name, after[name])
			}
		}
		for _, name := range []string{
			`coursegraph_outbox_oldest_age_seconds`, `go_sql_wait_count_total{db_name="coursegraph"}`,
			`coursegraph_graphql_subscriptions`, `coursegraph_response_cache_hits_total`,
			`coursegraph_response_cache_misses_total`, `coursegraph_response_cache_invalidations_total`,
			`process_cpu_seconds_total`,
		} {
			if _, ok := after[name]; !ok {
				t.Errorf("no %s in /metrics", name)
			}
		}
	})
}

// TestOperationLabelsAreCapped: operation names are chosen by clients, so only the
// first metrics.MaxOperationNames names of valid documents get a label of their
// own; any later name, and the name of a document that failed validation, is
// counted as "other".
func TestOperationLabelsAreCapped(t *testing.T) {
	base, logs, _ := startServer(t, map[string]string{
		"DATABASE_URL": "sqlite:" + t.TempDir() + "/cg.db", "METRICS_ADDR": "127.0.0.1:0",
	})
	url := metricsURL(t, logs)
	before := scrape(t, url)
	graphQL(t, base, "", map[string]any{"query": `query NeverValid { nope }`, "operationName": "NeverValid"})
	for i := range metrics.MaxOperationNames + 10 {
		graphQL(t, base, "", map[string]any{"query": fmt.Sprintf(`query Op%d { __typename }`, i)})
	}
	after := scrape(t, url)
	if _, ok := after[`coursegraph_graphql_requests_total{operation="NeverValid",outcome="GRAPHQL_VALIDATION_FAILED"}`]; ok {
		t.Error("the name of an invalid document got a label of its own")
	}
	if got := after[`coursegraph_graphql_requests_total{operation="other",outcome="GRAPHQL_VALIDATION_FAILED"}`] -
		before[`coursegraph_graphql_requests_total{operation="other",outcome="GRAPHQL_VALIDATION_FAILED"}`]; got != 1 {
		t.Errorf("the invalid document was counted %v times as other; want 1", got)
	}
	if got := after[`coursegraph_graphql_requests_total{operation="other",outcome="ok"}`] -
		before[`coursegraph_graphql_requests_total{operation="other",outcome="ok"}`]; got < 10 {
		t.Errorf("%v requests counted as other; want at least the 10 over the cap", got)
	}
	labels := map[string]bool{}
	for name := range after {
		if rest, ok := strings.CutPrefix(name, `coursegraph_graphql_requests_total{operation="`); ok {
			labels[rest[:strings.IndexByte(rest, '"')]] = true
		}
	}
	if len(labels) > metrics.MaxOperationNames+2 {
		t.Errorf("%d operation labels; want at most %d names, anonymous and other", len(labels), metrics.MaxOperationNames)
	}
	if !labels["Op0"] {
		t.Error("the first operation name has no label of its own")
	}
}

// TestDebugExtensionsAreRefusedInProduction: DEBUG_EXTENSIONS would show every
// client how each answer was made, so the server will not start with it in
// production, and says why.
func TestDebugExtensionsAreRefusedInProduction(t *testing.T) {
	getenv := func(k string) string {
		return map[string]string{"APP_ENV": "production", "DEBUG_EXTENSIONS": "1", "DATABASE_URL": "sqlite:" + t.TempDir() + "/cg.db"}[k]
	}
	var stderr strings.Builder
	err := run(context.Background(), []string{"serve"}, getenv, strings.NewReader(""), io.Discard, &stderr)
	if err == nil || !strings.Contains(err.Error(), "DEBUG_EXTENSIONS must not be on with APP_ENV=production") {
		t.Fatalf("run = %v; want it refused, naming DEBUG_EXTENSIONS", err)
	}
	for _, v := range []string{"1", "true"} {
		cfg, err := loadConfig(nil, func(k string) string { return map[string]string{"DEBUG_EXTENSIONS": v}[k] }, io.Discard)
		if err != nil || !cfg.Telemetry.DebugExtensions {
			t.Errorf("DEBUG_EXTENSIONS=%s in development: %v, on = %v", v, err, cfg.Telemetry.DebugExtensions)
		}
	}
	if _, err := loadConfig(nil, func(k string) string { return map[string]string{"DEBUG_EXTENSIONS": "yes please"}[k] }, io.Discard); err == nil || !strings.Contains(err.Error(), "DEBUG_EXTENSIONS") {
		t.Errorf("a bad DEBUG_EXTENSIONS = %v; want an error naming it", err)
	}
}

// TestObservabilitySettingsAreChecked: a bad METRICS_ADDR or OTLP endpoint stops
// the start with a message naming it, as every setting does; a METRICS_ADDR
// already in use stops it too, with nothing left running.
func TestObservabilitySettingsAreChecked(t *testing.T) {
	for _, c := range []struct{ name, value, want string }{
		{"METRICS_ADDR", "9090", "METRICS_ADDR must be host:port"},
		{"OTEL_EXPORTER_OTLP_ENDPOINT", "localhost:4318", "OTEL_EXPORTER_OTLP_ENDPOINT must be an http:// or https:// URL"},
		{"OTEL_EXPORTER_OTLP_ENDPOINT", "ftp://collector:4318", "OTEL_EXPORTER_OTLP_ENDPOINT must be an http:// or https:// URL"},
	} {
		_, err := loadConfig(nil, func(k string) string { return map[string]string{c.name: c.value}[k] }, io.Discard)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s=%s: %v; want %q", c.name, c.value, err, c.want)
		}
	}
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	getenv := func(k string) string {
		return map[string]string{"METRICS_ADDR": taken.Addr().String(), "BCRYPT_COST": "4", "DATABASE_URL": "sqlite:" + t.TempDir() + "/cg.db"}[k]
	}
	err = run(context.Background(), []string{"serve", "-addr", "127.0.0.1:0"}, getenv, strings.NewReader(""), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "listen on METRICS_ADDR") {
		t.Errorf("run with METRICS_ADDR in use = %v; want it refused", err)
	}
}

// TestDebugExtensionsCountTheRequestsStatements: with DEBUG_EXTENSIONS each
// response's extensions.debug has its SQL statement count (the catalogue's 2, and
// 3 signed in: the sign-in check is the request's too), its database time and the
// cache status ("off" without a response cache).
func TestDebugExtensionsCountTheRequestsStatements(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		catalogueFixture(t, s)
		base, _, _ := startServer(t, map[string]string{
			"DATABASE_URL": storetest.URL(s), "DEBUG_EXTENSIONS": "1",
			"ADMIN_EMAIL": "admin@example.com", "ADMIN_PASSWORD": "a long enough password",
		})
		debugOf := func(resp map[string]any) map[string]any {
			t.Helper()
			if resp["errors"] != nil {
				t.Fatalf("errors: %v", resp["errors"])
			}
			ext, _ := resp["extensions"].(map[string]any)
			d, ok := ext["debug"].(map[string]any)
			if !ok {
				t.Fatalf("no extensions.debug in %v", resp)
			}
			return d
		}
		d := debugOf(graphQL(t, base, "", map[string]any{"query": catalogueQuery}))
		if d["sqlStatements"] != 2.0 || d["cache"] != "off" {
			t.Errorf("anonymous catalogue debug = %v; want 2 statements and cache off", d)
		}
		if ms, _ := d["databaseMillis"].(float64); ms <= 0 {
			t.Errorf("databaseMillis = %v; want the statements' time", d["databaseMillis"])
		}
		login := graphQL(t, base, "", map[string]any{
			"query":     `mutation($email: String!, $password: String!) { login(email: $email, password: $password) { token } }`,
			"variables": map[string]any{"email": "admin@example.com", "password": "a long enough password"},
		})
		token, _ := login["data"].(map[string]any)["login"].(map[string]any)["token"].(string)
		if token == "" {
			t.Fatalf("login: %v", login)
		}
		if d := debugOf(graphQL(t, base, token, map[string]any{"query": catalogueQuery})); d["sqlStatements"] != 3.0 {
			t.Errorf("signed-in catalogue debug = %v; want 3 statements (the sign-in check and the catalogue's 2)", d)
		}
	})
}

// otlpReceiver is an OTLP/HTTP trace receiver (protobuf) that keeps the spans it
// is sent.
type otlpReceiver struct {
	mu    sync.Mutex
	spans []*tracepb.Span
}

func (o *otlpReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	var req coltracepb.ExportTraceServiceRequest
	if err != nil || r.URL.Path != "/v1/traces" || proto.Unmarshal(body, &req) != nil {
		http.Error(w, "bad export", http.StatusBadRequest)
		return
	}
	o.mu.Lock()
	for _, rs := range req.ResourceSpans {
		for _, ss := range rs.ScopeSpans {
			o.spans = append(o.spans, ss.Spans...)
		}
	}
	o.mu.Unlock()
	w.Header().Set("Content-Type", "application/x-protobuf")
	out, _ := proto.Marshal(&coltracepb.ExportTraceServiceResponse{})
	_, _ = w.Write(out)
}

// TestSpansShowRequestOperationResolverAndSQL sends spans to an OTLP receiver and
// checks their parentage: the HTTP request's span, the operation's below it, the
// resolvers' below that, and the SQL statements below a resolver. No span records
// the variables.
func TestSpansShowRequestOperationResolverAndSQL(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		courses := catalogueFixture(t, s)
		receiver := &otlpReceiver{}
		otlp := httptest.NewServer(receiver)
		defer otlp.Close()
		base, _, stop := startServer(t, map[string]string{"DATABASE_URL": storetest.URL(s), "OTEL_EXPORTER_OTLP_ENDPOINT": otlp.URL})
		slug := courses[2].Slug
		resp := graphQL(t, base, "", map[string]any{
			"query":     `query CourseBySlug($slug: String!) { course(slug: $slug) { title schedules { batch { name } } } }`,
			"variables": map[string]any{"slug": slug},
		})
		if resp["errors"] != nil {
			t.Fatalf("query: %v", resp)
		}
		if err := stop(); err != nil { // sends the spans still waiting
			t.Fatal(err)
		}

		receiver.mu.Lock()
		defer receiver.mu.Unlock()
		byID := map[string]*tracepb.Span{}
		for _, sp := range receiver.spans {
			byID[string(sp.SpanId)] = sp
			for _, a := range sp.Attributes {
				if strings.Contains(a.Value.String(), slug) {
					t.Errorf("span %q records the variable's value in %s", sp.Name, a.Key)
				}
			}
		}
		find := func(name string) *tracepb.Span {
			t.Helper()
			for _, sp := range receiver.spans {
				if sp.Name == name {
					return sp
				}
			}
			var names []string
			for _, sp := range receiver.spans {
				names = append(names, sp.Name)
			}
			t.Fatalf("no span %q among %q", name, names)
			return nil
		}
		request := find("POST /graphql")
		operation := find("query CourseBySlug")
		resolver := find("Query.course")
		schedules := find("Course.schedules")
		if request.Kind != tracepb.Span_SPAN_KIND_SERVER {
			t.Errorf("the request span is %v; want a server span", request.Kind)
		}
		for _, c := range []struct{ child, parent *tracepb.Span }{{operation, request}, {resolver, operation}, {schedules, resolver}} {
			if string(c.child.ParentSpanId) != string(c.parent.SpanId) || string(c.child.TraceId) != string(request.TraceId) {
				t.Errorf("span %q is not a child of %q", c.child.Name, c.parent.Name)
			}
		}
		var sqlUnderResolver int
		for _, sp := range receiver.spans {
			if sp.Kind != tracepb.Span_SPAN_KIND_CLIENT || sp.Name != "SELECT" {
				continue
			}
			if p := byID[string(sp.ParentSpanId)]; p == resolver || p == schedules {
				sqlUnderResolver++
				if !strings.Contains(fmt.Sprint(sp.Attributes), "db.query.text") {
					t.Errorf("SQL span without its statement: %v", sp.Attributes)
				}
			}
		}
		if sqlUnderResolver == 0 {
			t.Error("no SELECT span below the resolvers")
		}
	})
}
