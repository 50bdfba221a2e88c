package gqlserver_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"coursegraph/gqlserver"
	"coursegraph/redisconn"
	"coursegraph/redisconn/redistest"
)

// TestWriteMarksInRedisAreSharedAndFailTowardsThePrimary: a mark made through
// one client is seen through another (another instance), only for its address;
// a Redis that does not answer says "recent", so that reads go to the primary.
func TestWriteMarksInRedisAreSharedAndFailTowardsThePrimary(t *testing.T) {
	ctx := context.Background()
	rdb, prefix := redistest.Open(t)
	if rdb == nil {
		return // no Redis outside CI: redistest says so
	}
	a := gqlserver.RedisWriteMarks(rdb, prefix, time.Minute, time.Second, nil, nil)
	b := gqlserver.RedisWriteMarks(rdb, prefix, time.Minute, time.Second, nil, nil)
	a.Mark(ctx, "198.51.100.2")
	if !b.Recent(ctx, "198.51.100.2") {
		t.Error("a mark made on one instance is not seen on another")
	}
	if b.Recent(ctx, "198.51.100.3") {
		t.Error("another address is marked")
	}
	down, err := redisconn.New("redis://127.0.0.1:1/0")
	if err != nil {
		t.Fatal(err)
	}
	defer down.Close()
	var failures atomic.Int32
	marks := gqlserver.RedisWriteMarks(down, prefix, time.Minute, 200*time.Millisecond, nil, func(error) { failures.Add(1) })
	if !marks.Recent(ctx, "198.51.100.3") {
		t.Error("with Redis down, an address is not taken as recent")
	}
	marks.Mark(ctx, "198.51.100.3")
	if failures.Load() != 2 {
		t.Errorf("%d failures reported, want 2", failures.Load())
	}
}
