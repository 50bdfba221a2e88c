package ratelimit_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"coursegraph/ratelimit"
	"coursegraph/redisconn"
	"coursegraph/redisconn/redistest"
)

// twoInstances returns the same limiter (burst events, then one every every) as
// two server instances would make it: each with its own Redis client, sharing
// one Redis under the test's prefix, on one clock.
func twoInstances(t *testing.T, burst int, every time.Duration, c *clock, down ratelimit.OnRedisDown) (a, b *ratelimit.Limiter, rdb *redisconn.Client, prefix string) {
	t.Helper()
	rdb, prefix = redistest.Open(t)
	if rdb == nil {
		t.Skip("no Redis")
	}
	other := redistest.Another(t)
	a = ratelimit.New(burst, every, c.now).Named("test_shared").Share(&ratelimit.Shared{Redis: rdb, Prefix: prefix, Clock: c.now}, down)
	b = ratelimit.New(burst, every, c.now).Named("test_shared").Share(&ratelimit.Shared{Redis: other, Prefix: prefix, Clock: c.now}, down)
	return a, b, rdb, prefix
}

func TestInstancesSharingRedisShareOneBudget(t *testing.T) {
	c := &clock{t: time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)}
	a, b, rdb, prefix := twoInstances(t, 5, time.Minute, c, ratelimit.FailClosed)
	allowed := 0
	for i := range 15 {
		l := a
		if i%2 == 1 {
			l = b
		}
		if l.Allow("203.0.113.7") {
			allowed++
		}
	}
	if allowed != 5 {
		t.Errorf("%d of 15 allowed across two instances; want the burst of 5", allowed)
	}
	if !a.Allow("203.0.113.8") || !b.Allow("203.0.113.8") {
		t.Error("another key is limited by the first key's use")
	}
	ttl, err := redisconn.Uint64(rdb.Do(context.Background(), "PTTL", prefix+"test_shared:203.0.113.7"))
	if err != nil || ttl == 0 || ttl > uint64(5*time.Minute/time.Millisecond) {
		t.Errorf("the bucket's key expires in %d ms (%v); want when it is full again, within 5 min", ttl, err)
	}
	c.t = c.t.Add(time.Minute)
	if !b.Allow("203.0.113.7") || a.Allow("203.0.113.7") {
		t.Error("after one interval, want exactly one more event across the two")
	}
}

