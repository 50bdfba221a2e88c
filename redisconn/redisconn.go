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
	dial func(context.Context) (redis.Conn, error)
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
	c := &Client{addr: addr, dial: dial, pool: &redis.Pool{
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
// timeouts, and returns its reply (see redigo's reply helpers). A failure once
// ctx has ended is ctx's error (errors.Is), whichever timer fired.
func (c *Client) Do(ctx context.Context, cmd string, args ...any) (any, error) {
	conn, err := c.pool.GetContext(ctx)
	if err != nil {
		return nil, deadline(ctx, err)
	}
	defer conn.Close()
	reply, err := redis.DoContext(conn, ctx, cmd, args...)
	return reply, deadline(ctx, err)
}

// deadline makes err, the failure of a command under ctx, say so when ctx had
// ended (errors.Is(err, context.DeadlineExceeded)): redigo reports the read
// deadline it set from ctx as a network timeout when that fires first.
func deadline(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	cause := ctx.Err()
	if d, ok := ctx.Deadline(); ok && cause == nil && !time.Now().Before(d) {
		// The read deadline redigo set from ctx can fire before ctx's timer.
		cause = context.DeadlineExceeded
	}
	if cause != nil && !errors.Is(err, cause) {
		return fmt.Errorf("%w: %w", cause, err)
	}
	return err
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
		return nil, deadline(ctx, err)
	}
	defer conn.Close()
	keysAndArgs := make([]any, 0, 1+len(keys)+len(args))
	keysAndArgs = append(keysAndArgs, len(keys))
	for _, k := range keys {
		keysAndArgs = append(keysAndArgs, k)
	}
	reply, err := script.DoContext(ctx, conn, append(keysAndArgs, args...)...)
	return reply, deadline(ctx, err)
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

// Subscription is a connection of its own subscribed to Redis channels (pub/sub):
// one goroutine may call Receive while another calls Ping and Close.
type Subscription struct {
	psc redis.PubSubConn
}

// Message is a value published on a channel.
type Message struct {
	Channel string
	Data    []byte
}

// Subscribe dials a connection of its own (a subscribed connection can do
// nothing else, so it is never pooled), names it name (CLIENT SETNAME, so that
// an operator sees what it is in CLIENT LIST), and subscribes it to channels,
// waiting, within ctx, until Redis confirms every one: a value published after
// Subscribe returns is received. The caller closes it.
func (c *Client) Subscribe(ctx context.Context, name string, channels ...string) (*Subscription, error) {
	conn, err := c.dial(ctx)
	if err != nil {
		return nil, err
	}
	s := &Subscription{psc: redis.PubSubConn{Conn: conn}}
	stop := context.AfterFunc(ctx, func() { _ = conn.Close() }) // unblocks the reads below
	defer stop()
	if _, err := redis.DoContext(conn, ctx, "CLIENT", "SETNAME", name); err != nil {
		_ = conn.Close()
		return nil, fmt.Errorf("name the subscriber connection: %w", err)
	}
	args := make([]any, len(channels))
	for i, ch := range channels {
		args[i] = ch
	}
	if err := s.psc.Subscribe(args...); err != nil {
		_ = conn.Close()
		return nil, err
	}
	for confirmed := 0; confirmed < len(channels); {
		switch v := s.psc.ReceiveContext(ctx).(type) {
		case redis.Subscription:
			confirmed++
		case error:
			_ = conn.Close()
			return nil, fmt.Errorf("subscribe: %w", v)
		}
	}
	return s, nil
}

// Receive waits at most timeout for the next message and returns it; a reply
// to Ping returns a Message with no Channel. An error means the connection is
// done with: close it.
func (s *Subscription) Receive(timeout time.Duration) (Message, error) {
	for {
		switch v := s.psc.ReceiveWithTimeout(timeout).(type) {
		case redis.Message:
			return Message{Channel: v.Channel, Data: v.Data}, nil
		case redis.Pong:
			return Message{}, nil
		case error:
			return Message{}, v
		}
	}
}

// Ping asks Redis for a reply that Receive returns, so that a reader learns
// that the connection is alive.
func (s *Subscription) Ping() error { return s.psc.Ping("") }

// Close closes the connection; a Receive in progress returns an error.
func (s *Subscription) Close() error { return s.psc.Close() }

// Close closes the pool's connections.
func (c *Client) Close() error { return c.pool.Close() }

// Bytes, String and Uint64 read a reply, as redigo's helpers of those names.
var (
	Bytes  = redis.Bytes
	String = redis.String
	Uint64 = redis.Uint64
)
