package models

import (
	"fmt"
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

// CourseInput is a new course, or the changes to one: nil fields stay as they are.
type CourseInput struct {
	Slug            *string
	Title           *string
	Summary         *string
	Description     *string
	Category        *string
	Topics          []string
	DurationMonths  *int
	SessionsPerWeek *int
	Weekdays        []Weekday
	Fee             *Amount
}

// Apply writes the input's set fields onto c (trimmed, slug normalised) and returns
// the changes.
func (c *Course) Apply(in CourseInput) Changes {
	var ch Changes
	for _, s := range []*string{in.Slug, in.Title, in.Summary, in.Description, in.Category} {
		trim(s)
	}
	if in.Slug != nil {
		*in.Slug = NormalizeSlug(*in.Slug)
	}
	set(&ch, "slug", &c.Slug, in.Slug)
	set(&ch, "title", &c.Title, in.Title)
	set(&ch, "summary", &c.Summary, in.Summary)
	set(&ch, "description", &c.Description, in.Description)
	set(&ch, "category", &c.Category, in.Category)
	if in.Topics != nil {
		topics := make([]string, len(in.Topics))
		for i, t := range in.Topics {
			topics[i] = strings.TrimSpace(t)
		}
		set(&ch, "topics", &c.Topics, &topics)
	}
	set(&ch, "durationMonths", &c.DurationMonths, in.DurationMonths)
	set(&ch, "sessionsPerWeek", &c.SessionsPerWeek, in.SessionsPerWeek)
	if in.Weekdays != nil {
		days := NewWeekdaySet(in.Weekdays...)
		ch.Record("weekdays", c.Weekdays(), days.Days(), false)
		c.WeekdaySet = days
	}
	set(&ch, "fee", &c.FeeAmount, in.Fee)
	return ch
}

// Validate checks a course as it would be stored; prefix is the input's path
// ("input"), so that errors name the input field at fault.
func (c *Course) Validate(prefix string) error {
	checks := []error{
		ValidateText(prefix+".title", c.Title, 1, 200),
		ValidateSlug(prefix+".slug", c.Slug),
		ValidateText(prefix+".summary", c.Summary, 0, 500),
		ValidateText(prefix+".description", c.Description, 0, 20000),
		ValidateText(prefix+".category", c.Category, 1, 80),
	}
	for _, err := range checks {
		if err != nil {
			return err
		}
	}
	if len(c.Topics) > 50 {
		return InvalidField(prefix+".topics", "must have at most 50 topics")
	}
	for i, t := range c.Topics {
		if err := ValidateText(fmt.Sprintf("%s.topics.%d", prefix, i), t, 1, 200); err != nil {
			return err
		}
	}
	switch {
	case c.DurationMonths < 1 || c.DurationMonths > 36:
		return InvalidField(prefix+".durationMonths", "must be between 1 and 36")
	case c.SessionsPerWeek < 1 || c.SessionsPerWeek > 7:
		return InvalidField(prefix+".sessionsPerWeek", "must be between 1 and 7")
	case c.WeekdaySet.Len() == 0:
		return InvalidField(prefix+".weekdays", "must name at least one day")
	case c.WeekdaySet.Len() != c.SessionsPerWeek:
		return InvalidField(prefix+".weekdays", "must name as many days as sessionsPerWeek (%d)", c.SessionsPerWeek)
	case c.FeeAmount < 0:
		return InvalidField(prefix+".fee", "must not be negative")
	case c.FeeAmount > 100_000_000_00:
		return InvalidField(prefix+".fee", "is too large")
	}
	return nil
}
