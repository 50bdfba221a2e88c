package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"coursegraph/models"
	"coursegraph/store"
	"coursegraph/store/storetest"

	"github.com/google/go-cmp/cmp"
	"gorm.io/gorm/schema"
)

func TestMigratedSchemaHasEveryColumnAndIndexTheModelsNeed(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		m := s.Migrator()
		for _, model := range []any{&models.Course{}, &models.Batch{}, &models.Schedule{}, &models.Centre{}, &models.User{}, &models.Session{}, &models.AuditEntry{}, &models.Article{}, &models.Tag{}, &models.ArticleTag{}, &models.Comment{}, &models.Enquiry{}, &models.EnquiryNote{}, &models.OutboxMessage{}} {
			sch, err := schema.Parse(model, &sync.Map{}, schema.NamingStrategy{})
			if err != nil {
				t.Fatal(err)
			}
			if !m.HasTable(model) {
				t.Fatalf("table %s is missing", sch.Table)
			}
			for _, f := range sch.Fields {
				if f.DBName != "" && !m.HasColumn(model, f.DBName) {
					t.Errorf("column %s.%s is missing", sch.Table, f.DBName)
				}
			}
			for _, idx := range sch.ParseIndexes() {
				if !m.HasIndex(model, idx.Name) {
					t.Errorf("index %s on %s is missing", idx.Name, sch.Table)
				}
			}
		}
	})
}

func TestMigrateTwiceAppliesNothingTheSecondTime(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		n, err := s.Migrate(context.Background())
		if err != nil || n != 0 {
			t.Fatalf("second Migrate = %d, %v; want 0, nil", n, err)
		}
		pending, err := s.HasPendingMigrations(context.Background())
		if err != nil || pending {
			t.Fatalf("HasPendingMigrations = %v, %v; want false", pending, err)
		}
	})
}

func TestCoursesPagesByKeysetInEveryOrder(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		fees := []models.Amount{900000, 450000, 450000, 1250000, 650000}
		titles := []string{"delta", "Alpha", "charlie", "Bravo", "echo"}
		for i := range fees {
			storetest.CreateCourse(t, s, func(c *models.Course) { c.Title, c.FeeAmount = titles[i], fees[i] })
		}
		for _, tc := range []struct {
			name  string
			order models.CourseOrder
			want  []string
		}{
			{"by title ignoring case", models.CourseOrder{}, []string{"Alpha", "Bravo", "charlie", "delta", "echo"}},
			{"by fee, ties by id", models.CourseOrder{Field: models.CourseOrderFee}, []string{"Alpha", "charlie", "echo", "delta", "Bravo"}},
			{"by fee descending", models.CourseOrder{Field: models.CourseOrderFee, Direction: models.Desc}, []string{"Bravo", "delta", "echo", "charlie", "Alpha"}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				var got []string
				page := models.PageArgs{First: 2}
				for range 10 {
					rows, err := s.Courses(ctx, models.CourseFilter{}, tc.order, page)
					if err != nil {
						t.Fatal(err)
					}
					more := len(rows) > page.First
					rows = rows[:min(len(rows), page.First)]
					for _, c := range rows {
						got = append(got, c.Row.Title)
					}
					if !more {
						break
					}
					last := rows[len(rows)-1]
					page.After = &models.Cursor{Key: last.Key, ID: last.Row.ID}
				}
				if diff := cmp.Diff(tc.want, got); diff != "" {
					t.Errorf("pages (-want +got):\n%s", diff)
				}
			})
		}
	})
}

func TestCourseFilters(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		storetest.CreateCourse(t, s, func(c *models.Course) {
			c.Title, c.Category, c.FeeAmount, c.Topics = "Office", "Office Applications", 450000, []string{"MS Word", "100%_done"}
			c.WeekdaySet = models.NewWeekdaySet(models.Sunday, models.Monday)
		})
		storetest.CreateCourse(t, s, func(c *models.Course) {
			c.Title, c.Category, c.FeeAmount = "Graphic Design", "Design", 850000
		})
		storetest.CreateCourse(t, s, func(c *models.Course) {
			c.Title, c.Category, c.Active = "Old Course", "Design", false
		})
		yes, no := true, false
		str := func(s string) *string { return &s }
		amt := func(a models.Amount) *models.Amount { return &a }
		day := func(d models.Weekday) *models.Weekday { return &d }
		for _, tc := range []struct {
			name   string
			filter models.CourseFilter
			want   []string
		}{
			{"active only", models.CourseFilter{Active: &yes}, []string{"Graphic Design", "Office"}},
			{"archived only", models.CourseFilter{Active: &no}, []string{"Old Course"}},
			{"category in any case", models.CourseFilter{Category: str("design")}, []string{"Graphic Design", "Old Course"}},
			{"held on Sunday", models.CourseFilter{Weekday: day(models.Sunday)}, []string{"Office"}},
			{"fee range", models.CourseFilter{MinFee: amt(500000), MaxFee: amt(900000), Active: &yes}, []string{"Graphic Design"}},
			{"search in topics in any case", models.CourseFilter{Search: str("ms word")}, []string{"Office"}},
			{"search wildcards match literally", models.CourseFilter{Search: str("0%_")}, []string{"Office"}},
			{"search percent alone matches no title", models.CourseFilter{Search: str("%ZZ")}, nil},
		} {
			t.Run(tc.name, func(t *testing.T) {
				rows, err := s.Courses(ctx, tc.filter, models.CourseOrder{}, models.PageArgs{First: 10})
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, c := range rows {
					got = append(got, c.Row.Title)
				}
				if diff := cmp.Diff(tc.want, got); diff != "" {
					t.Errorf("(-want +got):\n%s", diff)
				}
				n, err := s.CountCourses(ctx, tc.filter)
				if err != nil || n != len(tc.want) {
					t.Errorf("CountCourses = %d, %v; want %d", n, err, len(tc.want))
				}
			})
		}
	})
}

