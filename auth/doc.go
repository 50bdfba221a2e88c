// Package auth holds what identifies a caller: password hashing (bcrypt), opaque
// session tokens (stored only as SHA-256 hashes), the viewer of a request (the
// signed-in user and the client's address) carried in the context. The HTTP side
// (graph's authenticate) reads the bearer token and the client's address into it.
//
// It may import models only: never store, service, graph, nor anything HTTP or
// GraphQL (a test checks). It finds sessions through the one small interface it
// declares, SessionFinder.
package auth
