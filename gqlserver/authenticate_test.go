package gqlserver_test

import (
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"

	"coursegraph/gqlserver"
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
			if got := gqlserver.ClientAddr(r, trusted); got != tc.want {
				t.Errorf("ClientAddr = %q, want %q", got, tc.want)
			}
		})
	}
}
