package playground_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"

	"coursegraph/playground"

	"github.com/google/go-cmp/cmp"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/validator"
)

func serve(t *testing.T, h http.Handler, host, path string, header http.Header) *http.Response {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.Host = host
	for k, v := range header {
		req.Header[k] = v
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func body(t *testing.T, resp *http.Response) []byte {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

var (
	tag       = regexp.MustCompile(`(?is)<(script|link|style)\b([^>]*)>`)
	attribute = regexp.MustCompile(`(?i)\b(src|href)="([^"]*)"`)
)

func TestThePageLoadsOnlyTheBundleBuiltIntoTheBinary(t *testing.T) {
	h := playground.Handler()
	resp := serve(t, h, "localhost:8080", "/", nil)
	page := body(t, resp)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Fatalf("GET / = %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	built := map[string]string{ // what the page loads → what `make playground` wrote
		playground.AssetPath + "playground.js":  "dist/playground.js.gz",
		playground.AssetPath + "playground.css": "dist/playground.css.gz",
	}
	loaded := map[string]bool{}
	for _, m := range tag.FindAllStringSubmatch(string(page), -1) {
		kind, attrs := strings.ToLower(m[1]), m[2]
		ref := attribute.FindStringSubmatch(attrs)
		switch {
		case kind == "style":
			t.Errorf("the page has an inline stylesheet: %s", m[0])
		case ref == nil && kind == "script":
			t.Errorf("the page has an inline script, which its policy refuses: %s", m[0])
		case ref != nil && ref[2] == "data:,": // the empty icon, so that no /favicon.ico is asked for
		case ref == nil || built[ref[2]] == "":
			t.Errorf("the page loads something that is not its own bundle: %s", m[0])
		default:
			loaded[ref[2]] = true
		}
	}
	for path, file := range built {
		if !loaded[path] {
			t.Errorf("the page does not load %s", path)
			continue
		}
		gzipped, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		zr, err := gzip.NewReader(bytes.NewReader(gzipped))
		if err != nil {
			t.Fatalf("%s is not gzip: %v", file, err)
		}
		want, _ := io.ReadAll(zr)
		// A browser that takes gzip gets the file as built; any other client
		// gets it unzipped.
		zipped := serve(t, h, "localhost:8080", path, http.Header{"Accept-Encoding": {"gzip, deflate, br"}})
		if got := body(t, zipped); zipped.StatusCode != http.StatusOK || zipped.Header.Get("Content-Encoding") != "gzip" || !bytes.Equal(got, gzipped) ||
			!strings.Contains(zipped.Header.Get("Vary"), "Accept-Encoding") {
			t.Errorf("GET %s with gzip = %d %q with %d bytes; want the %d bytes of %s", path, zipped.StatusCode, zipped.Header.Get("Content-Encoding"), len(got), len(gzipped), file)
		}
		resp := serve(t, h, "localhost:8080", path, nil)
		got := body(t, resp)
		if resp.StatusCode != http.StatusOK || len(want) == 0 || !bytes.Equal(got, want) || resp.Header.Get("Content-Encoding") != "" {
			t.Errorf("GET %s = %d with %d bytes; want the %d bytes of %s unzipped", path, resp.StatusCode, len(got), len(want), file)
		}
		if zipped.Header.Get("ETag") == resp.Header.Get("ETag") {
			t.Errorf("GET %s: the gzipped and plain answers share the ETag %s", path, resp.Header.Get("ETag"))
		}
		if ct, wantCT := resp.Header.Get("Content-Type"), map[bool]string{true: "text/javascript; charset=utf-8", false: "text/css; charset=utf-8"}[strings.HasSuffix(path, ".js")]; ct != wantCT {
			t.Errorf("GET %s: Content-Type %q, want %q", path, ct, wantCT)
		}
		if bytes.Contains(got, []byte("sourceMappingURL")) {
			t.Errorf("%s points to a source map, which is not shipped", path)
		}
	}
}

func TestThePolicyAllowsOnlyTheServersOwnOrigin(t *testing.T) {
	for _, tc := range []struct {
		name, host, connect string
	}{
		{"a host name and port", "localhost:8080", "connect-src 'self' ws://localhost:8080 wss://localhost:8080;"},
		{"an IPv4 address", "127.0.0.1:41234", "connect-src 'self' ws://127.0.0.1:41234 wss://127.0.0.1:41234;"},
		{"an IPv6 address", "[::1]:8080", "connect-src 'self' ws://[::1]:8080 wss://[::1]:8080;"},
		{"a host without a port", "api.example.org", "connect-src 'self' ws://api.example.org wss://api.example.org;"},
		{"a Host header that tries to add a source", "x; script-src *", "connect-src 'self';"},
		{"a Host header with a space", "a b", "connect-src 'self';"},
		{"no Host header", "", "connect-src 'self';"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := serve(t, playground.Handler(), tc.host, "/", nil)
			csp := resp.Header.Get("Content-Security-Policy")
			for _, want := range []string{
				"default-src 'none';", "script-src 'self';", "style-src 'self';", tc.connect,
				"frame-ancestors 'none';", "base-uri 'none';", "form-action 'none'",
			} {
				if !strings.Contains(csp, want) {
					t.Errorf("policy %q lacks %q", csp, want)
				}
			}
			for _, never := range []string{"https:", "http:", "*", "unsafe-", "script-src 'self' "} {
				if strings.Contains(csp, never) {
					t.Errorf("policy %q allows %q", csp, never)
				}
			}
		})
	}
	if csp := serve(t, playground.Handler(), "localhost", playground.AssetPath+"playground.js", nil).Header.Get("Content-Security-Policy"); csp != "" {
		t.Errorf("the script has a page's policy: %q", csp)
	}
}

func TestABrowserRevalidatesAndGetsNotModified(t *testing.T) {
	h := playground.Handler()
	for _, path := range []string{"/", playground.AssetPath + "playground.js", playground.AssetPath + "playground.css"} {
		first := serve(t, h, "localhost", path, nil)
		_ = body(t, first)
		etag := first.Header.Get("ETag")
		if etag == "" || first.Header.Get("Cache-Control") != "no-cache" {
			t.Errorf("GET %s: ETag %q, Cache-Control %q", path, etag, first.Header.Get("Cache-Control"))
			continue
		}
		again := serve(t, h, "localhost", path, http.Header{"If-None-Match": {etag}})
		if b := body(t, again); again.StatusCode != http.StatusNotModified || len(b) != 0 {
			t.Errorf("GET %s with If-None-Match %s = %d with %d bytes, want 304", path, etag, again.StatusCode, len(b))
		}
	}
}

func TestOtherPathsAreNotFound(t *testing.T) {
	for _, path := range []string{playground.AssetPath, playground.AssetPath + "index.html", playground.AssetPath + "../index.html", "/dist/playground.js", "/playground.js"} {
		if resp := serve(t, playground.Handler(), "localhost", path, nil); resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404", path, resp.StatusCode)
		}
	}
}

// tab is one of GraphiQL's defaultTabs, as src/tabs.json writes them.
type tab struct {
	Query     string  `json:"query"`
	Variables *string `json:"variables"`
	Headers   *string `json:"headers"`
}

// TestTheExampleTabsAreValidOperationsOfTheSchema keeps the examples in step with
// schema.graphqls: each tab is one named operation that validates, with variables
// of the right types and headers that are JSON; the staff tabs show where the
// bearer token goes.
func TestTheExampleTabsAreValidOperationsOfTheSchema(t *testing.T) {
	sdl, err := os.ReadFile("../schema.graphqls")
	if err != nil {
		t.Fatal(err)
	}
	schema, gerr := gqlparser.LoadSchema(&ast.Source{Name: "schema.graphqls", Input: string(sdl)})
	if gerr != nil {
		t.Fatal(gerr)
	}
	raw, err := os.ReadFile("src/tabs.json")
	if err != nil {
		t.Fatal(err)
	}
	var tabs []tab
	if err := json.Unmarshal(raw, &tabs); err != nil {
		t.Fatal(err)
	}
	staff := map[string]bool{"StaffInbox": true, "LiveInbox": true}
	var names []string
	for _, tb := range tabs {
		doc, errs := gqlparser.LoadQuery(schema, tb.Query)
		if len(errs) > 0 {
			t.Errorf("tab %.60q: %v", tb.Query, errs)
			continue
		}
		if len(doc.Operations) != 1 {
			t.Errorf("tab %.60q: %d operations, want 1", tb.Query, len(doc.Operations))
			continue
		}
		op := doc.Operations[0]
		names = append(names, op.Name)
		vars := map[string]any{}
		if tb.Variables != nil {
			if err := json.Unmarshal([]byte(*tb.Variables), &vars); err != nil {
				t.Errorf("%s: variables: %v", op.Name, err)
			}
		}
		if _, err := validator.VariableValues(schema, op, vars); err != nil {
			t.Errorf("%s: variables %v: %v", op.Name, vars, err)
		}
		var headers map[string]string
		if tb.Headers != nil {
			if err := json.Unmarshal([]byte(*tb.Headers), &headers); err != nil {
				t.Errorf("%s: headers: %v", op.Name, err)
			}
		}
		if got := strings.HasPrefix(headers["Authorization"], "Bearer "); got != staff[op.Name] {
			t.Errorf("%s: headers %v; a bearer token example: %v, want %v", op.Name, headers, got, staff[op.Name])
		}
	}
	want := []string{"Catalogue", "ArticlePage", "SubmitEnquiry", "SignIn", "StaffInbox", "LiveInbox"}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("tabs (-want +got):\n%s", diff)
	}
}
