// Package auth holds what identifies a caller: password hashing (bcrypt), opaque
// session tokens (stored only as SHA-256 hashes), the viewer of a request (the
// signed-in user and the client's address) carried in the context, and the HTTP
// middleware that reads the bearer token and the client address.
//
// It may import models; never store, service or graph. It finds sessions through
// the one small interface it declares, SessionFinder.
package auth
