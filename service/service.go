package service

import (
	"context"
	"errors"
	"fmt"
	"time"

	"coursegraph/auth"
	"coursegraph/cachetag"
	"coursegraph/events"
	"coursegraph/instant"
	"coursegraph/models"
	"coursegraph/ratelimit"
	"coursegraph/store"
)

// Options are the service's settings. Zero values take the defaults.
type Options struct {
	// BcryptCost is the work factor of password hashes (default
	// auth.DefaultBcryptCost; tests use 4).
	BcryptCost int
	// Clock is the service's time (default store.Now: UTC, whole seconds):
	// tests pass one they move.
	Clock func() time.Time
	// Passwords, when set, hashes and checks passwords (its cost wins over
	// BcryptCost): made before the service, it can hash at start-up while the
	// database is being prepared.
	Passwords *auth.Passwords
	// SessionTTL is how long a session token lasts (default 7 days).
	SessionTTL time.Duration
	// LoginPerAddress limits failed sign-ins per client address, whatever the
	// account (default 10 at once, then one a minute).
	LoginPerAddress Limit
	// LoginPerAccount limits failed sign-ins per account from one client address
	// (default 5 at once, then one every 3 minutes); a successful sign-in from that
	// address starts it afresh. Someone elsewhere cannot lock the account's owner out.
	LoginPerAccount Limit
	// LoginPerAccountTotal caps failed sign-ins per account from all addresses
	// together, against guessing from many addresses (default 50 at once, then one
	// a minute).
	LoginPerAccountTotal Limit
	// CommentsPerAddress limits comments per client address (default 5 at once,
	// then one every 2 minutes).
	CommentsPerAddress Limit
	// EnquiriesPerAddress limits contact-form messages per client address (default
	// 5 at once, then one every 5 minutes).
	EnquiriesPerAddress Limit
	// SharedLimits, when set, keeps every limit above (and ChangePassword's) in
	// Redis, so that all instances count against one budget. When Redis does
	// not answer, the sign-in and password limits fail closed (Unavailable),
	// the comment and enquiry limits count in this instance's memory.
	SharedLimits *ratelimit.Shared
	// Notify, when set, queues an email notice for every accepted enquiry.
	Notify *Notify
	// Enquiries carries accepted enquiries to staff subscribers (default: in
	// process).
	Enquiries events.Bus[*models.Enquiry]
	// Invalidator, when set, is told the cache tags each write changed, after
	// its transaction commits (the response cache).
	Invalidator cachetag.Invalidator
	// Comments carries posted comments to editor subscribers (default: in
	// process).
	Comments events.Bus[*models.Comment]
}

// Limit is a rate: Burst events at once, then one every Every. A negative Burst
// turns the limit off.
type Limit struct {
	Burst int
	Every time.Duration
}

func (l Limit) orDefault(burst int, every time.Duration) Limit {
	if l.Burst == 0 {
		return Limit{Burst: burst, Every: every}
	}
	return l
}

// Service runs the use cases over one store. It is safe for concurrent use.
type Service struct {
	store *store.Store
	// clock is the service's time (Options.Clock).
	clock func() time.Time

	passwords            *auth.Passwords
	sessionTTL           time.Duration
	loginPerAddress      *ratelimit.Limiter
	loginPerAccount      *ratelimit.Limiter
	loginPerAccountTotal *ratelimit.Limiter
	passwordChanges      *ratelimit.Limiter

	commentsPerAddress  *ratelimit.Limiter
	enquiriesPerAddress *ratelimit.Limiter
	notify              *Notify
	enquiries           events.Bus[*models.Enquiry]
	invalidator         cachetag.Invalidator
	comments            events.Bus[*models.Comment]
}

