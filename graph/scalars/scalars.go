// Package scalars marshals coursegraph's custom GraphQL scalars (Decimal, LocalTime,
// Date) to and from the models value types. A value that does not parse is an
// Invalid error, which the presenter reports as BAD_USER_INPUT.
//
// No Marshal function returns graphql.Null: the executor marshals struct fields
// with them directly, without a field context to report a null in (see
// graph/internal/inlinelists). They write without making a string first where
// a response has many values (amounts, times of day).
//
// It may import models and gqlgen.
package scalars

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"

	"coursegraph/models"

	"github.com/99designs/gqlgen/graphql"
)

// MarshalDecimal writes an amount as a string with two decimal places.
func MarshalDecimal(a models.Amount) graphql.Marshaler { return decimal(a) }

// decimal writes an amount as MarshalDecimal says.
type decimal models.Amount

func (a decimal) MarshalGQL(w io.Writer) {
	var buf [32]byte
	b, _ := models.Amount(a).AppendText(append(buf[:0], '"'))
	write(w, append(b, '"'))
}

// write writes b, which the caller keeps on its stack: to a bytes.Buffer (what
// gqlgen's executor marshals into) directly, to another writer a copy.
func write(w io.Writer, b []byte) {
	if buf, ok := w.(*bytes.Buffer); ok {
		_, _ = buf.Write(b)
		return
	}
	_, _ = w.Write(bytes.Clone(b))
}

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
func MarshalLocalTime(t models.LocalTime) graphql.Marshaler {
	if t >= 0 && int(t) < len(timesOfDay) {
		return timesOfDay[t]
	}
	return graphql.MarshalString(t.String())
}

// timesOfDay are the marshalled times of day, one a minute, made once: a
// catalogue writes the times of its batches again and again.
var timesOfDay = func() (m [24 * 60]graphql.Marshaler) {
	for t := range m {
		m[t] = literal(strconv.Quote(models.LocalTime(t).String()))
	}
	return m
}()

// literal is JSON written as it is.
type literal string

func (l literal) MarshalGQL(w io.Writer) { _, _ = io.WriteString(w, string(l)) }

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
func MarshalDate(d models.Date) graphql.Marshaler { return graphql.MarshalString(d.String()) }

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
