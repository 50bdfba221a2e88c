package events_test

import (
	"context"
	"testing"

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

func TestASlowSubscriberMissesValuesButNeverBlocksThePublisher(t *testing.T) {
	bus := events.NewLocal[int]()
	_, _ = bus.Subscribe(context.Background())
	for i := range 100 {
		_ = bus.Publish(context.Background(), i)
	}
	if bus.Dropped() == 0 {
		t.Error("want dropped values for a subscriber that never reads")
	}
}
