// Package redisconn opens the Redis client named by REDIS_URL: the one place that
// does, so that every feature sharing Redis (the response cache, persisted
// queries) shares one pool.
//
// It imports go-redis only.
package redisconn

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// Open parses url (redis://user:pass@host:6379/0, rediss:// for TLS, or
// unix://) and checks within a few seconds that the server answers. The caller
// closes the client.
func Open(ctx context.Context, url string) (*redis.Client, error) {
	opts, err := redis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("parse REDIS_URL: %w", err)
	}
	// Short timeouts: a cache that does not answer must cost a request little.
	opts.DialTimeout = 2 * time.Second
	opts.ReadTimeout = time.Second
	opts.WriteTimeout = time.Second
	c := redis.NewClient(opts)
	ping, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if err := c.Ping(ping).Err(); err != nil {
		_ = c.Close()
		return nil, fmt.Errorf("reach Redis at %s: %w", opts.Addr, err)
	}
	return c, nil
}
