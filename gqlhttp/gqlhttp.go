// Package gqlhttp is GraphQL over HTTP at the edge of the server: it picks a
// response's media type from the request's Accept header, picks the HTTP status
// the GraphQL-over-HTTP specification gives for a response, holds the API's error
// code table, and is the one place that writes an error response, whether the
// GraphQL endpoint, the auth middleware or the body limit refuses a request.
//
// It may import the standard library, models, metrics and gqlparser's gqlerror.
package gqlhttp

import (
	"context"
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"coursegraph/metrics"
	"coursegraph/models"

	"github.com/vektah/gqlparser/v2/gqlerror"
)

// The response media types, per GraphQL over HTTP.
const (
	JSON            = "application/json"
	GraphQLResponse = "application/graphql-response+json"
)

// The extensions.code values of the API (docs and API.md list them), besides
// gqlgen's GRAPHQL_PARSE_FAILED and GRAPHQL_VALIDATION_FAILED.
const (
	CodeBadUserInput    = "BAD_USER_INPUT"
	CodeNotFound        = "NOT_FOUND"
	CodeConflict        = "CONFLICT"
	CodeUnauthenticated = "UNAUTHENTICATED"
	CodeForbidden       = "FORBIDDEN"
	CodeRateLimited     = "RATE_LIMITED"
	CodeUnavailable     = "SERVICE_UNAVAILABLE"
	// CodeClientClosed marks a request whose client went away before it was
	// answered (its connection closed, or it cancelled the request): nobody
	// reads the answer, which exists only for the log and the metrics.
	CodeClientClosed     = "CLIENT_CLOSED_REQUEST"
	CodeInternal         = "INTERNAL_SERVER_ERROR"
	CodeQueryTooComplex  = "QUERY_TOO_COMPLEX"
	CodeBadRequest       = "BAD_REQUEST"
	CodeMethodNotAllowed = "METHOD_NOT_ALLOWED"
	CodeNotAcceptable    = "NOT_ACCEPTABLE"
	CodeUnsupportedMedia = "UNSUPPORTED_MEDIA_TYPE"
	CodeBodyTooLarge     = "BODY_TOO_LARGE"
	// CodePersistedQueryNotFound asks an automatic-persisted-query client to send
	// the document with its hash (Apollo's protocol).
	CodePersistedQueryNotFound = "PERSISTED_QUERY_NOT_FOUND"
	// CodePersistedQueryNotInList refuses, in trusted-documents mode, an id or hash
	// the manifest does not hold (the code Apollo's router uses).
	CodePersistedQueryNotInList = "PERSISTED_QUERY_NOT_IN_LIST"
	// CodeQueryNotInSafelist refuses, in trusted-documents mode, a document sent
	// as text that the manifest does not hold.
	CodeQueryNotInSafelist = "QUERY_NOT_IN_SAFELIST"
)

// StatusClientClosed is the status of a request whose client went away before
// it was answered: nginx's 499 Client Closed Request, so that access logs and
// metrics tell impatient clients from a failing server (503) or a bug (500).
const StatusClientClosed = 499

// ClientGone reports whether the request of ctx has ended because its client
// went away (its connection closed or it cancelled), rather than because its
// deadline passed (context.DeadlineExceeded), which is the server's fault.
func ClientGone(ctx context.Context) bool {
	return errors.Is(ctx.Err(), context.Canceled)
}

// ClientClosed is the error of a request whose client went away
// (CLIENT_CLOSED_REQUEST).
func ClientClosed() *gqlerror.Error {
	return Error(CodeClientClosed, "the request was cancelled by its client")
}

// Extension keys of an error.
const (
	ExtensionCode       = "code"
	ExtensionField      = "field"
	ExtensionRetryAfter = "retryAfter"
)

var codes = map[models.Code]string{
	models.Invalid:         CodeBadUserInput,
	models.NotFound:        CodeNotFound,
	models.Conflict:        CodeConflict,
	models.Unauthenticated: CodeUnauthenticated,
	models.Forbidden:       CodeForbidden,
	models.RateLimited:     CodeRateLimited,
	models.Unavailable:     CodeUnavailable,
}

// Code returns the extensions.code of a models.Error code;
// INTERNAL_SERVER_ERROR for one the API does not know.
func Code(c models.Code) string {
	if s, ok := codes[c]; ok {
		return s
	}
	return CodeInternal
}

// Error returns a GraphQL error with message and extensions.code code.
func Error(code, message string) *gqlerror.Error {
	return &gqlerror.Error{Message: message, Extensions: map[string]any{ExtensionCode: code}}
}

