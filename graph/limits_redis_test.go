package graph_test

import (
	"testing"
	"time"

	"coursegraph/apitest"
	"coursegraph/ratelimit"
	"coursegraph/redisconn"
	"coursegraph/redisconn/redistest"
	"coursegraph/service"
	"coursegraph/store"
	"coursegraph/store/storetest"

	"github.com/google/go-cmp/cmp"
)

// limitedInstance is one server instance whose limits count in shared (two
// enquiries and three failed sign-ins per address an hour), on a fixed clock.
func limitedInstance(t *testing.T, s *store.Store, shared *ratelimit.Shared, now time.Time) *apitest.API {
	t.Helper()
	off := service.Limit{Burst: -1}
	svc, err := service.New(s, service.Options{
		BcryptCost: 4, Clock: func() time.Time { return now }, SharedLimits: shared,
		EnquiriesPerAddress: service.Limit{Burst: 2, Every: time.Hour},
		LoginPerAddress:     service.Limit{Burst: 3, Every: time.Hour}, LoginPerAccount: off, LoginPerAccountTotal: off,
	})
	if err != nil {
		t.Fatal(err)
	}
	a := apitest.NewWith(t, svc)
	a.RemoteAddr = "192.0.2.1:4000"
	return a
}

const wrongSignIn = `mutation { login(email: "nobody@example.com", password: "not the password") { token } }`

// TestLimitsAreOneBudgetAcrossInstancesSharingRedis: two instances on one
// Redis let one address send two enquiries and fail three sign-ins in all, not
// each; a refusal on either says exactly how long to wait.
func TestLimitsAreOneBudgetAcrossInstancesSharingRedis(t *testing.T) {
	s := storetest.OpenSQLite(t)
	rdb, prefix := redistest.Open(t)
	if rdb == nil {
		t.Skip("no Redis")
	}
	now := time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)
	a := limitedInstance(t, s, &ratelimit.Shared{Redis: rdb, Prefix: prefix, Clock: func() time.Time { return now }}, now)
	b := limitedInstance(t, s, &ratelimit.Shared{Redis: redistest.Another(t), Prefix: prefix, Clock: func() time.Time { return now }}, now)

	var got []string
	for i, in := range []*apitest.API{a, b, a, b} {
		resp, _ := in.Post(apitest.SubmitEnquiry, apitest.Enquiry(map[string]any{"message": "Question " + string(rune('A'+i))}))
		got = append(got, resp.Code())
	}
	for _, in := range []*apitest.API{b, a, b, a} {
		resp, _ := in.Post(wrongSignIn, nil)
		got = append(got, resp.Code())
	}
	want := []string{"", "", "RATE_LIMITED", "RATE_LIMITED", "UNAUTHENTICATED", "UNAUTHENTICATED", "UNAUTHENTICATED", "RATE_LIMITED"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("codes across the two instances (-want +got):\n%s", diff)
	}
	// Both hour-long tokens were spent at the same instant: the next is an
	// hour away, to the second, whichever instance is asked.
	for _, in := range []*apitest.API{a, b} {
		resp, rec := in.Post(apitest.SubmitEnquiry, apitest.Enquiry(map[string]any{"message": "Once more"}))
		if resp.Code() != "RATE_LIMITED" || rec.Header().Get("Retry-After") != "3600" || resp.Errors[0].Extensions["retryAfter"] != float64(3600) {
			t.Errorf("refusal: %s, Retry-After %q; want RATE_LIMITED and 3600 in both", rec.Body.String(), rec.Header().Get("Retry-After"))
		}
	}
}

// TestWhenRedisDoesNotAnswerSignInIsUnavailableAndEnquiriesCountInMemory: with
// a Redis that refuses connections, sign-in fails closed (503
// SERVICE_UNAVAILABLE, Retry-After 5: no guessing unshared), while enquiries
// are accepted and limited by the instance's own memory.
func TestWhenRedisDoesNotAnswerSignInIsUnavailableAndEnquiriesCountInMemory(t *testing.T) {
	s := storetest.OpenSQLite(t)
	down, err := redisconn.New("redis://127.0.0.1:1/0") // nothing listens on port 1
	if err != nil {
		t.Fatal(err)
	}
	defer down.Close()
	a := limitedInstance(t, s, &ratelimit.Shared{Redis: down}, time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC))
	resp, rec := a.Post(wrongSignIn, nil)
	if resp.Code() != "SERVICE_UNAVAILABLE" || rec.Code != 503 || rec.Header().Get("Retry-After") != "5" {
		t.Errorf("sign-in without Redis: %d %s, Retry-After %q; want 503 SERVICE_UNAVAILABLE, 5", rec.Code, rec.Body.String(), rec.Header().Get("Retry-After"))
	}
	var got []string
	for _, m := range []string{"one", "two", "three"} {
		resp, _ := a.Post(apitest.SubmitEnquiry, apitest.Enquiry(map[string]any{"message": m}))
		got = append(got, resp.Code())
	}
	if diff := cmp.Diff([]string{"", "", "RATE_LIMITED"}, got); diff != "" {
		t.Errorf("enquiries without Redis (-want +got):\n%s", diff)
	}
}
