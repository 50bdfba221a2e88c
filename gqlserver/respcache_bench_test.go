package gqlserver_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"coursegraph/apitest"
	"coursegraph/bench/scenario"
	"coursegraph/gqlserver"
	"coursegraph/gqlserver/respcache"
	"coursegraph/logging"
	"coursegraph/models"
	"coursegraph/ratelimit"
	"coursegraph/service"
	"coursegraph/store/storetest"
)

// hitChain is the server's whole handler (Routes, as server.go mounts it, with
// the production log level, the anonymous budget and an in-process response
// cache) and an article page (bench's Q3) already in its cache.
type hitChain struct {
	handler http.Handler
	body    []byte // the Q3 request
	answer  []byte // its cached answer
	log     *bytes.Buffer
}

func newHitChain(tb testing.TB, level slog.Level) *hitChain {
	tb.Helper()
	s := storetest.OpenSQLite(tb)
	var svc *service.Service // the cache and the service need each other, as in server.go
	cache, err := respcache.New(respcache.Options{
		Now:             func() time.Time { return svc.Now() },
		NextPublication: func(ctx context.Context) (time.Time, bool, error) { return svc.NextPublication(ctx) },
	})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(cache.Close)
	svc = apitest.NewService(tb, s, func(o *service.Options) { o.Invalidator = cache })
	var logs bytes.Buffer
	log, err := logging.New(&logs, "json", level)
	if err != nil {
		tb.Fatal(err)
	}
	h := gqlserver.Routes(svc, log, gqlserver.RoutesOptions{GraphQL: gqlserver.HandlerOptions{
		Cache:  cache,
		Budget: ratelimit.New(60000, time.Minute/60000, time.Now), // ANONYMOUS_COST_PER_ADDRESS's default
	}})
	api := &apitest.API{T: tb, Handler: h, Svc: svc}
	api.AddUser("editor@example.com", models.RoleEditor)
	ed := api.SignIn("editor@example.com", apitest.Password)
	// About the size of the demo's article pages (3-4 kB answered).
	md := "## Part one\n\n" + strings.Repeat("Some words about servers and databases. ", 30) +
		"\n\n## Part two\n\n" + strings.Repeat("More words about caches. ", 30)
	data := ed.OK(`mutation($in: CreateArticleInput!) { createArticle(input: $in) { id slug } }`, map[string]any{"in": map[string]any{
		"title": "What a back-end developer does", "summary": "Servers and databases.", "body": md, "tags": []string{"apis", "databases"},
	}})
	id, slug := apitest.IDOf(tb, data, "createArticle", "id"), apitest.IDOf(tb, data, "createArticle", "slug")
	ed.OK(`mutation($id: ID!) { publishArticle(id: $id) { id } }`, map[string]any{"id": id})
	for i := range 2 {
		c := api.OK(`mutation($in: PostCommentInput!) { postComment(input: $in) { id } }`, map[string]any{"in": map[string]any{
			"articleId": id, "authorName": fmt.Sprintf("Reader %d", i), "authorEmail": "reader@example.com", "body": "Thank you, this helped.",
		}})
		ed.OK(`mutation($id: ID!) { moderateComment(id: $id, status: APPROVED) { id } }`, map[string]any{"id": apitest.IDOf(tb, c, "postComment", "id")})
	}
	body, err := json.Marshal(map[string]any{"query": scenario.ArticleBySlug, "variables": map[string]any{"slug": slug}})
	if err != nil {
		tb.Fatal(err)
	}
	c := &hitChain{handler: h, body: body, log: &logs}
	for _, want := range []string{"MISS", "HIT"} {
		rec := c.post(nil)
		if got := rec.Header().Get("X-Cache"); got != want || rec.Code != http.StatusOK || bytes.Contains(rec.Body.Bytes(), []byte(`"errors"`)) {
			tb.Fatalf("want X-Cache %s and an answer, got %d %q: %s", want, rec.Code, got, rec.Body.String())
		}
		c.answer = rec.Body.Bytes()
	}
	return c
}

