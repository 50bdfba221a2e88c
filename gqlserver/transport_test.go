package gqlserver_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"coursegraph/apitest"
	"coursegraph/store/storetest"
)

// exchange is one HTTP request to the endpoint and what must come back.
type exchange struct {
	name        string
	method      string
	target      string // after /graphql
	contentType string
	accept      string
	body        string
	status      int
	mediaType   string // of the apitest.Response
	code        string // the first error's extensions.code; "" for none
	data        bool   // whether the apitest.Response has a data entry
	allow       string // the Allow header, when the status is 405
	token       string // a bearer token to send
}

func (e exchange) run(t *testing.T, h http.Handler) (*httptest.ResponseRecorder, map[string]json.RawMessage) {
	t.Helper()
	var body io.Reader
	if e.body != "" {
		body = strings.NewReader(e.body)
	}
	req := httptest.NewRequest(e.method, "/graphql"+e.target, body)
	if e.contentType != "" {
		req.Header.Set("Content-Type", e.contentType)
	}
	if e.accept != "" {
		req.Header.Set("Accept", e.accept)
	}
	if e.token != "" {
		req.Header.Set("Authorization", "Bearer "+e.token)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var resp map[string]json.RawMessage
	if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
		t.Fatalf("the apitest.Response is not a JSON object: %v\n%s", err, rec.Body.String())
	}
	return rec, resp
}

func firstCode(t *testing.T, resp map[string]json.RawMessage) string {
	t.Helper()
	var errs []struct {
		Extensions struct {
			Code string `json:"code"`
		} `json:"extensions"`
	}
	if raw, ok := resp["errors"]; ok {
		if err := json.Unmarshal(raw, &errs); err != nil {
			t.Fatalf("errors: %v", err)
		}
	}
	if len(errs) == 0 {
		return ""
	}
	return errs[0].Extensions.Code
}

const (
	appJSON      = "application/json"
	gqlRespJSON  = "application/graphql-response+json"
	validQuery   = `{"query":"{ courses(first: 1) { totalCount } }"}`
	secretInBody = "rahim.secret@example.com"
)

