package graph_test

import (
	"context"
	"strings"
	"testing"

	"coursegraph/apitest"
	"coursegraph/models"
	"coursegraph/store"
	"coursegraph/store/storetest"

	"github.com/google/go-cmp/cmp"
)

// fieldErr checks that a apitest.Response failed with code on field.
func fieldErr(t *testing.T, resp apitest.Response, wantCode, wantField string) {
	t.Helper()
	if len(resp.Errors) != 1 {
		t.Fatalf("want one error %s on %s, got %+v (data %s)", wantCode, wantField, resp.Errors, resp.Data)
	}
	e := resp.Errors[0]
	if e.Extensions["code"] != wantCode || (wantField != "" && e.Extensions["field"] != wantField) {
		t.Errorf("error = %v %q; want %s on %s", e.Extensions, e.Message, wantCode, wantField)
	}
}

// staffAPI returns the API signed in as a new user of each role.
func staffAPI(t *testing.T, s *store.Store) (admin, editor, staff *apitest.API) {
	a := apitest.New(t, s)
	a.AddUser("admin@example.com", models.RoleAdmin)
	a.AddUser("editor@example.com", models.RoleEditor)
	a.AddUser("staff@example.com", models.RoleStaff)
	return a.SignIn("admin@example.com", apitest.Password), a.SignIn("editor@example.com", apitest.Password), a.SignIn("staff@example.com", apitest.Password)
}

const createCourse = `mutation($in: CreateCourseInput!) { createCourse(input: $in) { id slug title topics weekdays fee { amount currency } active } }`

func courseInput(changes map[string]any) map[string]any {
	in := map[string]any{
		"title": "  Python Basics ", "category": "Programming", "topics": []string{"Syntax", " Lists "},
		"durationMonths": 2, "sessionsPerWeek": 2, "weekdays": []string{"FRIDAY", "SATURDAY"}, "fee": "7000",
	}
	for k, v := range changes {
		if v == nil {
			delete(in, k)
		} else {
			in[k] = v
		}
	}
	return map[string]any{"in": in}
}

func TestCreateCourseValidatesEachFieldAndChangesNothingOnFailure(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		admin, editor, _ := staffAPI(t, s)
		before := string(admin.OK(`{ auditLog { totalCount } }`, nil))
		for _, tc := range []struct {
			name    string
			changes map[string]any
			field   string
		}{
			{"a blank title", map[string]any{"title": "   "}, "input.title"},
			{"a title over 200 characters", map[string]any{"title": strings.Repeat("t", 201)}, "input.title"},
			{"a slug with spaces", map[string]any{"slug": "python basics"}, "input.slug"},
			{"a blank category", map[string]any{"category": ""}, "input.category"},
			{"no weekdays", map[string]any{"weekdays": []string{}}, "input.weekdays"},
			{"weekdays not matching sessions per week", map[string]any{"weekdays": []string{"FRIDAY"}}, "input.weekdays"},
			{"a negative fee", map[string]any{"fee": "-1"}, "input.fee"},
			{"a fee with three decimals", map[string]any{"fee": "1.005"}, "input.fee"},
			{"zero months", map[string]any{"durationMonths": 0}, "input.durationMonths"},
			{"eight sessions a week", map[string]any{"sessionsPerWeek": 8}, "input.sessionsPerWeek"},
			{"a blank topic", map[string]any{"topics": []string{"ok", " "}}, "input.topics.1"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				resp, _ := editor.Post(createCourse, courseInput(tc.changes))
				fieldErr(t, resp, "BAD_USER_INPUT", tc.field)
			})
		}
		if got := string(admin.OK(`{ courses(filter: {active: null}) { totalCount } }`, nil)); got != `{"courses":{"totalCount":0}}` {
			t.Errorf("failed mutations made courses: %s", got)
		}
		if after := string(admin.OK(`{ auditLog { totalCount } }`, nil)); after != before {
			t.Errorf("failed mutations wrote the audit log: %s, then %s", before, after)
		}
	})
}