func TestASharedBudgetTakenConcurrentlyIsNeverOverspent(t *testing.T) {
	c := &clock{t: time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)}
	a, b, _, _ := twoInstances(t, 10, time.Hour, c, ratelimit.FailClosed)
	var mu sync.Mutex
	allowed := 0
	var wg sync.WaitGroup
	for i := range 40 {
		l := a
		if i%2 == 1 {
			l = b
		}
		wg.Go(func() {
			if l.Allow("k") {
				mu.Lock()
				allowed++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if allowed != 10 {
		t.Errorf("%d of 40 concurrent takes allowed; want exactly 10", allowed)
	}
}

// TestASharedLimiterSaysExactlyHowLongToWait: the waits are those of the
// in-memory limiter (TestARefusalSaysHowLongUntilTheNextEvent and
// TestTakeNSpendsPointsAndSaysHowLongUntilTheyRefill), whichever instance asks.
func TestASharedLimiterSaysExactlyHowLongToWait(t *testing.T) {
	c := &clock{t: time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)}
	a, b, _, _ := twoInstances(t, 2, time.Minute, c, ratelimit.FailClosed)
	if _, w, err := a.Try("a", 1); err != nil || w != 0 {
		t.Errorf("an unseen key: %v, waits %v; want allowed", err, w)
	}
	if _, w, err := b.Try("a", 1); err != nil || w != 0 {
		t.Errorf("with a token left: %v, waits %v; want allowed", err, w)
	}
	c.t = c.t.Add(20 * time.Second)
	if _, w, err := b.Try("a", 1); !errors.Is(err, ratelimit.ErrLimited) || w != 40*time.Second {
		t.Errorf("20 s after the burst is spent, Try = %v, %v; want ErrLimited and 40s", err, w)
	}
	if _, w, err := a.Try("a", 1); !errors.Is(err, ratelimit.ErrLimited) || w != 40*time.Second {
		t.Errorf("on the other instance, Try = %v, %v; want ErrLimited and the same 40s", err, w)
	}
	c.t = c.t.Add(40 * time.Second)
	if !a.Allow("a") {
		t.Error("refused once the wait was over")
	}

	points, other, _, _ := twoInstances(t, 100, time.Second, c, ratelimit.FailLocal)
	if _, _, ok := points.TakeN("p", 70); !ok {
		t.Fatal("70 of 100 points refused")
	}
	if _, wait, ok := other.TakeN("p", 40); ok || wait != 10*time.Second {
		t.Errorf("40 more with 30 left: ok=%v wait=%v; want refused, 10s", ok, wait)
	}
	if _, _, ok := other.TakeN("p", 30); !ok {
		t.Error("the 30 points left were refused (a refusal spent points)")
	}
	if _, wait, ok := other.TakeN("q", 101); ok || wait != 100*time.Second {
		t.Errorf("more than the burst: ok=%v wait=%v; want refused, a whole refill", ok, wait)
	}
}

func TestASharedRefundedTicketDoesNotCountAndResetStartsAfresh(t *testing.T) {
	c := &clock{t: time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)}
	a, b, _, _ := twoInstances(t, 2, time.Hour, c, ratelimit.FailClosed)
	for i := range 10 {
		tk, _, ok := a.Take("k")
		if !ok {
			t.Fatalf("take %d refused though every earlier one was refunded", i)
		}
		c.t = c.t.Add(time.Second)
		tk.Refund()
	}
	_, _, first := a.Take("k")
	_, _, second := b.Take("k")
	_, _, third := a.Take("k")
	if !first || !second || third {
		t.Errorf("kept tickets: %v %v %v, want the burst of 2 then a refusal", first, second, third)
	}
	b.Reset("k")
	if _, _, ok := a.Take("k"); !ok {
		t.Error("a key reset on another instance is still limited")
	}
}

// TestWhenRedisDoesNotAnswerEachLimiterDoesAsItsPolicySays: with a Redis that
// refuses connections, FailOpen allows, FailClosed refuses with ErrUnavailable
// (not ErrLimited), FailLocal counts in memory; every failed call is reported,
// and after one failure Redis is not tried again for a pause.
func TestWhenRedisDoesNotAnswerEachLimiterDoesAsItsPolicySays(t *testing.T) {
	down, err := redisconn.New("redis://127.0.0.1:1/0") // nothing listens on port 1
	if err != nil {
		t.Fatal(err)
	}
	defer down.Close()
	c := &clock{t: time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)}
	for _, tc := range []struct {
		name    string
		down    ratelimit.OnRedisDown
		allowed string
		err     error
	}{
		{"fail open allows every event", ratelimit.FailOpen, "[true true true true]", nil},
		{"fail closed refuses every event as unavailable", ratelimit.FailClosed, "[false false false false]", ratelimit.ErrUnavailable},
		{"fail local keeps the limit in this instance's memory", ratelimit.FailLocal, "[true true false false]", ratelimit.ErrLimited},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var reported []string
			shared := &ratelimit.Shared{Redis: down, Pause: time.Hour, OnError: func(limit string, err error) { reported = append(reported, limit) }}
			l := ratelimit.New(2, time.Hour, c.now).Named("test_down").Share(shared, tc.down)
			var got []bool
			for range 4 {
				got = append(got, l.Allow("k"))
			}
			if s := fmt.Sprint(got); s != tc.allowed {
				t.Errorf("allowed %s; want %s", s, tc.allowed)
			}
			_, wait, err := l.Try("k", 1)
			if !errors.Is(err, tc.err) && (err != nil || tc.err != nil) {
				t.Errorf("Try = %v; want %v", err, tc.err)
			}
			if tc.err == ratelimit.ErrUnavailable && wait != ratelimit.UnavailableWait {
				t.Errorf("wait %v; want %v", wait, ratelimit.UnavailableWait)
			}
			if len(reported) != 1 || reported[0] != "test_down" {
				t.Errorf("reported %v; want the first failure only (then a pause), by name", reported)
			}
		})
	}
}

