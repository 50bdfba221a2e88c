package auth_test

import (
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"

	"coursegraph/auth"
)

func TestClientAddrBelievesForwardedForOnlyFromTrustedProxies(t *testing.T) {
	trusted := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("::1/128")}
	for _, tc := range []struct {
		name, remote, forwarded, want string
	}{
		{"a direct client is its peer address", "203.0.113.7:5000", "", "203.0.113.7"},
		{"a direct client cannot claim another address", "203.0.113.7:5000", "198.51.100.1", "203.0.113.7"},
		{"behind a trusted proxy, the client the proxy saw", "10.0.0.2:80", "198.51.100.1", "198.51.100.1"},
		{"a spoofed hop left of the real client is ignored", "10.0.0.2:80", "1.2.3.4, 198.51.100.1", "198.51.100.1"},
		{"chained trusted proxies are skipped", "10.0.0.2:80", "198.51.100.1, 10.0.0.3", "198.51.100.1"},
		{"a trusted proxy with no header is the client", "[::1]:80", "", "::1"},
		{"garbage in the header stops the walk", "10.0.0.2:80", "nonsense", "10.0.0.2"},
		{"a zone of any length is dropped, so the address fits its column", "10.0.0.2:80", "fe80::1%" + strings.Repeat("z", 1000), "fe80::1"},
		{"an address that is not one is cut to fit its column", strings.Repeat("x", 300), "", strings.Repeat("x", 44) + "…"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tc.remote
			if tc.forwarded != "" {
				r.Header.Set("X-Forwarded-For", tc.forwarded)
			}
			if got := auth.ClientAddr(r, trusted); got != tc.want {
				t.Errorf("ClientAddr = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestTokensAreRandomWellFormedAndStoredOnlyAsHashes(t *testing.T) {
	a, hashA := auth.NewToken()
	b, _ := auth.NewToken()
	if a == b || !auth.WellFormed(a) || len(a) != len("cgs_")+43 {
		t.Errorf("tokens %q and %q", a, b)
	}
	if hashA != auth.HashToken(a) || len(hashA) != 64 || strings.Contains(hashA, a) {
		t.Errorf("hash %q of %q", hashA, a)
	}
	for _, bad := range []string{"", "cgs_", "cgs_short", "xyz_" + a[4:], a + "x"} {
		if auth.WellFormed(bad) {
			t.Errorf("WellFormed(%q) = true", bad)
		}
	}
}

func TestPasswordsCheckTheirHashAndFailForNoUser(t *testing.T) {
	p, err := auth.NewPasswords(4)
	if err != nil {
		t.Fatal(err)
	}
	h, err := p.Hash("a long enough password")
	if err != nil {
		t.Fatal(err)
	}
	if !p.Check(h, "a long enough password") || p.Check(h, "a long enough passworD") || p.Check("", "a long enough password") {
		t.Error("Check accepts a wrong password or no user, or refuses the right one")
	}
	if strings.Contains(h, "a long enough password") {
		t.Error("the hash contains the password")
	}
}

// TestAPasswordHashedAheadIsTheHashOfThatPassword: a password hashed ahead
// (Prehash, at start-up) is what Hash returns for it, once; another password is
// hashed then; a bad cost is refused at once; Warm leaves checks as they were.
func TestAPasswordHashedAheadIsTheHashOfThatPassword(t *testing.T) {
	if _, err := auth.NewPasswords(3); err == nil {
		t.Error("a bcrypt cost of 3 was taken")
	}
	p, err := auth.NewPasswords(4)
	if err != nil {
		t.Fatal(err)
	}
	p.Prehash("the demo password")
	ahead, err := p.Hash("the demo password")
	if err != nil || !p.Check(ahead, "the demo password") {
		t.Fatalf("the hash made ahead does not check: %v", err)
	}
	again, err := p.Hash("the demo password")
	if err != nil || again == ahead || !p.Check(again, "the demo password") {
		t.Errorf("a second Hash of the same password returned the one made ahead (salts must differ): %v", err)
	}
	other, err := p.Hash("another password")
	if err != nil || !p.Check(other, "another password") || p.Check(other, "the demo password") {
		t.Errorf("another password's hash: %v", err)
	}
	p.Warm()
	if p.Check("", "the demo password") {
		t.Error("no user checked as a match after Warm")
	}
}
