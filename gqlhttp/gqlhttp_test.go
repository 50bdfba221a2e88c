package gqlhttp_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"coursegraph/gqlhttp"

	"github.com/vektah/gqlparser/v2/gqlerror"
)

func TestNegotiatePicksTheMediaTypeTheClientPrefers(t *testing.T) {
	for _, tc := range []struct {
		accept []string
		want   string // "" for none acceptable
	}{
		{nil, gqlhttp.JSON},
		{[]string{"application/json"}, gqlhttp.JSON},
		{[]string{"application/graphql-response+json"}, gqlhttp.GraphQLResponse},
		{[]string{"application/graphql-response+json, application/json;q=0.9"}, gqlhttp.GraphQLResponse},
		{[]string{"application/json;q=0.9, application/graphql-response+json"}, gqlhttp.GraphQLResponse},
		{[]string{"application/json, application/graphql-response+json"}, gqlhttp.JSON},
		{[]string{"text/html", "application/graphql-response+json"}, gqlhttp.GraphQLResponse},
		{[]string{"application/graphql-response+json;q=0, application/json"}, gqlhttp.JSON},
		{[]string{"*/*"}, gqlhttp.JSON},
		{[]string{"application/*;q=0.5, text/html"}, gqlhttp.JSON},
		{[]string{"text/html"}, ""},
		{[]string{"application/json;q=0"}, ""},
		{[]string{"application/json;q=nope"}, ""},
	} {
		r := httptest.NewRequest(http.MethodGet, "/graphql", nil)
		for _, a := range tc.accept {
			r.Header.Add("Accept", a)
		}
		got, ok := gqlhttp.Negotiate(r)
		if got != tc.want || ok != (tc.want != "") {
			t.Errorf("Accept %q: %q %v; want %q", tc.accept, got, ok, tc.want)
		}
	}
}

func TestWriteErrorsUsesJSONEncodingAndRetryAfter(t *testing.T) {
	r := httptest.NewRequest(http.MethodPost, "/graphql", nil)
	r.Header.Set("Accept", gqlhttp.GraphQLResponse)
	w := httptest.NewRecorder()
	e := gqlhttp.Error(gqlhttp.CodeRateLimited, "a \"quoted\"\n<message> \\ with \u2028 controls")
	e.Extensions[gqlhttp.ExtensionRetryAfter] = 7
	gqlhttp.WriteErrors(w, r, http.StatusTooManyRequests, e)
	if w.Code != 429 || w.Header().Get("Retry-After") != "7" || w.Header().Get("Content-Type") != gqlhttp.GraphQLResponse+"; charset=utf-8" {
		t.Errorf("%d %v", w.Code, w.Header())
	}
	want := `{"errors":[{"message":"a \"quoted\"\n\u003cmessage\u003e \\ with \u2028 controls","extensions":{"code":"RATE_LIMITED","retryAfter":7}}]}`
	if w.Body.String() != want {
		t.Errorf("body\n%s\nwant\n%s", w.Body.String(), want)
	}
	w = httptest.NewRecorder()
	gqlhttp.WriteErrors(w, r, http.StatusServiceUnavailable, &gqlerror.Error{Message: "down"})
	if w.Header().Get("Retry-After") != "5" {
		t.Errorf("a 503 without retryAfter has Retry-After %q; want 5", w.Header().Get("Retry-After"))
	}
}
