package gqlserver

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"coursegraph/auth"
	"coursegraph/bench/scenario"
	"coursegraph/graph"
	"coursegraph/logging"
	"coursegraph/metrics"
	"coursegraph/models"
	"coursegraph/persisted"
	"coursegraph/ratelimit"
	"coursegraph/service"
	"coursegraph/store"
	"coursegraph/store/storetest"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/executor"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/transport"
)

// The layers of the /graphql chain that BenchmarkLayers leaves out one at a
// time (see layeredChain).
const (
	layerLimits    = "limits"    // documentLimits
	layerCost      = "cost"      // costLimit: the cost limit and the anonymous budget
	layerPersisted = "persisted" // persistedDocuments
	layerNoSchema  = "nointrospection"
	layerWebSocket = "websocket" // what WebSocket support adds to every HTTP request
	layerCache     = "cache"     // the response cache, off (nil)
	layerTelemetry = "telemetry" // the telemetry extension, metrics and tracing off
	layerLogging   = "logging"   // request id and access log (at WARN, as bench/ runs)
	layerDeadline  = "deadline"
	layerAuth      = "auth"
	layerRoutes    = "routes" // mux, security headers, body limit, shutdown awareness
)

// allLayers are the layers of the chain as the server mounts it, in the order
// BenchmarkLayers reports them.
var allLayers = []string{layerLimits, layerCost, layerPersisted, layerNoSchema, layerWebSocket, layerCache,
	layerTelemetry, layerLogging, layerDeadline, layerAuth, layerRoutes}

// layerOptions are the settings of the chain under benchmark: bench/'s server
// (APP_ENV=production, LOG_LEVEL=warn, RESPONSE_CACHE=off, no metrics, no
// tracing), with the anonymous cost budget of the default configuration but
// too large to run out, so that a client that is not exempt pays for its
// bookkeeping.
func layerOptions() HandlerOptions {
	return HandlerOptions{
		NoTelemetry:  true,
		Budget:       ratelimit.New(1<<40, time.Nanosecond, time.Now).Named("bench"),
		BudgetExempt: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")},
	}
}

// layeredChain is the /graphql chain of Routes and newHandler with only the
// layers in on, so that a benchmark can leave one out; with every layer on it
// is what Routes mounts (BenchmarkLayers runs Routes itself beside it, as a
// check that the two agree). extra turns on what is off by default: "metrics"
// (METRICS_ADDR: each request carries a metrics.Request, as the server's
// Observe wraps it) and "accesslog" (LOG_LEVEL=info).
func layeredChain(schema graphql.ExecutableSchema, svc *service.Service, log *slog.Logger, opts HandlerOptions, on map[string]bool, extra ...string) http.Handler {
	timeout := DefaultRequestTimeout
	srv := handler.New(schema)
	if on[layerTelemetry] && !opts.NoTelemetry {
		srv.Use(telemetry{})
	}
	if on[layerWebSocket] {
		srv.AddTransport(webSocketTransport(svc, log, nil, timeout))
	}
	srv.AddTransport(transport.Options{})
	srv.AddTransport(httpTransport{log: log})
	queries := newQueryCache(1000)
	srv.SetQueryCache(queries)
	if on[layerPersisted] {
		srv.Use(persistedDocuments{store: persisted.Memory(persisted.DefaultMemoryBytes)})
	}
	limits := opts.Limits.withDefaults()
	if on[layerLimits] {
		srv.Use(documentLimits{limits: limits, cache: queries})
	}
	if on[layerNoSchema] {
		srv.Use(noIntrospection{})
		srv.SetDisableSuggestion(true)
		srv.SetValidationRulesFn(rulesWithoutSuggestions)
	}
	if on[layerCost] {
		srv.Use(newCostLimit(limits.Cost, opts.Budget, opts.BudgetExempt))
	}
	if on[layerWebSocket] {
		srv.AroundOperations(recheckWebSocketSession(svc, log, timeout))
	}
	srv.AroundResponses(graph.PerResponse(svc))
	if on[layerCache] && opts.Cache != nil {
		srv.Use(opts.Cache.Extension())
	}
	srv.SetErrorPresenter(presenter(log))
	srv.SetRecoverFunc(recoverer(log))

	var h http.Handler = srv
	if on[layerWebSocket] {
		h = webSocketConns(log, h)
	}
	if on[layerAuth] {
		h = authenticate(svc, opts.TrustedProxies, log, h)
	}
	if on[layerDeadline] {
		h = withDeadline(timeout, h)
	}
	if on[layerCache] {
		h = opts.Cache.Middleware(h)
	}
	if on[layerRoutes] {
		h = limitBody(h, DefaultMaxBodyBytes)
	}
	if on[layerWebSocket] {
		h = longLivedWebSockets(h)
	}
	if on[layerRoutes] {
		mux := http.NewServeMux()
		mux.Handle("/graphql", h)
		h = securityHeaders(mux)
	}
	if on[layerLogging] {
		h = logging.Middleware(log, h)
	}
	if on[layerRoutes] || on[layerWebSocket] {
		var webSockets *sync.WaitGroup
		if on[layerWebSocket] {
			webSockets = &sync.WaitGroup{}
		}
		h = shutdownAware(func() bool { return false }, webSockets, h)
	}
	for _, e := range extra {
		if e == "metrics" {
			h = measured(h)
		}
	}
	return h
}

