package graph_test

import (
	"testing"

	"coursegraph/models"
	"coursegraph/store"
	"coursegraph/store/storetest"
)

// missing is the global id of a row of kind that no test makes (key 999999, far
// past the few rows a test inserts): the id of an unknown row.
func missing(kind string) string { return models.GlobalID(kind, 999999) }

// catalogue is a small catalogue made for one test, whose parents all differ: two
// courses (different titles, slugs, fees and weekdays), two batches (a morning
// and an evening one) and one schedule of each course in its own batch, so that
// a relation read from the wrong parent shows.
type catalogue struct {
	courses   [2]*models.Course
	batches   [2]*models.Batch
	schedules [2]*models.Schedule // schedules[i] is courses[i] in batches[i]
}

// newCatalogue makes a catalogue in s; opts[i], when given and not nil, changes
// courses[i] before it is written.
func newCatalogue(t testing.TB, s *store.Store, opts ...func(*models.Course)) catalogue {
	t.Helper()
	var c catalogue
	c.batches[0] = storetest.CreateBatch(t, s, func(b *models.Batch) {
		b.StartTime, b.EndTime, b.Period = 8*60, 9*60+30, models.Morning
	})
	c.batches[1] = storetest.CreateBatch(t, s, func(b *models.Batch) {
		b.StartTime, b.EndTime, b.Period = 18*60, 19*60+30, models.Evening
	})
	days := []models.WeekdaySet{models.NewWeekdaySet(models.Friday, models.Saturday), models.NewWeekdaySet(models.Sunday, models.Tuesday)}
	for i := range c.courses {
		c.courses[i] = storetest.CreateCourse(t, s, func(co *models.Course) {
			co.FeeAmount, co.WeekdaySet = models.Amount(400000+100000*i), days[i]
			if i < len(opts) && opts[i] != nil {
				opts[i](co)
			}
		})
		c.schedules[i] = storetest.CreateSchedule(t, s, c.courses[i], c.batches[i])
	}
	return c
}