// TestARedisThatDoesNotAnswerCostsACallItsOwnDeadline: against a Redis that
// accepts connections and never answers, a take gives up at the Shared's
// Timeout (the error reported is that deadline), whatever the client's own
// read timeout.
func TestARedisThatDoesNotAnswerCostsACallItsOwnDeadline(t *testing.T) {
	silent, err := redisconn.New(redistest.Silent(t))
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	var reported error
	shared := &ratelimit.Shared{Redis: silent, Timeout: 20 * time.Millisecond, OnError: func(_ string, err error) { reported = err }}
	c := &clock{t: time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)}
	l := ratelimit.New(2, time.Hour, c.now).Named("test_silent").Share(shared, ratelimit.FailClosed)
	if _, _, err := l.Try("k", 1); !errors.Is(err, ratelimit.ErrUnavailable) {
		t.Errorf("Try = %v; want ErrUnavailable", err)
	}
	if !errors.Is(reported, context.DeadlineExceeded) {
		t.Errorf("reported %v; want the call's own deadline", reported)
	}
}

// BenchmarkTake compares a take in memory with one in Redis (one script call).
func BenchmarkTake(b *testing.B) {
	c := &clock{t: time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)}
	b.Run("memory", func(b *testing.B) {
		l := ratelimit.New(1<<30, time.Nanosecond, c.now)
		for b.Loop() {
			l.Allow("k")
		}
	})
	b.Run("redis", func(b *testing.B) {
		rdb, prefix := redistest.Open(b)
		if rdb == nil {
			b.Skip("no Redis")
		}
		l := ratelimit.New(1<<30, time.Microsecond, c.now).Named("bench").Share(&ratelimit.Shared{Redis: rdb, Prefix: prefix, Clock: c.now}, ratelimit.FailClosed)
		for b.Loop() {
			if !l.Allow("k") {
				b.Fatal("refused")
			}
		}
	})
}

// TestSharedBucketsRunOnRedisClockNotTheInstances: without Shared.Clock the
// buckets are reckoned on Redis's time, so an instance whose own clock runs two
// hours ahead gets no budget the others have spent.
func TestSharedBucketsRunOnRedisClockNotTheInstances(t *testing.T) {
	rdb, prefix := redistest.Open(t)
	if rdb == nil {
		t.Skip("no Redis")
	}
	right := func() time.Time { return time.Now() }
	ahead := func() time.Time { return time.Now().Add(2 * time.Hour) }
	a := ratelimit.New(1, time.Hour, right).Named("test_skew").Share(&ratelimit.Shared{Redis: rdb, Prefix: prefix}, ratelimit.FailClosed)
	b := ratelimit.New(1, time.Hour, ahead).Named("test_skew").Share(&ratelimit.Shared{Redis: redistest.Another(t), Prefix: prefix}, ratelimit.FailClosed)
	if !a.Allow("198.51.100.4") {
		t.Fatal("the first event was refused")
	}
	if b.Allow("198.51.100.4") {
		t.Error("an instance whose clock runs ahead got a second event of a budget of one an hour")
	}
}

// TestALongKeyTakesAShortRedisKey: a made-up email of 100,000 characters is a
// Redis key of a bounded length.
func TestALongKeyTakesAShortRedisKey(t *testing.T) {
	c := &clock{t: time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)}
	a, _, rdb, prefix := twoInstances(t, 1, time.Hour, c, ratelimit.FailClosed)
	if !a.Allow(strings.Repeat("a", 100_000) + "@example.com") {
		t.Fatal("refused")
	}
	reply, err := rdb.Do(context.Background(), "KEYS", prefix+"*")
	if err != nil {
		t.Fatal(err)
	}
	keys, _ := reply.([]any)
	if len(keys) != 1 {
		t.Fatalf("keys: %v", reply)
	}
	if k, _ := keys[0].([]byte); len(k) > 200 {
		t.Errorf("a Redis key of %d bytes", len(k))
	}
}
