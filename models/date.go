package models

import (
	"database/sql/driver"
	"fmt"
	"time"
)

// DateLayout is how a Date is written in the API and stored.
const DateLayout = "2006-01-02"

// Date is a calendar day with no time of day or zone. It is stored as a DATE column
// (text on SQLite) and written YYYY-MM-DD.
type Date struct {
	t time.Time // midnight UTC
}

// ParseDate reads "YYYY-MM-DD".
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(DateLayout, s)
	if err != nil {
		return Date{}, fmt.Errorf("must be a date written YYYY-MM-DD")
	}
	return Date{t: t}, nil
}

// DateOf returns the calendar day of t in t's location.
func DateOf(t time.Time) Date {
	return Date{t: time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)}
}

// String writes the date as YYYY-MM-DD.
func (d Date) String() string { return d.t.Format(DateLayout) }

// Value stores the date as YYYY-MM-DD text, which both engines accept for DATE.
func (d Date) Value() (driver.Value, error) { return d.String(), nil }

// Scan reads a DATE column as either engine returns it.
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case time.Time:
		*d = DateOf(v)
		return nil
	case string:
		return d.scanText(v)
	case []byte:
		return d.scanText(string(v))
	default:
		return fmt.Errorf("scan date: unsupported type %T", src)
	}
}

func (d *Date) scanText(s string) error {
	if len(s) > len(DateLayout) {
		s = s[:len(DateLayout)]
	}
	parsed, err := ParseDate(s)
	if err != nil {
		return fmt.Errorf("scan date %q: %w", s, err)
	}
	*d = parsed
	return nil
}
