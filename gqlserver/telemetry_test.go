package gqlserver_test

import (
	"net/http/httptest"
	"testing"

	"coursegraph/apitest"
	"coursegraph/events"
	"coursegraph/metrics/metricstest"
	"coursegraph/models"
	"coursegraph/service"
	"coursegraph/store"
	"coursegraph/store/storetest"
)

// openSubscriptions reads coursegraph_graphql_subscriptions from /metrics.
func openSubscriptions(t *testing.T) float64 {
	t.Helper()
	return metricValue(t, "coursegraph_graphql_subscriptions")
}

// metricValue reads a metric without labels from /metrics.
func metricValue(t *testing.T, name string) float64 {
	t.Helper()
	n, ok := metricstest.Value(t, name)
	if !ok {
		t.Fatalf("no %s in /metrics", name)
	}
	return n
}

// TestOpenSubscriptionsAreInTheMetrics: a subscription is counted while it is
// open, and no longer once the client completes it.
func TestOpenSubscriptionsAreInTheMetrics(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		bus := events.NewLocal[*models.Enquiry]()
		a := apitest.NewWith(t, apitest.NewService(t, s, func(o *service.Options) { o.Enquiries = bus }))
		a.AddUser("staff@example.com", models.RoleStaff)
		staff := a.SignIn("staff@example.com", apitest.Password)
		srv := httptest.NewServer(a.Handler)
		defer srv.Close()
		before := openSubscriptions(t)

		c := apitest.DialWS(t, srv.URL)
		c.Send(map[string]any{"type": "connection_init", "payload": map[string]any{"Authorization": "Bearer " + staff.Token}})
		if msg, err := c.Read(); err != nil || msg["type"] != "connection_ack" {
			t.Fatalf("init as staff: %v %v", msg, err)
		}
		c.Send(map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{"query": `subscription { enquiryReceived { id } }`}})
		apitest.WaitFor(t, "the subscription", func() bool { return bus.Subscribers() == 1 })
		if got := openSubscriptions(t); got != before+1 {
			t.Errorf("open subscriptions = %v with one open; want %v", got, before+1)
		}
		c.Send(map[string]any{"id": "1", "type": "complete"})
		apitest.WaitFor(t, "the subscription to be counted closed", func() bool { return openSubscriptions(t) == before })
	})
}