func TestCreateCourseMakesASlugTrimsAndAuditsAndRefusesATakenSlug(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		admin, editor, _ := staffAPI(t, s)
		got := editor.OK(createCourse, courseInput(nil))
		stored, err := s.CourseBySlug(context.Background(), "python-basics")
		if err != nil {
			t.Fatalf("the new course is not stored: %v", err)
		}
		id := stored.GlobalID()
		want := `{"createCourse":{"id":"` + id + `","slug":"python-basics","title":"Python Basics","topics":["Syntax","Lists"],"weekdays":["FRIDAY","SATURDAY"],"fee":{"amount":"7000.00","currency":"BDT"},"active":true}}`
		if diff := cmp.Diff(want, string(got)); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
		resp, _ := editor.Post(createCourse, courseInput(map[string]any{"title": "Python basics!"}))
		fieldErr(t, resp, "CONFLICT", "input.slug")

		var log struct {
			AuditLog struct {
				TotalCount int
				Edges      []struct {
					Node struct {
						Action, EntityType, EntityID string
						Actor                        struct{ Email string }
						Changes                      []struct {
							Field    string
							From, To *string
						}
					}
				}
			}
		}
		apitest.Decode(t, admin.OK(`query($id: ID!) { auditLog(entityId: $id) { totalCount edges { node { action entityType entityId actor { email } changes { field from to } } } } }`, map[string]any{"id": id}), &log)
		if log.AuditLog.TotalCount != 1 {
			t.Fatalf("audit entries = %d, want 1", log.AuditLog.TotalCount)
		}
		e := log.AuditLog.Edges[0].Node
		if e.Action != "course.create" || e.EntityType != "Course" || e.EntityID != id || e.Actor.Email != "editor@example.com" {
			t.Errorf("audit entry = %+v", e)
		}
		fields := map[string]string{}
		for _, c := range e.Changes {
			if c.To != nil {
				fields[c.Field] = *c.To
			}
		}
		if fields["title"] != "Python Basics" || fields["fee"] != "7000.00" || fields["slug"] != "python-basics" {
			t.Errorf("audit changes = %v", fields)
		}

		var ids struct {
			AuditLog struct {
				Edges []struct{ Node struct{ ID string } }
			}
		}
		apitest.Decode(t, admin.OK(`{ auditLog(first: 1) { edges { node { id } } } }`, nil), &ids)
		entry := map[string]any{"id": ids.AuditLog.Edges[0].Node.ID}
		const byNode = `query($id: ID!) { node(id: $id) { ... on AuditEntry { action } } }`
		if got := string(admin.OK(byNode, entry)); got != `{"node":{"action":"course.create"}}` {
			t.Errorf("an audit entry by node(id:) = %s", got)
		}
		resp, _ = editor.Post(byNode, entry)
		fieldErr(t, resp, "FORBIDDEN", "")
	})
}

