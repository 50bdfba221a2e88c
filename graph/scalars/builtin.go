package scalars

import (
	"encoding/json"
	"math"
	"strconv"

	"coursegraph/models"

	"github.com/99designs/gqlgen/graphql"
)

// The built-in scalars String, Int, Boolean and ID are bound here rather than to
// gqlgen's own unmarshallers, which coerce (a JSON number 123 becomes the String
// "123", the JSON string "5" the Int 5). Input coercion follows the GraphQL spec:
// a value of the wrong kind is an Invalid error, which the presenter reports as
// BAD_USER_INPUT naming the input field. Output is gqlgen's own, as cheap as before.

// MarshalString writes a string (gqlgen's own marshaller).
func MarshalString(s string) graphql.Marshaler { return graphql.MarshalString(s) }

// UnmarshalString reads a String input: a string and nothing else.
func UnmarshalString(v any) (string, error) {
	if s, ok := v.(string); ok {
		return s, nil
	}
	return "", models.Errorf(models.Invalid, "must be a string, not %s", kindOf(v))
}

// MarshalInt writes an integer (gqlgen's own marshaller).
func MarshalInt(i int) graphql.Marshaler { return graphql.MarshalInt(i) }

// UnmarshalInt reads an Int input: a whole number of 32 bits. Strings, even of
// digits, and numbers with a fraction are refused.
func UnmarshalInt(v any) (int, error) {
	var n int64
	switch x := v.(type) {
	case int:
		n = int64(x)
	case int64:
		n = x
	case int32:
		n = int64(x)
	case json.Number:
		if i, err := strconv.ParseInt(string(x), 10, 64); err == nil {
			n = i
			break
		}
		// 5.0 or 1e3: a whole number all the same, read as the float it is.
		f, err := strconv.ParseFloat(string(x), 64)
		if err != nil {
			return 0, models.Errorf(models.Invalid, "must be a whole number, not %s", x)
		}
		return UnmarshalInt(f)
	case float64:
		if x != math.Trunc(x) || math.IsInf(x, 0) {
			return 0, models.Errorf(models.Invalid, "must be a whole number, not %v", x)
		}
		if x < math.MinInt32 || x > math.MaxInt32 {
			return 0, errIntRange
		}
		n = int64(x)
	default:
		return 0, models.Errorf(models.Invalid, "must be a whole number, not %s", kindOf(v))
	}
	if n < math.MinInt32 || n > math.MaxInt32 {
		return 0, errIntRange
	}
	return int(n), nil
}

var errIntRange = models.Errorf(models.Invalid, "must be a whole number between %d and %d", math.MinInt32, math.MaxInt32)

// MarshalBoolean writes true or false (gqlgen's own marshaller).
func MarshalBoolean(b bool) graphql.Marshaler { return graphql.MarshalBoolean(b) }

// UnmarshalBoolean reads a Boolean input: true or false, never "true" or 1.
func UnmarshalBoolean(v any) (bool, error) {
	if b, ok := v.(bool); ok {
		return b, nil
	}
	return false, models.Errorf(models.Invalid, "must be true or false, not %s", kindOf(v))
}

// MarshalID writes an id as a string (gqlgen's own marshaller).
func MarshalID(s string) graphql.Marshaler { return graphql.MarshalString(s) }

// UnmarshalID reads an ID input: a string, or a whole number as the spec allows
// (read as its decimal digits). Anything else is refused.
func UnmarshalID(v any) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case int:
		return strconv.Itoa(x), nil
	case int64:
		return strconv.FormatInt(x, 10), nil
	case json.Number:
		if _, err := strconv.ParseInt(string(x), 10, 64); err == nil {
			return string(x), nil
		}
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
			return strconv.FormatInt(int64(x), 10), nil
		}
	}
	return "", models.Errorf(models.Invalid, "must be an id (a string), not %s", kindOf(v))
}

// kindOf names the JSON kind of an input value, for messages.
func kindOf(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case json.Number:
		return "a number (" + x.String() + ")"
	case int, int32, int64, float64:
		return "a number"
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	default:
		return "a value of another type"
	}
}
