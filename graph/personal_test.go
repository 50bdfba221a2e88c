package graph_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"coursegraph/apitest"
	"coursegraph/mail"
	"coursegraph/models"
	"coursegraph/service"
	"coursegraph/store"
	"coursegraph/store/storetest"
)

const exportQuery = `query($e: String!) { personalData(email: $e) { email exportedAt
	enquiries { id name email phone message status notes { body } }
	history { action changes { field to } }
	comments { id authorName authorEmail body status }
	notices { recipient subject body sentAt } } }`

type exported struct {
	PersonalData struct {
		Email     string
		Enquiries []struct {
			ID, Name, Email, Phone, Message, Status string
			Notes                                   []struct{ Body string }
		}
		History []struct {
			Action  string
			Changes []struct{ Field, To string }
		}
		Comments []struct{ ID, AuthorName, AuthorEmail, Body, Status string }
		Notices  []struct {
			Recipient, Subject, Body string
			SentAt                   *time.Time
		}
	}
}

// personWorld is two people who wrote to the centre, each with enquiries (one
// noted and answered by staff, its notice sent; one whose notice still waits)
// and a comment, so that an export or erasure of one must leave the other be.
type personWorld struct {
	admin, staff *apitest.API
	svc          *service.Service
	article      string
	// base is the endpoint without a session; adminEmail and staffEmail sign
	// in again (signIn) after the clock moved past their sessions.
	base                   *apitest.API
	adminEmail, staffEmail string
}

// signIn signs the admin and the staff member in again.
func (w *personWorld) signIn() {
	w.admin, w.staff = w.base.SignIn(w.adminEmail, apitest.Password), w.base.SignIn(w.staffEmail, apitest.Password)
}

// newPersonWorld makes the world on s, its service on clock (nil: the real one).
func newPersonWorld(t *testing.T, s *store.Store, clock func() time.Time) *personWorld {
	t.Helper()
	box := &holdingBox{hold: "\x00never", held: make(chan struct{}), release: make(chan struct{})}
	sender, err := mail.ParseURL("smtp://" + box.start(t) + "?from=noreply@lakeside-training.example")
	if err != nil {
		t.Fatal(err)
	}
	svc := apitest.NewService(t, s, func(o *service.Options) {
		o.Notify, o.Clock = &service.Notify{Sender: sender, To: "office@lakeside-training.example"}, clock
	})
	a := apitest.NewWith(t, svc)
	f := &payloadFixtures{t: t, s: s, admin: a}
	w := &personWorld{svc: svc, base: a, adminEmail: f.user(models.RoleAdmin).Email, staffEmail: f.user(models.RoleStaff).Email}
	w.signIn()
	f.admin = w.admin
	w.article = f.article(w.admin, true)
	people := []struct{ name, email string }{{"Rina Akter", "Rina@Example.com"}, {"Karim Hasan", "karim@example.com"}}
	for _, who := range people {
		first := apitest.IDOf(t, a.OK(apitest.SubmitEnquiry, apitest.Enquiry(map[string]any{"name": who.name, "email": who.email, "message": "First question from " + who.name})), "submitEnquiry", "id")
		w.staff.OK(`mutation($id: ID!) { addEnquiryNote(enquiryId: $id, body: "Called back about the evening batch.") { id } }`, map[string]any{"id": first})
		closeEnquiry(w.staff, first)
	}
	if _, err := svc.DeliverMail(context.Background()); err != nil { // the first notices are sent
		t.Fatal(err)
	}
	for _, who := range people {
		a.OK(apitest.SubmitEnquiry, apitest.Enquiry(map[string]any{"name": who.name, "email": who.email, "message": "Second question from " + who.name})) // its notice waits
		c := apitest.IDOf(t, a.OK(`mutation($in: PostCommentInput!) { postComment(input: $in) { id } }`, map[string]any{"in": map[string]any{
			"articleId": w.article, "authorName": who.name, "authorEmail": who.email, "body": "A comment by " + who.name,
		}}),

			"postComment", "id")
		w.admin.OK(`mutation($id: ID!) { moderateComment(id: $id, status: APPROVED) { id } }`, map[string]any{"id": c})
	}
	return w
}

