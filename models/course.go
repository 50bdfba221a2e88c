package models

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Course is a course in the catalogue.
type Course struct {
	ID              uint       `gorm:"primaryKey"`
	Slug            string     `gorm:"size:120;not null;uniqueIndex:ux_courses_slug"`
	Title           string     `gorm:"size:200;not null;index:ix_courses_active_title,priority:2"`
	Summary         string     `gorm:"size:500;not null"`
	Description     string     `gorm:"type:text;not null"`
	Category        string     `gorm:"size:80;not null;index:ix_courses_category"`
	Topics          []string   `gorm:"type:text;not null;serializer:json"`
	DurationMonths  int        `gorm:"not null"`
	SessionsPerWeek int        `gorm:"not null"`
	WeekdaySet      WeekdaySet `gorm:"column:weekdays;not null"`
	FeeAmount       Amount     `gorm:"not null;index:ix_courses_active_fee,priority:2"`
	FeeCurrency     string     `gorm:"size:3;not null"`
	Active          bool       `gorm:"not null;index:ix_courses_active_title,priority:1;index:ix_courses_active_fee,priority:1;index:ix_courses_active_created,priority:1"`
	CreatedAt       time.Time  `gorm:"not null;index:ix_courses_active_created,priority:2"`
	UpdatedAt       time.Time  `gorm:"not null"`
}

// Weekdays returns the days the course is held, Sunday first.
func (c *Course) Weekdays() []Weekday { return c.WeekdaySet.Days() }

// Fee returns the course fee.
func (c *Course) Fee() Money { return Money{Amount: c.FeeAmount, Currency: c.FeeCurrency} }

// NormalizeSlug lower-cases and trims a slug, so that lookups match on every engine
// (MySQL collations ignore case; SQLite's do not).
func NormalizeSlug(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// CourseFilter selects courses; every condition that is set must hold.
type CourseFilter struct {
	Category *string
	Weekday  *Weekday
	MinFee   *Amount
	MaxFee   *Amount
	Search   *string
	Active   *bool
}

// Validate checks the filter; it returns an Invalid error naming the field at fault
// under the path prefix (for example "filter").
func (f CourseFilter) Validate(prefix string) error {
	if f.MinFee != nil && *f.MinFee < 0 {
		return InvalidField(prefix+".minFee", "must not be negative")
	}
	if f.MaxFee != nil && *f.MaxFee < 0 {
		return InvalidField(prefix+".maxFee", "must not be negative")
	}
	if f.MinFee != nil && f.MaxFee != nil && *f.MinFee > *f.MaxFee {
		return InvalidField(prefix+".maxFee", "must not be below minFee")
	}
	if f.Search != nil && utf8.RuneCountInString(*f.Search) > 200 {
		return InvalidField(prefix+".search", "must be at most 200 characters")
	}
	if f.Weekday != nil && !f.Weekday.IsValid() {
		return InvalidField(prefix+".weekday", "is not a weekday")
	}
	return nil
}

// CourseOrderField is what courses can be ordered by.
type CourseOrderField string

// The course orderings.
const (
	CourseOrderTitle   CourseOrderField = "TITLE"
	CourseOrderFee     CourseOrderField = "FEE"
	CourseOrderCreated CourseOrderField = "CREATED"
)

// OrderDirection is ascending or descending.
type OrderDirection string

// The directions.
const (
	Asc  OrderDirection = "ASC"
	Desc OrderDirection = "DESC"
)

// CourseOrder is how to order a list of courses. The zero value orders by title.
type CourseOrder struct {
	Field     CourseOrderField
	Direction OrderDirection
}

// Normalized fills in the defaults: by title, ascending.
func (o CourseOrder) Normalized() CourseOrder {
	if o.Field == "" {
		o.Field = CourseOrderTitle
	}
	if o.Direction == "" {
		o.Direction = Asc
	}
	return o
}
