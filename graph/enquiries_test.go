package graph_test

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"coursegraph/apitest"
	"coursegraph/models"
	"coursegraph/service"
	"coursegraph/store"
	"coursegraph/store/storetest"

	"github.com/google/go-cmp/cmp"
)

func TestSubmitEnquiryValidatesEachFieldAndEchoesNothing(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		c := newCatalogue(t, s)
		a := apitest.New(t, s)
		for _, tc := range []struct {
			name    string
			changes map[string]any
			field   string
		}{
			{"no name", map[string]any{"name": "  "}, "input.name"},
			{"a name over 120 characters", map[string]any{"name": strings.Repeat("n", 121)}, "input.name"},
			{"no email", map[string]any{"email": ""}, "input.email"},
			{"a bad email", map[string]any{"email": "rahim@"}, "input.email"},
			{"no message", map[string]any{"message": " "}, "input.message"},
			{"a message over 5000 characters", map[string]any{"message": strings.Repeat("m", 5001)}, "input.message"},
			{"a phone with letters", map[string]any{"phone": "call me"}, "input.phone"},
			{"a phone too short", map[string]any{"phone": "123"}, "input.phone"},
			{"an unknown course", map[string]any{"courseId": missing(models.KindCourse)}, "input.courseId"},
			{"an id of another type", map[string]any{"courseId": c.batches[0].GlobalID()}, "input.courseId"},
			{"an unknown schedule", map[string]any{"scheduleId": missing(models.KindSchedule)}, "input.scheduleId"},
			{"a schedule of another course", map[string]any{"courseId": c.courses[1].GlobalID(), "scheduleId": c.schedules[0].GlobalID()}, "input.scheduleId"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				resp, _ := a.Post(apitest.SubmitEnquiry, apitest.Enquiry(tc.changes))
				fieldErr(t, resp, "BAD_USER_INPUT", tc.field)
			})
		}
		admin, _, _ := staffAPI(t, s)
		if got := string(admin.OK(`{ enquiries { totalCount } }`, nil)); got != `{"enquiries":{"totalCount":0}}` {
			t.Errorf("rejected input was stored: %s", got)
		}

		r := a.SendEnquiry(map[string]any{"scheduleId": c.schedules[1].GlobalID()})
		var got struct {
			Enquiry struct {
				Name, Email, Phone, Message, Status string
				Course                              struct{ Slug string }
				Schedule                            struct{ Batch struct{ Name string } }
			}
		}
		apitest.Decode(t, admin.OK(`query($id: ID!) { enquiry(id: $id) { name email phone message status course { slug } schedule { batch { name } } } }`, map[string]any{"id": r.SubmitEnquiry.ID}), &got)
		e := got.Enquiry
		if e.Name != "Rahim Uddin" || e.Email != "rahim@example.com" || e.Phone != "+8801785474006" || e.Message != "Is there a seat in the evening batch?" ||
			e.Status != "NEW" || e.Course.Slug != c.courses[1].Slug || e.Schedule.Batch.Name != c.batches[1].Name {
			t.Errorf("stored enquiry = %+v; want the second schedule's course and batch", e)
		}
	})
}

