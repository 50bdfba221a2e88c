package scalars_test

import (
	"encoding/json"
	"math"
	"testing"

	"coursegraph/graph/scalars"
)

func TestBuiltInScalarsTakeOnlyValuesOfTheirKind(t *testing.T) {
	for _, tc := range []struct {
		name string
		read func(any) (any, error)
		in   any
		want any // nil: refused
	}{
		{"String takes a string", str, "123", "123"},
		{"String refuses a JSON number", str, json.Number("123"), nil},
		{"String refuses an int literal", str, int64(123), nil},
		{"String refuses a boolean", str, true, nil},
		{"String refuses null", str, nil, nil},
		{"Int takes a JSON whole number", integer, json.Number("42"), 42},
		{"Int takes a literal", integer, int64(-7), -7},
		{"Int takes a float without fraction", integer, 3.0, 3},
		{"Int takes a JSON whole number written with a point", integer, json.Number("5.0"), 5},
		{"Int takes a JSON whole number written with an exponent", integer, json.Number("1e3"), 1000},
		{"Int refuses a string of digits", integer, "42", nil},
		{"Int refuses a fraction", integer, json.Number("4.5"), nil},
		{"Int refuses a float fraction", integer, 4.5, nil},
		{"Int refuses more than 32 bits", integer, json.Number("2147483648"), nil},
		{"Int takes the smallest 32-bit value", integer, int64(math.MinInt32), math.MinInt32},
		{"Int refuses a huge exponent", integer, json.Number("1e300"), nil},
		{"Boolean takes true", boolean, true, true},
		{"Boolean refuses the string true", boolean, "true", nil},
		{"Boolean refuses 1", boolean, int64(1), nil},
		{"ID takes a string", id, "QmF0Y2g6MQ", "QmF0Y2g6MQ"},
		{"ID takes a whole JSON number", id, json.Number("17"), "17"},
		{"ID takes an int literal", id, int64(17), "17"},
		{"ID refuses a fraction", id, json.Number("1.5"), nil},
		{"ID refuses a boolean", id, false, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.read(tc.in)
			switch {
			case tc.want == nil && err == nil:
				t.Errorf("took %#v as %#v", tc.in, got)
			case tc.want != nil && err != nil:
				t.Errorf("refused %#v: %v", tc.in, err)
			case tc.want != nil && got != tc.want:
				t.Errorf("read %#v as %#v, want %#v", tc.in, got, tc.want)
			}
		})
	}
}

func str(v any) (any, error)     { return scalars.UnmarshalString(v) }
func integer(v any) (any, error) { return scalars.UnmarshalInt(v) }
func boolean(v any) (any, error) { return scalars.UnmarshalBoolean(v) }
func id(v any) (any, error)      { return scalars.UnmarshalID(v) }
