package models_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"coursegraph/models"
)

func TestParseWeekdays(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    []models.Weekday
		wantErr bool
	}{
		{
			name: "four days joined by plus are read Sunday first",
			in:   "Sun+Mon+Tue+Wed",
			want: []models.Weekday{models.Sunday, models.Monday, models.Tuesday, models.Wednesday},
		},
		{
			name: "case does not matter",
			in:   "fri+SAT",
			want: []models.Weekday{models.Friday, models.Saturday},
		},
		{
			name: "days written out of order come back Sunday first",
			in:   "Sat+Sun",
			want: []models.Weekday{models.Sunday, models.Saturday},
		},
		{
			name: "spaces around the parts are ignored",
			in:   " Thu + Fri ",
			want: []models.Weekday{models.Thursday, models.Friday},
		},
		{
			name: "full day names are accepted",
			in:   "Thursday",
			want: []models.Weekday{models.Thursday},
		},
		{
			name: "a day named twice is held once",
			in:   "Mon+mon",
			want: []models.Weekday{models.Monday},
		},
		{name: "the empty string is an error", in: "", wantErr: true},
		{name: "a two-letter abbreviation is an error", in: "Fr", wantErr: true},
		{name: "an unknown name is an error", in: "Fun", wantErr: true},
		{name: "a trailing plus is an error", in: "Fri+", wantErr: true},
		{name: "one bad part spoils the whole list", in: "Mon+Xyz+Wed", wantErr: true},
		{name: "a comma instead of plus is an error", in: "Mon,Tue", wantErr: true},
		{name: "a word longer than the day name is an error", in: "Sundays", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := models.ParseWeekdays(tt.in)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("ParseWeekdays(%q) = %v, want an error", tt.in, got.Days())
				}
				if got != 0 {
					t.Errorf("ParseWeekdays(%q) returned set %b with its error, want 0", tt.in, got)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseWeekdays(%q): %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, got.Days()); diff != "" {
				t.Errorf("ParseWeekdays(%q).Days() (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestWeekdaySetDays(t *testing.T) {
	tests := []struct {
		name string
		set  models.WeekdaySet
		want []models.Weekday
	}{
		{name: "the empty set has no days", set: 0, want: nil},
		{
			name: "every day is listed Sunday first",
			set:  models.NewWeekdaySet(models.AllWeekdays...),
			want: []models.Weekday{
				models.Sunday, models.Monday, models.Tuesday, models.Wednesday,
				models.Thursday, models.Friday, models.Saturday,
			},
		},
		{
			name: "days added in reverse order still come back Sunday first",
			set:  models.NewWeekdaySet(models.Saturday, models.Wednesday, models.Sunday),
			want: []models.Weekday{models.Sunday, models.Wednesday, models.Saturday},
		},
		{
			name: "bit 0 is Sunday",
			set:  models.WeekdaySet(1),
			want: []models.Weekday{models.Sunday},
		},
		{
			name: "bit 6 is Saturday",
			set:  models.WeekdaySet(1 << 6),
			want: []models.Weekday{models.Saturday},
		},
		{
			name: "an unknown weekday adds nothing to a new set",
			set:  models.NewWeekdaySet(models.Weekday("FUNDAY"), models.Monday),
			want: []models.Weekday{models.Monday},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, tt.set.Days(), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Days() (-want +got):\n%s", diff)
			}
		})
	}
}

func TestWeekdaySetHas(t *testing.T) {
	friSat := models.NewWeekdaySet(models.Friday, models.Saturday)
	tests := []struct {
		name string
		set  models.WeekdaySet
		day  models.Weekday
		want bool
	}{
		{name: "a day in the set is there", set: friSat, day: models.Friday, want: true},
		{name: "the other day in the set is there", set: friSat, day: models.Saturday, want: true},
		{name: "a day outside the set is not there", set: friSat, day: models.Thursday, want: false},
		{name: "the empty set has no Sunday", set: 0, day: models.Sunday, want: false},
		{name: "an unknown weekday is never there", set: models.NewWeekdaySet(models.AllWeekdays...), day: "FUNDAY", want: false},
		{name: "a lower-case name is not a weekday", set: models.NewWeekdaySet(models.AllWeekdays...), day: "friday", want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.set.Has(tt.day); got != tt.want {
				t.Errorf("%v.Has(%q) = %t, want %t", tt.set.Days(), tt.day, got, tt.want)
			}
		})
	}
}

func TestWeekdaySetLen(t *testing.T) {
	tests := []struct {
		name string
		set  models.WeekdaySet
		want int
	}{
		{name: "the empty set holds no days", set: 0, want: 0},
		{name: "one day holds one", set: models.NewWeekdaySet(models.Tuesday), want: 1},
		{name: "Sunday to Wednesday holds four", set: models.NewWeekdaySet(models.Sunday, models.Monday, models.Tuesday, models.Wednesday), want: 4},
		{name: "every weekday holds seven", set: models.NewWeekdaySet(models.AllWeekdays...), want: 7},
		{name: "a stray eighth bit is not counted as a day", set: models.WeekdaySet(0xFF), want: 7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.set.Len(); got != tt.want {
				t.Errorf("Len() = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestWeekdayIsValid(t *testing.T) {
	tests := []struct {
		name string
		day  models.Weekday
		want bool
	}{
		{name: "Sunday is a weekday", day: models.Sunday, want: true},
		{name: "Saturday is a weekday", day: models.Saturday, want: true},
		{name: "the API spelling in capitals is a weekday", day: "WEDNESDAY", want: true},
		{name: "the empty name is not a weekday", day: "", want: false},
		{name: "a lower-case name is not a weekday", day: "monday", want: false},
		{name: "an abbreviation is not a weekday", day: "MON", want: false},
		{name: "a made-up name is not a weekday", day: "FUNDAY", want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.day.IsValid(); got != tt.want {
				t.Errorf("Weekday(%q).IsValid() = %t, want %t", tt.day, got, tt.want)
			}
		})
	}
}