func TestSpamDefences(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		clock := &apitest.Clock{}
		clock.Set(time.Now())
		a := apitest.NewWith(t, apitest.NewService(t, s, func(o *service.Options) { o.Clock = clock.Now }))
		admin, _, _ := staffAPI(t, s)
		statusOf := func(id string) string {
			var got struct{ Enquiry struct{ Status string } }
			apitest.Decode(t, admin.OK(`query($id: ID!) { enquiry(id: $id) { status } }`, map[string]any{"id": id}), &got)
			return got.Enquiry.Status
		}

		t.Run("a filled honeypot is stored as spam with an answer of the same shape", func(t *testing.T) {
			resp, _ := a.Post(apitest.SubmitEnquiry, apitest.Enquiry(map[string]any{"website": "http://spam.example", "message": "Buy now"}))
			var r apitest.Receipt
			apitest.Decode(t, resp.Data, &r)
			if len(resp.Errors) > 0 || r.SubmitEnquiry.ID == "" || statusOf(r.SubmitEnquiry.ID) != "SPAM" {
				t.Errorf("honeypot: %+v %s", resp.Errors, resp.Data)
			}
		})
		t.Run("the same message again soon gets the first receipt", func(t *testing.T) {
			first := a.SendEnquiry(map[string]any{"message": "Do you have weekend classes?"})
			again := a.SendEnquiry(map[string]any{"message": "  do you have WEEKEND classes? ", "email": "RAHIM@example.com"})
			if diff := cmp.Diff(first, again); diff != "" {
				t.Errorf("a resend made a second enquiry (-first +again):\n%s", diff)
			}
			clock.Set(time.Now().Add(11 * time.Minute))
			defer clock.Set(time.Now())
			later := a.SendEnquiry(map[string]any{"message": "Do you have weekend classes?"})
			if later.SubmitEnquiry.ID == first.SubmitEnquiry.ID {
				t.Error("the same message after the window was folded into the first")
			}
		})
		t.Run("an idempotency key, as header or field, replays the same request", func(t *testing.T) {
			first := sendEnquiryWithKey(a, map[string]any{"message": "First try"}, "retry-123")
			again := sendEnquiryWithKey(a, map[string]any{"message": " First try ", "email": "RAHIM@example.com"}, "retry-123")
			field := a.SendEnquiry(map[string]any{"message": "First try", "idempotencyKey": "retry-123"})
			if first != again || first != field {
				t.Errorf("receipts differ: %+v %+v %+v", first, again, field)
			}
		})
	})
}

// TestAReusedIdempotencyKeyWithAnotherRequestIsAConflict: a key replays only the
// request it was first used with; any other payload under it is CONFLICT, says
// why, and is not stored, and the first enquiry is unchanged.
func TestAReusedIdempotencyKeyWithAnotherRequestIsAConflict(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		course := storetest.CreateCourse(t, s)
		a := apitest.New(t, s)
		admin, _, _ := staffAPI(t, s)
		first := a.SendEnquiry(map[string]any{"message": "Is there a seat?", "idempotencyKey": "key-1"})
		for _, tc := range []struct {
			name    string
			changes map[string]any
		}{
			{"another message", map[string]any{"message": "A different question"}},
			{"another email", map[string]any{"email": "karim@example.com"}},
			{"another name", map[string]any{"name": "Karim"}},
			{"another phone", map[string]any{"phone": "01911 000 111"}},
			{"no phone", map[string]any{"phone": nil}},
			{"a course", map[string]any{"courseId": course.GlobalID()}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				changes := map[string]any{"message": "Is there a seat?", "idempotencyKey": "key-1"}
				for k, v := range tc.changes {
					changes[k] = v
				}
				resp, _ := a.Post(apitest.SubmitEnquiry, apitest.Enquiry(changes))
				fieldErr(t, resp, "CONFLICT", "")
				if !strings.Contains(resp.Errors[0].Message, "idempotency key was already used for a different enquiry") {
					t.Errorf("message %q does not say the key was reused", resp.Errors[0].Message)
				}
				withHeader := *a
				withHeader.Headers = map[string]string{"Idempotency-Key": "key-1"}
				delete(changes, "idempotencyKey")
				resp, _ = withHeader.Post(apitest.SubmitEnquiry, apitest.Enquiry(changes))
				fieldErr(t, resp, "CONFLICT", "")
			})
		}
		if got := string(admin.OK(`{ enquiries { totalCount edges { node { message } } } }`, nil)); got != `{"enquiries":{"totalCount":1,"edges":[{"node":{"message":"Is there a seat?"}}]}}` {
			t.Errorf("after the conflicts: %s", got)
		}
		if again := a.SendEnquiry(map[string]any{"message": "Is there a seat?", "idempotencyKey": "key-1"}); again != first {
			t.Errorf("the same request again got %+v, want the first receipt %+v", again, first)
		}
	})
}

func sendEnquiryWithKey(a *apitest.API, changes map[string]any, key string) apitest.Receipt {
	a.T.Helper()
	withKey := *a
	withKey.Headers = map[string]string{"Idempotency-Key": key}
	return (&withKey).SendEnquiry(changes)
}

