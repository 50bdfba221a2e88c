// Package seed writes the demo data: a fictional centre with the course list, fees
// and class times of the seed documents. Running it again updates the same rows
// (courses by slug, batches by ordinal) instead of adding new ones.
//
// It may import models and store.
package seed

import (
	"context"
	"errors"
	"fmt"

	"coursegraph/models"
	"coursegraph/store"
)

// IsEmpty reports whether the database has never been seeded (it has no centre).
func IsEmpty(ctx context.Context, st *store.Store) (bool, error) {
	_, err := st.Centre(ctx)
	if me, ok := errors.AsType[*models.Error](err); ok && me.Code == models.NotFound {
		return true, nil
	}
	return false, err
}

// Run writes the demo data in one transaction.
func Run(ctx context.Context, st *store.Store) error {
	return st.WithTx(ctx, func(tx *store.Store) error {
		if err := tx.SaveCentre(ctx, centre()); err != nil {
			return err
		}
		batches := make(map[int]*models.Batch)
		for _, b := range batchList() {
			if err := tx.UpsertBatch(ctx, b); err != nil {
				return err
			}
			batches[b.Ordinal] = b
		}
		for _, c := range courseList() {
			course := c.course
			if err := tx.UpsertCourse(ctx, &course); err != nil {
				return err
			}
			existing, err := tx.SchedulesByCourseIDs(ctx, []uint{course.ID})
			if err != nil {
				return err
			}
			if len(existing) > 0 {
				continue // schedules are seeded once; staff may have changed them since
			}
			for _, o := range c.offers {
				sc := &models.Schedule{
					CourseID: course.ID, BatchID: batches[o.batch].ID, WeekdaySet: course.WeekdaySet,
					Capacity: o.capacity, SeatsTaken: o.taken, StartsOn: o.startsOn,
				}
				if err := tx.CreateSchedule(ctx, sc); err != nil {
					return fmt.Errorf("seed schedule of %s: %w", course.Slug, err)
				}
			}
		}
		return seedArticles(ctx, tx)
	})
}

func centre() *models.Centre {
	return &models.Centre{
		Name:     "Lakeside Computer Training Centre",
		Address:  []string{"House 12, Road 4, Lakeside Block", "Mirpur, Dhaka-1216", "Bangladesh"},
		Phone:    "+880 1700-000000",
		Email:    "hello@lakeside-training.example",
		Timezone: "Asia/Dhaka",
		Currency: "BDT",
		Links: []models.CentreLink{
			{Label: "Facebook", URL: "https://facebook.example/lakeside-training"},
			{Label: "Blog", URL: "https://blog.lakeside-training.example"},
		},
	}
}

func batchList() []*models.Batch {
	ordinals := []string{"1st", "2nd", "3rd", "4th", "5th", "6th", "7th", "8th"}
	starts := []models.LocalTime{8 * 60, 9*60 + 30, 11 * 60, 12*60 + 30, 16 * 60, 17*60 + 30, 19 * 60, 20*60 + 30}
	out := make([]*models.Batch, len(starts))
	for i, start := range starts {
		period := models.Morning
		if i >= 4 {
			period = models.Evening
		}
		out[i] = &models.Batch{Name: ordinals[i] + " Batch", Ordinal: i + 1, StartTime: start, EndTime: start + 90, Period: period}
	}
	return out
}

type offer struct {
	batch           int
	capacity, taken int
	startsOn        *models.Date
}

type seededCourse struct {
	course models.Course
	offers []offer
}

func date(s string) *models.Date {
	d, err := models.ParseDate(s)
	if err != nil {
		panic(err) // the literals below are valid dates
	}
	return &d
}

func days(s string) models.WeekdaySet {
	set, err := models.ParseWeekdays(s)
	if err != nil {
		panic(err) // the literals below are valid weekdays
	}
	return set
}

func courseList() []seededCourse {
	course := func(slug, title, category, summary, description string, topics []string, months, perWeek int, weekdays string, fee models.Amount) models.Course {
		return models.Course{
			Slug: slug, Title: title, Category: category, Summary: summary, Description: description,
			Topics: topics, DurationMonths: months, SessionsPerWeek: perWeek, WeekdaySet: days(weekdays),
			FeeAmount: fee * 100, FeeCurrency: "BDT", Active: true,
		}
	}
	return []seededCourse{
		{course("office-basic-computer", "Office/Basic Computer Course", "Office Applications",
			"Everyday computing from the first click: documents, spreadsheets, slides, typing and email.",
			"A first course for anyone who needs a computer at work or school. Students write and format letters, build simple spreadsheets, make a slide show, learn to type in Bangla and English, and use email and the web safely.",
			[]string{"MS Word", "MS Excel", "MS PowerPoint", "Bangla Typing, English Typing", "Email and Internet"}, 2, 4, "Sun+Mon+Tue+Wed", 4500),
			[]offer{{1, 20, 12, date("2026-12-06")}, {2, 20, 20, date("2026-12-06")}, {5, 20, 7, date("2026-12-06")}, {6, 20, 3, date("2027-01-03")}}},
		{course("graphic-design", "Graphic Design Course", "Design",
			"Photo editing and vector illustration for print and social media.",
			"Students retouch and compose photos in Photoshop and draw logos, icons and layouts in Illustrator, finishing with a small portfolio of real-world pieces.",
			[]string{"Adobe Photoshop", "Adobe Illustrator"}, 3, 2, "Fri+Sat", 8500),
			[]offer{{1, 15, 9, date("2026-12-04")}, {5, 15, 4, date("2026-12-04")}}},
		{course("web-design", "Web Design Course", "Web",
			"Build and publish responsive web pages with HTML5 and CSS3.",
			"From the structure of a page to layouts that work on phones: semantic HTML5, CSS3 selectors, flexbox and grid, and putting a site online.",
			[]string{"HTML 5", "CSS 3"}, 3, 2, "Fri+Sat", 8500),
			[]offer{{2, 15, 6, date("2026-12-04")}, {6, 15, 11, date("2026-12-04")}}},
		{course("video-editing", "Video Editing Course", "Multimedia",
			"Cut, colour and export videos in Adobe Premiere Pro.",
			"Students learn the editing workflow end to end: importing footage, cutting on the timeline, titles, sound, colour correction and exporting for YouTube and social media.",
			[]string{"Adobe Premiere Pro"}, 3, 2, "Fri+Sat", 9500),
			[]offer{{3, 12, 5, date("2026-12-11")}, {7, 12, 12, date("2026-12-11")}}},
		{course("digital-marketing", "Digital Marketing Course", "Marketing",
			"Reach customers on social media, search and email.",
			"Plan campaigns and measure them: Facebook, YouTube and Instagram marketing, search engine optimisation, Google Ads and email marketing, with a campaign for a real or imagined business.",
			[]string{"Facebook", "YouTube", "Instagram", "SEO", "Google Ads", "Email Marketing"}, 3, 2, "Fri+Sat", 12500),
			[]offer{{4, 20, 8, date("2026-12-11")}, {8, 20, 2, nil}}},
		{course("advanced-excel", "Advanced Excel", "Office Applications",
			"Lookups, advanced functions and reports for office work.",
			"For people who already use Excel: VLOOKUP and HLOOKUP, logical and text functions, pivot tables and charts that turn raw data into reports.",
			[]string{"VLOOKUP, HLOOKUP", "Advanced Functions and many more"}, 2, 2, "Fri+Sat", 6500),
			[]offer{{3, 15, 10, date("2026-12-04")}, {7, 15, 1, date("2026-12-04")}}},
	}
}
