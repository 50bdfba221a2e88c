package models_test

import (
	"testing"
	"time"

	"coursegraph/models"
)

func TestParseDate(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		wantErr bool
	}{
		{name: "a YYYY-MM-DD date is read", in: "2026-12-04"},
		{name: "a leap day in a leap year is read", in: "2028-02-29"},
		{name: "the first day of the year is read", in: "2026-01-01"},
		{name: "the empty string is an error", in: "", wantErr: true},
		{name: "a leap day in a common year is an error", in: "2026-02-29", wantErr: true},
		{name: "month 13 is an error", in: "2026-13-01", wantErr: true},
		{name: "a one-digit month is an error", in: "2026-2-04", wantErr: true},
		{name: "day-month-year order is an error", in: "04-12-2026", wantErr: true},
		{name: "slashes are an error", in: "2026/12/04", wantErr: true},
		{name: "a time of day is an error", in: "2026-12-04 00:00:00", wantErr: true},
		{name: "an RFC 3339 timestamp is an error", in: "2026-12-04T00:00:00Z", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := models.ParseDate(tt.in)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("ParseDate(%q) = %s, want an error", tt.in, got)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseDate(%q): %v", tt.in, err)
			}
			if s := got.String(); s != tt.in {
				t.Errorf("ParseDate(%q).String() = %q, want %q", tt.in, s, tt.in)
			}
		})
	}
}

func TestDateOf(t *testing.T) {
	dhaka := time.FixedZone("BST", 6*60*60)
	tests := []struct {
		name string
		in   time.Time
		want string
	}{
		{name: "midnight UTC is that day", in: time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC), want: "2026-12-04"},
		{name: "the last nanosecond of a day is still that day", in: time.Date(2026, 12, 4, 23, 59, 59, 999999999, time.UTC), want: "2026-12-04"},
		{name: "the day is taken in the time's own zone, not UTC", in: time.Date(2026, 12, 5, 1, 0, 0, 0, dhaka), want: "2026-12-05"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := models.DateOf(tt.in).String(); got != tt.want {
				t.Errorf("DateOf(%v) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestDateScan(t *testing.T) {
	dhaka := time.FixedZone("BST", 6*60*60)
	tests := []struct {
		name    string
		src     any
		want    string
		wantErr bool
	}{
		{name: "a time.Time from MySQL is read as its day", src: time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC), want: "2026-12-04"},
		{name: "a time.Time with a time of day drops the time", src: time.Date(2026, 12, 4, 18, 30, 0, 0, time.UTC), want: "2026-12-04"},
		{name: "a time.Time in another zone keeps its local day", src: time.Date(2026, 12, 5, 1, 0, 0, 0, dhaka), want: "2026-12-05"},
		{name: "a string from SQLite is read", src: "2026-12-04", want: "2026-12-04"},
		{name: "bytes are read like a string", src: []byte("2026-12-04"), want: "2026-12-04"},
		{name: "a DATETIME-like string is cut to its date", src: "2026-12-04 00:00:00", want: "2026-12-04"},
		{name: "an RFC 3339 string is cut to its date", src: "2026-12-04T00:00:00Z", want: "2026-12-04"},
		{name: "DATETIME-like bytes are cut to their date", src: []byte("2026-12-04 13:45:00"), want: "2026-12-04"},
		{name: "a string that is not a date is an error", src: "not a date", wantErr: true},
		{name: "a string too short to be a date is an error", src: "2026-12", wantErr: true},
		{name: "an empty string is an error", src: "", wantErr: true},
		{name: "bytes that are not a date are an error", src: []byte("2026-13-40"), wantErr: true},
		{name: "an int64 is an unsupported type", src: int64(20261204), wantErr: true},
		{name: "a float64 is an unsupported type", src: float64(1), wantErr: true},
		{name: "a bool is an unsupported type", src: true, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := models.DateOf(time.Date(2000, 1, 2, 0, 0, 0, 0, time.UTC))
			d := before
			err := d.Scan(tt.src)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("Scan(%#v) set %s, want an error", tt.src, d)
				}
				if d != before {
					t.Errorf("Scan(%#v) failed but changed the date to %s, want it left at %s", tt.src, d, before)
				}
				return
			}
			if err != nil {
				t.Fatalf("Scan(%#v): %v", tt.src, err)
			}
			if got := d.String(); got != tt.want {
				t.Errorf("Scan(%#v) gave %q, want %q", tt.src, got, tt.want)
			}
		})
	}
}

func TestDateValue(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{name: "a date is stored as YYYY-MM-DD text", in: "2026-12-04", want: "2026-12-04"},
		{name: "a single-digit month and day are stored zero-padded", in: "2026-01-09", want: "2026-01-09"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := models.ParseDate(tt.in)
			if err != nil {
				t.Fatalf("ParseDate(%q): %v", tt.in, err)
			}
			v, err := d.Value()
			if err != nil {
				t.Fatalf("Value(): %v", err)
			}
			s, ok := v.(string)
			if !ok {
				t.Fatalf("Value() = %#v (%T), want a string", v, v)
			}
			if s != tt.want {
				t.Errorf("Value() = %q, want %q", s, tt.want)
			}
			var back models.Date
			if err := back.Scan(v); err != nil {
				t.Fatalf("Scan(Value()): %v", err)
			}
			if back != d {
				t.Errorf("Scan(Value()) = %s, want %s", back, d)
			}
		})
	}
}
