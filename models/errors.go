package models

import (
	"fmt"
	"time"
)

// Code says what kind of failure an Error is. The GraphQL layer maps each code to
// its extensions.code.
type Code string

// The error codes.
const (
	// Invalid is bad input from the caller; Field names the input at fault.
	Invalid Code = "INVALID"
	// NotFound is a lookup of something that does not exist (or is not visible).
	NotFound Code = "NOT_FOUND"
	// Conflict is a write that clashes with the current state, such as a taken slug.
	Conflict Code = "CONFLICT"
	// Unauthenticated is a request that needs a signed-in user and has none.
	Unauthenticated Code = "UNAUTHENTICATED"
	// Forbidden is a signed-in user asking for what their role does not allow.
	Forbidden Code = "FORBIDDEN"
	// RateLimited is a caller who asked too often.
	RateLimited Code = "RATE_LIMITED"
	// Unavailable is a request the server could not answer in time because the
	// database (or another dependency) did not answer or is down: the caller may
	// retry later, with the same idempotency key for a write.
	Unavailable Code = "UNAVAILABLE"
)

// UnavailableMessage is what a caller is told when the database (or another
// dependency) did not answer in time.
const UnavailableMessage = "the service is unavailable just now; try again in a few seconds"

// Error is a failure meant for the caller: its Message is written for end users and
// is shown as is. Any other error is internal and never shown.
type Error struct {
	Code    Code
	Message string
	// Field is the input path at fault (for example "filter.minFee"), for Invalid.
	Field string
	// Err is the cause, for the log; it is never shown (Unavailable keeps the
	// driver's error here).
	Err error
	// RetryAfter is how long the caller should wait before trying again, for
	// RateLimited (0 when unknown).
	RetryAfter time.Duration
}

// Error returns the message, with the field when there is one.
func (e *Error) Error() string {
	if e.Field != "" {
		return e.Field + ": " + e.Message
	}
	return e.Message
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an Error with the code and a formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// InvalidField returns an Invalid error for the input at path field.
func InvalidField(field, format string, args ...any) *Error {
	return &Error{Code: Invalid, Field: field, Message: fmt.Sprintf(format, args...)}
}