func TestEnquiriesAreRateLimitedPerClientAddress(t *testing.T) {
	s := storetest.OpenSQLite(t)
	svc, err := service.New(s, service.Options{BcryptCost: 4, EnquiriesPerAddress: service.Limit{Burst: 2, Every: time.Hour}})
	if err != nil {
		t.Fatal(err)
	}
	a := apitest.NewWith(t, svc)
	send := func(addr, msg string) string {
		from := *a
		from.RemoteAddr = addr
		resp, _ := from.Post(apitest.SubmitEnquiry, apitest.Enquiry(map[string]any{"message": msg}))
		return resp.Code()
	}
	got := []string{send("192.0.2.1:1", "one"), send("192.0.2.1:2", "two"), send("192.0.2.1:3", "three"), send("192.0.2.1:4", "one"), send("192.0.2.9:1", "four")}
	// A resend of the first answers with its receipt and is not counted.
	if diff := cmp.Diff([]string{"", "", "RATE_LIMITED", "", ""}, got); diff != "" {
		t.Errorf("codes (-want +got):\n%s", diff)
	}
	// A refusal says when to try again: in the header and in the error. Two of the
	// address's hour-long tokens are spent, so the next comes in at most an hour.
	from := *a
	from.RemoteAddr = "192.0.2.1:5"
	resp, rec := from.Post(apitest.SubmitEnquiry, apitest.Enquiry(map[string]any{"message": "five"}))
	header, _ := strconv.Atoi(rec.Header().Get("Retry-After"))
	var inError float64
	if len(resp.Errors) > 0 {
		inError, _ = resp.Errors[0].Extensions["retryAfter"].(float64)
	}
	if resp.Code() != "RATE_LIMITED" || header < 3000 || header > 3600 || int(inError) != header {
		t.Errorf("a refusal: code %q, Retry-After %q, extensions.retryAfter %v; want RATE_LIMITED and the same wait of up to an hour in both",
			resp.Code(), rec.Header().Get("Retry-After"), inError)
	}
}