// TestAHitThroughTheWholeChainIsTheMissAgain: through the server's whole
// handler chain, a hit answers the miss's bytes with the miss's validators and
// tags, the headers every response has, and one request log line; and it
// allocates little (before issue 19 it parsed the request's JSON and put its
// variables in canonical form again, read the body twice, started a deadline
// and made each header value again: 60 allocations in BenchmarkCacheHit).
func TestAHitThroughTheWholeChainIsTheMissAgain(t *testing.T) {
	c := newHitChain(t, slog.LevelInfo)
	miss := c.post(http.Header{"Accept": {"application/json"}})
	c.log.Reset()
	hit := c.post(http.Header{"Accept": {"application/json"}})
	if miss.Header().Get("X-Cache") != "MISS" || hit.Header().Get("X-Cache") != "HIT" {
		t.Fatalf("X-Cache %q then %q; want MISS then HIT", miss.Header().Get("X-Cache"), hit.Header().Get("X-Cache"))
	}
	if !bytes.Equal(hit.Body.Bytes(), miss.Body.Bytes()) {
		t.Errorf("the hit answered\n%s\nthe miss\n%s", hit.Body.Bytes(), miss.Body.Bytes())
	}
	for _, name := range []string{"Etag", "Surrogate-Key", "Vary", "Content-Type", "X-Content-Type-Options"} {
		if got, want := hit.Header().Values(name), miss.Header().Values(name); len(want) != 1 || strings.Join(got, "|") != want[0] {
			t.Errorf("%s: the hit has %q, the miss %q", name, got, want)
		}
	}
	if got := hit.Header().Get("Content-Length"); got != fmt.Sprint(len(miss.Body.Bytes())) {
		t.Errorf("Content-Length %q; want %d", got, len(miss.Body.Bytes()))
	}
	if hit.Header().Get(logging.RequestIDHeader) == "" || hit.Header().Get("Cache-Control") != "" {
		t.Errorf("request id %q, Cache-Control %q: want an id, and no Cache-Control over POST",
			hit.Header().Get(logging.RequestIDHeader), hit.Header().Get("Cache-Control"))
	}
	if lines := strings.Count(c.log.String(), `"msg":"request"`); lines != 1 || !strings.Contains(c.log.String(), `"status":200`) {
		t.Errorf("the hit logged %d request lines; want one with its status:\n%s", lines, c.log.String())
	}
	// 29 when written (21 of them httptest's), 81 before issue 19.
	if n := testing.AllocsPerRun(50, func() { c.post(nil) }); n > 40 {
		t.Errorf("a hit through the chain (and httptest's request and recorder) allocates %.0f times; want at most 40", n)
	}
}

// post sends the Q3 request, anonymous, with header's headers besides.
func (c *hitChain) post(header http.Header) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(c.body))
	req.Header.Set("Content-Type", "application/json")
	for k, v := range header {
		req.Header[k] = v
	}
	rec := httptest.NewRecorder()
	c.handler.ServeHTTP(rec, req)
	return rec
}

// discard is a ResponseWriter that keeps the status and one header map, cleared
// for each request, so that what a benchmark counts is what the handlers do.
type discard struct {
	h      http.Header
	status int
	n      int
}

func (d *discard) Header() http.Header { return d.h }

func (d *discard) WriteHeader(status int) {
	if d.status == 0 {
		d.status = status
	}
}

func (d *discard) Write(b []byte) (int, error) {
	d.WriteHeader(http.StatusOK)
	d.n += len(b)
	return len(b), nil
}

// BenchmarkCacheHit sends bench's Q3 (an article page) through the server's
// whole handler chain, answered from the warm response cache: no network, one
// request object reused, so that ns/op and allocs/op are the chain's own.
//
//	go test ./gqlserver -run '^$' -bench CacheHit -benchmem
func BenchmarkCacheHit(b *testing.B) {
	c := newHitChain(b, slog.LevelWarn) // LOG_LEVEL=warn, as bench/compare runs the server
	body := bytes.NewReader(c.body)
	req := httptest.NewRequest(http.MethodPost, "/graphql", nil)
	req.Header.Set("Content-Type", "application/json")
	req.Body, req.ContentLength = io.NopCloser(body), int64(len(c.body))
	w := &discard{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		body.Reset(c.body)
		clear(w.h)
		w.status, w.n = 0, 0
		c.handler.ServeHTTP(w, req)
	}
	if w.status != http.StatusOK || w.h.Get("X-Cache") != "HIT" || w.n != len(c.answer) {
		b.Fatalf("the last request: status %d, X-Cache %q, %d bytes (want 200, HIT, %d)", w.status, w.h.Get("X-Cache"), w.n, len(c.answer))
	}
}
