package auth

import (
	"fmt"
	"sync"

	"golang.org/x/crypto/bcrypt"
)

// DefaultBcryptCost is the work factor for new password hashes: about a quarter of
// a second on a current server core, which makes guessing slow and signing in not.
const DefaultBcryptCost = 12

// Passwords hashes and checks passwords with bcrypt. It is safe for concurrent
// use.
type Passwords struct {
	// Cost is bcrypt's work factor (4 to 31); tests use bcrypt.MinCost.
	Cost int
	// dummy makes, once, a hash checked when there is no user, so that an
	// unknown email takes as long as a wrong password: on first use, or earlier
	// through Warm (a quarter of a second that a start need not wait for).
	dummy func() []byte

	mu    sync.Mutex
	ahead *pending // the one password being hashed ahead (Prehash), if any
}

// pending is a password being hashed ahead of its use.
type pending struct {
	password string
	done     chan struct{}
	hash     string
	err      error
}

// NewPasswords returns a Passwords with the given bcrypt cost (4 to 31).
func NewPasswords(cost int) (*Passwords, error) {
	if cost < bcrypt.MinCost || cost > bcrypt.MaxCost {
		return nil, fmt.Errorf("hash passwords: bcrypt cost %d is not from %d to %d", cost, bcrypt.MinCost, bcrypt.MaxCost)
	}
	p := &Passwords{Cost: cost}
	p.dummy = sync.OnceValue(func() []byte {
		h, _ := bcrypt.GenerateFromPassword([]byte("no such user: equal time"), cost) // the cost is valid
		return h
	})
	return p, nil
}

// Warm makes the hash that unknown emails are checked against now, so that the
// first such sign-in takes no longer than the others. Call it in the background
// once the server is up.
func (p *Passwords) Warm() { p.dummy() }

// Prehash starts hashing password in the background, so that the Hash of it
// that follows (a user created at start-up) does not wait as long. At most one
// password is kept waiting at a time; a second call replaces the first.
func (p *Passwords) Prehash(password string) {
	w := &pending{password: password, done: make(chan struct{})}
	p.mu.Lock()
	p.ahead = w
	p.mu.Unlock()
	go func() {
		defer close(w.done)
		w.hash, w.err = p.hash(password)
	}()
}

// Hash returns the bcrypt hash of password.
func (p *Passwords) Hash(password string) (string, error) {
	p.mu.Lock()
	w := p.ahead
	if w != nil && w.password == password {
		p.ahead = nil
	} else {
		w = nil
	}
	p.mu.Unlock()
	if w != nil {
		<-w.done
		return w.hash, w.err
	}
	return p.hash(password)
}

func (p *Passwords) hash(password string) (string, error) {
	h, err := bcrypt.GenerateFromPassword([]byte(password), p.Cost)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return string(h), nil
}

// Check reports whether password matches hash. An empty hash (no such user) is
// checked against a dummy hash, so that it costs the same time and fails.
func (p *Passwords) Check(hash, password string) bool {
	if hash == "" {
		_ = bcrypt.CompareHashAndPassword(p.dummy(), []byte(password))
		return false
	}
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) == nil
}