func TestLookupsOfMissingRowsAreNotFound(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		_, err := s.CourseBySlug(context.Background(), "nope")
		var me *models.Error
		if !errorsAs(err, &me) || me.Code != models.NotFound {
			t.Fatalf("CourseBySlug(missing) error = %v; want NotFound", err)
		}
	})
}

func TestUpsertCourseBySlugIsIdempotent(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		a := storetest.CreateCourse(t, s, func(c *models.Course) { c.Slug = "Web-Design" })
		b := storetest.CreateCourse(t, s, func(c *models.Course) { c.Slug = "web-design"; c.Title = "Web Design 2" })
		if a.ID != b.ID {
			t.Fatalf("upsert by the same slug made two courses: %d and %d", a.ID, b.ID)
		}
		got, err := s.CourseBySlug(ctx, "WEB-DESIGN")
		if err != nil || got.Title != "Web Design 2" {
			t.Fatalf("CourseBySlug = %+v, %v", got, err)
		}
	})
}

func TestSchedulesFilterAndOrderByBatch(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		evening := storetest.CreateBatch(t, s, func(b *models.Batch) {
			b.Ordinal, b.Period, b.StartTime, b.EndTime = 5, models.Evening, 16*60, 17*60+30
		})
		morning := storetest.CreateBatch(t, s, func(b *models.Batch) { b.Ordinal = 1 })
		c := storetest.CreateCourse(t, s)
		full := storetest.CreateSchedule(t, s, c, evening, func(sc *models.Schedule) { sc.SeatsTaken = 20 })
		open := storetest.CreateSchedule(t, s, c, morning)
		yes := true
		eve := models.Evening
		ids := func(f models.ScheduleFilter) []uint {
			rows, err := s.Schedules(ctx, f, models.PageArgs{First: 10})
			if err != nil {
				t.Fatal(err)
			}
			var out []uint
			for _, r := range rows {
				out = append(out, r.Row.ID)
			}
			return out
		}
		if diff := cmp.Diff([]uint{open.ID, full.ID}, ids(models.ScheduleFilter{})); diff != "" {
			t.Errorf("all, by batch (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]uint{open.ID}, ids(models.ScheduleFilter{HasSeatsLeft: &yes})); diff != "" {
			t.Errorf("with seats left (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]uint{full.ID}, ids(models.ScheduleFilter{Period: &eve})); diff != "" {
			t.Errorf("evening (-want +got):\n%s", diff)
		}
	})
}

func errorsAs(err error, target **models.Error) bool { return errors.As(err, target) }

func TestACourseWithoutTopicsReadsBackInEveryRead(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		bare := storetest.CreateCourse(t, s, func(c *models.Course) { c.Title, c.Topics = "No Topics", nil })
		other := storetest.CreateCourse(t, s, func(c *models.Course) { c.Title, c.Topics = "Two Topics", []string{"A", "B"} })
		page, err := s.Courses(ctx, models.CourseFilter{}, models.CourseOrder{}, models.PageArgs{First: 10})
		if err != nil || len(page) != 2 {
			t.Fatalf("list with a course without topics: %d courses, %v", len(page), err)
		}
		got, err := s.CourseByID(ctx, bare.ID)
		if err != nil || len(got.Topics) != 0 {
			t.Errorf("by id: %v, %v", got, err)
		}
		both, err := s.CoursesByIDs(ctx, []uint{bare.ID, other.ID})
		if err != nil || len(both) != 2 {
			t.Fatalf("by ids: %v, %v", both, err)
		}
		for _, c := range both {
			if c.ID == other.ID && len(c.Topics) != 2 {
				t.Errorf("the other course's topics: %v", c.Topics)
			}
		}
	})
}
