// Package scalars marshals coursegraph's custom GraphQL scalars (Decimal, LocalTime,
// Date) to and from the models value types. A value that does not parse is an
// Invalid error, which the presenter reports as BAD_USER_INPUT.
//
// It may import models and gqlgen.
package scalars

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"

	"coursegraph/models"

	"github.com/99designs/gqlgen/graphql"
)

func quoted(s string) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(s)) })
}

// MarshalDecimal writes an amount as a string with two decimal places.
func MarshalDecimal(a models.Amount) graphql.Marshaler { return quoted(a.String()) }

// UnmarshalDecimal reads an amount from a string such as "4500.00" or from a whole
// number; floats are refused, since money must stay exact.
func UnmarshalDecimal(v any) (models.Amount, error) {
	var s string
	switch x := v.(type) {
	case string:
		s = x
	case json.Number:
		s = x.String()
	case int:
		s = strconv.Itoa(x)
	case int64:
		s = strconv.FormatInt(x, 10)
	default:
		return 0, models.Errorf(models.Invalid, "Decimal %s", models.ErrAmountSyntax)
	}
	a, err := models.ParseAmount(s)
	if err != nil {
		return 0, models.Errorf(models.Invalid, "Decimal %s", err)
	}
	return a, nil
}

// MarshalLocalTime writes a time of day as "HH:MM".
func MarshalLocalTime(t models.LocalTime) graphql.Marshaler { return quoted(t.String()) }

// UnmarshalLocalTime reads a time of day written "HH:MM".
func UnmarshalLocalTime(v any) (models.LocalTime, error) {
	s, ok := v.(string)
	if !ok {
		return 0, models.Errorf(models.Invalid, "LocalTime %s", models.ErrLocalTimeSyntax)
	}
	t, err := models.ParseLocalTime(s)
	if err != nil {
		return 0, models.Errorf(models.Invalid, "LocalTime %s", err)
	}
	return t, nil
}

// MarshalDate writes a date as "YYYY-MM-DD".
func MarshalDate(d models.Date) graphql.Marshaler { return quoted(d.String()) }

// UnmarshalDate reads a date written "YYYY-MM-DD".
func UnmarshalDate(v any) (models.Date, error) {
	s, ok := v.(string)
	if !ok {
		return models.Date{}, models.Errorf(models.Invalid, "Date must be a string written YYYY-MM-DD, not %s", fmt.Sprintf("%T", v))
	}
	d, err := models.ParseDate(s)
	if err != nil {
		return models.Date{}, models.Errorf(models.Invalid, "Date %s", err)
	}
	return d, nil
}
