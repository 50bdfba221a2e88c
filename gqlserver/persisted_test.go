package gqlserver_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"coursegraph/apitest"
	"coursegraph/gqlserver"
	"coursegraph/models"
	"coursegraph/persisted"
	"coursegraph/store/storetest"
)

// pqBody is a POST body naming a document by hash, with the query or without.
func pqBody(hash, query string) string {
	b, _ := json.Marshal(map[string]any{
		"query":      query,
		"extensions": map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": hash}},
	})
	return string(b)
}

// pqGet is a GET target naming a document by hash only.
func pqGet(hash string) string {
	return "?extensions=" + url.QueryEscape(fmt.Sprintf(`{"persistedQuery":{"version":1,"sha256Hash":%q}}`, hash))
}

func check(t *testing.T, a *apitest.API, e exchange) map[string]json.RawMessage {
	t.Helper()
	rec, resp := e.run(t, a.Handler)
	if rec.Code != e.status || firstCode(t, resp) != e.code {
		t.Errorf("%s: %d %s; want %d %q", e.name, rec.Code, rec.Body.String(), e.status, e.code)
	}
	if _, has := resp["data"]; has != e.data {
		t.Errorf("%s: data entry %v; want %v", e.name, has, e.data)
	}
	return resp
}

func TestAutomaticPersistedQueriesOverPostAndGet(t *testing.T) {
	a := apitest.New(t, storetest.OpenSQLite(t))
	const doc = `query Count { courses(first: 3) { totalCount } }`
	hash := persisted.Hash(doc)
	post := func(name, body, accept string, status int, code string, data bool) exchange {
		return exchange{name: name, method: "POST", contentType: appJSON, accept: accept, body: body, status: status, code: code, data: data}
	}
	check(t, a, post("an unknown hash", pqBody(hash, ""), appJSON, 200, "PERSISTED_QUERY_NOT_FOUND", false))
	resp := check(t, a, post("an unknown hash, graphql-response", pqBody(hash, ""), gqlRespJSON, 400, "PERSISTED_QUERY_NOT_FOUND", false))
	if !strings.Contains(string(resp["errors"]), `"PersistedQueryNotFound"`) {
		t.Errorf("the message Apollo Kotlin and iOS look for is missing: %s", resp["errors"])
	}
	check(t, a, exchange{name: "an unknown hash over GET", method: "GET", target: pqGet(hash), status: 200, code: "PERSISTED_QUERY_NOT_FOUND"})

	check(t, a, post("a hash that is not the query's", pqBody(strings.Repeat("0", 64), doc), appJSON, 200, "BAD_REQUEST", false))
	check(t, a, post("version 2", `{"extensions":{"persistedQuery":{"version":2,"sha256Hash":"`+hash+`"}}}`, appJSON, 200, "BAD_REQUEST", false))
	check(t, a, post("a hash that is a number", `{"extensions":{"persistedQuery":{"version":1,"sha256Hash":7}}}`, appJSON, 200, "BAD_REQUEST", false))
	check(t, a, post("not an object", `{"extensions":{"persistedQuery":"`+hash+`"}}`, appJSON, 200, "BAD_REQUEST", false))
	invalid := `{ courses { nope } }`
	check(t, a, post("an invalid document with its hash", pqBody(persisted.Hash(invalid), invalid), appJSON, 200, "GRAPHQL_VALIDATION_FAILED", false))
	check(t, a, post("an invalid document is not kept", pqBody(persisted.Hash(invalid), ""), appJSON, 200, "PERSISTED_QUERY_NOT_FOUND", false))

	check(t, a, post("the document with its hash", pqBody(hash, doc), appJSON, 200, "", true))
	check(t, a, post("then the hash alone", pqBody(hash, ""), appJSON, 200, "", true))
	check(t, a, exchange{name: "and over GET", method: "GET", target: pqGet(hash), status: 200, data: true})

	mutation := `mutation { logout }`
	check(t, a, post("a mutation with its hash", pqBody(persisted.Hash(mutation), mutation), appJSON, 200, "UNAUTHENTICATED", true))
	check(t, a, exchange{name: "a persisted mutation over GET", method: "GET", target: pqGet(persisted.Hash(mutation)), status: 405, code: "METHOD_NOT_ALLOWED", allow: "POST"})
	if log := a.Log.String(); strings.Contains(log, `"level":"ERROR"`) {
		t.Errorf("a persisted-query mistake was logged as an error:\n%s", log)
	}
}

