// Package redisbus is the event bus of several server instances: each topic is a
// Redis pub/sub channel, so that a value published on any instance reaches the
// subscribers of every instance (the publishing one too, through Redis, so that
// every instance sees the same order).
//
// Pub/sub, not Streams: events are fire-and-forget notices of a row already
// committed, and a subscriber that misses some fetches what it needs again (the
// Bus contract). What such a subscriber needs is to be told, not a replay, so
// the bus never leaves a subscription open and silent: a subscriber that falls
// behind, and every subscriber of an instance whose connection to Redis drops,
// is cut off (events.ErrFellBehind, events.ErrDisconnected; the WebSocket is
// closed with 1013), and subscriptions are refused in the same way until the
// connection is back. Streams would keep every event in Redis, with trimming,
// consumer positions and a blocking read per instance to manage, to offer a
// replay the subscribers do not use.
//
// It may import events, metrics and redisconn.
package redisbus

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"coursegraph/events"
	"coursegraph/metrics"
	"coursegraph/redisconn"
)

// Options tune a Hub; zero values take the defaults.
type Options struct {
	// Prefix starts the name of every channel (default "coursegraph:"; tests
	// use a prefix of their own).
	Prefix string
	// Log receives the bus's warnings (default: discarded).
	Log *slog.Logger
	// PublishTimeout bounds one PUBLISH (default 500ms): a write never waits
	// longer on Redis for its notice.
	PublishTimeout time.Duration
	// PingEvery is how often the subscriber connection is checked (default
	// 5s); a connection that does not answer within twice that is dropped.
	PingEvery time.Duration
	// MaxBackoff is the longest wait between two attempts to reconnect
	// (default 5s; the first waits 100ms, each next one twice as long).
	MaxBackoff time.Duration
	// OnPublishError is told of each event Redis did not take (the server
	// counts it and logs once a minute at most, as for every Redis feature);
	// nil logs each at WARN and counts it in redis_errors_total.
	OnPublishError func(error)
}

// Hub is an instance's one subscriber connection to Redis, shared by its topics
// (see Topic), and the goroutine that keeps it: Start starts it, Close stops it
// and waits for it. It is safe for concurrent use.
type Hub struct {
	rdb    *redisconn.Client
	opts   Options
	name   string
	topics map[string]topic // by channel

	mu        sync.Mutex
	connected bool
	stop      context.CancelFunc
	done      chan struct{}
	connects  int
}

// topic is what the Hub needs of a Bus of any type.
type topic interface {
	deliver(data []byte)
	cut(cause error)
	name() string
}

// New returns a Hub over rdb; add its topics with Topic, then Start it.
func New(rdb *redisconn.Client, opts Options) *Hub {
	if opts.Prefix == "" {
		opts.Prefix = "coursegraph:"
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	if opts.PublishTimeout == 0 {
		opts.PublishTimeout = 500 * time.Millisecond
	}
	if opts.PingEvery == 0 {
		opts.PingEvery = 5 * time.Second
	}
	if opts.MaxBackoff == 0 {
		opts.MaxBackoff = 5 * time.Second
	}
	host, _ := os.Hostname()
	id := make([]byte, 3)
	_, _ = rand.Read(id)
	name := fmt.Sprintf("%sevents:%s:%d:%x", opts.Prefix, host, os.Getpid(), id)
	return &Hub{rdb: rdb, opts: opts, name: sanitize(name), topics: map[string]topic{}}
}

// ConnectionName is the name (CLIENT SETNAME) of the Hub's subscriber
// connection, as CLIENT LIST shows it.
func (h *Hub) ConnectionName() string { return h.name }

// sanitize makes s a valid connection name: no spaces or newlines.
func sanitize(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c <= ' ' || c > '~' {
			b[i] = '_'
		}
	}
	return string(b)
}

// Bus is one topic of a Hub: an events.Bus whose values travel through Redis as
// JSON (so T must survive encoding/json).
type Bus[T any] struct {
	hub     *Hub
	topic   string
	channel string
	local   *events.Local[T]
}

var _ events.Bus[int] = (*Bus[int])(nil)

// Topic returns h's bus of the topic name (its channel is Prefix+"events:"+name).
// Call it before Start.
func Topic[T any](h *Hub, name string) *Bus[T] {
	b := &Bus[T]{hub: h, topic: name, channel: h.opts.Prefix + "events:" + name, local: events.NewLocal[T]()}
	h.topics[b.channel] = b
	return b
}

// Publish sends v to every instance's subscribers, within the hub's
// PublishTimeout whatever ctx's deadline (a write that committed still
// announces itself). When Redis does not take it, the event is counted
// (coursegraph_events_undelivered_total), reported (Options.OnPublishError)
// and the error returned.
func (b *Bus[T]) Publish(ctx context.Context, v T) error {
	data, err := json.Marshal(v)
	if err == nil {
		pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), b.hub.opts.PublishTimeout)
		_, err = b.hub.rdb.Do(pctx, "PUBLISH", b.channel, data)
		cancel()
	}
	if err != nil {
		metrics.EventUndelivered(b.topic)
		err = fmt.Errorf("publish %s event (its subscribers will not be told of it): %w", b.topic, err)
		if report := b.hub.opts.OnPublishError; report != nil {
			report(err)
		} else {
			metrics.RedisError("events")
			b.hub.opts.Log.WarnContext(ctx, "event not delivered", slog.Any("error", err))
		}
		return err
	}
	return nil
}

