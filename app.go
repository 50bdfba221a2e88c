package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"coursegraph/auth"
	"coursegraph/events/redisbus"
	"coursegraph/gqlserver/respcache"
	"coursegraph/mail"
	"coursegraph/models"
	"coursegraph/ratelimit"
	"coursegraph/redisconn"
	"coursegraph/service"
	"coursegraph/store"
)

// app is what the commands that use the database share: the configuration and
// log, the store, the service over it, and (for serve and the user commands)
// Redis and the response cache the service tells of its writes.
type app struct {
	cfg       Config
	log       *slog.Logger
	passwords *auth.Passwords
	st        *store.Store
	svc       *service.Service
	cache     *respcache.Cache
	rdb       *redisconn.Client
	// events is the event bus shared through Redis (nil without Redis: the
	// service's buses are in process); serve starts it.
	events *redisbus.Hub
	// limits is where the rate limits count (nil without Redis: in memory).
	limits  *ratelimit.Shared
	closers []func()
}

// appNeeds says what a command needs beyond the store and the service.
type appNeeds struct {
	// redis opens REDIS_URL, when set, and the response cache in it, so that
	// what the command writes drops the answers every instance keeps.
	redis bool
	// prehash, when set, is a password to hash while the database opens.
	prehash string
	// replicas sends reads to DATABASE_REPLICA_URLS, when set (serve only: a
	// command reads what it has just written).
	replicas bool
}

// openApp opens what a command needs: passwords, the SQLite engine, the store,
// Redis and the cache (need.redis), and the service. Close it with close.
func openApp(ctx context.Context, cfg Config, log *slog.Logger, need appNeeds) (a *app, err error) {
	a = &app{cfg: cfg, log: log}
	defer func() {
		if err != nil {
			a.close()
		}
	}()
	if a.passwords, err = auth.NewPasswords(cfg.Auth.BcryptCost); err != nil {
		return nil, err
	}
	if need.prehash != "" {
		a.passwords.Prehash(need.prehash)
	}
	if cfg.Embedded() {
		// Compiled on every core, kept in SQLiteEngineCache ("" when off: in
		// memory, for this start only).
		if err := store.CacheSQLiteEngine(cfg.Database.SQLiteEngineCache); err != nil {
			log.Warn("the SQLite engine will be compiled at every start", "err", err)
		}
	}
	if a.st, err = store.Open(ctx, cfg.Database.URL); err != nil {
		return nil, fmt.Errorf("database %s: %w", cfg.Database.masked(), err)
	}
	a.closers = append(a.closers, func() { _ = a.st.Close() })
	if need.replicas && len(cfg.Database.ReplicaURLs) > 0 {
		err := a.st.UseReplicas(ctx, cfg.Database.ReplicaURLs, store.ReplicaOptions{MaxLag: cfg.Database.ReplicaMaxLag})
		if err != nil {
			return nil, fmt.Errorf("read replicas: %w", err)
		}
		for _, r := range a.st.Replicas() {
			if !r.InRotation {
				log.Warn("read replica out of rotation", slog.String("replica", r.Name), slog.String("why", r.Err))
			}
		}
	}
	// The one clock of the service and the response cache.
	clock := store.Now
	opts := service.Options{
		Clock: clock, SessionTTL: cfg.Auth.SessionTTL, Passwords: a.passwords,
		CommentsPerAddress:  service.Limit{Burst: cfg.Limits.CommentsPerAddress.Burst, Every: cfg.Limits.CommentsPerAddress.Interval},
		EnquiriesPerAddress: service.Limit{Burst: cfg.Limits.EnquiriesPerAddress.Burst, Every: cfg.Limits.EnquiriesPerAddress.Interval},
	}
	if need.redis && cfg.Redis.URL != "" {
		// The one Redis client, shared by whatever needs Redis.
		if a.rdb, err = redisconn.Open(ctx, cfg.Redis.URL); err != nil {
			return nil, err
		}
		a.closers = append(a.closers, func() { _ = a.rdb.Close() })
		// Live events reach the subscribers of every instance. Publishing works
		// at once; receiving once serve starts the hub.
		a.events = redisbus.New(a.rdb, redisbus.Options{Log: log, PublishTimeout: cfg.Redis.Timeout,
			OnPublishError: redisErrors(log, "events", time.Now)})
		opts.Enquiries = redisbus.Topic[*models.Enquiry](a.events, "enquiries")
		opts.Comments = redisbus.Topic[*models.Comment](a.events, "comments")
		a.closers = append(a.closers, a.events.Close)
		// Every rate limit counts in Redis, one budget for all instances.
		report := redisErrors(log, "rate_limit", time.Now)
		a.limits = &ratelimit.Shared{Redis: a.rdb, Timeout: cfg.Redis.Timeout, OnError: func(_ string, err error) { report(err) }}
		opts.SharedLimits = a.limits
	}
	if need.redis {
		// The service tells the cache what each write changed; the cache reads
		// the same clock, and the publication schedule from the store.
		if a.cache, err = responseCache(cfg, a.rdb, log, clock, a.st); err != nil {
			return nil, err
		}
		a.closers = append(a.closers, a.cache.Close)
		if a.cache != nil {
			opts.Invalidator = a.cache
		}
	}
	if cfg.Mail.SMTPURL != "" {
		sender, err := mail.ParseURL(cfg.Mail.SMTPURL)
		if err != nil {
			return nil, fmt.Errorf("SMTP_URL: %w", err)
		}
		sender.Timeout, sender.CommandTimeout = cfg.Mail.Timeout, cfg.Mail.CommandTimeout
		opts.Notify = &service.Notify{Sender: sender, To: cfg.Mail.NotifyEmail}
	}
	if a.svc, err = service.New(a.st, opts); err != nil {
		return nil, err
	}
	return a, nil
}

// close closes what openApp opened, the last first.
func (a *app) close() {
	for i := len(a.closers) - 1; i >= 0; i-- {
		a.closers[i]()
	}
	a.closers = nil
}
