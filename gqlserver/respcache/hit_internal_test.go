package respcache

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
)

// heldBody is a request body that holds its bytes, as gqlserver's body limit
// hands one on.
type heldBody struct {
	bytes.Reader
	all []byte
}

func (b *heldBody) Bytes() []byte { return b.all[len(b.all)-b.Len():] }
func (*heldBody) Close() error    { return nil }

func post(body, accept string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader([]byte(body)))
	r.Header.Set("Content-Type", "application/json")
	if accept != "" {
		r.Header.Set("Accept", accept)
	}
	return r
}

// TestTheKeyOfAnExactRequestIsRememberedForItOnly: the key the cache remembers
// for a request's exact bytes is the key it would compute (document, operation,
// canonical variables, Accept), and a request that differs in any of those
// bytes (another Accept, other variables, GET) is keyed on its own, first time
// and from memory alike.
func TestTheKeyOfAnExactRequestIsRememberedForItOnly(t *testing.T) {
	c, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	const q = `query($slug: String!, $n: Int) { article(slug: $slug) { title } }`
	get := func(vars string) *http.Request {
		return httptest.NewRequest(http.MethodGet, "/graphql?query="+url.QueryEscape(q)+"&variables="+url.QueryEscape(vars), nil)
	}
	reqs := []struct {
		name  string
		make  func() *http.Request
		group int // requests of one group share a key, and only they
	}{
		{"a POST", func() *http.Request { return post(`{"query":"`+q+`","variables":{"slug":"a","n":1}}`, "") }, 0},
		{"its variables in another order", func() *http.Request { return post(`{"query":"`+q+`","variables":{"n":1,"slug":"a"}}`, "") }, 0},
		{"the same over GET", func() *http.Request { return get(`{"slug":"a","n":1}`) }, 0},
		{"another Accept", func() *http.Request {
			return post(`{"query":"`+q+`","variables":{"slug":"a","n":1}}`, "application/graphql-response+json")
		}, 1},
		{"another slug", func() *http.Request { return post(`{"query":"`+q+`","variables":{"slug":"b","n":1}}`, "") }, 2},
		{"another slug over GET", func() *http.Request { return get(`{"slug":"b","n":1}`) }, 2},
	}
	keys := make([]string, len(reqs))
	for round := range 2 { // the second from memory
		for i, r := range reqs {
			var body []byte
			if probe := r.make(); probe.Method == http.MethodPost {
				body = bodyOf(t, probe)
			}
			want, ok := requestKey(r.make(), body)
			got, gotOK := c.key(r.make())
			if !ok || !gotOK || got != want {
				t.Fatalf("round %d, %s: key %q (%v), want %q (%v)", round, r.name, got, gotOK, want, ok)
			}
			keys[i] = got
			for j := range i {
				if same := keys[j] == got; same != (reqs[j].group == r.group) {
					t.Errorf("round %d: %s and %s: same key %v", round, r.name, reqs[j].name, same)
				}
			}
		}
	}
	if len(c.memo.keys) != len(reqs) {
		t.Errorf("%d requests remembered, want %d", len(c.memo.keys), len(reqs))
	}
}

func bodyOf(t *testing.T, r *http.Request) []byte {
	t.Helper()
	b, err := readBody(r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestAHitAllocatesNothingInTheCache(t *testing.T) {
	c, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	answer := []byte(`{"data":{"article":{"title":"Hello"}}}`)
	h := c.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := r.Context().Value(stateKey{}).(*state) // what the Extension marks for a query
		st.query.Store(true)
		st.cacheable.Store(true)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(answer)
	}))
	raw := []byte(`{"query":"query($slug: String!) { article(slug: $slug) { title } }","variables":{"slug":"hello"}}`)
	req := post("", "")
	body := &heldBody{all: raw}
	req.Body = body
	w := &writer{h: http.Header{}}
	serve := func() {
		body.Reset(raw)
		clear(w.h)
		w.buf.Reset()
		h.ServeHTTP(w, req)
	}
	serve()
	serve()
	if got := w.h.Get("X-Cache"); got != "HIT" || !bytes.Equal(w.buf.Bytes(), answer) {
		t.Fatalf("X-Cache %q, body %s: want a hit with the answer", got, w.buf.Bytes())
	}
	if n := testing.AllocsPerRun(100, serve); n > 1 {
		t.Errorf("a hit allocates %.0f times in the cache; want none", n)
	}
}

type writer struct {
	h   http.Header
	buf bytes.Buffer
}

func (w *writer) Header() http.Header         { return w.h }
func (w *writer) Write(b []byte) (int, error) { return w.buf.Write(b) }
func (w *writer) WriteHeader(int)             {}