func TestTrustedDocumentsModeRunsOnlyTheManifest(t *testing.T) {
	manifest, err := persisted.LoadManifest("testdata/trusted-documents.json")
	if err != nil {
		t.Fatal(err)
	}
	s := storetest.OpenSQLite(t)
	catalogue := `query Catalogue { courses(first: 2) { totalCount } }`
	articles := `query FirstArticles { articles(first: 1) { totalCount } }`
	other := `{ courses(first: 5) { totalCount } }`
	for _, staffFree := range []bool{false, true} {
		t.Run(fmt.Sprintf("staff free %v", staffFree), func(t *testing.T) {
			a := apitest.NewWithOptions(t, apitest.NewService(t, s), gqlserver.HandlerOptions{Trusted: manifest, TrustedStaffFree: staffFree})
			post := func(name, body string, status int, code string, data bool) exchange {
				return exchange{name: name, method: "POST", contentType: appJSON, body: body, status: status, code: code, data: data}
			}
			check(t, a, post("by the hash of a document", pqBody(persisted.Hash(catalogue), ""), 200, "", true))
			check(t, a, post("by a manifest id", pqBody("first-articles-v1", ""), 200, "", true))
			check(t, a, post("by the hash of a document whose id is another", pqBody(persisted.Hash(articles), ""), 200, "", true))
			check(t, a, exchange{name: "over GET", method: "GET", target: pqGet("first-articles-v1"), status: 200, data: true})
			check(t, a, post("a trusted document as text", `{"query":`+jsonString(catalogue)+`}`, 200, "", true))
			check(t, a, post("another document as text", `{"query":`+jsonString(other)+`}`, 200, "QUERY_NOT_IN_SAFELIST", false))
			check(t, a, exchange{name: "another document, graphql-response", method: "POST", contentType: appJSON, accept: gqlRespJSON, body: `{"query":` + jsonString(other) + `}`, status: 400, code: "QUERY_NOT_IN_SAFELIST"})
			check(t, a, post("an unknown id", pqBody("nope-v1", ""), 200, "PERSISTED_QUERY_NOT_IN_LIST", false))
			check(t, a, post("no registration", pqBody(persisted.Hash(other), other), 200, "PERSISTED_QUERY_NOT_IN_LIST", false))
			check(t, a, post("still not registered", pqBody(persisted.Hash(other), ""), 200, "PERSISTED_QUERY_NOT_IN_LIST", false))
			check(t, a, post("an id with another document", pqBody("first-articles-v1", other), 200, "BAD_REQUEST", false))

			email := fmt.Sprintf("staff-%v@example.com", staffFree)
			a.AddUser(email, models.RoleStaff)
			// Signing in is itself a document; the test signs in through the service.
			token := signInDirect(t, a, email)
			staff := exchange{name: "staff sending another document", method: "POST", contentType: appJSON, body: `{"query":` + jsonString(other) + `}`, token: token, status: 200, code: "QUERY_NOT_IN_SAFELIST"}
			if staffFree {
				staff.code, staff.data = "", true
			}
			check(t, a, staff)
		})
	}
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// signInDirect signs in through the service, for an endpoint that would refuse
// the login document.
func signInDirect(t *testing.T, a *apitest.API, email string) string {
	t.Helper()
	open := apitest.NewWith(t, a.Svc)
	return open.SignIn(email, apitest.Password).Token
}