// Subscribe returns the values published on every instance from now on. While
// the hub is not connected to Redis, the subscription is cut at once with
// events.ErrDisconnected (its WebSocket closed with 1013: try again later).
func (b *Bus[T]) Subscribe(ctx context.Context) (<-chan T, error) {
	h := b.hub
	h.mu.Lock()
	defer h.mu.Unlock()
	ch, err := b.local.Subscribe(ctx)
	if err == nil && !h.connected {
		// While disconnected, the hub keeps no subscriber (it cut them all
		// when it lost the connection, under h.mu): this cuts the new one.
		b.local.Cut(events.ErrDisconnected)
	}
	return ch, err
}

// Subscribers returns how many subscriptions are open on this instance.
func (b *Bus[T]) Subscribers() int { return b.local.Subscribers() }

func (b *Bus[T]) name() string { return b.topic }

func (b *Bus[T]) cut(cause error) { b.local.Cut(cause) }

// deliver hands a value received from Redis to this instance's subscribers; one
// that cannot be read means they missed it, so they are cut off.
func (b *Bus[T]) deliver(data []byte) {
	var v T
	if err := json.Unmarshal(data, &v); err != nil {
		metrics.EventUndelivered(b.topic)
		b.hub.opts.Log.Warn("event not readable: cutting its subscribers off", slog.String("topic", b.topic), slog.Any("error", err))
		b.local.Cut(events.ErrDisconnected)
		return
	}
	_ = b.local.Publish(context.Background(), v) // in process: never fails
}

// Start connects the hub's subscriber connection in a goroutine of its own,
// which keeps it (reconnecting after a drop, with a growing pause) until
// Close.
func (h *Hub) Start() {
	ctx, stop := context.WithCancel(context.Background())
	h.mu.Lock()
	h.stop, h.done = stop, make(chan struct{})
	h.mu.Unlock()
	go func() {
		defer close(h.done)
		h.run(ctx)
	}()
}

// Close stops the hub's goroutine, closes its connection and waits; every
// subscription still open is cut (events.ErrDisconnected).
func (h *Hub) Close() {
	h.mu.Lock()
	stop, done := h.stop, h.done
	h.mu.Unlock()
	if stop == nil {
		return
	}
	stop()
	<-done
}

// Connected reports whether the hub is subscribed (events flow).
func (h *Hub) Connected() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.connected
}

// Connects returns how many times the hub has connected, for tests.
func (h *Hub) Connects() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.connects
}

// run connects, serves the connection until it fails, cuts every subscriber,
// and tries again, until ctx ends.
func (h *Hub) run(ctx context.Context) {
	channels := make([]string, 0, len(h.topics))
	for ch := range h.topics {
		channels = append(channels, ch)
	}
	backoff := 100 * time.Millisecond
	var loggedAt time.Time // the last failure logged: once a minute at most
	for {
		up, err := h.serve(ctx, channels)
		h.disconnect()
		if ctx.Err() != nil {
			return
		}
		metrics.RedisError("events")
		if up {
			backoff = 100 * time.Millisecond
		}
		switch {
		case up:
			h.opts.Log.Warn("event bus lost Redis: its subscribers were closed (1013); reconnecting", slog.Any("error", err))
			loggedAt = time.Now()
		case time.Since(loggedAt) >= time.Minute:
			h.opts.Log.Warn("event bus cannot reach Redis: subscriptions are refused (1013); retrying (further failures this minute are counted, not logged)",
				slog.Any("error", err), slog.Duration("retry_in", backoff))
			loggedAt = time.Now()
		}
		t := time.NewTimer(backoff)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		backoff = min(2*backoff, h.opts.MaxBackoff)
	}
}

// serve subscribes and delivers what arrives until the connection fails or ctx
// ends; up reports whether it got as far as subscribing.
func (h *Hub) serve(ctx context.Context, channels []string) (up bool, err error) {
	dial, cancel := context.WithTimeout(ctx, 3*time.Second)
	sub, err := h.rdb.Subscribe(dial, h.name, channels...)
	cancel()
	if err != nil {
		return false, err
	}
	defer sub.Close()
	h.mu.Lock()
	h.connected = true
	h.connects++
	h.mu.Unlock()
	if h.Connects() > 1 {
		h.opts.Log.Info("event bus reconnected to Redis")
	}
	// The reader is owned by serve: closing sub ends it, and serve waits.
	received := make(chan error, 1)
	go func() {
		for {
			msg, err := sub.Receive(2 * h.opts.PingEvery)
			if err != nil {
				received <- err
				return
			}
			if t, ok := h.topics[msg.Channel]; ok {
				t.deliver(msg.Data)
			}
		}
	}()
	ping := time.NewTicker(h.opts.PingEvery)
	defer ping.Stop()
	for {
		select {
		case err := <-received:
			return true, err
		case <-ctx.Done():
		case <-ping.C:
			if err = sub.Ping(); err == nil {
				continue
			}
		}
		_ = sub.Close()
		<-received // the reader ends with the connection
		return true, err
	}
}

// disconnect marks the hub disconnected and cuts every subscriber: they may
// have missed events, and none may stay open and silent.
func (h *Hub) disconnect() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.connected = false
	for _, t := range h.topics {
		t.cut(events.ErrDisconnected)
	}
}