func TestTheEndpointSpeaksGraphQLOverHTTP(t *testing.T) {
	a := apitest.New(t, storetest.OpenSQLite(t))
	get := func(q string) string { return "?query=" + url.QueryEscape(q) }
	for _, e := range []exchange{
		// Media types.
		{name: "no Accept is application/json", method: "POST", contentType: appJSON, body: validQuery, status: 200, mediaType: appJSON, data: true},
		{name: "Accept application/json", method: "POST", contentType: appJSON, accept: appJSON, body: validQuery, status: 200, mediaType: appJSON, data: true},
		{name: "Accept graphql-response+json", method: "POST", contentType: appJSON, accept: gqlRespJSON, body: validQuery, status: 200, mediaType: gqlRespJSON, data: true},
		{name: "Accept by quality", method: "POST", contentType: appJSON, accept: "application/json;q=0.5, application/graphql-response+json", body: validQuery, status: 200, mediaType: gqlRespJSON, data: true},
		{name: "Accept a wildcard", method: "POST", contentType: appJSON, accept: "*/*", body: validQuery, status: 200, mediaType: appJSON, data: true},
		{name: "Accept neither", method: "POST", contentType: appJSON, accept: "text/html", body: validQuery, status: 406, mediaType: appJSON, code: "NOT_ACCEPTABLE"},
		{name: "charset in Content-Type", method: "POST", contentType: "application/json; charset=utf-8", body: validQuery, status: 200, mediaType: appJSON, data: true},
		{name: "GET query", method: "GET", target: get(`{ courses(first: 1) { totalCount } }`), status: 200, mediaType: appJSON, data: true},

		// Not GraphQL requests: 4xx, a code, no data.
		{name: "truncated body", method: "POST", contentType: appJSON, body: `{"query":"{ centre { name } }","variables":{"email":"` + secretInBody, status: 400, mediaType: appJSON, code: "BAD_REQUEST"},
		{name: "empty body", method: "POST", contentType: appJSON, status: 400, mediaType: appJSON, code: "BAD_REQUEST"},
		{name: "a body that is a list", method: "POST", contentType: appJSON, body: `[` + validQuery + `]`, status: 400, mediaType: appJSON, code: "BAD_REQUEST"},
		{name: "a body that is a string", method: "POST", contentType: appJSON, body: `"{ centre { name } }"`, status: 400, mediaType: appJSON, code: "BAD_REQUEST"},
		{name: "no query (a misspelt key)", method: "POST", contentType: appJSON, body: `{"qeury":"{ centre { name } }"}`, status: 400, mediaType: appJSON, code: "BAD_REQUEST"},
		{name: "query not a string", method: "POST", contentType: appJSON, body: `{"query":{"x":1}}`, status: 400, mediaType: appJSON, code: "BAD_REQUEST"},
		{name: "operationName not a string", method: "POST", contentType: appJSON, body: `{"query":"{ centre { name } }","operationName":7}`, status: 400, mediaType: appJSON, code: "BAD_REQUEST"},
		{name: "variables not an object", method: "POST", contentType: appJSON, body: `{"query":"{ centre { name } }","variables":"{}"}`, status: 400, mediaType: appJSON, code: "BAD_REQUEST"},
		{name: "extensions not an object", method: "POST", contentType: appJSON, body: `{"query":"{ centre { name } }","extensions":[]}`, status: 400, mediaType: appJSON, code: "BAD_REQUEST"},
		{name: "GET variables not JSON", method: "GET", target: get(`{ courses(first: 1) { totalCount } }`) + "&variables=%7B", status: 400, mediaType: appJSON, code: "BAD_REQUEST"},
		{name: "GET without a query", method: "GET", target: "?operationName=x", status: 400, mediaType: appJSON, code: "BAD_REQUEST"},
		{name: "graphql-response+json for a bad body", method: "POST", contentType: appJSON, accept: gqlRespJSON, body: `{`, status: 400, mediaType: gqlRespJSON, code: "BAD_REQUEST"},
		{name: "no Content-Type", method: "POST", body: validQuery, status: 415, mediaType: appJSON, code: "UNSUPPORTED_MEDIA_TYPE"},
		{name: "text/plain", method: "POST", contentType: "text/plain", body: validQuery, status: 415, mediaType: appJSON, code: "UNSUPPORTED_MEDIA_TYPE"},
		{name: "not UTF-8", method: "POST", contentType: "application/json; charset=latin1", body: validQuery, status: 415, mediaType: appJSON, code: "UNSUPPORTED_MEDIA_TYPE"},
		{name: "PUT", method: "PUT", contentType: appJSON, body: validQuery, status: 405, mediaType: appJSON, code: "METHOD_NOT_ALLOWED", allow: "GET, POST, OPTIONS"},
		{name: "DELETE", method: "DELETE", status: 405, mediaType: appJSON, code: "METHOD_NOT_ALLOWED", allow: "GET, POST, OPTIONS"},
		{name: "a mutation over GET", method: "GET", target: get(`mutation { logout }`), status: 405, mediaType: appJSON, code: "METHOD_NOT_ALLOWED", allow: "POST"},

		// GraphQL request errors: no data; 200 in application/json, 400 in
		// application/graphql-response+json.
		{name: "parse error, json", method: "POST", contentType: appJSON, accept: appJSON, body: `{"query":"{ centre { name "}`, status: 200, mediaType: appJSON, code: "GRAPHQL_PARSE_FAILED"},
		{name: "parse error, graphql-response", method: "POST", contentType: appJSON, accept: gqlRespJSON, body: `{"query":"{ centre { name "}`, status: 400, mediaType: gqlRespJSON, code: "GRAPHQL_PARSE_FAILED"},
		{name: "validation error, json", method: "POST", contentType: appJSON, accept: appJSON, body: `{"query":"{ centre { nope } }"}`, status: 200, mediaType: appJSON, code: "GRAPHQL_VALIDATION_FAILED"},
		{name: "validation error, graphql-response", method: "POST", contentType: appJSON, accept: gqlRespJSON, body: `{"query":"{ centre { nope } }"}`, status: 400, mediaType: gqlRespJSON, code: "GRAPHQL_VALIDATION_FAILED"},
		{name: "variable error, json", method: "POST", contentType: appJSON, accept: appJSON, body: `{"query":"query($n: Int) { courses(first: $n) { totalCount } }","variables":{"n":"ten"}}`, status: 200, mediaType: appJSON, code: "GRAPHQL_VALIDATION_FAILED"},
		{name: "variable error, graphql-response", method: "POST", contentType: appJSON, accept: gqlRespJSON, body: `{"query":"query($n: Int) { courses(first: $n) { totalCount } }","variables":{"n":"ten"}}`, status: 400, mediaType: gqlRespJSON, code: "GRAPHQL_VALIDATION_FAILED"},
		{name: "unknown operation name", method: "POST", contentType: appJSON, accept: gqlRespJSON, body: `{"query":"query A { centre { name } }","operationName":"B"}`, status: 400, mediaType: gqlRespJSON, code: "GRAPHQL_VALIDATION_FAILED"},
		{name: "too complex, graphql-response", method: "POST", contentType: appJSON, accept: gqlRespJSON, body: `{"query":"{ ` + strings.Repeat("__typename ", 20000) + `}"}`, status: 400, mediaType: gqlRespJSON, code: "QUERY_TOO_COMPLEX"},

		// Executed: data, 200, whatever the errors.
		{name: "a field error", method: "POST", contentType: appJSON, accept: gqlRespJSON, body: `{"query":"{ courses(first: 500) { totalCount } }"}`, status: 200, mediaType: gqlRespJSON, code: "BAD_USER_INPUT", data: true},
	} {
		t.Run(e.name, func(t *testing.T) {
			rec, resp := e.run(t, a.Handler)
			if rec.Code != e.status {
				t.Errorf("status %d; want %d\n%s", rec.Code, e.status, rec.Body.String())
			}
			if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, e.mediaType) {
				t.Errorf("Content-Type %q; want %s", ct, e.mediaType)
			}
			if got := firstCode(t, resp); got != e.code {
				t.Errorf("code %q; want %q\n%s", got, e.code, rec.Body.String())
			}
			if _, has := resp["data"]; has != e.data {
				t.Errorf("data entry present: %v; want %v\n%s", has, e.data, rec.Body.String())
			}
			if got := rec.Header().Get("Allow"); got != e.allow {
				t.Errorf("Allow %q; want %q", got, e.allow)
			}
			if rec.Code >= 500 {
				t.Errorf("a client mistake answered %d", rec.Code)
			}
		})
	}
	if log := a.Log.String(); strings.Contains(log, secretInBody) || strings.Contains(log, `"level":"ERROR"`) {
		t.Errorf("client mistakes were logged with their body or as errors:\n%s", log)
	}
}
