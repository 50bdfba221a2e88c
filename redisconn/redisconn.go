// Package redisconn opens the Redis of REDIS_URL: the one place that does, so
// that every feature sharing Redis (the response cache, persisted queries) shares
// one pool of connections.
//
// It imports redigo only. (go-redis, used before, was a fifth of the binary's
// code and its slowest package to compile, for the handful of commands used here:
// see the README's notes on the first build.)
package redisconn

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gomodule/redigo/redis"
)

// Client is a pool of connections to one Redis. It is safe for concurrent use.
type Client struct {
	pool *redis.Pool
	addr string
}

// Timeouts: a cache that does not answer must cost a request little.
const (
	dialTimeout = 2 * time.Second
	ioTimeout   = time.Second
)

// ErrNil is the reply to a GET of a missing key.
var ErrNil = redis.ErrNil

// ParseURL checks a Redis URL: redis://user:pass@host:6379/0, rediss:// for
// TLS, or unix:///path/to/redis.sock?db=0, and returns the address it names.
func ParseURL(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", errors.New("must be a URL such as redis://localhost:6379/0")
	}
	switch u.Scheme {
	case "redis", "rediss":
		if u.Host == "" {
			return "", errors.New("must name a host, such as redis://localhost:6379/0")
		}
		if db := strings.TrimPrefix(u.Path, "/"); db != "" {
			if _, err := strconv.Atoi(db); err != nil {
				return "", fmt.Errorf("database must be a number, not %q", db)
			}
		}
		return u.Host, nil
	case "unix":
		if u.Path == "" {
			return "", errors.New("must name a socket, such as unix:///run/redis.sock")
		}
		return u.Path, nil
	}
	return "", fmt.Errorf("must start with redis://, rediss:// or unix://, not %q", u.Scheme+"://")
}

// Open connects to the Redis that url names (see ParseURL) and checks within a
// few seconds that it answers. The caller closes the client.
func Open(ctx context.Context, raw string) (*Client, error) {
	c, err := New(raw)
	if err != nil {
		return nil, err
	}
	ping, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if _, err := c.Do(ping, "PING"); err != nil {
		_ = c.Close()
		return nil, fmt.Errorf("reach Redis at %s: %w", c.addr, err)
	}
	return c, nil
}

// New returns a client of the Redis that url names without connecting: each
// command connects as it needs to.
func New(raw string) (*Client, error) {
	addr, err := ParseURL(raw)
	if err != nil {
		return nil, fmt.Errorf("parse REDIS_URL: %w", err)
	}
	opts := []redis.DialOption{
		redis.DialConnectTimeout(dialTimeout), redis.DialReadTimeout(ioTimeout), redis.DialWriteTimeout(ioTimeout),
	}
	dial := func(ctx context.Context) (redis.Conn, error) { return redis.DialURLContext(ctx, raw, opts...) }
	if u, _ := url.Parse(raw); u.Scheme == "unix" {
		unixOpts := opts
		if db := u.Query().Get("db"); db != "" {
			n, _ := strconv.Atoi(db)
			unixOpts = append(unixOpts, redis.DialDatabase(n))
		}
		if u.User != nil {
			if pass, ok := u.User.Password(); ok {
				unixOpts = append(unixOpts, redis.DialUsername(u.User.Username()), redis.DialPassword(pass))
			}
		}
		dial = func(ctx context.Context) (redis.Conn, error) {
			return redis.DialContext(ctx, "unix", u.Path, unixOpts...)
		}
	}
	c := &Client{addr: addr, pool: &redis.Pool{
		DialContext: dial, MaxIdle: 16, IdleTimeout: 4 * time.Minute,
		TestOnBorrow: func(c redis.Conn, since time.Time) error {
			if time.Since(since) < time.Minute {
				return nil
			}
			_, err := c.Do("PING")
			return err
		},
	}}
	return c, nil
}

// Do runs one command on a pooled connection, bounded by ctx and the client's
// timeouts, and returns its reply (see redigo's reply helpers).
func (c *Client) Do(ctx context.Context, cmd string, args ...any) (any, error) {
	conn, err := c.pool.GetContext(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	return redis.DoContext(conn, ctx, cmd, args...)
}

// Script is a Lua script run by its hash, sent once when Redis lacks it.
type Script = redis.Script

// NewScript returns a script; its keys are given to Run apart from its
// arguments.
func NewScript(src string) *Script { return redis.NewScript(-1, src) }

// Run runs script with keys and args on a pooled connection.
func (c *Client) Run(ctx context.Context, script *Script, keys []string, args ...any) (any, error) {
	conn, err := c.pool.GetContext(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	keysAndArgs := make([]any, 0, 1+len(keys)+len(args))
	keysAndArgs = append(keysAndArgs, len(keys))
	for _, k := range keys {
		keysAndArgs = append(keysAndArgs, k)
	}
	return script.DoContext(ctx, conn, append(keysAndArgs, args...)...)
}

// DeleteMatching deletes the keys that match pattern (SCAN's MATCH), a batch
// at a time, and returns how many it deleted: for tests and maintenance, never
// on a request's path.
func (c *Client) DeleteMatching(ctx context.Context, pattern string) (int, error) {
	deleted, cursor := 0, "0"
	for {
		reply, err := redis.Values(c.Do(ctx, "SCAN", cursor, "MATCH", pattern, "COUNT", 1000))
		if err != nil {
			return deleted, err
		}
		if len(reply) != 2 {
			return deleted, errors.New("SCAN: unexpected reply")
		}
		if cursor, err = redis.String(reply[0], nil); err != nil {
			return deleted, err
		}
		if keys, ok := reply[1].([]any); ok && len(keys) > 0 {
			if _, err := c.Do(ctx, "DEL", keys...); err != nil {
				return deleted, err
			}
			deleted += len(keys)
		}
		if cursor == "0" {
			return deleted, nil
		}
	}
}

// Close closes the pool's connections.
func (c *Client) Close() error { return c.pool.Close() }

// Bytes, String and Uint64 read a reply, as redigo's helpers of those names.
var (
	Bytes  = redis.Bytes
	String = redis.String
	Uint64 = redis.Uint64
)
