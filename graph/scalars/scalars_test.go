package scalars_test

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"
	"time"

	"coursegraph/graph/scalars"
	"coursegraph/models"

	"github.com/99designs/gqlgen/graphql"
)

// TestMarshalledValuesAreNeverNullAndAreTheirTextAsAJSONString: the executor
// marshals struct fields with these without a field context (see
// graph/internal/inlinelists), which relies on their never being null.
func TestMarshalledValuesAreNeverNullAndAreTheirTextAsAJSONString(t *testing.T) {
	for _, tc := range []struct {
		m    graphql.Marshaler
		text string
	}{
		{scalars.MarshalDecimal(0), "0.00"},
		{scalars.MarshalDecimal(450000), "4500.00"},
		{scalars.MarshalDecimal(-1205), "-12.05"},
		{scalars.MarshalDecimal(math.MaxInt64), models.Amount(math.MaxInt64).String()},
		{scalars.MarshalDecimal(math.MinInt64), "-92233720368547758.08"},
		{scalars.MarshalLocalTime(0), "00:00"},
		{scalars.MarshalLocalTime(8*60 + 5), "08:05"},
		{scalars.MarshalLocalTime(23*60 + 59), "23:59"},
		{scalars.MarshalLocalTime(24 * 60), models.LocalTime(24 * 60).String()},
		{scalars.MarshalLocalTime(-1), models.LocalTime(-1).String()},
		{scalars.MarshalDate(models.Date{}), models.Date{}.String()},
		{scalars.MarshalDate(models.DateOf(time.Date(2025, 3, 9, 0, 0, 0, 0, time.UTC))), "2025-03-09"},
		{scalars.MarshalString(""), ""},
		{scalars.MarshalID(""), ""},
	} {
		if tc.m == graphql.Null {
			t.Errorf("%q marshalled as null", tc.text)
			continue
		}
		want, _ := json.Marshal(tc.text)
		for _, w := range []interface {
			Write([]byte) (int, error)
			String() string
		}{&bytes.Buffer{}, &stringsWriter{}} {
			tc.m.MarshalGQL(w)
			if w.String() != string(want) {
				t.Errorf("wrote %s; want %s", w.String(), want)
			}
		}
	}
	for _, m := range []graphql.Marshaler{scalars.MarshalInt(0), scalars.MarshalBoolean(false)} {
		if m == graphql.Null {
			t.Error("a zero Int or Boolean marshalled as null")
		}
	}
}

// stringsWriter is a writer that is not a bytes.Buffer, and keeps what it is
// given (as a writer may).
type stringsWriter struct{ parts [][]byte }

func (s *stringsWriter) Write(b []byte) (int, error) {
	s.parts = append(s.parts, b)
	return len(b), nil
}
func (s *stringsWriter) String() string { return string(bytes.Join(s.parts, nil)) }

// TestTimesAndAmountsAreWrittenWithoutMakingStrings: a catalogue writes many.
func TestTimesAndAmountsAreWrittenWithoutMakingStrings(t *testing.T) {
	var buf bytes.Buffer
	buf.Grow(1 << 10)
	if n := testing.AllocsPerRun(100, func() {
		buf.Reset()
		scalars.MarshalLocalTime(17*60 + 30).MarshalGQL(&buf)
	}); n != 0 {
		t.Errorf("a time of day: %v allocations; want 0", n)
	}
	amount := models.Amount(450000)
	if n := testing.AllocsPerRun(100, func() {
		buf.Reset()
		scalars.MarshalDecimal(amount).MarshalGQL(&buf)
	}); n > 1 {
		t.Errorf("an amount: %v allocations; want at most 1 (the value in its interface)", n)
	}
}