func TestUpdateAndArchiveCourse(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		c := newCatalogue(t, s, func(c *models.Course) { c.Slug = "graphic-design" }, func(c *models.Course) { c.Slug = "web-design" })
		admin, editor, _ := staffAPI(t, s)
		id := map[string]any{"id": c.courses[0].GlobalID()}
		vars := func(in map[string]any) map[string]any { return map[string]any{"id": id["id"], "in": in} }
		const update = `mutation($id: ID!, $in: UpdateCourseInput!) { updateCourse(id: $id, input: $in) { id } }`
		got := editor.OK(`mutation($id: ID!, $in: UpdateCourseInput!) { updateCourse(id: $id, input: $in) { fee { formatted } weekdays } }`,
			vars(map[string]any{"fee": "9000.50", "weekdays": []string{"THURSDAY", "FRIDAY"}}))

		if string(got) != `{"updateCourse":{"fee":{"formatted":"৳9,000.50"},"weekdays":["THURSDAY","FRIDAY"]}}` {
			t.Errorf("update = %s", got)
		}
		// Its schedule meets two days a week: three sessions would break it.
		resp, _ := editor.Post(update, vars(map[string]any{"sessionsPerWeek": 3, "weekdays": []string{"THURSDAY", "FRIDAY", "SATURDAY"}}))
		fieldErr(t, resp, "CONFLICT", "input.sessionsPerWeek")
		resp, _ = editor.Post(update, vars(map[string]any{"sessionsPerWeek": 4}))
		fieldErr(t, resp, "BAD_USER_INPUT", "input.weekdays")
		resp, _ = editor.Post(update, vars(map[string]any{"slug": c.courses[1].Slug}))
		fieldErr(t, resp, "CONFLICT", "input.slug")
		resp, _ = editor.Post(update, map[string]any{"id": missing(models.KindCourse), "in": map[string]any{"title": "x"}})
		fieldErr(t, resp, "NOT_FOUND", "")

		editor.OK(`mutation($id: ID!) { archiveCourse(id: $id) { active } }`, id)
		got = editor.OK(`{ courses { edges { node { slug } } } archived: courses(filter: {active: false}) { edges { node { slug active } } } }`, nil)
		if string(got) != `{"courses":{"edges":[{"node":{"slug":"web-design"}}]},"archived":{"edges":[{"node":{"slug":"graphic-design","active":false}}]}}` {
			t.Errorf("after archive: %s", got)
		}
		var log struct {
			AuditLog struct {
				Edges []struct{ Node struct{ Action string } }
			}
		}
		apitest.Decode(t, admin.OK(`query($id: ID!) { auditLog(entityId: $id) { edges { node { action } } } }`, id), &log)
		var actions []string
		for _, e := range log.AuditLog.Edges {
			actions = append(actions, e.Node.Action)
		}
		if diff := cmp.Diff([]string{"course.archive", "course.update"}, actions); diff != "" {
			t.Errorf("audit, newest first (-want +got):\n%s", diff)
		}
	})
}

func TestBatchRules(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		// A morning batch with a schedule, and an evening one last in the day.
		busy := storetest.CreateBatch(t, s, func(b *models.Batch) { b.Ordinal = 1 })
		storetest.CreateSchedule(t, s, storetest.CreateCourse(t, s), busy)
		storetest.CreateBatch(t, s, func(b *models.Batch) {
			b.Name, b.Ordinal, b.StartTime, b.EndTime, b.Period = "8th Batch", 8, 20*60+30, 22*60, models.Evening
		})
		admin, _, _ := staffAPI(t, s)
		const create = `mutation($in: CreateBatchInput!) { createBatch(input: $in) { name ordinal startTime endTime durationMinutes } }`
		const createWithID = `mutation($in: CreateBatchInput!) { createBatch(input: $in) { id } }`
		batch := func(start, end string, ordinal int) map[string]any {
			return map[string]any{"in": map[string]any{"name": "9th Batch", "ordinal": ordinal, "startTime": start, "endTime": end, "period": "EVENING"}}
		}
		resp, _ := admin.Post(create, batch("22:00", "21:00", 9))
		fieldErr(t, resp, "BAD_USER_INPUT", "input.endTime")
		resp, _ = admin.Post(create, batch("21:30", "22:30", 9))
		fieldErr(t, resp, "BAD_USER_INPUT", "input.startTime") // overlaps the 8th, 20:30-22:00
		resp, _ = admin.Post(create, batch("22:00", "23:00", 8))
		fieldErr(t, resp, "CONFLICT", "input.ordinal")
		morning := batch("22:00", "23:00", 9)
		morning["in"].(map[string]any)["period"] = "MORNING"
		resp, _ = admin.Post(create, morning)
		fieldErr(t, resp, "BAD_USER_INPUT", "input.period")
		resp, _ = admin.Post(create, batch("25:00", "23:00", 9))
		fieldErr(t, resp, "BAD_USER_INPUT", "input.startTime")
		got := admin.OK(create, batch("22:00", "23:30", 9))
		if string(got) != `{"createBatch":{"name":"9th Batch","ordinal":9,"startTime":"22:00","endTime":"23:30","durationMinutes":90}}` {
			t.Errorf("create = %s", got)
		}
		resp, _ = admin.Post(`mutation($id: ID!) { deleteBatch(id: $id) }`, map[string]any{"id": busy.GlobalID()})
		fieldErr(t, resp, "CONFLICT", "id") // it has a schedule
		var created struct{ CreateBatch struct{ ID string } }
		apitest.Decode(t, admin.OK(createWithID, batch("23:30", "23:45", 10)), &created)
		if got := string(admin.OK(`mutation($id: ID!) { deleteBatch(id: $id) }`, map[string]any{"id": created.CreateBatch.ID})); got != `{"deleteBatch":"`+created.CreateBatch.ID+`"}` {
			t.Errorf("delete = %s", got)
		}
		if got := string(admin.OK(`{ batches { ordinal } }`, nil)); strings.Count(got, "ordinal") != 3 {
			t.Errorf("after delete: %s", got)
		}
	})
}