// measured is the server's Observe with METRICS_ADDR set (observe.go in the
// main package): each /graphql request carries a metrics.Request.
func measured(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/graphql" {
			next.ServeHTTP(w, r)
			return
		}
		req := &metrics.Request{Start: time.Now(), Connection: IsWebSocket(r)}
		next.ServeHTTP(w, r.WithContext(metrics.WithRequest(r.Context(), req)))
	})
}

// statementMetrics is the main package's statement observer with METRICS_ADDR
// set.
type statementMetrics struct{}

func (statementMetrics) StartStatement(ctx context.Context, _ string) context.Context { return ctx }

func (statementMetrics) EndStatement(ctx context.Context, st store.Statement) {
	metrics.Statement(ctx, st.Kind, st.Duration)
}

// cannedSchema is the schema with Exec answering data at once: the chain over
// it does all but resolve (no resolver, no SQL), so that what a layer costs
// is not lost in the noise of the database.
type cannedSchema struct {
	graphql.ExecutableSchema
	data json.RawMessage
}

func (c cannedSchema) Exec(context.Context) graphql.ResponseHandler {
	return graphql.OneShot(&graphql.Response{Data: c.data})
}

// HasCost is the schema's, which the cost limit asks (see costedFields).
func (c cannedSchema) HasCost(typeName, field string) bool {
	costed, ok := c.ExecutableSchema.(costedFields)
	return !ok || costed.HasCost(typeName, field)
}

// q3Fixture makes one published article (markdown with headings, so a table
// of contents) by an editor with a bio, with 3 tags and 10 approved comments,
// and returns the service over s and the article's slug.
func q3Fixture(tb testing.TB, s *store.Store) (*service.Service, string) {
	tb.Helper()
	off := service.Limit{Burst: -1}
	svc, err := service.New(s, service.Options{BcryptCost: 4, CommentsPerAddress: off, EnquiriesPerAddress: off})
	if err != nil {
		tb.Fatal(err)
	}
	ctx := context.Background()
	name, email, role, bio := "Ada Editor", "ada@example.com", models.RoleEditor, "Writes about spreadsheets."
	ed, err := svc.CreateUser(auth.AsSystem(ctx), models.UserInput{Name: &name, Email: &email, Role: &role, Bio: &bio}, "correct horse battery")
	if err != nil {
		tb.Fatal(err)
	}
	edCtx := auth.WithUser(ctx, ed)
	title, summary := "Pivot tables without tears", "A summary."
	body := "# Part one\n\nSome **text**.\n\n## Part two\n\n" + strings.Repeat("More words here. ", 200) + "\n\n## Part three\n\nThe end."
	art, err := svc.CreateArticle(edCtx, models.ArticleInput{Title: &title, Body: &body, Summary: &summary, Tags: []string{"Excel", "Tables", "Tips"}})
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := svc.PublishArticle(edCtx, art.ID, nil); err != nil {
		tb.Fatal(err)
	}
	for i := range 10 {
		c, err := svc.PostComment(ctx, models.CommentInput{ArticleID: art.ID, AuthorName: fmt.Sprintf("Reader %d", i),
			AuthorEmail: "reader@example.com", Body: fmt.Sprintf("Comment %d: thank you.", i)})
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := svc.ModerateComment(edCtx, c.ID, models.CommentApproved); err != nil {
			tb.Fatal(err)
		}
	}
	return svc, art.Slug
}

