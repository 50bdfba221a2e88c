package gqlserver_test

import (
	"net/http"
	"net/netip"
	"strings"
	"testing"
	"time"

	"coursegraph/apitest"
	"coursegraph/gqlserver"
	"coursegraph/models"
	"coursegraph/ratelimit"
	"coursegraph/store/storetest"
)

func TestAnonymousClientsSpendACostBudgetPerAddress(t *testing.T) {
	s := storetest.OpenSQLite(t)
	budget := ratelimit.New(1000, time.Minute/1000, time.Now) // 1,000 points a minute
	a := apitest.NewWithOptions(t, apitest.NewService(t, s), gqlserver.HandlerOptions{
		Introspection: true, Budget: budget,
		BudgetExempt: []netip.Prefix{netip.MustParsePrefix("203.0.113.0/24")},
	})

	a.AddUser("editor@example.com", models.RoleEditor)
	editor := a.SignIn("editor@example.com", apitest.Password)

	const cheap = `{ courses(first: 1) { totalCount } }` // cost 2
	const dear = `{ courses(first: 100) { edges { node { title slug category weekdays } } } }`
	a.RemoteAddr = "192.0.2.10:4000"
	for i := range 50 {
		if resp, rec := a.Post(cheap, nil); rec.Code != http.StatusOK || len(resp.Errors) > 0 {
			t.Fatalf("cheap query %d refused: %d %s", i, rec.Code, rec.Body.String())
		}
	}
	var refused bool
	for i := 0; i < 5 && !refused; i++ {
		resp, rec := a.Post(dear, nil)
		if rec.Code == http.StatusOK {
			continue
		}
		refused = true
		if rec.Code != http.StatusTooManyRequests || resp.Code() != "RATE_LIMITED" || len(resp.Data) != 0 {
			t.Errorf("over the budget: %d %s; want 429 RATE_LIMITED without data", rec.Code, rec.Body.String())
		}
		if rec.Header().Get("Retry-After") == "" || resp.Errors[0].Extensions["retryAfter"] == nil {
			t.Errorf("no Retry-After in %v or extensions %v", rec.Header(), resp.Errors[0].Extensions)
		}
		if !strings.Contains(resp.Errors[0].Message, "budget") {
			t.Errorf("message %q does not say why", resp.Errors[0].Message)
		}
	}
	if !refused {
		t.Fatal("five 401-point queries on a 1,000-point budget all ran")
	}

	other := *a
	other.RemoteAddr = "198.51.100.7:4000"
	if _, rec := other.Post(dear, nil); rec.Code != http.StatusOK {
		t.Errorf("another address was refused: %d", rec.Code)
	}
	exempt := *a
	exempt.RemoteAddr = "203.0.113.9:4000"
	for range 5 {
		if _, rec := exempt.Post(dear, nil); rec.Code != http.StatusOK {
			t.Fatalf("an exempt address was refused: %d", rec.Code)
		}
	}
	editor.RemoteAddr = a.RemoteAddr
	for range 5 {
		if _, rec := editor.Post(dear, nil); rec.Code != http.StatusOK {
			t.Fatalf("a signed-in editor on the spent address was refused: %d %s", rec.Code, rec.Body.String())
		}
	}
}
