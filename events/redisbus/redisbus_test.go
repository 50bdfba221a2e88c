package redisbus_test

import (
	"context"
	"errors"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"coursegraph/events"
	"coursegraph/events/redisbus"
	"coursegraph/metrics/metricstest"
	"coursegraph/redisconn"
	"coursegraph/redisconn/redistest"
)

type notice struct {
	ID   uint
	Name string
	At   time.Time
}

// instance is one server instance's hub and its topic.
type instance struct {
	hub *redisbus.Hub
	bus *redisbus.Bus[*notice]
}

// twoInstances returns two hubs, each with its own Redis client, sharing one
// Redis under a prefix of the test's own, started and connected.
func twoInstances(t *testing.T) (a, b instance, rdb *redisconn.Client) {
	t.Helper()
	rdb, prefix := redistest.Open(t)
	if rdb == nil {
		t.Skip("no Redis")
	}
	other := redistest.Another(t)
	mk := func(c *redisconn.Client, n string) instance {
		h := redisbus.New(c, redisbus.Options{Prefix: prefix, PingEvery: 200 * time.Millisecond, MaxBackoff: 200 * time.Millisecond})
		in := instance{hub: h, bus: redisbus.Topic[*notice](h, "notices")}
		h.Start()
		t.Cleanup(h.Close)
		waitFor(t, "instance "+n+" to connect", h.Connected)
		return in
	}
	return mk(rdb, "a"), mk(other, "b"), rdb
}

// waitFor spins (yielding) until cond holds or ten seconds pass.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func receive(t *testing.T, ch <-chan *notice) *notice {
	t.Helper()
	select {
	case v, ok := <-ch:
		if !ok {
			t.Fatal("the subscription was closed")
		}
		return v
	case <-time.After(10 * time.Second):
		t.Fatal("no event within 10 s")
	}
	return nil
}