// q3Body is Q3 as bench/ sends it, over POST.
func q3Body(tb testing.TB, slug string) []byte {
	tb.Helper()
	body, err := json.Marshal(map[string]any{"query": scenario.ArticleBySlug, "operationName": "ArticleBySlug", "variables": map[string]any{"slug": slug}})
	if err != nil {
		tb.Fatal(err)
	}
	return body
}

// serveQ3 sends Q3 through h as bench/load does, from a public (not exempt)
// address, and returns the response.
func serveQ3(h http.Handler, body []byte) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.RemoteAddr = "203.0.113.7:40000"
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// checkQ3 fails unless rec is Q3's answer: the article with its 10 comments,
// and no error.
func checkQ3(tb testing.TB, rec *httptest.ResponseRecorder) {
	tb.Helper()
	var resp struct {
		Data struct {
			Article *struct {
				Title           string
				TableOfContents []struct{ Text string }
				Author          struct{ Bio string }
				Tags            []struct{ Slug string }
				Comments        struct {
					Edges []struct{ Node struct{ Body string } }
				}
			}
		}
		Errors []json.RawMessage
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil || rec.Code != http.StatusOK || len(resp.Errors) > 0 || resp.Data.Article == nil {
		tb.Fatalf("Q3: status %d, %v: %s", rec.Code, err, rec.Body.String())
	}
	a := resp.Data.Article
	if len(a.TableOfContents) == 0 || a.Author.Bio == "" || len(a.Tags) != 3 || len(a.Comments.Edges) != 10 {
		tb.Fatalf("Q3 is not the fixture's article: %s", rec.Body.String())
	}
}

// cpuTime is the CPU time the process has used: on a machine shared with other
// work, a benchmark's CPU time per operation varies much less than its wall time.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU reports the CPU time per operation since start (all the process's
// goroutines, the collector's included) as cpu-ns/op.
func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64(cpuTime(b)-start)/float64(b.N), "cpu-ns/op")
}