// closeEnquiry takes a NEW enquiry through the workflow to CLOSED.
func closeEnquiry(staff *apitest.API, id string) {
	for version, status := range []string{"IN_PROGRESS", "ANSWERED", "CLOSED"} {
		staff.OK(`mutation($id: ID!, $in: UpdateEnquiryInput!) { updateEnquiry(id: $id, input: $in) { id } }`,
			map[string]any{"id": id, "in": map[string]any{"status": status, "version": version + 1}})

	}
}

func (w *personWorld) export(t *testing.T, email string) exported {
	t.Helper()
	var got exported
	if err := json.Unmarshal(w.admin.OK(exportQuery, map[string]any{"e": email}), &got); err != nil {
		t.Fatal(err)
	}
	return got
}

// TestAnAdminExportsEverythingStoredAboutOneAddress: the export of one address
// (in another letter case) holds its enquiries with their notes, their history,
// its comment and the notices of its enquiries, and nothing of anyone else's;
// only an admin may ask, for a valid address.
func TestAnAdminExportsEverythingStoredAboutOneAddress(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		w := newPersonWorld(t, s, nil)
		got := w.export(t, "RINA@example.COM").PersonalData
		if got.Email != "rina@example.com" || len(got.Enquiries) != 2 || len(got.Comments) != 1 || len(got.Notices) != 2 {
			t.Fatalf("export: %+v", got)
		}
		if e := got.Enquiries[0]; e.Name != "Rina Akter" || e.Phone != "+8801785474006" || len(e.Notes) != 1 || e.Status != "CLOSED" {
			t.Errorf("first enquiry: %+v", e)
		}
		actions := []string{}
		for _, h := range got.History {
			actions = append(actions, h.Action)
		}
		if strings.Join(actions, " ") != "enquiry.note enquiry.update enquiry.update enquiry.update" {
			t.Errorf("history %v; want the note and the three updates", actions)
		}
		if c := got.Comments[0]; c.AuthorName != "Rina Akter" || c.AuthorEmail != "rina@example.com" || c.Status != "APPROVED" {
			t.Errorf("comment: %+v", c)
		}
		if n := got.Notices; n[0].SentAt == nil || n[1].SentAt != nil || !strings.Contains(n[0].Body, "rina@example.com") || !strings.Contains(n[1].Subject, "Rina Akter") {
			t.Errorf("notices: %+v", n)
		}
		all, _ := json.Marshal(got)
		if strings.Contains(strings.ToLower(string(all)), "karim") {
			t.Errorf("the export holds another person's data: %s", all)
		}
		for _, tc := range []struct {
			caller *apitest.API
			email  string
			code   string
		}{{w.staff, "rina@example.com", "FORBIDDEN"}, {w.admin, "not an address", "BAD_USER_INPUT"}} {
			if resp, _ := tc.caller.Post(exportQuery, map[string]any{"e": tc.email}); resp.Code() != tc.code {
				t.Errorf("export of %q: %+v; want %s", tc.email, resp.Errors, tc.code)
			}
		}
	})
}