// Negotiate returns the media type of the response to r: the one of
// application/graphql-response+json and application/json that Accept prefers
// (by quality, then order), application/json when there is no Accept header or
// it accepts only wildcards. ok is false when Accept allows neither.
func Negotiate(r *http.Request) (mediaType string, ok bool) {
	accept := r.Header.Values("Accept")
	if len(accept) == 0 {
		return JSON, true
	}
	best, bestQ, wildcard := "", 0.0, false
	for _, line := range accept {
		for part := range strings.SplitSeq(line, ",") {
			mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
			if err != nil {
				continue
			}
			q := 1.0
			if s, has := params["q"]; has {
				if q, err = strconv.ParseFloat(s, 64); err != nil {
					continue
				}
			}
			if q <= 0 {
				continue
			}
			switch mt {
			case JSON, GraphQLResponse:
				if q > bestQ {
					best, bestQ = mt, q
				}
			case "*/*", "application/*":
				wildcard = true
			}
		}
	}
	switch {
	case best != "":
		return best, true
	case wildcard:
		return JSON, true
	}
	return "", false
}

// Status is the HTTP status of a response in mediaType with errs: executed says
// whether execution began (the response has a data entry), hasData whether that
// data is more than null. A response without data whose errors say the service
// is unavailable is 503, one refused by a rate limit 429, one whose client went
// away 499 (StatusClientClosed). A request that failed before execution (a parse, validation or variable error, a limit) is 200 in
// application/json, as the specification asks of every well-formed request, and
// 400 in application/graphql-response+json. An executed request is 200.
func Status(mediaType string, executed, hasData bool, errs []*gqlerror.Error) int {
	if !hasData {
		switch {
		case hasCode(errs, CodeClientClosed):
			return StatusClientClosed
		case hasCode(errs, CodeUnavailable):
			return http.StatusServiceUnavailable
		case hasCode(errs, CodeRateLimited):
			return http.StatusTooManyRequests
		}
	}
	if !executed && mediaType == GraphQLResponse {
		return http.StatusBadRequest
	}
	return http.StatusOK
}

func hasCode(errs []*gqlerror.Error, code string) bool {
	for _, e := range errs {
		if e != nil && e.Extensions[ExtensionCode] == code {
			return true
		}
	}
	return false
}

// RetryAfter returns the largest extensions.retryAfter among errs, in seconds,
// or 0.
func RetryAfter(errs []*gqlerror.Error) int {
	most := 0
	for _, e := range errs {
		if e == nil {
			continue
		}
		if s, ok := e.Extensions[ExtensionRetryAfter].(int); ok && s > most {
			most = s
		}
	}
	return most
}

// Write writes body, JSON (in parts, one after the other, so that a caller
// need not copy a large part into one buffer), in mediaType with status: the
// one way every response of the GraphQL endpoint goes out. retryAfter
// (seconds, from the errors' extensions.retryAfter) becomes a Retry-After
// header, whatever the status (a mutation refused RATE_LIMITED is 200 in
// application/json); a 429 or 503 without one gets Retry-After 5.
func Write(w http.ResponseWriter, mediaType string, status, retryAfter int, body ...[]byte) {
	h := w.Header()
	h.Set("Content-Type", contentType(mediaType))
	if retryAfter <= 0 && (status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable) && h.Get("Retry-After") == "" {
		retryAfter = 5
	}
	if retryAfter > 0 {
		h.Set("Retry-After", strconv.Itoa(retryAfter))
	}
	if status == StatusClientClosed {
		metrics.ClientClosed()
	}
	w.WriteHeader(status)
	for _, part := range body {
		_, _ = w.Write(part)
	}
}

// contentType is the Content-Type of mediaType, without building the string of
// the two the endpoint answers in for every response.
func contentType(mediaType string) string {
	switch mediaType {
	case JSON:
		return JSON + "; charset=utf-8"
	case GraphQLResponse:
		return GraphQLResponse + "; charset=utf-8"
	}
	return mediaType + "; charset=utf-8"
}

// Marshal is json.Marshal for a response body; a value JSON cannot hold (a NaN
// in an error's extensions) becomes an internal error rather than no answer.
func Marshal(body any) []byte {
	b, err := json.Marshal(body)
	if err != nil {
		return []byte(`{"errors":[{"message":"internal error","extensions":{"code":"INTERNAL_SERVER_ERROR"}}]}`)
	}
	return b
}

// WriteErrors answers r with status and errs and no data entry: a request
// refused before it could be executed. The media type is the one r accepts, or
// application/json.
func WriteErrors(w http.ResponseWriter, r *http.Request, status int, errs ...*gqlerror.Error) {
	mt, ok := Negotiate(r)
	if !ok {
		mt = JSON
	}
	Write(w, mt, status, RetryAfter(errs), Marshal(struct {
		Errors []*gqlerror.Error `json:"errors"`
	}{errs}))
}
