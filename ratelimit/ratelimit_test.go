package ratelimit_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"coursegraph/ratelimit"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func TestEachKeyGetsItsBurstThenOneEventPerInterval(t *testing.T) {
	c := &clock{t: time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)}
	l := ratelimit.New(3, time.Minute, c.now)
	var got []bool
	for range 4 {
		got = append(got, l.Allow("a"))
	}
	if fmt.Sprint(got) != "[true true true false]" {
		t.Errorf("burst of 3: %v", got)
	}
	if !l.Allow("b") {
		t.Error("another key is limited by the first key's use")
	}
	c.t = c.t.Add(time.Minute)
	if !l.Allow("a") || l.Allow("a") {
		t.Error("after one interval, want exactly one more event")
	}
}

func TestIdleKeysAreForgotten(t *testing.T) {
	c := &clock{t: time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)}
	l := ratelimit.New(2, time.Second, c.now)
	for i := range 100 {
		l.Allow(fmt.Sprint(i))
	}
	c.t = c.t.Add(2 * time.Minute)
	l.Allow("fresh")
	if n := l.Len(); n != 1 {
		t.Errorf("buckets after the others went idle = %d, want 1", n)
	}
}

func TestZeroBurstDisablesLimiting(t *testing.T) {
	l := ratelimit.New(0, time.Hour, time.Now)
	for range 10 {
		if !l.Allow("k") {
			t.Fatal("a disabled limiter refused")
		}
	}
}

func TestARefundedTicketDoesNotCount(t *testing.T) {
	c := &clock{t: time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)}
	l := ratelimit.New(2, time.Hour, c.now)
	for i := range 10 {
		tk, _, ok := l.Take("k")
		if !ok {
			t.Fatalf("take %d refused though every earlier one was refunded", i)
		}
		c.t = c.t.Add(time.Second) // the checked action takes time
		tk.Refund()
	}
	_, _, first := l.Take("k")
	_, _, second := l.Take("k")
	_, _, third := l.Take("k")
	if !first || !second || third {
		t.Errorf("kept tickets: %v %v %v, want the burst of 2 then a refusal", first, second, third)
	}
	l.Reset("k")
	if _, _, ok := l.Take("k"); !ok {
		t.Error("a reset key is still limited")
	}
}

func TestARefusalSaysHowLongUntilTheNextEvent(t *testing.T) {
	c := &clock{t: time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)}
	l := ratelimit.New(2, time.Minute, c.now)
	if _, w, ok := l.Take("a"); !ok || w != 0 {
		t.Errorf("an unseen key: %v, waits %v; want allowed", ok, w)
	}
	if _, w, ok := l.Take("a"); !ok || w != 0 {
		t.Errorf("with a token left: %v, waits %v; want allowed", ok, w)
	}
	c.t = c.t.Add(20 * time.Second)
	if _, w, ok := l.Take("a"); ok || w != 40*time.Second {
		t.Errorf("Take = %v, %v; want a refusal and the same 40s", ok, w)
	}
	if l.Allow("a") {
		t.Error("allowed before the wait was over")
	}
	c.t = c.t.Add(40 * time.Second)
	if !l.Allow("a") {
		t.Error("refused once the wait was over")
	}
}

func TestTakeNSpendsPointsAndSaysHowLongUntilTheyRefill(t *testing.T) {
	c := &clock{t: time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)}
	l := ratelimit.New(100, time.Second, c.now) // 100 points, one back a second
	if _, _, ok := l.TakeN("a", 70); !ok {
		t.Fatal("70 of 100 points refused")
	}
	_, wait, ok := l.TakeN("a", 40)
	if ok || wait != 10*time.Second {
		t.Errorf("40 more with 30 left: ok=%v wait=%v; want refused, 10s", ok, wait)
	}
	if _, _, ok := l.TakeN("a", 30); !ok {
		t.Error("the 30 points left were refused (a refusal spent points)")
	}
	if _, wait, ok := l.TakeN("b", 101); ok || wait != 100*time.Second {
		t.Errorf("more than the burst: ok=%v wait=%v; want refused, a whole refill", ok, wait)
	}
	c.t = c.t.Add(10 * time.Second)
	if _, _, ok := l.TakeN("a", 10); !ok {
		t.Error("10 points refused after 10 s refilled them")
	}
}

// TestALongKeyIsKeptAsItsHash: a key a client chose (an email of any length)
// takes a bucket of bounded size, and is still one bucket: two takes of it
// share the budget, and Reset finds it.
func TestALongKeyIsKeptAsItsHash(t *testing.T) {
	c := &clock{t: time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)}
	l := ratelimit.New(1, time.Hour, c.now)
	long := strings.Repeat("a", 100_000) + "@example.com"
	if !l.Allow(long) || l.Allow(long) {
		t.Fatal("a long key is not one bucket of one event")
	}
	if l.Allow(long[1:]) != true {
		t.Error("another long key shares the bucket")
	}
	l.Reset(long)
	if !l.Allow(long) {
		t.Error("Reset did not find the long key's bucket")
	}
	if n := l.Len(); n != 2 {
		t.Errorf("%d buckets; want 2", n)
	}
}
