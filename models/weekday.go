package models

import (
	"fmt"
	"strings"
)

// Weekday is a day of the week, named as in the API.
type Weekday string

// The weekdays, Sunday first.
const (
	Sunday    Weekday = "SUNDAY"
	Monday    Weekday = "MONDAY"
	Tuesday   Weekday = "TUESDAY"
	Wednesday Weekday = "WEDNESDAY"
	Thursday  Weekday = "THURSDAY"
	Friday    Weekday = "FRIDAY"
	Saturday  Weekday = "SATURDAY"
)

// AllWeekdays lists the weekdays in the order the API shows them.
var AllWeekdays = []Weekday{Sunday, Monday, Tuesday, Wednesday, Thursday, Friday, Saturday}

// Bit returns the weekday's bit in a WeekdaySet, or 0 for an unknown name.
func (d Weekday) Bit() WeekdaySet {
	for i, w := range AllWeekdays {
		if w == d {
			return 1 << i
		}
	}
	return 0
}

// IsValid reports whether d is one of the seven weekdays.
func (d Weekday) IsValid() bool { return d.Bit() != 0 }

// WeekdaySet is a set of weekdays stored as a bit mask (bit 0 is Sunday), so that a
// "held on Friday" filter is one indexed-free bitwise test on either engine.
type WeekdaySet uint8

// NewWeekdaySet returns the set of the given days.
func NewWeekdaySet(days ...Weekday) WeekdaySet {
	var s WeekdaySet
	for _, d := range days {
		s |= d.Bit()
	}
	return s
}

// ParseWeekdays reads days joined by "+" as the centre writes them ("Fri+Sat"), by
// their first three letters in any case.
func ParseWeekdays(s string) (WeekdaySet, error) {
	var set WeekdaySet
	for part := range strings.SplitSeq(s, "+") {
		part = strings.ToUpper(strings.TrimSpace(part))
		found := false
		for _, d := range AllWeekdays {
			if len(part) >= 3 && strings.HasPrefix(string(d), part) {
				set |= d.Bit()
				found = true
				break
			}
		}
		if !found {
			return 0, fmt.Errorf("unknown weekday %q", part)
		}
	}
	return set, nil
}

// Days returns the days in the set, Sunday first.
func (s WeekdaySet) Days() []Weekday {
	days := make([]Weekday, 0, 7)
	for _, d := range AllWeekdays {
		if s.Has(d) {
			days = append(days, d)
		}
	}
	return days
}

// Has reports whether d is in the set.
func (s WeekdaySet) Has(d Weekday) bool { return s&d.Bit() != 0 }

// Len returns how many days the set holds.
func (s WeekdaySet) Len() int { return len(s.Days()) }