// BenchmarkLayers runs Q3 through the /graphql chain as bench/'s server mounts
// it, to price each layer, in two settings: exec=sqlite resolves Q3 on SQLite
// in memory (what a request pays, allocations included), exec=canned answers
// Q3's data at once (cannedSchema), so that a layer's time stands out of the
// database's noise. Chains:
//
//	chain=executor       gqlgen's executor alone, called without HTTP (sqlite only)
//	chain=transport      the gqlgen server over HTTP with its transports and no layer
//	chain=full           every layer, as the server mounts it
//	chain=routes         Routes itself (a check that full is what the server mounts)
//	chain=full-X         every layer but X (full-telemetry: the telemetry extension,
//	                     which the server leaves out with metrics and tracing off)
//	chain=full+metrics   with METRICS_ADDR (Observe and the statement observer)
//	chain=full+accesslog with LOG_LEVEL=info
//
// A layer's cost is full minus full-X:
//
//	go test ./gqlserver -run '^$' -bench Layers -benchmem -count 6 > layers.txt
//	benchstat -filter '/exec:canned /chain:(full OR full-cost)' -col /chain layers.txt
func BenchmarkLayers(b *testing.B) {
	quiet, err := logging.New(io.Discard, "json", slog.LevelWarn)
	if err != nil {
		b.Fatal(err)
	}
	info, err := logging.New(io.Discard, "json", slog.LevelInfo)
	if err != nil {
		b.Fatal(err)
	}
	svc, slug := q3Fixture(b, storetest.OpenSQLite(b))
	// The statement observer is the store's, for every request: a store of
	// its own for the chain with metrics.
	measuredStore := storetest.OpenSQLite(b)
	measuredStore.Observe(statementMetrics{})
	measuredSvc, measuredSlug := q3Fixture(b, measuredStore)
	body, measuredBody := q3Body(b, slug), q3Body(b, measuredSlug)

	all := map[string]bool{}
	for _, l := range allLayers {
		all[l] = true
	}
	without := func(layer string) map[string]bool {
		on := map[string]bool{}
		for l := range all {
			on[l] = l != layer
		}
		return on
	}
	type chain struct {
		name string
		h    http.Handler
		body []byte
	}
	observed := layerOptions()
	observed.NoTelemetry = false
	chains := func(schema, measuredSchema graphql.ExecutableSchema) []chain {
		list := []chain{
			{"full", layeredChain(schema, svc, quiet, layerOptions(), all), body},
			{"transport", layeredChain(schema, svc, quiet, layerOptions(), nil), body},
		}
		for _, l := range allLayers {
			list = append(list, chain{"full-" + l, layeredChain(schema, svc, quiet, layerOptions(), without(l)), body})
		}
		return append(list,
			chain{"full+metrics", layeredChain(measuredSchema, measuredSvc, quiet, observed, all, "metrics"), measuredBody},
			chain{"full+accesslog", layeredChain(schema, svc, info, layerOptions(), all), body})
	}
	run := func(b *testing.B, list []chain) {
		for _, c := range list {
			b.Run("chain="+c.name, func(b *testing.B) {
				checkQ3(b, serveQ3(c.h, c.body))
				b.ReportAllocs()
				cpu := cpuTime(b)
				for b.Loop() {
					serveQ3(c.h, c.body)
				}
				reportCPU(b, cpu)
			})
		}
	}

	b.Run("exec=sqlite", func(b *testing.B) {
		b.Run("chain=executor", func(b *testing.B) {
			exec := executor.New(graph.NewSchema(svc))
			exec.SetQueryCache(newQueryCache(1000))
			exec.AroundResponses(graph.PerResponse(svc))
			exec.SetErrorPresenter(presenter(quiet))
			exec.SetRecoverFunc(recoverer(quiet))
			vars := map[string]any{"slug": slug}
			q3 := func() *graphql.Response {
				ctx := graphql.StartOperationTrace(context.Background())
				params := &graphql.RawParams{Query: scenario.ArticleBySlug, OperationName: "ArticleBySlug", Variables: vars}
				oc, errs := exec.CreateOperationContext(ctx, params)
				if errs != nil {
					b.Fatal(errs)
				}
				responses, ctx := exec.DispatchOperation(ctx, oc)
				return responses(ctx)
			}
			if resp := q3(); len(resp.Errors) > 0 || !bytes.Contains(resp.Data, []byte(`"Comment 9: thank you."`)) {
				b.Fatalf("Q3: %s %v", resp.Data, resp.Errors)
			}
			b.ReportAllocs()
			cpu := cpuTime(b)
			for b.Loop() {
				q3()
			}
			reportCPU(b, cpu)
		})
		list := chains(graph.NewSchema(svc), graph.NewSchema(measuredSvc))
		list = append(list[:2], append([]chain{{"routes", Routes(svc, quiet, RoutesOptions{GraphQL: layerOptions()}), body}}, list[2:]...)...)
		run(b, list)
	})
	b.Run("exec=canned", func(b *testing.B) {
		var answer struct{ Data json.RawMessage }
		if err := json.Unmarshal(serveQ3(layeredChain(graph.NewSchema(svc), svc, quiet, layerOptions(), all), body).Body.Bytes(), &answer); err != nil {
			b.Fatal(err)
		}
		run(b, chains(cannedSchema{graph.NewSchema(svc), answer.Data}, cannedSchema{graph.NewSchema(measuredSvc), answer.Data}))
	})
}
