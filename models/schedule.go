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

	// LoadedBatch is the schedule's batch when the read that found the schedule
	// joined it (nil otherwise): the loaders keep it, so that a response's
	// schedules and their batches are one statement. Never written.
	LoadedBatch *Batch `gorm:"-"`
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

// ScheduleInput is a new schedule, or the changes to one: nil fields stay as they
// are.
type ScheduleInput struct {
	CourseID   *uint
	BatchID    *uint
	Weekdays   []Weekday
	StartsOn   *Date
	Capacity   *int
	SeatsTaken *int
	Closed     *bool
}

// Apply writes the input's set fields onto s and returns the changes.
func (s *Schedule) Apply(in ScheduleInput) Changes {
	var ch Changes
	set(&ch, "courseId", &s.CourseID, in.CourseID)
	set(&ch, "batchId", &s.BatchID, in.BatchID)
	if in.Weekdays != nil {
		days := NewWeekdaySet(in.Weekdays...)
		ch.Record("weekdays", s.Weekdays(), days.Days(), false)
		s.WeekdaySet = days
	}
	if in.StartsOn != nil {
		ch.Record("startsOn", s.StartsOn, *in.StartsOn, false)
		d := *in.StartsOn
		s.StartsOn = &d
	}
	set(&ch, "capacity", &s.Capacity, in.Capacity)
	set(&ch, "seatsTaken", &s.SeatsTaken, in.SeatsTaken)
	set(&ch, "closed", &s.Closed, in.Closed)
	return ch
}

// Validate checks a schedule as it would be stored, for its course; prefix is the
// input's path.
func (s *Schedule) Validate(prefix string, course *Course) error {
	switch {
	case s.WeekdaySet.Len() == 0:
		return InvalidField(prefix+".weekdays", "must name at least one day")
	case s.WeekdaySet.Len() != course.SessionsPerWeek:
		return InvalidField(prefix+".weekdays", "must name as many days as the course's sessions per week (%d)", course.SessionsPerWeek)
	case s.Capacity < 1 || s.Capacity > 1000:
		return InvalidField(prefix+".capacity", "must be between 1 and 1000")
	case s.SeatsTaken < 0:
		return InvalidField(prefix+".seatsTaken", "must not be negative")
	case s.Capacity < s.SeatsTaken:
		return InvalidField(prefix+".capacity", "must not be below the seats taken (%d)", s.SeatsTaken)
	}
	return nil
}
