package gqlserver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"regexp"
	"runtime/debug"
	"strings"

	"coursegraph/gqlhttp"
	"coursegraph/models"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// The codes and extension keys of the API's errors: gqlhttp holds the table.
const (
	codeBadUserInput    = gqlhttp.CodeBadUserInput
	codeInternal        = gqlhttp.CodeInternal
	codeUnavailable     = gqlhttp.CodeUnavailable
	internalMessage     = "internal error"
	extensionCode       = gqlhttp.ExtensionCode
	extensionField      = gqlhttp.ExtensionField
	extensionRetryAfter = gqlhttp.ExtensionRetryAfter
	extensionsRequestID = "requestId"
)

// presenter is the one place errors become GraphQL errors. A *models.Error keeps its
// message and gets its code (and the input field for BAD_USER_INPUT; Unavailable,
// SERVICE_UNAVAILABLE, is logged at WARN with its cause); gqlgen's own
// parse and validation errors keep theirs; anything else is logged with its cause
// and answered as "internal error", so no SQL, stack or secret reaches a client.
func presenter(log *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		gqlErr := graphql.DefaultErrorPresenter(ctx, err)
		responsePath := graphql.GetPath(ctx)
		if gqlhttp.ClientGone(ctx) && (errors.Is(err, context.Canceled) || isUnavailable(err)) {
			// The client went away: the database did not fail, and nobody
			// reads this answer; it is for the access log (499) and /metrics.
			log.DebugContext(ctx, "request cancelled: its client went away", slog.String("path", responsePath.String()))
			return coded(gqlhttp.CodeClientClosed, gqlhttp.ClientClosed().Message, responsePath, gqlErr)
		}
		if me, ok := errors.AsType[*models.Error](err); ok {
			if me.Code == models.Unavailable {
				log.WarnContext(ctx, "service unavailable", slog.String("path", responsePath.String()), slog.Any("error", me.Err))
			}
			field := me.Field
			if field == "" && len(gqlErr.Path) > 0 && !samePath(gqlErr.Path, responsePath) {
				// An input value that failed to parse: gqlgen gives its input path.
				field = inputField(gqlErr.Path, responsePath)
			}
			out := &gqlerror.Error{
				Message:    me.Message,
				Path:       responsePath,
				Locations:  gqlErr.Locations,
				Extensions: map[string]any{extensionCode: gqlhttp.Code(me.Code)},
			}
			if field != "" {
				out.Extensions[extensionField] = field
				out.Message = field + ": " + me.Message
			}
			if me.RetryAfter > 0 {
				secs := int(math.Ceil(me.RetryAfter.Seconds()))
				out.Extensions[extensionRetryAfter] = secs
			}
			return out
		}
		if c, coded := gqlErr.Extensions[extensionCode]; coded {
			if c == errcode.ValidationFailed {
				nameVariable(gqlErr)
			}
			return gqlErr
		}
		if len(gqlErr.Path) > 0 && !samePath(gqlErr.Path, responsePath) {
			// gqlgen could not read an argument (a value out of range, a wrong type).
			field := inputField(gqlErr.Path, responsePath)
			gqlErr.Extensions = map[string]any{extensionCode: codeBadUserInput, extensionField: field}
			gqlErr.Path = responsePath
			return gqlErr
		}
		if errors.Is(err, context.DeadlineExceeded) {
			// gqlgen's own wait for a list's items, cut by the deadline.
			log.WarnContext(ctx, "service unavailable", slog.String("path", responsePath.String()), slog.Any("error", err))
			return coded(codeUnavailable, models.UnavailableMessage, responsePath, gqlErr)
		}
		if !errors.Is(err, errPanicked) { // the recoverer logged it already
			log.ErrorContext(ctx, "resolve field", slog.String("path", responsePath.String()), slog.Any("error", err))
		}
		return coded(codeInternal, internalMessage, responsePath, gqlErr)
	}
}

// coded is an error of the field at path, where gqlErr was, with code and
// message and nothing of the cause.
func coded(code, message string, path ast.Path, gqlErr *gqlerror.Error) *gqlerror.Error {
	return &gqlerror.Error{Message: message, Path: path, Locations: gqlErr.Locations, Extensions: map[string]any{extensionCode: code}}
}

func isUnavailable(err error) bool {
	me, ok := errors.AsType[*models.Error](err)
	return ok && me.Code == models.Unavailable
}

// wrongKind is gqlparser's message for a variable of the wrong kind. Its kind is
// Go's ("string" for a JSON number), so the message is rewritten.
var wrongKind = regexp.MustCompile(`^cannot use \w+ as (\w+)$`)

// nameVariable makes a variable's validation error name the variable, as
// "variable $in.email: must be a String", so a client sees which value it sent
// was refused without reading the path.
func nameVariable(e *gqlerror.Error) {
	if len(e.Path) < 2 || e.Path[0] != ast.PathName("variable") {
		return
	}
	msg := e.Message
	if m := wrongKind.FindStringSubmatch(msg); m != nil {
		msg = "must be " + article(m[1]) + " " + m[1]
	}
	e.Message = "variable $" + inputField(e.Path[1:], nil) + ": " + msg
}

func article(typeName string) string {
	if strings.ContainsRune("AEIOU", rune(typeName[0])) {
		return "an"
	}
	return "a"
}

func samePath(a, b ast.Path) bool { return a.String() == b.String() }

// inputField writes an input path, less the response path of its field, as the
// API's field name: "filter.minFee".
func inputField(p, responsePath ast.Path) string {
	if len(p) >= len(responsePath) && samePath(p[:len(responsePath)], responsePath) {
		p = p[len(responsePath):]
	}
	parts := make([]string, 0, len(p))
	for _, el := range p {
		switch v := el.(type) {
		case ast.PathName:
			parts = append(parts, string(v))
		case ast.PathIndex:
			parts = append(parts, fmt.Sprintf("%d", int(v)))
		}
	}
	return strings.Join(parts, ".")
}

// errPanicked is what a recovered panic becomes.
var errPanicked = errors.New(internalMessage)

// recoverer answers a panic in a resolver as an internal error and logs it with its
// stack, which never reaches the client.
func recoverer(log *slog.Logger) graphql.RecoverFunc {
	return func(ctx context.Context, p any) error {
		log.ErrorContext(ctx, "panic in resolver", slog.Any("panic", p), slog.String("path", graphql.GetPath(ctx).String()), slog.String("stack", string(debug.Stack())))
		return errPanicked
	}
}
