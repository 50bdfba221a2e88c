// Package models holds coursegraph's entities (with their GORM column tags), enums,
// value types and the pure rules that go with them: validation, derived values and
// error codes. It does no I/O and reads no clock (callers pass now in).
//
// It may import the standard library only (gorm for column types at most, and
// golang.org/x/text/unicode/norm, the Go team's Unicode normalisation, which the
// standard library itself vendors); never a package of ours, and never gqlgen.
package models