func TestWorkflowAssignmentNotesAndStats(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		c := newCatalogue(t, s, nil, func(c *models.Course) { c.Slug = "web-design" })
		course := map[string]any{"c": c.courses[1].GlobalID()}
		a := apitest.New(t, s)
		admin, _, staff := staffAPI(t, s)
		var me struct{ Me struct{ ID string } }
		apitest.Decode(t, staff.OK(`{ me { id } }`, nil), &me)
		id := a.SendEnquiry(map[string]any{"courseId": course["c"]}).SubmitEnquiry.ID
		a.SendEnquiry(map[string]any{"message": "About nothing in particular"})
		const update = `mutation($id: ID!, $in: UpdateEnquiryInput!) { updateEnquiry(id: $id, input: $in) { status version assignee { name } } }`
		version := 1
		move := func(status string) apitest.Response {
			resp, _ := staff.Post(update, map[string]any{"id": id, "in": map[string]any{"status": status, "version": version}})
			if len(resp.Errors) == 0 {
				version++
			}
			return resp
		}
		for _, step := range []struct {
			to   string
			code string
		}{
			{"ANSWERED", "BAD_USER_INPUT"}, {"CLOSED", "BAD_USER_INPUT"}, {"IN_PROGRESS", ""}, {"NEW", "BAD_USER_INPUT"},
			{"ANSWERED", ""}, {"IN_PROGRESS", "BAD_USER_INPUT"}, {"CLOSED", ""}, {"SPAM", ""}, {"CLOSED", "BAD_USER_INPUT"}, {"NEW", ""},
		} {
			resp := move(step.to)
			if step.code == "" && len(resp.Errors) > 0 || step.code != "" && resp.Code() != step.code {
				t.Errorf("→ %s: %+v, want %q", step.to, resp.Errors, step.code)
			}
			if step.code != "" && len(resp.Errors) == 1 && resp.Errors[0].Extensions["field"] != "input.status" {
				t.Errorf("→ %s: field %v", step.to, resp.Errors[0].Extensions["field"])
			}
		}
		got := string(staff.OK(update, map[string]any{"id": id, "in": map[string]any{"assigneeId": me.Me.ID, "version": version}}))
		if got != `{"updateEnquiry":{"status":"NEW","version":7,"assignee":{"name":"staff"}}}` {
			t.Errorf("assign = %s", got)
		}
		resp, _ := staff.Post(update, map[string]any{"id": id, "in": map[string]any{"assigneeId": missing(models.KindUser), "version": 7}})
		fieldErr(t, resp, "BAD_USER_INPUT", "input.assigneeId")
		resp, _ = staff.Post(update, map[string]any{"id": id, "in": map[string]any{"status": "IN_PROGRESS", "version": 3}})
		fieldErr(t, resp, "CONFLICT", "input.version")

		var note struct{ AddEnquiryNote struct{ ID string } }
		apitest.Decode(t, staff.OK(`mutation($id: ID!) { addEnquiryNote(enquiryId: $id, body: "Called back, will visit Friday.") { id } }`, map[string]any{"id": id}), &note)
		admin.OK(`mutation($id: ID!) { addEnquiryNote(enquiryId: $id, body: "Offer the 5th batch.") { id } }`, map[string]any{"id": id})
		resp, _ = staff.Post(`mutation($id: ID!) { addEnquiryNote(enquiryId: $id, body: " ") { id } }`, map[string]any{"id": id})
		fieldErr(t, resp, "BAD_USER_INPUT", "body")
		for _, node := range []string{id, note.AddEnquiryNote.ID} { // the enquiry and its first note
			q := map[string]any{"id": node}
			if got := string(staff.OK(`query($id: ID!) { node(id: $id) { __typename } }`, q)); !strings.Contains(got, `"__typename":"Enquiry`) {
				t.Errorf("node(%s) as staff = %s", node, got)
			}
			resp, _ := a.Post(`query($id: ID!) { node(id: $id) { __typename } }`, q)
			fieldErr(t, resp, "UNAUTHENTICATED", "")
		}
		var log struct {
			AuditLog struct {
				Edges []struct{ Node struct{ Action string } }
			}
		}
		apitest.Decode(t, admin.OK(`query($id: ID!) { auditLog(entityId: $id, first: 2) { edges { node { action } } } }`, map[string]any{"id": id}), &log)
		if len(log.AuditLog.Edges) != 2 || log.AuditLog.Edges[0].Node.Action != "enquiry.note" {
			t.Errorf("notes are not audited: %+v", log)
		}
		got = string(staff.OK(`query($id: ID!) { enquiry(id: $id) { notes { body author { name } } } }`, map[string]any{"id": id}))
		if got != `{"enquiry":{"notes":[{"body":"Called back, will visit Friday.","author":{"name":"staff"}},{"body":"Offer the 5th batch.","author":{"name":"admin"}}]}}` {
			t.Errorf("notes = %s", got)
		}

		got = string(staff.OK(`{ enquiryStats { total byStatus { status count } byCourse { course { slug } count } } }`, nil))
		want := `{"enquiryStats":{"total":2,"byStatus":[{"status":"NEW","count":2},{"status":"IN_PROGRESS","count":0},{"status":"ANSWERED","count":0},{"status":"CLOSED","count":0},{"status":"SPAM","count":0}],"byCourse":[{"course":null,"count":1},{"course":{"slug":"web-design"},"count":1}]}}`
		if got != want {
			t.Errorf("stats = %s", got)
		}
		got = string(staff.OK(`query($a: ID!, $c: ID!, $other: ID!) { mine: enquiries(filter: {assigneeId: $a}) { totalCount } course: enquiries(filter: {courseId: $c}) { totalCount } other: enquiries(filter: {courseId: $other}) { totalCount } words: enquiries(filter: {search: "nothing particular"}) { totalCount } future: enquiries(filter: {receivedAfter: "2100-01-01T00:00:00Z"}) { totalCount } }`,
			map[string]any{"a": me.Me.ID, "c": course["c"], "other": c.courses[0].GlobalID()}))
		if got != `{"mine":{"totalCount":1},"course":{"totalCount":1},"other":{"totalCount":0},"words":{"totalCount":1},"future":{"totalCount":0}}` {
			t.Errorf("filters = %s", got)
		}
	})
}

// TestConcurrentUpdatesNeverLoseAWrite sends the same versioned update from many
// clients at once: exactly one wins, the rest get CONFLICT.
func TestConcurrentUpdatesNeverLoseAWrite(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		a := apitest.New(t, s)
		_, _, staff := staffAPI(t, s)
		id := a.SendEnquiry(nil).SubmitEnquiry.ID
		const n = 8
		codes := make([]string, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				resp, _ := staff.Post(`mutation($id: ID!) { updateEnquiry(id: $id, input: {status: IN_PROGRESS, version: 1}) { version } }`, map[string]any{"id": id})
				codes[i] = resp.Code()
			})
		}
		wg.Wait()
		won := 0
		for _, c := range codes {
			switch c {
			case "":
				won++
			case "CONFLICT":
			default:
				t.Errorf("unexpected code %q", c)
			}
		}
		if won != 1 {
			t.Errorf("%d updates won, want exactly 1 (codes %v)", won, codes)
		}
		if got := string(staff.OK(fmt.Sprintf(`{ enquiry(id: %q) { status version } }`, id), nil)); got != `{"enquiry":{"status":"IN_PROGRESS","version":2}}` {
			t.Errorf("after the race: %s", got)
		}
	})
}

