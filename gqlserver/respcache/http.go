package respcache

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"coursegraph/cachetag"
	"coursegraph/instant"
	"coursegraph/readroute"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// Middleware answers anonymous GraphQL requests from the cache, and keeps the
// answers of those it passes to next that the Extension marks cacheable. It
// goes outside the request's deadline and auth, so that a hit costs neither.
// GET answers carry a strong ETag (If-None-Match is answered 304),
// Cache-Control (public with MaxAge and StaleWhileRevalidate for a cacheable
// answer, private, no-store for a signed-in request, no-store otherwise) and a
// Surrogate-Key header listing the answer's tags. An anonymous query gets
// X-Cache: HIT or MISS. A nil *Cache passes every request through.
func (c *Cache) Middleware(next http.Handler) http.Handler {
	if c == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodPost || strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
			next.ServeHTTP(w, r)
			return
		}
		if r.Header.Get("Authorization") != "" {
			// Personal: never kept here, nor by browsers or CDNs (a POST
			// answer is never kept by them; the server marks it no-store).
			call(c.opts.Hooks.Bypass)
			if r.Method == http.MethodGet {
				w.Header().Set("Cache-Control", "private, no-store")
			}
			next.ServeHTTP(w, r)
			return
		}
		key, ok := c.key(r)
		if !ok {
			call(c.opts.Hooks.Bypass)
			next.ServeHTTP(w, r)
			return
		}
		// The request's one instant: a kept answer is fresh at it; a new one is
		// made at it, and kept until the first change after it (see miss).
		now := c.opts.Now()
		ctx := r.Context()
		e, err := c.store.get(ctx, key)
		if err != nil {
			call(c.opts.Hooks.Error)
			c.log.WarnContext(ctx, "response cache: read", slog.Any("error", err))
		}
		if e != nil && now.Before(e.expires) {
			call(c.opts.Hooks.Hit)
			w.Header()["X-Cache"] = xCacheHit
			c.write(w, r, e, now)
			return
		}
		c.miss(w, r, key, now, next)
	})
}

// miss runs the request and keeps its answer if it may.
func (c *Cache) miss(w http.ResponseWriter, r *http.Request, key string, now time.Time, next http.Handler) {
	// Made at now, as its lifetime is reckoned from now.
	ctx := instant.With(r.Context(), now)
	since, err := c.store.begin(ctx)
	if err != nil {
		call(c.opts.Hooks.Error)
		c.log.WarnContext(ctx, "response cache: begin", slog.Any("error", err))
		w.Header().Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r.WithContext(ctx))
		return
	}
	ctx, tags := cachetag.With(ctx)
	ctx, reads := readroute.Track(ctx)
	began := time.Now()
	st := &state{}
	ctx = context.WithValue(ctx, stateKey{}, st)
	rec := &recorder{header: w.Header(), status: http.StatusOK}
	next.ServeHTTP(rec, r.WithContext(ctx))
	if st.query.Load() {
		call(c.opts.Hooks.Miss)
		w.Header().Set("X-Cache", "MISS")
	} else {
		call(c.opts.Hooks.Bypass) // a mutation, or a request gqlgen refused
	}
	if rec.status != http.StatusOK || !st.cacheable.Load() {
		if r.Method == http.MethodGet {
			w.Header().Set("Cache-Control", "no-store")
		}
		w.WriteHeader(rec.status)
		_, _ = w.Write(rec.body.Bytes())
		return
	}
	e := &entry{body: rec.body.Bytes(), contentType: w.Header().Get("Content-Type"), tags: tags.List()}
	sum := sha256.Sum256(e.body)
	e.etag = `"` + hex.EncodeToString(sum[:16]) + `"`
	e.prepare()
	lookup, cancel := context.WithTimeout(ctx, lifetimeTimeout)
	e.expires, err = c.lifetime(lookup, e.tags, now)
	cancel()
	if err == nil && e.expires.After(now) {
		var window time.Duration
		if reads.Replica() && c.opts.ReplicaWindow > 0 {
			// From the miss's start, on the store's own clock (Redis's), so
			// that the clocks of instances need not agree.
			window = c.opts.ReplicaWindow + time.Since(began)
		}
		err = c.store.set(context.WithoutCancel(ctx), key, e, since, e.expires.Sub(now), window)
	}
	if err != nil {
		call(c.opts.Hooks.Error)
		c.log.WarnContext(ctx, "response cache: keep answer", slog.Any("error", err))
	}
	c.write(w, r, e, now)
}

// Header values every hit shares (see entry.header).
var (
	xCacheHit         = []string{"HIT"}
	varyAuthorization = []string{"Authorization"}
)