func TestScheduleRules(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		c := newCatalogue(t, s)
		// The first schedule: 20 seats, 12 taken.
		sc := c.schedules[0]
		sc.SeatsTaken = 12
		if err := s.SaveSchedule(context.Background(), sc); err != nil {
			t.Fatal(err)
		}
		admin, _, _ := staffAPI(t, s)
		const update = `mutation($id: ID!, $in: UpdateScheduleInput!) { updateSchedule(id: $id, input: $in) { id } }`
		resp, _ := admin.Post(update, map[string]any{"id": sc.GlobalID(), "in": map[string]any{"capacity": 11}})
		fieldErr(t, resp, "BAD_USER_INPUT", "input.capacity")
		resp, _ = admin.Post(update, map[string]any{"id": sc.GlobalID(), "in": map[string]any{"weekdays": []string{"FRIDAY"}}})
		fieldErr(t, resp, "BAD_USER_INPUT", "input.weekdays")
		const create = `mutation($in: CreateScheduleInput!) { createSchedule(input: $in) { weekdays startsOn seatsLeft status course { slug } batch { name } } }`
		resp, _ = admin.Post(create, map[string]any{"in": map[string]any{"courseId": missing(models.KindCourse), "batchId": c.batches[0].GlobalID(), "capacity": 5}})
		fieldErr(t, resp, "BAD_USER_INPUT", "input.courseId")
		resp, _ = admin.Post(create, map[string]any{"in": map[string]any{"courseId": c.batches[0].GlobalID(), "batchId": c.batches[0].GlobalID(), "capacity": 5}})
		fieldErr(t, resp, "BAD_USER_INPUT", "input.courseId")
		// The second course in the first batch: the schedule takes the course's days.
		got := admin.OK(create, map[string]any{"in": map[string]any{"courseId": c.courses[1].GlobalID(), "batchId": c.batches[0].GlobalID(), "capacity": 12, "startsOn": "2027-01-08"}})
		want := `{"createSchedule":{"weekdays":["SUNDAY","TUESDAY"],"startsOn":"2027-01-08","seatsLeft":12,"status":"OPEN","course":{"slug":"` + c.courses[1].Slug + `"},"batch":{"name":"` + c.batches[0].Name + `"}}}`
		if diff := cmp.Diff(want, string(got)); diff != "" {
			t.Errorf("create (-want +got):\n%s", diff)
		}
		got = admin.OK(`mutation($id: ID!) { updateSchedule(id: $id, input: {closed: true}) { status } }`, map[string]any{"id": sc.GlobalID()})
		if string(got) != `{"updateSchedule":{"status":"CLOSED"}}` {
			t.Errorf("close = %s", got)
		}
		admin.OK(`mutation($id: ID!) { deleteSchedule(id: $id) }`, map[string]any{"id": sc.GlobalID()})
		if got := string(admin.OK(`query($a: ID!, $b: ID!) { a: node(id: $a) { id } b: node(id: $b) { id } }`, map[string]any{"a": sc.GlobalID(), "b": c.schedules[1].GlobalID()})); got != `{"a":null,"b":{"id":"`+c.schedules[1].GlobalID()+`"}}` {
			t.Errorf("after delete: %s; want the deleted schedule gone and the other kept", got)
		}
	})
}
