package graph_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"coursegraph/apitest"
	"coursegraph/service"
	"coursegraph/store"
	"coursegraph/store/storetest"
)

// discard is a mail sender that accepts everything.
type discard struct{}

func (discard) Send(context.Context, string, string, string) error { return nil }

// longest repeats s to n characters: 4-byte emoji fill MySQL's byte-counted TEXT
// columns, '<' is escaped in JSON as \u003c (6 bytes), and 'İ' lower-cases to two
// characters, so that each input is as large as its own limit allows in every
// way a column can count.
func longest(s string, n int) string { return string([]rune(strings.Repeat(s, n))[:n]) }

// TestTheLongestValidInputsAreStored sends every text input at the largest size
// its validation allows, with mail on, and checks that every write succeeds: the
// columns that hold it, and every column that holds text derived from it (the
// notice's subject, audit entries, slugs, the table of contents), are large
// enough or the derived text is cut to fit. SQLite does not enforce lengths; this
// test matters on MySQL.
func TestTheLongestValidInputsAreStored(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		svc := apitest.NewService(t, s, func(o *service.Options) { o.Notify = &service.Notify{Sender: discard{}, To: "office@example.com"} })
		a := apitest.NewWith(t, svc)
		admin, editor, staff := staffAPI(t, s)
		admin.Svc, editor.Svc, staff.Svc = svc, svc, svc

		topics := make([]string, 50)
		for i := range topics {
			topics[i] = longest("<", 200)
		}
		var course struct{ CreateCourse struct{ ID string } }
		data := editor.OK(createCourse, courseInput(map[string]any{
			"title": longest("😀", 200), "slug": longest("a", 100), "summary": longest("😀", 500), "description": longest("😀", 20000),
			"category": longest("😀", 80), "topics": topics,
		}))

		if err := json.Unmarshal(data, &course); err != nil {
			t.Fatal(err)
		}
		editor.OK(`mutation($id: ID!, $d: String!) { updateCourse(id: $id, input: {description: $d}) { id } }`,
			map[string]any{"id": course.CreateCourse.ID, "d": longest("<", 20000)})

		email := strings.Repeat("a", 64) + "@" + strings.Repeat("b", 185) + ".com"
		if len(email) != 254 {
			t.Fatalf("email of %d characters", len(email))
		}
		r := a.SendEnquiry(map[string]any{"name": longest("😀", 120), "email": email, "phone": "+123456789012345",
			"message": longest("😀", 5000), "courseId": course.CreateCourse.ID, "idempotencyKey": longest("k", 100)})

		staff.OK(`mutation($id: ID!, $b: String!) { addEnquiryNote(enquiryId: $id, body: $b) { id } }`, map[string]any{"id": r.SubmitEnquiry.ID, "b": longest("<", 5000)})

		var me struct{ Me struct{ ID string } }
		apitest.Decode(t, staff.OK(`{ me { id } }`, nil), &me)
		staff.OK(`mutation($id: ID!, $n: String!, $b: String!) { updateUser(id: $id, input: {name: $n, bio: $b}) { id } }`,
			map[string]any{"id": me.Me.ID, "n": longest("😀", 120), "b": longest("<", 2000)})

		var body strings.Builder
		for body.Len() < 90000 {
			fmt.Fprintf(&body, "## <%d>\n\n", body.Len())
		}
		article := writeArticle(t, editor, longest("İ", 200), body.String(), []string{longest("İ", 40), longest("a😀", 40)}, true)
		editor.OK(`mutation($id: ID!, $b: String!, $s: String!) { updateArticle(id: $id, input: {body: $b, summary: $s}) { id } }`,
			map[string]any{"id": article, "b": longest("<", 100000), "s": longest("<", 500)})

		var comment struct{ PostComment struct{ ID string } }
		apitest.Decode(t, a.OK(`mutation($a: ID!, $n: String!, $b: String!) { postComment(input: {articleId: $a, authorName: $n, authorEmail: "r@example.com", body: $b}) { id } }`,
			map[string]any{"a": article, "n": longest("😀", 80), "b": longest("😀", 5000)}),
			&comment)

		editor.OK(`mutation($id: ID!) { moderateComment(id: $id, status: APPROVED) { id } }`, map[string]any{"id": comment.PostComment.ID})

		var inbox struct {
			Enquiries struct{ TotalCount int }
		}
		apitest.Decode(t, staff.OK(`{ enquiries { totalCount } }`, nil), &inbox)
		if inbox.Enquiries.TotalCount != 1 {
			t.Errorf("enquiries stored: %d", inbox.Enquiries.TotalCount)
		}
		if report, err := svc.DeliverMail(context.Background()); err != nil || report.Sent != 1 {
			t.Errorf("notices delivered: %+v, %v", report, err)
		}
	})
}