// TestAnExportCostsTheSameStatementsHoweverManyRowsThePersonHas: the notes of
// the enquiries, the actors of the history and the articles of the comments
// are each read once for all of them.
func TestAnExportCostsTheSameStatementsHoweverManyRowsThePersonHas(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		w := newPersonWorld(t, s, nil)
		counter := storetest.CountStatements(s)
		export := func() int {
			counter.Reset()
			w.export(t, "rina@example.com")
			return counter.Count()
		}
		before := export()
		f := &payloadFixtures{t: t, s: s, admin: w.admin}
		other := f.article(w.admin, true)
		for i := range 3 {
			e := apitest.IDOf(t, w.base.OK(apitest.SubmitEnquiry, apitest.Enquiry(map[string]any{"name": "Rina Akter", "email": "rina@example.com", "message": fmt.Sprintf("Question %d", i)})), "submitEnquiry", "id")
			w.staff.OK(`mutation($id: ID!) { addEnquiryNote(enquiryId: $id, body: "Noted.") { id } }`, map[string]any{"id": e})
			closeEnquiry(w.staff, e)
			c := apitest.IDOf(t, w.base.OK(`mutation($in: PostCommentInput!) { postComment(input: $in) { id } }`, map[string]any{"in": map[string]any{
				"articleId": other, "authorName": "Rina Akter", "authorEmail": "rina@example.com", "body": fmt.Sprintf("Comment %d", i)}}), "postComment", "id")
			w.admin.OK(`mutation($id: ID!) { moderateComment(id: $id, status: APPROVED) { id } }`, map[string]any{"id": c})
		}
		if got := export(); got != before {
			t.Errorf("an export of 5 enquiries and 4 comments took %d statements; of 2 and 1, %d", got, before)
		}
	})
}

// TestErasingAnAddressAnonymisesItEverywhereInOneStep: the erasure answers its
// counts; the enquiries stay (counted in the inbox) with their details, notes
// and history notes removed; the comment keeps its place, renamed; the waiting
// notice is deleted and never sent, the sent one emptied; the other person's
// data is untouched; the audit log says who erased how many rows and nothing of
// the data; erasing again counts nothing.
func TestErasingAnAddressAnonymisesItEverywhereInOneStep(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		w := newPersonWorld(t, s, nil)
		before := w.export(t, "karim@example.com")
		const erase = `mutation($e: String!) { erasePersonalData(email: $e) { enquiries notes historyEntries comments notices } }`
		got := string(w.admin.OK(erase, map[string]any{"e": " Rina@Example.com "}))
		if want := `{"erasePersonalData":{"enquiries":2,"notes":1,"historyEntries":1,"comments":1,"notices":2}}`; got != want {
			t.Errorf("erase = %s; want %s", got, want)
		}
		if after := w.export(t, "rina@example.com").PersonalData; len(after.Enquiries)+len(after.Comments)+len(after.Notices) != 0 {
			t.Errorf("the address still finds data: %+v", after)
		}
		// Still there, anonymised: the inbox count, the thread, the sent notice.
		data := string(w.admin.OK(`query($a: ID!) { enquiryStats { total } node(id: $a) { ... on Article { comments { edges { node { authorName body authorEmail } } } } } }`, map[string]any{"a": w.article}))
		if !strings.Contains(data, `"total":4`) || !strings.Contains(data, `{"authorName":"removed at the reader's request","body":"(removed)","authorEmail":""}`) {
			t.Errorf("after the erasure: %s", data)
		}
		if strings.Contains(strings.ToLower(data), "rina") {
			t.Errorf("the erased person shows: %s", data)
		}
		if report, err := w.svc.DeliverMail(context.Background()); err != nil || report.Sent != 1 {
			t.Errorf("delivery after the erasure sent %d (%v); want only the other person's waiting notice", report.Sent, err)
		}
		if after := w.export(t, "karim@example.com"); len(after.PersonalData.Enquiries) != 2 || len(after.PersonalData.Comments) != 1 ||
			after.PersonalData.Enquiries[0].Message != before.PersonalData.Enquiries[0].Message || len(after.PersonalData.Enquiries[0].Notes) != 1 {
			t.Errorf("the other person's data changed: %+v", after)
		}
		log := string(w.admin.OK(`{ auditLog(first: 1) { edges { node { action entityType changes { field to } } } } }`, nil))
		if !strings.Contains(log, `"action":"personal_data.erase"`) || !strings.Contains(log, `{"field":"enquiries","to":"2"}`) || strings.Contains(strings.ToLower(log), "rina") {
			t.Errorf("audit entry: %s", log)
		}
		if again := string(w.admin.OK(erase, map[string]any{"e": "rina@example.com"})); again != `{"erasePersonalData":{"enquiries":0,"notes":0,"historyEntries":0,"comments":0,"notices":0}}` {
			t.Errorf("erasing again: %s", again)
		}
		if resp, _ := w.staff.Post(erase, map[string]any{"e": "karim@example.com"}); resp.Code() != "FORBIDDEN" {
			t.Errorf("staff erasing: %+v; want FORBIDDEN", resp.Errors)
		}
	})
}

