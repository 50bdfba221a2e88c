package instant_test

import (
	"context"
	"testing"
	"time"

	"coursegraph/instant"
)

func TestARequestReadsTheInstantItCarriesNotTheClock(t *testing.T) {
	at := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	later := func() time.Time { return at.Add(time.Second) }
	if got := instant.Or(context.Background(), later); !got.Equal(at.Add(time.Second)) {
		t.Errorf("without an instant: %v; want the clock's %v", got, at.Add(time.Second))
	}
	ctx := instant.With(context.Background(), at)
	if got := instant.Or(ctx, later); !got.Equal(at) {
		t.Errorf("with an instant: %v; want %v", got, at)
	}
	if got, ok := instant.From(ctx); !ok || !got.Equal(at) {
		t.Errorf("From = %v, %v; want %v, true", got, ok, at)
	}
}