// New returns a Service over st with opts.
func New(st *store.Store, opts Options) (*Service, error) {
	if opts.BcryptCost == 0 {
		opts.BcryptCost = auth.DefaultBcryptCost
	}
	if opts.SessionTTL == 0 {
		opts.SessionTTL = 7 * 24 * time.Hour
	}
	passwords := opts.Passwords
	if passwords == nil {
		var err error
		if passwords, err = auth.NewPasswords(opts.BcryptCost); err != nil {
			return nil, fmt.Errorf("set up passwords: %w", err)
		}
	}
	clock := opts.Clock
	if clock == nil {
		clock = store.Now
	}
	s := &Service{store: st, clock: clock, passwords: passwords, sessionTTL: opts.SessionTTL}
	byAddress := opts.LoginPerAddress.orDefault(10, time.Minute)
	byAccount := opts.LoginPerAccount.orDefault(5, 3*time.Minute)
	// Sign-in guards accounts: without Redis to count across instances, it
	// refuses (Unavailable) rather than let guesses through unshared. A comment
	// or enquiry limit only slows spam: it counts in memory meanwhile.
	limiter := func(l Limit, name string, down ratelimit.OnRedisDown) *ratelimit.Limiter {
		return ratelimit.New(l.Burst, l.Every, clock).Named(name).Share(opts.SharedLimits, down)
	}
	s.loginPerAddress = limiter(byAddress, "login_per_address", ratelimit.FailClosed)
	s.loginPerAccount = limiter(byAccount, "login_per_account", ratelimit.FailClosed)
	total := opts.LoginPerAccountTotal.orDefault(50, time.Minute)
	s.loginPerAccountTotal = limiter(total, "login_per_account_total", ratelimit.FailClosed)
	s.passwordChanges = limiter(byAccount, "password_changes", ratelimit.FailClosed)
	comments := opts.CommentsPerAddress.orDefault(5, 2*time.Minute)
	s.commentsPerAddress = limiter(comments, "comments_per_address", ratelimit.FailLocal)
	enquiries := opts.EnquiriesPerAddress.orDefault(5, 5*time.Minute)
	s.enquiriesPerAddress = limiter(enquiries, "enquiries_per_address", ratelimit.FailLocal)
	s.notify, s.enquiries, s.invalidator = opts.Notify, opts.Enquiries, opts.Invalidator
	if s.enquiries == nil {
		s.enquiries = events.NewLocal[*models.Enquiry]()
	}
	s.comments = opts.Comments
	if s.comments == nil {
		s.comments = events.NewLocal[*models.Comment]()
	}
	return s, nil
}

// now is the request's instant (instant.From), or the clock's reading for work
// outside a request: every visibility decision of one answer is made at the
// same instant as its cache lifetime.
func (s *Service) now(ctx context.Context) time.Time { return instant.Or(ctx, s.Now) }

// Now returns the service's time: its clock's reading (UTC, whole seconds, by
// default). It is safe for concurrent use when the clock is.
func (s *Service) Now() time.Time { return s.clock() }

// Ready reports whether the database answers; an error means it does not.
func (s *Service) Ready(ctx context.Context) error { return s.store.Ping(ctx) }

// byID indexes rows by their key.
func byID[T any](rows []T, key func(T) uint) map[uint]T {
	m := make(map[uint]T, len(rows))
	for _, r := range rows {
		m[key(r)] = r
	}
	return m
}

// groupBy groups rows by a key, keeping their order.
func groupBy[T any](rows []T, key func(T) uint) map[uint][]T {
	m := make(map[uint][]T)
	for _, r := range rows {
		m[key(r)] = append(m[key(r)], r)
	}
	return m
}

// rateLimited is the error of a limit's refusal (err from ratelimit's Try):
// RateLimited with message when the limit is spent, allowing the next attempt
// after wait; Unavailable when the limit could not be checked (its Redis did
// not answer).
func rateLimited(err error, wait time.Duration, message string) error {
	if errors.Is(err, ratelimit.ErrUnavailable) {
		return &models.Error{Code: models.Unavailable, Message: models.UnavailableMessage, Err: err, RetryAfter: wait}
	}
	return &models.Error{Code: models.RateLimited, Message: message, RetryAfter: wait}
}

// changed tells the invalidator (if any) the cache tags a committed write
// changed. Call it only after the write's transaction has committed, so that no
// answer read before the commit outlives it.
func (s *Service) changed(ctx context.Context, tags ...string) {
	if s.invalidator != nil {
		s.invalidator.Invalidate(ctx, tags)
	}
}

// read records, for the response cache, that the request read tag; or, when the
// lookup found nothing (err), the list tag of its kind, since a write anywhere in
// that kind could make it exist.
func read(ctx context.Context, tag, list string, err error) {
	if err != nil {
		cachetag.From(ctx).Add(list)
		return
	}
	cachetag.From(ctx).Add(tag)
}

// found records tag(id) for every id asked for, and the list tag when some were
// not found.
func found(ctx context.Context, tag func(uint) string, list string, ids []uint, n int) {
	tags := cachetag.From(ctx)
	tags.AddIDs(tag, ids)
	if n < len(ids) {
		tags.Add(list)
	}
}