// TestRetentionAnonymisesWhatIsKeptTooLongOnceAcrossInstances: with an injected
// clock, a pass anonymises the enquiries closed longer ago than their retention
// (not those closed since, nor open ones), client addresses and comment emails
// past theirs; a second instance finds the job taken while the first holds it;
// a later pass counts nothing (it is idempotent); off keeps everything.
func TestRetentionAnonymisesWhatIsKeptTooLongOnceAcrossInstances(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		start := time.Now().UTC().Truncate(time.Second)
		clock := &apitest.Clock{}
		clock.Set(start)
		w := newPersonWorld(t, s, clock.Now)
		other := apitest.NewService(t, s, func(o *service.Options) { o.Clock = clock.Now }) // a second instance on the same database
		r := models.Retention{Enquiries: 730 * 24 * time.Hour, ClientIPs: 30 * 24 * time.Hour, CommentEmails: 365 * 24 * time.Hour}
		ctx := context.Background()

		if counts, ran, err := w.svc.ApplyRetention(ctx, models.Retention{}, "a"); err != nil || ran || counts.Total() != 0 {
			t.Errorf("retention off: %+v %v %v; want nothing done", counts, ran, err)
		}
		clock.Set(start.Add(10 * 24 * time.Hour))
		if counts, ran, err := w.svc.ApplyRetention(ctx, r, "a"); err != nil || !ran || counts.Total() != 0 {
			t.Errorf("after 10 days: %+v %v %v; want a pass that removes nothing", counts, ran, err)
		}
		// Karim's second enquiry is closed two years on; Rina's stays open.
		clock.Set(start.Add(730 * 24 * time.Hour))
		w.signIn()
		karim := w.export(t, "karim@example.com").PersonalData.Enquiries[1].ID
		closeEnquiry(w.staff, karim)

		clock.Set(start.Add(731 * 24 * time.Hour))
		w.signIn()
		counts, ran, err := w.svc.ApplyRetention(ctx, r, "a")
		want := models.PersonalDataCounts{Enquiries: 2, Notes: 2, HistoryEntries: 2, Notices: 2, ClientIPs: 4, CommentEmails: 2} // the addresses of the two kept enquiries and the two comments
		if err != nil || !ran || counts != want {
			t.Errorf("after two years: %+v %v %v; want %+v", counts, ran, err, want)
		}
		if c, ran, err := other.ApplyRetention(ctx, r, "b"); err != nil || ran || c.Total() != 0 {
			t.Errorf("a second instance during the lease: %+v %v %v; want the job taken", c, ran, err)
		}
		for _, email := range []string{"rina@example.com", "karim@example.com"} {
			got := w.export(t, email).PersonalData
			if len(got.Enquiries) != 1 || got.Enquiries[0].Message != "Second question from "+map[string]string{"rina@example.com": "Rina Akter", "karim@example.com": "Karim Hasan"}[email] {
				t.Errorf("%s keeps %+v; want only the enquiry closed within two years, or still open", email, got.Enquiries)
			}
			if len(got.Comments) != 0 {
				t.Errorf("%s: the comment kept its email past a year: %+v", email, got.Comments)
			}
		}
		clock.Set(start.Add(732 * 24 * time.Hour))
		if c, ran, err := other.ApplyRetention(ctx, r, "b"); err != nil || !ran || c.Total() != 0 {
			t.Errorf("the next pass: %+v %v %v; want it run and count nothing", c, ran, err)
		}
	})
}
