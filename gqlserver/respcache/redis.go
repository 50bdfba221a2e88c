package respcache

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"

	"coursegraph/redisconn"
)

// redisBackend keeps answers in Redis, shared by every instance: an answer
// under <prefix>{rc}a:<key>, the keys that read a tag in the set <prefix>{rc}t:<tag>,
// the sequence number of a tag's last invalidation in <prefix>{rc}d:<tag> and
// its time (Redis's clock, in ms) in <prefix>{rc}dt:<tag>, and the last sequence
// number in <prefix>{rc}seq. The {rc} hash tag keeps them in one
// slot, so that the scripts below may touch them together on a Redis Cluster.
//
// Invalidation is done in Redis by the writer before its mutation returns, rather
// than broadcast (pub/sub) to each instance's memory: a broadcast arrives later
// than the writer's answer and is lost while a subscriber reconnects, so another
// instance could serve a stale answer after the write returned.
type redisBackend struct {
	rdb    *redisconn.Client
	prefix string
	// timeout bounds each get, begin and set (Options.OpTimeout).
	timeout time.Duration
}

func newRedisBackend(rdb *redisconn.Client, prefix string, timeout time.Duration) *redisBackend {
	return &redisBackend{rdb: rdb, prefix: prefix + "{rc}", timeout: timeout}
}

// droppedTTL is how long a tag's last invalidation is remembered: longer than any
// request, which is all a miss needs.
const droppedTTL = time.Hour

// setScript stores an answer unless one of its tags was dropped after ARGV[1],
// or, when ARGV[5] is not 0, less than ARGV[5] ms ago: KEYS[1] the answer, then
// n tag sets, n dropped counters and n dropped times.
var setScript = redisconn.NewScript(`
local n = (#KEYS - 1) / 3
local window = tonumber(ARGV[5])
local now = 0
if window > 0 then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
for i = 1, n do
  local d = redis.call('GET', KEYS[1 + n + i])
  if d and tonumber(d) > tonumber(ARGV[1]) then return 0 end
  if window > 0 then
    local at = redis.call('GET', KEYS[1 + 2 * n + i])
    if at and now - tonumber(at) < window then return 0 end
  end
end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
for i = 1, n do
  redis.call('SADD', KEYS[1 + i], KEYS[1])
  redis.call('PEXPIRE', KEYS[1 + i], ARGV[4])
end
return 1`)

// invalidateScript takes the next sequence number, marks each tag dropped at it
// (and now) and deletes the answers that read it: KEYS[1] the sequence, then n
// tag sets, n dropped counters and n dropped times.
var invalidateScript = redisconn.NewScript(`
local seq = redis.call('INCR', KEYS[1])
local n = (#KEYS - 1) / 3
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
for i = 1, n do
  redis.call('SET', KEYS[1 + n + i], seq, 'PX', ARGV[1])
  redis.call('SET', KEYS[1 + 2 * n + i], now, 'PX', ARGV[1])
  for _, key in ipairs(redis.call('SMEMBERS', KEYS[1 + i])) do
    redis.call('DEL', key)
  end
  redis.call('DEL', KEYS[1 + i])
end
return seq`)

func (r *redisBackend) get(ctx context.Context, key string) (*entry, error) {
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	b, err := redisconn.Bytes(r.rdb.Do(ctx, "GET", r.prefix+"a:"+key))
	if errors.Is(err, redisconn.ErrNil) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return decodeEntry(b)
}

func (r *redisBackend) begin(ctx context.Context) (uint64, error) {
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	n, err := redisconn.Uint64(r.rdb.Do(ctx, "GET", r.prefix+"seq"))
	if errors.Is(err, redisconn.ErrNil) {
		return 0, nil
	}
	return n, err
}

func (r *redisBackend) set(ctx context.Context, key string, e *entry, since uint64, ttl, window time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	keys := make([]string, 0, 1+3*len(e.tags))
	keys = append(keys, r.prefix+"a:"+key)
	for _, t := range e.tags {
		keys = append(keys, r.prefix+"t:"+t)
	}
	for _, t := range e.tags {
		keys = append(keys, r.prefix+"d:"+t)
	}
	for _, t := range e.tags {
		keys = append(keys, r.prefix+"dt:"+t)
	}
	ms := max(ttl.Milliseconds(), 1)
	// A tag set lives as long as the longest answer it may name.
	var windowMS int64
	if window > 0 {
		windowMS = max(window.Milliseconds(), 1)
	}
	_, err := r.rdb.Run(ctx, setScript, keys, since, encodeEntry(e), ms, DefaultTTL.Milliseconds()+ms, windowMS)
	return err
}

func (r *redisBackend) invalidate(ctx context.Context, tags []string) error {
	keys := make([]string, 0, 1+3*len(tags))
	keys = append(keys, r.prefix+"seq")
	for _, t := range tags {
		keys = append(keys, r.prefix+"t:"+t)
	}
	for _, t := range tags {
		keys = append(keys, r.prefix+"d:"+t)
	}
	for _, t := range tags {
		keys = append(keys, r.prefix+"dt:"+t)
	}
	_, err := r.rdb.Run(ctx, invalidateScript, keys, droppedTTL.Milliseconds())
	return err
}

func (r *redisBackend) close() {}

// encodeEntry writes e as: expiry (Unix ms, 8 bytes), then the content type,
// the ETag and the tags (space-separated) each after a 4-byte length, then the
// body.
func encodeEntry(e *entry) []byte {
	tags := strings.Join(e.tags, " ")
	b := make([]byte, 0, 8+12+len(e.contentType)+len(e.etag)+len(tags)+len(e.body))
	b = binary.BigEndian.AppendUint64(b, uint64(e.expires.UnixMilli()))
	for _, s := range []string{e.contentType, e.etag, tags} {
		b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
		b = append(b, s...)
	}
	return append(b, e.body...)
}

func decodeEntry(b []byte) (*entry, error) {
	bad := fmt.Errorf("decode cached answer of %d bytes", len(b))
	if len(b) < 8 {
		return nil, bad
	}
	e := &entry{expires: time.UnixMilli(int64(binary.BigEndian.Uint64(b)))}
	b = b[8:]
	var parts [3]string
	for i := range parts {
		if len(b) < 4 {
			return nil, bad
		}
		n := int(binary.BigEndian.Uint32(b))
		if len(b) < 4+n {
			return nil, bad
		}
		parts[i], b = string(b[4:4+n]), b[4+n:]
	}
	e.contentType, e.etag = parts[0], parts[1]
	if parts[2] != "" {
		e.tags = strings.Split(parts[2], " ")
	}
	e.body = b
	return e.prepare(), nil
}
