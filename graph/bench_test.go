package graph_test

import (
	"encoding/json"
	"testing"

	"coursegraph/apitest"
	"coursegraph/models"
	"coursegraph/store/storetest"
)

// The benchmarks measure one GraphQL request through the handler chain the tests
// use (request log, NewHandler, loaders, service, store) on in-memory SQLite:
//
//	go test -run '^$' -bench . ./graph/

func benchQuery(b *testing.B, a *apitest.API, query string) {
	b.ReportAllocs()
	for b.Loop() {
		a.OK(query, nil)
		a.Log.Reset()
	}
}

func BenchmarkCatalogueQuery(b *testing.B) {
	a, _ := readFixture(b, storetest.OpenSQLite(b))
	benchQuery(b, a, `{ courses { totalCount edges { node { title fee { formatted } weekdays schedules { batch { name startTime endTime } } } } } }`)
}

// BenchmarkCoursesNestedFiftyCourses is the query of
// TestRelationsCostTheSameStatementsWhateverThePageSize: a page of 50 courses, their
// 100 schedules, and each schedule's batch and course.
func BenchmarkCoursesNestedFiftyCourses(b *testing.B) {
	const query = `{ courses(first: 50) { edges { node { schedules { batch { name } course { title } } } } } }`
	s := storetest.OpenSQLite(b)
	morning := storetest.CreateBatch(b, s, func(bt *models.Batch) { bt.Ordinal = 1 })
	evening := storetest.CreateBatch(b, s, func(bt *models.Batch) { bt.Ordinal, bt.Period = 2, models.Evening })
	for range 60 {
		c := storetest.CreateCourse(b, s)
		storetest.CreateSchedule(b, s, c, morning)
		storetest.CreateSchedule(b, s, c, evening)
	}
	a := apitest.New(b, s)
	var got struct {
		Courses struct {
			Edges []struct{ Node struct{ Schedules []any } }
		}
	}
	if err := json.Unmarshal(a.OK(query, nil), &got); err != nil || len(got.Courses.Edges) != 50 || len(got.Courses.Edges[49].Node.Schedules) != 2 {
		b.Fatalf("expected 50 courses with 2 schedules each; got %d (%v)", len(got.Courses.Edges), err)
	}
	benchQuery(b, a, query)
}

func BenchmarkCourseBySlug(b *testing.B) {
	s := storetest.OpenSQLite(b)
	c := newCatalogue(b, s)
	a := apitest.New(b, s)
	query := `{ course(slug: "` + c.courses[0].Slug + `") { id title summary topics weekdays fee { amount currency formatted } schedules { weekdays startsOn seatsLeft status batch { name period durationMinutes } } } }`
	if got := string(a.OK(query, nil)); got == `{"course":null}` {
		b.Fatal("the course was not found: the benchmark would measure a null answer")
	}
	benchQuery(b, a, query)
}