// write sends a cacheable answer with its validators and tags. The header
// values are set as Header.Set would, without making them again (the names
// are in canonical form).
func (c *Cache) write(w http.ResponseWriter, r *http.Request, e *entry, now time.Time) {
	h := w.Header()
	h["Etag"] = e.header.etag
	h["Surrogate-Key"] = e.header.surrogateKey
	h["Vary"] = varyAuthorization
	if r.Method == http.MethodGet {
		maxAge := min(c.opts.MaxAge, e.expires.Sub(now)).Truncate(time.Second)
		h.Set("Cache-Control", "public, max-age="+strconv.Itoa(int(maxAge.Seconds()))+
			", stale-while-revalidate="+strconv.Itoa(int(c.opts.StaleWhileRevalidate.Seconds())))
		if etagMatch(r.Header.Get("If-None-Match"), e.etag) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	if e.header.contentType != nil {
		h["Content-Type"] = e.header.contentType
	}
	h["Content-Length"] = e.header.contentLength
	_, _ = w.Write(e.body)
}

// etagMatch reports whether an If-None-Match header names etag (or is "*").
func etagMatch(header, etag string) bool {
	for t := range strings.SplitSeq(header, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || t == etag || strings.TrimPrefix(t, "W/") == etag {
			return true
		}
	}
	return false
}

// params are the parts of a GraphQL request that decide its answer.
type params struct {
	Query         string          `json:"query"`
	OperationName string          `json:"operationName"`
	Variables     json.RawMessage `json:"variables"`
	Extensions    struct {
		PersistedQuery struct {
			Hash string `json:"sha256Hash"`
		} `json:"persistedQuery"`
	} `json:"extensions"`
}

// key is the cache key of an anonymous GET or POST request (requestKey),
// remembered for the exact request so that the same bytes are keyed once.
func (c *Cache) key(r *http.Request) (string, bool) {
	var body []byte
	if r.Method == http.MethodPost {
		if !isJSON(r.Header.Get("Content-Type")) {
			return "", false
		}
		var err error
		if body, err = readBody(r); err != nil {
			return "", false
		}
	}
	if len(body)+len(r.URL.RawQuery) > memoMaxRequest {
		return requestKey(r, body)
	}
	buf := memoBuffers.Get().(*[]byte)
	defer memoBuffers.Put(buf)
	*buf = exact((*buf)[:0], r, body)
	if key, ok := c.memo.get(*buf); ok {
		return key, true
	}
	key, ok := requestKey(r, body)
	if ok {
		c.memo.put(*buf, key)
	}
	return key, ok
}

// isJSON reports whether a Content-Type is application/json (any parameters).
func isJSON(contentType string) bool {
	if contentType == "application/json" {
		return true // what clients send; parsed without allocating
	}
	mt, _, _ := mime.ParseMediaType(contentType)
	return mt == "application/json"
}

// readBody returns r's body and leaves it for the handlers after the cache to
// read. A body that holds its bytes (Bytes returns what is left to read without
// consuming it: gqlserver's body limit hands on such a body, read in full) is
// not read and copied again.
func readBody(r *http.Request) ([]byte, error) {
	if b, ok := r.Body.(interface{ Bytes() []byte }); ok {
		return b.Bytes(), nil
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, err
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	return body, nil
}

// requestKey is the cache key of an anonymous request: a hash of the document's
// hash (the persisted-query hash when only that is sent), the operation name,
// the variables in a canonical form, the viewer's visibility and the Accept
// header; body is a POST's (JSON). ok is false for a request the cache cannot
// key (not JSON, no document).
func requestKey(r *http.Request, body []byte) (string, bool) {
	var p params
	switch r.Method {
	case http.MethodGet:
		q := r.URL.Query()
		p.Query, p.OperationName = q.Get("query"), q.Get("operationName")
		p.Variables = json.RawMessage(q.Get("variables"))
		if ext := q.Get("extensions"); ext != "" {
			if err := json.Unmarshal([]byte(ext), &p.Extensions); err != nil {
				return "", false
			}
		}
	case http.MethodPost:
		if err := json.Unmarshal(body, &p); err != nil {
			return "", false
		}
	}
	doc := p.Extensions.PersistedQuery.Hash
	if p.Query != "" {
		sum := sha256.Sum256([]byte(p.Query))
		doc = hex.EncodeToString(sum[:])
	}
	if doc == "" {
		return "", false
	}
	vars := []byte("{}")
	if len(bytes.TrimSpace(p.Variables)) > 0 && string(bytes.TrimSpace(p.Variables)) != "null" {
		var v map[string]any
		d := json.NewDecoder(bytes.NewReader(p.Variables))
		d.UseNumber()
		if err := d.Decode(&v); err != nil {
			return "", false
		}
		var err error
		if vars, err = json.Marshal(v); err != nil { // map keys sorted
			return "", false
		}
	}
	h := sha256.New()
	// Accept chooses the answer's media type.
	for _, part := range [][]byte{[]byte(doc), []byte(p.OperationName), vars, []byte(visibilityPublic), []byte(r.Header.Get("Accept"))} {
		h.Write(part)
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)), true
}

// lifetimeTimeout bounds the look-up of the next scheduled publication.
const lifetimeTimeout = 2 * time.Second

// visibilityPublic is the visibility of anonymous viewers, the only one kept.
const visibilityPublic = "public"

// recorder keeps a response to decide whether to keep it before sending it.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
	wrote  bool
}

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) Write(b []byte) (int, error) {
	r.wrote = true
	return r.body.Write(b)
}

func (r *recorder) WriteHeader(status int) {
	if !r.wrote {
		r.status, r.wrote = status, true
	}
}

type stateKey struct{}

// state is what the Extension learns of a request the middleware may keep: that
// it is a query, and that its answer may be kept.
type state struct{ query, cacheable atomic.Bool }

// Extension marks, for the Middleware, the answers it may keep: those of a query
// (not a mutation or subscription) with data and no errors.
func (c *Cache) Extension() graphql.HandlerExtension { return extension{} }

type extension struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.ResponseInterceptor
} = extension{}

func (extension) ExtensionName() string                   { return "ResponseCache" }
func (extension) Validate(graphql.ExecutableSchema) error { return nil }

func (extension) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	st, ok := ctx.Value(stateKey{}).(*state)
	if !ok || resp == nil || !graphql.HasOperationContext(ctx) {
		return resp
	}
	if oc := graphql.GetOperationContext(ctx); oc.Operation == nil || oc.Operation.Operation != ast.Query {
		return resp
	}
	st.query.Store(true)
	if len(resp.Errors) == 0 && len(resp.Data) > 0 {
		st.cacheable.Store(true)
	}
	return resp
}
