package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
)

// tokenPrefix marks coursegraph session tokens, so that a leaked one is easy to
// recognise in logs or code.
const tokenPrefix = "cgs_"

// tokenBytes is the randomness of a token: 256 bits.
const tokenBytes = 32

// NewToken returns a fresh random session token and the hash to store for it.
func NewToken() (token, hash string) {
	b := make([]byte, tokenBytes)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	token = tokenPrefix + base64.RawURLEncoding.EncodeToString(b)
	return token, HashToken(token)
}

// HashToken returns the stored form of a token: its SHA-256, in hex. A token is
// random, so a fast hash suffices; the database never holds a usable token.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// WellFormed reports whether s looks like a token this server issues.
func WellFormed(s string) bool {
	rest, ok := strings.CutPrefix(s, tokenPrefix)
	if !ok {
		return false
	}
	b, err := base64.RawURLEncoding.DecodeString(rest)
	return err == nil && len(b) == tokenBytes
}
