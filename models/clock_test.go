package models_test

import (
	"errors"
	"testing"

	"coursegraph/models"
)

func TestParseLocalTime(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    models.LocalTime
		wantErr bool
	}{
		{name: "eight in the morning is 480 minutes", in: "08:00", want: 480},
		{name: "midnight is zero minutes", in: "00:00", want: 0},
		{name: "one minute to midnight is the last minute", in: "23:59", want: 1439},
		{name: "leading zeros are read as decimal not octal", in: "09:09", want: 549},
		{name: "the afternoon is on a 24-hour clock", in: "18:30", want: 1110},
		{name: "hour 24 is an error", in: "24:00", wantErr: true},
		{name: "a one-digit hour is an error", in: "8:00", wantErr: true},
		{name: "minute 60 is an error", in: "08:60", wantErr: true},
		{name: "letters are an error", in: "ab:cd", wantErr: true},
		{name: "the empty string is an error", in: "", wantErr: true},
		{name: "a dash instead of a colon is an error", in: "08-00", wantErr: true},
		{name: "seconds are an error", in: "08:00:00", wantErr: true},
		{name: "a leading space is an error", in: " 8:00", wantErr: true},
		{name: "a sign is an error", in: "+8:00", wantErr: true},
		{name: "a negative minute is an error", in: "08:-1", wantErr: true},
		{name: "a twelve-hour suffix is an error", in: "08:00am", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := models.ParseLocalTime(tt.in)
			if tt.wantErr {
				if !errors.Is(err, models.ErrLocalTimeSyntax) {
					t.Fatalf("ParseLocalTime(%q) = %d, %v; want ErrLocalTimeSyntax", tt.in, got, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseLocalTime(%q): %v", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("ParseLocalTime(%q) = %d, want %d", tt.in, got, tt.want)
			}
		})
	}
}

func TestLocalTimeString(t *testing.T) {
	tests := []struct {
		name string
		in   models.LocalTime
		want string
	}{
		{name: "zero minutes is midnight", in: 0, want: "00:00"},
		{name: "480 minutes is eight with a leading zero", in: 480, want: "08:00"},
		{name: "single-digit minutes are padded", in: 545, want: "09:05"},
		{name: "the last minute of the day is 23:59", in: 1439, want: "23:59"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.in.String(); got != tt.want {
				t.Errorf("LocalTime(%d).String() = %q, want %q", int(tt.in), got, tt.want)
			}
			back, err := models.ParseLocalTime(tt.want)
			if err != nil {
				t.Fatalf("ParseLocalTime(%q): %v", tt.want, err)
			}
			if back != tt.in {
				t.Errorf("ParseLocalTime(%q) = %d, want it to round-trip to %d", tt.want, back, tt.in)
			}
		})
	}
}