// TestAnUpdateWithoutAVersionIsRefused shows that updateEnquiry cannot skip the
// version check: without a version, nothing changes, and the client is told so.
func TestAnUpdateWithoutAVersionIsRefused(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		a := apitest.New(t, s)
		_, _, staff := staffAPI(t, s)
		id := a.SendEnquiry(nil).SubmitEnquiry.ID
		staff.OK(`mutation($id: ID!) { updateEnquiry(id: $id, input: {status: IN_PROGRESS, version: 1}) { version } }`, map[string]any{"id": id})
		for _, tc := range []struct{ name, query string }{
			{"in the query", `mutation($id: ID!) { updateEnquiry(id: $id, input: {status: SPAM}) { version } }`},
			{"in variables", `mutation($id: ID!, $in: UpdateEnquiryInput!) { updateEnquiry(id: $id, input: $in) { version } }`},
			{"as null", `mutation($id: ID!) { updateEnquiry(id: $id, input: {status: SPAM, version: null}) { version } }`},
		} {
			t.Run(tc.name, func(t *testing.T) {
				resp, _ := staff.Post(tc.query, map[string]any{"id": id, "in": map[string]any{"status": "SPAM"}})
				if resp.Code() != "GRAPHQL_VALIDATION_FAILED" {
					t.Errorf("without a version: %+v", resp.Errors)
				}
			})
		}
		if got := string(staff.OK(`query($id: ID!) { enquiry(id: $id) { status version } }`, map[string]any{"id": id})); got != `{"enquiry":{"status":"IN_PROGRESS","version":2}}` {
			t.Errorf("an update without a version changed the enquiry: %s", got)
		}
	})
}

// TestTheInboxCostsAConstantNumberOfStatements lists enquiries with their course,
// schedule, assignee and notes: one query per relation, with 3 enquiries as with 30.
// TestTheInboxCostsOneStatementPerKindWhateverTheParents pages an inbox whose
// enquiries all differ: three courses, six schedules in six batches, three
// assignees (and none), notes by authors who are and are not assignees. Every kind
// of row is one statement, whatever the number of enquiries.
func TestTheInboxCostsOneStatementPerKindWhateverTheParents(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		a := apitest.New(t, s)
		var staff []*apitest.API
		var staffIDs []string
		for i := range 4 {
			u := a.AddUser(fmt.Sprintf("staff%d@example.com", i), models.RoleStaff)
			staff = append(staff, a.SignIn(u.Email, apitest.Password))
			staffIDs = append(staffIDs, models.GlobalID(models.KindUser, u.ID))
		}
		var schedules []string
		for i := range 6 {
			c := storetest.CreateCourse(t, s)
			b := storetest.CreateBatch(t, s, func(b *models.Batch) {
				b.Ordinal, b.Name, b.StartTime, b.EndTime = i+1, fmt.Sprintf("Batch %d", i+1), models.LocalTime(8*60+i*60), models.LocalTime(8*60+i*60+50)
				if b.StartTime >= 15*60 {
					b.Period = models.Evening
				}
			})
			schedules = append(schedules, models.GlobalID(models.KindSchedule, storetest.CreateSchedule(t, s, c, b).ID))
		}
		counter := storetest.CountStatements(s)
		counts := map[int]int{}
		made := 0
		const query = `{ enquiries(first: 50) { edges { node { name course { title } schedule { batch { name } course { title } } assignee { name } notes { body author { name } } } } } }`
		for _, n := range []int{4, 24} {
			for ; made < n; made++ {
				id := a.SendEnquiry(map[string]any{"message": fmt.Sprintf("Question %d", made), "email": fmt.Sprintf("v%d@example.com", made), "scheduleId": schedules[made%6]}).SubmitEnquiry.ID
				if made%4 != 3 { // every fourth stays unassigned
					staff[0].OK(`mutation($id: ID!, $a: ID!) { updateEnquiry(id: $id, input: {assigneeId: $a, version: 1}) { id } }`, map[string]any{"id": id, "a": staffIDs[made%3]})
				}
				for k := range 2 { // by the fourth staff member too, who is nobody's assignee
					staff[(made+k+1)%4].OK(`mutation($id: ID!) { addEnquiryNote(enquiryId: $id, body: "Called.") { id } }`, map[string]any{"id": id})
				}
			}
			counter.Reset()
			data := staff[1].OK(query, nil)
			counts[n] = counter.Count()
			var got struct {
				Enquiries struct {
					Edges []struct {
						Node struct {
							Course   struct{ Title string }
							Schedule struct{ Batch struct{ Name string } }
							Assignee *struct{ Name string }
							Notes    []struct{ Author struct{ Name string } }
						}
					}
				}
			}
			if err := json.Unmarshal(data, &got); err != nil || len(got.Enquiries.Edges) != n {
				t.Fatalf("with %d enquiries: %v %s", n, err, data)
			}
			batches, authors := map[string]bool{}, map[string]bool{}
			for _, e := range got.Enquiries.Edges {
				batches[e.Node.Schedule.Batch.Name] = true
				for _, note := range e.Node.Notes {
					authors[note.Author.Name] = true
				}
			}
			if len(batches) != min(n, 6) || len(authors) != 4 {
				t.Fatalf("with %d enquiries, the parents do not differ as built: batches %v, note authors %v", n, batches, authors)
			}
		}
		// The session with its user, the enquiries, their notes, the schedules with
		// their batches, the courses (the enquiries' and the schedules'), the users
		// (assignees and note authors).
		const want = 6
		if counts[4] != want || counts[24] != want {
			t.Errorf("statements: %d with 4 enquiries, %d with 24; want %d for both", counts[4], counts[24], want)
		}
	})
}

