package events_test

import (
	"context"
	"errors"
	"runtime"
	"testing"
	"time"

	"coursegraph/events"
)

func TestEverySubscriberGetsWhatIsPublishedWhileSubscribed(t *testing.T) {
	bus := events.NewLocal[int]()
	ctx, cancel := context.WithCancel(context.Background())
	a, _ := bus.Subscribe(ctx)
	b, _ := bus.Subscribe(context.Background())
	_ = bus.Publish(ctx, 1)
	if got := <-a; got != 1 {
		t.Errorf("a got %d", got)
	}
	if got := <-b; got != 1 {
		t.Errorf("b got %d", got)
	}
	cancel()
	if _, open := <-a; open {
		t.Error("a's channel is still open after its context ended")
	}
	_ = bus.Publish(context.Background(), 2)
	if got := <-b; got != 2 {
		t.Errorf("b got %d after a left", got)
	}
	if n := bus.Subscribers(); n != 1 {
		t.Errorf("subscribers = %d, want 1", n)
	}
}

// TestASlowSubscriberIsCutOffAndToldInsteadOfSilentlyMissingValues fills one
// subscriber's buffer: it is told (its overflow function runs before its channel
// closes) and gets every value up to the cut, never a stream with a hole in it,
// while a subscriber that keeps up is untouched and the publisher never blocks.
func TestASlowSubscriberIsCutOffAndToldInsteadOfSilentlyMissingValues(t *testing.T) {
	bus := events.NewLocal[int]()
	told := make(chan error, 1)
	slow, _ := bus.Subscribe(events.OnCut(context.Background(), func(cause error) { told <- cause }))
	fast, _ := bus.Subscribe(context.Background())
	const n = 100
	for i := range n {
		_ = bus.Publish(context.Background(), i)
		if v := <-fast; v != i {
			t.Fatalf("the subscriber that keeps up got %d, want %d", v, i)
		}
	}
	select {
	case cause := <-told:
		if !errors.Is(cause, events.ErrFellBehind) {
			t.Errorf("cut because %v; want ErrFellBehind", cause)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the slow subscriber was never told that it fell behind")
	}
	var received []int
	for v := range slow { // ends: the channel is closed
		received = append(received, v)
	}
	for i, v := range received {
		if v != i {
			t.Fatalf("the slow subscriber got %v: a hole before the cut", received)
		}
	}
	if len(received) == n {
		t.Error("the slow subscriber got everything; want it cut off")
	}
	if bus.CutOff() != 1 || bus.Subscribers() != 1 {
		t.Errorf("cut off %d, subscribers %d; want 1 and 1", bus.CutOff(), bus.Subscribers())
	}
}

// TestEveryCutSubscriptionsGoroutineEnds cuts off subscribers whose context
// never ends (by falling behind, and all at once by Cut): the goroutine each
// subscription started ends with the cut, instead of waiting for ever on a
// context no one cancels.
func TestEveryCutSubscriptionsGoroutineEnds(t *testing.T) {
	before := runtime.NumGoroutine()
	bus := events.NewLocal[int]()
	told := make(chan error, 200)
	onCut := events.OnCut(context.Background(), func(cause error) { told <- cause })
	for range 100 {
		if _, err := bus.Subscribe(onCut); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 40 { // more than a subscriber's buffer: every one falls behind
		_ = bus.Publish(context.Background(), i)
	}
	for range 100 {
		_, _ = bus.Subscribe(onCut)
	}
	bus.Cut(events.ErrDisconnected)
	var behind, disconnected int
	for range 200 {
		select {
		case cause := <-told:
			switch cause {
			case events.ErrFellBehind:
				behind++
			case events.ErrDisconnected:
				disconnected++
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("told %d + %d of 200 cuts", behind, disconnected)
		}
	}
	if behind != 100 || disconnected != 100 || bus.Subscribers() != 0 {
		t.Errorf("cut %d behind, %d disconnected, %d left; want 100, 100, 0", behind, disconnected, bus.Subscribers())
	}
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines after the cuts, %d before: the cut subscriptions' goroutines live on", runtime.NumGoroutine(), before)
		}
		runtime.Gosched()
	}
}
