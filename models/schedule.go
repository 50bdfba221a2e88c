package models

import "time"

// ScheduleStatus says whether a schedule takes enrolments.
type ScheduleStatus string

// The schedule statuses.
const (
	ScheduleOpen   ScheduleStatus = "OPEN"
	ScheduleFull   ScheduleStatus = "FULL"
	ScheduleClosed ScheduleStatus = "CLOSED"
)

// Schedule is one course offered in one batch on some weekdays, with seats.
type Schedule struct {
	ID         uint       `gorm:"primaryKey"`
	CourseID   uint       `gorm:"not null;index:ix_schedules_course"`
	BatchID    uint       `gorm:"not null;index:ix_schedules_batch"`
	WeekdaySet WeekdaySet `gorm:"column:weekdays;not null"`
	StartsOn   *Date      `gorm:"type:date"`
	Capacity   int        `gorm:"not null"`
	SeatsTaken int        `gorm:"not null"`
	Closed     bool       `gorm:"not null"`
	CreatedAt  time.Time  `gorm:"not null"`
	UpdatedAt  time.Time  `gorm:"not null"`
}

// Weekdays returns the days the classes are held, Sunday first.
func (s *Schedule) Weekdays() []Weekday { return s.WeekdaySet.Days() }

// SeatsLeft returns the free seats, never below zero.
func (s *Schedule) SeatsLeft() int { return max(s.Capacity-s.SeatsTaken, 0) }

// Status says whether the schedule takes enrolments.
func (s *Schedule) Status() ScheduleStatus {
	switch {
	case s.Closed:
		return ScheduleClosed
	case s.SeatsLeft() == 0:
		return ScheduleFull
	default:
		return ScheduleOpen
	}
}

// ScheduleFilter selects schedules; every condition that is set must hold.
type ScheduleFilter struct {
	CourseID     *uint
	Weekday      *Weekday
	Period       *Period
	HasSeatsLeft *bool
}

// Validate checks the filter; errors name the field under the path prefix.
func (f ScheduleFilter) Validate(prefix string) error {
	if f.Weekday != nil && !f.Weekday.IsValid() {
		return InvalidField(prefix+".weekday", "is not a weekday")
	}
	if f.Period != nil && !f.Period.IsValid() {
		return InvalidField(prefix+".period", "is not a period")
	}
	return nil
}
