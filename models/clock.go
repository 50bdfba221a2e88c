package models

import (
	"errors"
	"fmt"
)

// LocalTime is a time of day in the centre's time zone, as minutes since midnight.
// Minutes keep times comparable and portable on every engine.
type LocalTime int

// ErrLocalTimeSyntax is returned by ParseLocalTime for text that is not HH:MM.
var ErrLocalTimeSyntax = errors.New("must be a time of day written HH:MM, from 00:00 to 23:59")

// ParseLocalTime reads "HH:MM" on a 24-hour clock.
func ParseLocalTime(s string) (LocalTime, error) {
	var h, m int
	if len(s) != 5 || s[2] != ':' || !allDigits(s[:2]) || !allDigits(s[3:]) {
		return 0, ErrLocalTimeSyntax
	}
	if _, err := fmt.Sscanf(s, "%02d:%02d", &h, &m); err != nil || h > 23 || m > 59 {
		return 0, ErrLocalTimeSyntax
	}
	return LocalTime(h*60 + m), nil
}

// String writes the time as "HH:MM".
func (t LocalTime) String() string {
	return fmt.Sprintf("%02d:%02d", int(t)/60, int(t)%60)
}
