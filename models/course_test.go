package models_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"coursegraph/models"
)

func TestCourseFilterValidate(t *testing.T) {
	tests := []struct {
		name      string
		filter    models.CourseFilter
		wantField string // "" means the filter is valid
	}{
		{name: "a filter with every field nil is valid", filter: models.CourseFilter{}},
		{
			name: "a filter with every field set sensibly is valid",
			filter: models.CourseFilter{
				Category: ptr("Programming"),
				Weekday:  ptr(models.Friday),
				MinFee:   ptr(models.Amount(100000)),
				MaxFee:   ptr(models.Amount(500000)),
				Search:   ptr("go"),
				Active:   ptr(true),
			},
		},
		{name: "a zero minFee is valid", filter: models.CourseFilter{MinFee: ptr(models.Amount(0))}},
		{name: "minFee equal to maxFee is valid", filter: models.CourseFilter{MinFee: ptr(models.Amount(450000)), MaxFee: ptr(models.Amount(450000))}},
		{name: "a search of exactly 200 characters is valid", filter: models.CourseFilter{Search: ptr(strings.Repeat("a", 200))}},
		{name: "an empty search is valid", filter: models.CourseFilter{Search: ptr("")}},
		{
			// Characters, not bytes: 100 Bengali letters are 300 bytes in UTF-8.
			name:   "a search of 100 Bengali characters is valid",
			filter: models.CourseFilter{Search: ptr(strings.Repeat("ক", 100))},
		},
		{name: "a negative minFee names filter.minFee", filter: models.CourseFilter{MinFee: ptr(models.Amount(-1))}, wantField: "filter.minFee"},
		{name: "a negative maxFee names filter.maxFee", filter: models.CourseFilter{MaxFee: ptr(models.Amount(-1))}, wantField: "filter.maxFee"},
		{name: "minFee above maxFee names filter.maxFee", filter: models.CourseFilter{MinFee: ptr(models.Amount(500000)), MaxFee: ptr(models.Amount(499999))}, wantField: "filter.maxFee"},
		{name: "a search of 201 characters names filter.search", filter: models.CourseFilter{Search: ptr(strings.Repeat("a", 201))}, wantField: "filter.search"},
		{name: "an unknown weekday names filter.weekday", filter: models.CourseFilter{Weekday: ptr(models.Weekday("FUNDAY"))}, wantField: "filter.weekday"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkInvalidField(t, tt.filter.Validate("filter"), tt.wantField)
		})
	}
}

func TestCourseFilterValidateUsesThePrefix(t *testing.T) {
	tests := []struct {
		name   string
		prefix string
		want   string
	}{
		{name: "the field is named under the given prefix", prefix: "where", want: "where.minFee"},
		{name: "a nested prefix is kept whole", prefix: "input.filter", want: "input.filter.minFee"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := models.CourseFilter{MinFee: ptr(models.Amount(-5))}.Validate(tt.prefix)
			if got := asError(t, err).Field; got != tt.want {
				t.Errorf("Field = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCourseOrderNormalized(t *testing.T) {
	tests := []struct {
		name string
		in   models.CourseOrder
		want models.CourseOrder
	}{
		{
			name: "the zero order is by title ascending",
			in:   models.CourseOrder{},
			want: models.CourseOrder{Field: models.CourseOrderTitle, Direction: models.Asc},
		},
		{
			name: "a field without a direction is ascending",
			in:   models.CourseOrder{Field: models.CourseOrderFee},
			want: models.CourseOrder{Field: models.CourseOrderFee, Direction: models.Asc},
		},
		{
			name: "a direction without a field is by title",
			in:   models.CourseOrder{Direction: models.Desc},
			want: models.CourseOrder{Field: models.CourseOrderTitle, Direction: models.Desc},
		},
		{
			name: "a full order is kept as it is",
			in:   models.CourseOrder{Field: models.CourseOrderCreated, Direction: models.Desc},
			want: models.CourseOrder{Field: models.CourseOrderCreated, Direction: models.Desc},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, tt.in.Normalized()); diff != "" {
				t.Errorf("Normalized() (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCourseFeeAndWeekdays(t *testing.T) {
	tests := []struct {
		name         string
		course       models.Course
		wantFee      models.Money
		wantWeekdays []models.Weekday
	}{
		{
			name:         "the fee pairs the amount with the currency and days come Sunday first",
			course:       models.Course{FeeAmount: 450000, FeeCurrency: "BDT", WeekdaySet: models.NewWeekdaySet(models.Saturday, models.Friday)},
			wantFee:      models.Money{Amount: 450000, Currency: "BDT"},
			wantWeekdays: []models.Weekday{models.Friday, models.Saturday},
		},
		{
			name:         "a course on Sunday to Wednesday lists those four days",
			course:       models.Course{FeeAmount: 1250, FeeCurrency: "USD", WeekdaySet: models.NewWeekdaySet(models.Sunday, models.Monday, models.Tuesday, models.Wednesday)},
			wantFee:      models.Money{Amount: 1250, Currency: "USD"},
			wantWeekdays: []models.Weekday{models.Sunday, models.Monday, models.Tuesday, models.Wednesday},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.wantFee, tt.course.Fee()); diff != "" {
				t.Errorf("Fee() (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantWeekdays, tt.course.Weekdays()); diff != "" {
				t.Errorf("Weekdays() (-want +got):\n%s", diff)
			}
		})
	}
}