func TestAnEventPublishedOnOneInstanceReachesTheSubscribersOfEvery(t *testing.T) {
	a, b, _ := twoInstances(t)
	onA, err := a.bus.Subscribe(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	onB, _ := b.bus.Subscribe(t.Context())
	for i := range 3 {
		if err := b.bus.Publish(context.Background(), &notice{ID: uint(i + 1), Name: "Rahim"}); err != nil {
			t.Fatal(err)
		}
	}
	for _, ch := range []<-chan *notice{onA, onB} {
		for i := range 3 {
			if got := receive(t, ch); got.ID != uint(i+1) || got.Name != "Rahim" {
				t.Errorf("event %d = %+v", i, got)
			}
		}
	}
}

// TestADroppedConnectionCutsSubscribersWhileWritesGoOnAndTheBusReconnects: the
// subscriber connection of instance A is killed; A's subscribers are cut off
// (told ErrDisconnected, never left open and silent), publishing through either
// instance still works, and A reconnects by itself and carries events again.
func TestADroppedConnectionCutsSubscribersWhileWritesGoOnAndTheBusReconnects(t *testing.T) {
	a, b, rdb := twoInstances(t)
	told := make(chan error, 1)
	onA, _ := a.bus.Subscribe(events.OnCut(t.Context(), func(cause error) { told <- cause }))
	if err := b.bus.Publish(context.Background(), &notice{ID: 1}); err != nil {
		t.Fatal(err)
	}
	receive(t, onA)
	redistest.Kill(t, rdb, a.hub.ConnectionName())
	select {
	case cause := <-told:
		if !errors.Is(cause, events.ErrDisconnected) {
			t.Errorf("cut because %v; want ErrDisconnected", cause)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the subscriber on A was not cut when A's connection dropped")
	}
	if _, open := <-onA; open {
		t.Error("the cut subscription's channel is still open")
	}
	for _, in := range []instance{a, b} {
		if err := in.bus.Publish(context.Background(), &notice{ID: 2}); err != nil {
			t.Errorf("publish while A reconnects: %v", err)
		}
	}
	waitFor(t, "A to reconnect", func() bool { return a.hub.Connects() == 2 && a.hub.Connected() })
	if b.hub.Connects() != 1 {
		t.Errorf("B connected %d times; want its connection untouched", b.hub.Connects())
	}
	again, _ := a.bus.Subscribe(t.Context())
	if err := b.bus.Publish(context.Background(), &notice{ID: 3}); err != nil {
		t.Fatal(err)
	}
	if got := receive(t, again); got.ID != 3 {
		t.Errorf("after reconnecting, got %+v; want event 3", got)
	}
}

// undelivered reads coursegraph_events_undelivered_total{topic} from /metrics.
func undelivered(t *testing.T, topic string) float64 {
	t.Helper()
	n, _ := metricstest.Value(t, `coursegraph_events_undelivered_total{topic="`+topic+`"}`)
	return n
}

// TestWithoutRedisPublishingFailsCountedAndSubscriptionsAreCutAtOnce: a hub
// whose Redis refuses connections returns the publish error (the write's
// caller carries on) and counts the event as undelivered, and a new
// subscription is cut at once (its client is told to try again later).
func TestWithoutRedisPublishingFailsCountedAndSubscriptionsAreCutAtOnce(t *testing.T) {
	rdb, err := redisconn.New("redis://127.0.0.1:1/0") // nothing listens on port 1
	if err != nil {
		t.Fatal(err)
	}
	defer rdb.Close()
	var reported []error
	h := redisbus.New(rdb, redisbus.Options{MaxBackoff: 50 * time.Millisecond, OnPublishError: func(err error) { reported = append(reported, err) }})
	bus := redisbus.Topic[*notice](h, "unreachable")
	h.Start()
	defer h.Close()
	before := undelivered(t, "unreachable")
	if err := bus.Publish(context.Background(), &notice{ID: 1}); err == nil {
		t.Error("publishing to an unreachable Redis reported no error")
	}
	if got := undelivered(t, "unreachable") - before; got != 1 {
		t.Errorf("undelivered events counted: %v, want 1", got)
	}
	if len(reported) != 1 || !strings.Contains(reported[0].Error(), "unreachable") {
		t.Errorf("reported to OnPublishError: %v; want the one failure, naming the topic", reported)
	}
	told := make(chan error, 1)
	ch, err := bus.Subscribe(events.OnCut(t.Context(), func(cause error) { told <- cause }))
	if err != nil {
		t.Fatal(err)
	}
	select {
	case cause := <-told:
		if !errors.Is(cause, events.ErrDisconnected) {
			t.Errorf("cut because %v; want ErrDisconnected", cause)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a subscription without Redis was left open")
	}
	if _, open := <-ch; open {
		t.Error("the channel is open")
	}
}

// TestEventLatencyAcrossInstances publishes 100 events through instance B, one
// at a time, and measures how long each takes to reach a subscriber on A. It
// asserts that every event arrives, in order; it logs the latency (run with
// -v), which is not asserted.
func TestEventLatencyAcrossInstances(t *testing.T) {
	a, b, _ := twoInstances(t)
	onA, _ := a.bus.Subscribe(t.Context())
	const n = 100
	lat := make([]time.Duration, 0, n)
	for i := range n {
		sent := time.Now()
		if err := b.bus.Publish(context.Background(), &notice{ID: uint(i), At: sent}); err != nil {
			t.Fatal(err)
		}
		got := receive(t, onA)
		lat = append(lat, time.Since(sent))
		if got.ID != uint(i) {
			t.Fatalf("event %d arrived as %d", i, got.ID)
		}
	}
	slices.Sort(lat)
	t.Logf("latency B -> Redis -> A over %d events: median %v, p90 %v, max %v", n, lat[n/2], lat[n*9/10], lat[n-1])
}

// TestPublishingToARedisThatDoesNotAnswerGivesUpAtItsTimeout: the write that
// publishes waits PublishTimeout at most, whatever its own deadline.
func TestPublishingToARedisThatDoesNotAnswerGivesUpAtItsTimeout(t *testing.T) {
	silent, err := redisconn.New(redistest.Silent(t))
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	h := redisbus.New(silent, redisbus.Options{PublishTimeout: 20 * time.Millisecond})
	bus := redisbus.Topic[*notice](h, "silent")
	if err := bus.Publish(context.Background(), &notice{ID: 1}); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("publish = %v; want its own deadline exceeded", err)
	}
}

// TestClosingAHubCutsItsSubscribersAndEndsItsGoroutines: Close waits for the
// hub's goroutines (the connection keeper and its reader), cuts the open
// subscriptions, and leaves no goroutine behind.
func TestClosingAHubCutsItsSubscribersAndEndsItsGoroutines(t *testing.T) {
	rdb, prefix := redistest.Open(t)
	if rdb == nil {
		t.Skip("no Redis")
	}
	before := runtime.NumGoroutine()
	h := redisbus.New(rdb, redisbus.Options{Prefix: prefix, PingEvery: 50 * time.Millisecond})
	bus := redisbus.Topic[*notice](h, "closing")
	h.Start()
	waitFor(t, "the hub to connect", h.Connected)
	told := make(chan error, 1)
	ch, _ := bus.Subscribe(events.OnCut(context.Background(), func(cause error) { told <- cause }))
	h.Close()
	if cause := <-told; !errors.Is(cause, events.ErrDisconnected) {
		t.Errorf("cut because %v; want ErrDisconnected", cause)
	}
	if _, open := <-ch; open {
		t.Error("the subscription is open after Close")
	}
	waitFor(t, "the goroutines to end", func() bool { return runtime.NumGoroutine() <= before })
}
