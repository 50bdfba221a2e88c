package models_test

import (
	"testing"

	"coursegraph/models"
)

func TestScheduleSeatsLeftAndStatus(t *testing.T) {
	tests := []struct {
		name          string
		schedule      models.Schedule
		wantSeatsLeft int
		wantStatus    models.ScheduleStatus
	}{
		{name: "a schedule with free seats is open", schedule: models.Schedule{Capacity: 30, SeatsTaken: 12}, wantSeatsLeft: 18, wantStatus: models.ScheduleOpen},
		{name: "an empty schedule is open with every seat left", schedule: models.Schedule{Capacity: 30}, wantSeatsLeft: 30, wantStatus: models.ScheduleOpen},
		{name: "a schedule with one seat left is open", schedule: models.Schedule{Capacity: 30, SeatsTaken: 29}, wantSeatsLeft: 1, wantStatus: models.ScheduleOpen},
		{name: "a schedule with every seat taken is full", schedule: models.Schedule{Capacity: 30, SeatsTaken: 30}, wantSeatsLeft: 0, wantStatus: models.ScheduleFull},
		{name: "an overbooked schedule has zero seats left, never negative, and is full", schedule: models.Schedule{Capacity: 30, SeatsTaken: 33}, wantSeatsLeft: 0, wantStatus: models.ScheduleFull},
		{name: "a schedule with no capacity is full", schedule: models.Schedule{}, wantSeatsLeft: 0, wantStatus: models.ScheduleFull},
		{name: "a closed schedule with free seats is closed", schedule: models.Schedule{Capacity: 30, SeatsTaken: 5, Closed: true}, wantSeatsLeft: 25, wantStatus: models.ScheduleClosed},
		{name: "a closed schedule that is also full is closed, not full", schedule: models.Schedule{Capacity: 30, SeatsTaken: 30, Closed: true}, wantSeatsLeft: 0, wantStatus: models.ScheduleClosed},
		{name: "a closed overbooked schedule is closed with zero seats left", schedule: models.Schedule{Capacity: 10, SeatsTaken: 11, Closed: true}, wantSeatsLeft: 0, wantStatus: models.ScheduleClosed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.schedule.SeatsLeft(); got != tt.wantSeatsLeft {
				t.Errorf("SeatsLeft() = %d, want %d", got, tt.wantSeatsLeft)
			}
			if got := tt.schedule.Status(); got != tt.wantStatus {
				t.Errorf("Status() = %q, want %q", got, tt.wantStatus)
			}
		})
	}
}

func TestScheduleFilterValidate(t *testing.T) {
	tests := []struct {
		name      string
		filter    models.ScheduleFilter
		wantField string // "" means the filter is valid
	}{
		{name: "a filter with every field nil is valid", filter: models.ScheduleFilter{}},
		{name: "a known weekday and period are valid", filter: models.ScheduleFilter{Weekday: ptr(models.Monday), Period: ptr(models.Evening)}},
		{name: "an unknown weekday names filter.weekday", filter: models.ScheduleFilter{Weekday: ptr(models.Weekday("mon"))}, wantField: "filter.weekday"},
		{name: "an unknown period names filter.period", filter: models.ScheduleFilter{Period: ptr(models.Period("NIGHT"))}, wantField: "filter.period"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkInvalidField(t, tt.filter.Validate("filter"), tt.wantField)
		})
	}
}

func TestScheduleWeekdays(t *testing.T) {
	s := models.Schedule{WeekdaySet: models.NewWeekdaySet(models.Saturday, models.Sunday)}
	t.Run("a schedule lists its days Sunday first", func(t *testing.T) {
		got := s.Weekdays()
		if len(got) != 2 || got[0] != models.Sunday || got[1] != models.Saturday {
			t.Errorf("Weekdays() = %v, want [SUNDAY SATURDAY]", got)
		}
	})
}
