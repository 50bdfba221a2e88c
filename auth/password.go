package auth

import (
	"fmt"

	"golang.org/x/crypto/bcrypt"
)

// DefaultBcryptCost is the work factor for new password hashes: about a quarter of
// a second on a current server core, which makes guessing slow and signing in not.
const DefaultBcryptCost = 12

// Passwords hashes and checks passwords with bcrypt.
type Passwords struct {
	// Cost is bcrypt's work factor (4 to 31); tests use bcrypt.MinCost.
	Cost int
	// dummy is a hash checked when there is no user, so that an unknown email
	// takes as long as a wrong password.
	dummy []byte
}

// NewPasswords returns a Passwords with the given bcrypt cost.
func NewPasswords(cost int) (*Passwords, error) {
	dummy, err := bcrypt.GenerateFromPassword([]byte("no such user: equal time"), cost)
	if err != nil {
		return nil, fmt.Errorf("hash dummy password: %w", err)
	}
	return &Passwords{Cost: cost, dummy: dummy}, nil
}

// Hash returns the bcrypt hash of password.
func (p *Passwords) Hash(password string) (string, error) {
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
		_ = bcrypt.CompareHashAndPassword(p.dummy, []byte(password))
		return false
	}
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) == nil
}