// TestSubmittingAnEnquiryCostsThreeStatements: the resend check, the reference
// check (a schedule names its course, whose existence the foreign key vouches
// for), and the insert.
func TestSubmittingAnEnquiryCostsThreeStatements(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		a := apitest.New(t, s)
		c := storetest.CreateCourse(t, s)
		sc := storetest.CreateSchedule(t, s, c, storetest.CreateBatch(t, s))
		counter := storetest.CountStatements(s)
		for i, ref := range []map[string]any{
			{"scheduleId": models.GlobalID(models.KindSchedule, sc.ID)},
			{"courseId": models.GlobalID(models.KindCourse, c.ID)},
			{"courseId": models.GlobalID(models.KindCourse, c.ID), "scheduleId": models.GlobalID(models.KindSchedule, sc.ID)},
		} {
			ref["message"], ref["email"] = fmt.Sprintf("Question %d", i), fmt.Sprintf("q%d@example.com", i)
			counter.Reset()
			a.SendEnquiry(ref)
			if got := counter.Count(); got != 3 {
				t.Errorf("with %v: %d statements; want 3", ref, got)
			}
		}
	})
}

// TestInboxStatsCostTheSameWhateverTheCourses: the courses of the per-course
// counts are one statement, for two courses as for six.
func TestInboxStatsCostTheSameWhateverTheCourses(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		a := apitest.New(t, s)
		u := a.AddUser("staff@example.com", models.RoleStaff)
		staff := a.SignIn(u.Email, apitest.Password)
		counter := storetest.CountStatements(s)
		counts := map[int]int{}
		for n, made := range []int{2, 6} {
			for i := n * 2; i < made; i++ {
				c := storetest.CreateCourse(t, s)
				a.SendEnquiry(map[string]any{"message": fmt.Sprintf("About %s", c.Title), "email": fmt.Sprintf("s%d@example.com", i), "courseId": models.GlobalID(models.KindCourse, c.ID)})
			}
			counter.Reset()
			data := staff.OK(`{ enquiryStats { total byCourse { course { title } count } } }`, nil)
			counts[made] = counter.Count()
			if strings.Count(string(data), `"title":"Course`) != made {
				t.Fatalf("with %d courses: %s", made, data)
			}
		}
		if counts[2] != counts[6] {
			t.Errorf("statements: %d with 2 courses, %d with 6; want the same", counts[2], counts[6])
		}
	})
}
