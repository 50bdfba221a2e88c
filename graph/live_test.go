package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"coursegraph/apitest"
	"coursegraph/events"
	"coursegraph/mail"
	"coursegraph/models"
	"coursegraph/service"
	"coursegraph/store"
	"coursegraph/store/storetest"

	coderws "github.com/coder/websocket"
	"github.com/emersion/go-smtp"
)

func TestEnquiryReceivedSubscription(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		course := storetest.CreateCourse(t, s, func(c *models.Course) { c.Title = "Digital Marketing Course" })
		bus := events.NewLocal[*models.Enquiry]()
		a := apitest.NewWith(t, apitest.NewService(t, s, func(o *service.Options) { o.Enquiries = bus }))
		a.AddUser("staff@example.com", models.RoleStaff)
		staff := a.SignIn("staff@example.com", apitest.Password)
		srv := httptest.NewServer(a.Handler)
		defer srv.Close()

		for name, payload := range map[string]map[string]any{
			"an anonymous connection": {},
			"a forged token":          {"Authorization": "Bearer cgs_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"},
		} {
			t.Run(name+" is refused", func(t *testing.T) {
				c := apitest.DialWS(t, srv.URL)
				c.Send(map[string]any{"type": "connection_init", "payload": payload})
				msg, err := c.Read()
				if err == nil && msg["type"] == "connection_ack" {
					t.Fatalf("acknowledged: %v", msg)
				}
				if status := coderws.CloseStatus(err); err == nil && msg["type"] != "connection_error" && status == -1 {
					t.Errorf("want the connection refused, got %v (%v)", msg, err)
				}
			})
		}

		c := apitest.DialWS(t, srv.URL)
		c.Send(map[string]any{"type": "connection_init", "payload": map[string]any{"Authorization": "Bearer " + staff.Token}})
		if msg, err := c.Read(); err != nil || msg["type"] != "connection_ack" {
			t.Fatalf("init as staff: %v %v", msg, err)
		}
		c.Send(map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{"query": `subscription { enquiryReceived { id name course { title } createdAt } }`}})
		apitest.WaitFor(t, "the subscription", func() bool { return bus.Subscribers() == 1 })

		a.SendEnquiry(map[string]any{"message": "spam spam", "website": "http://spam.example"})
		r := a.SendEnquiry(map[string]any{"courseId": course.GlobalID()})
		msg, err := c.Read()
		if err != nil {
			t.Fatal(err)
		}
		got, _ := json.Marshal(msg["payload"])
		want := `{"data":{"enquiryReceived":{"course":{"title":"Digital Marketing Course"},"createdAt":"` + r.SubmitEnquiry.ReceivedAt.UTC().Format(time.RFC3339) + `","id":"` + r.SubmitEnquiry.ID + `","name":"Rahim Uddin"}}}`
		if msg["type"] != "next" || string(got) != want {
			t.Errorf("event = %v %s; want the accepted enquiry only, not the spam", msg["type"], got)
		}
		// Each event is answered with fresh loaders: a course renamed between two
		// events shows its new title.
		a.AddUser("editor@example.com", models.RoleEditor)
		a.SignIn("editor@example.com", apitest.Password).OK(`mutation($id: ID!) { updateCourse(id: $id, input: {title: "Digital Marketing"}) { title } }`, map[string]any{"id": course.GlobalID()})
		a.SendEnquiry(map[string]any{"courseId": course.GlobalID(), "message": "A second question"})
		if msg, err = c.Read(); err != nil {
			t.Fatal(err)
		}
		if got, _ := json.Marshal(msg["payload"]); !strings.Contains(string(got), `"title":"Digital Marketing"}`) {
			t.Errorf("second event = %s; want the course's new title", got)
		}
		c.Send(map[string]any{"id": "1", "type": "complete"})
		apitest.WaitFor(t, "the unsubscription", func() bool { return bus.Subscribers() == 0 })
		if msg, err := c.Read(); err != nil || msg["type"] != "complete" || msg["id"] != "1" {
			t.Fatalf("want the server to confirm the end of subscription 1, got %v (%v)", msg, err)
		}

		t.Run("a deactivated user's connection loses access at once", func(t *testing.T) {
			c.Send(map[string]any{"id": "2", "type": "subscribe", "payload": map[string]any{"query": `subscription { enquiryReceived { id } }`}})
			apitest.WaitFor(t, "the second subscription", func() bool { return bus.Subscribers() == 1 })
			a.AddUser("admin@example.com", models.RoleAdmin)
			var me struct{ Me struct{ ID string } }
			apitest.Decode(t, staff.OK(`{ me { id } }`, nil), &me)
			a.SignIn("admin@example.com", apitest.Password).OK(`mutation($id: ID!) { deactivateUser(id: $id) { active } }`, map[string]any{"id": me.Me.ID})
			a.SendEnquiry(map[string]any{"message": "After the deactivation"})
			if msg, err := c.Read(); err != nil || msg["type"] != "complete" || msg["id"] != "2" {
				t.Errorf("after deactivation the subscription got %v (%v); want it completed without the enquiry", msg, err)
			}
			c.Send(map[string]any{"id": "3", "type": "subscribe", "payload": map[string]any{"query": `{ enquiries { totalCount } }`}})
			msg, err := c.Read()
			got, _ := json.Marshal(msg)
			if err != nil || !strings.Contains(string(got), "UNAUTHENTICATED") || strings.Contains(string(got), "totalCount") {
				t.Errorf("a query over the socket after deactivation = %s (%v)", got, err)
			}
		})
	})
}

// mailbox is a local SMTP server that keeps what it receives.
type mailbox struct {
	mu       sync.Mutex
	messages []string
}

func (m *mailbox) NewSession(*smtp.Conn) (smtp.Session, error) { return &mailSession{box: m}, nil }

type mailSession struct{ box *mailbox }

func (s *mailSession) Reset()                               {}
func (s *mailSession) Logout() error                        { return nil }
func (s *mailSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *mailSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (s *mailSession) Data(r io.Reader) error {
	var b bytes.Buffer
	if _, err := io.Copy(&b, r); err != nil {
		return err
	}
	s.box.mu.Lock()
	defer s.box.mu.Unlock()
	s.box.messages = append(s.box.messages, b.String())
	return nil
}

// start serves SMTP on addr and returns the address it listens on and a function
// that stops it. Stopping closes the listener itself, so that nothing is accepted
// even if Serve has not started yet.
func (m *mailbox) start(t *testing.T, addr string) (string, func()) {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("listen for SMTP: %v", err)
	}
	srv := smtp.NewServer(m)
	srv.Domain = "localhost"
	go func() { _ = srv.Serve(ln) }()
	stop := func() {
		_ = ln.Close()
		_ = srv.Close()
	}
	t.Cleanup(stop)
	return ln.Addr().String(), stop
}

func (m *mailbox) received() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.messages...)
}

// TestAnEnquiryNoticeSurvivesAnSMTPOutage stops the mail server, takes an
// enquiry, fails to send its notice, starts the server again and sees the notice
// arrive once.
func TestAnEnquiryNoticeSurvivesAnSMTPOutage(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		storetest.CreateCentre(t, s, func(c *models.Centre) { c.Email = "hello@lakeside-training.example" })
		course := storetest.CreateCourse(t, s, func(c *models.Course) { c.Title = "Office/Basic Computer Course" })
		box := &mailbox{}
		addr, stop := box.start(t, "127.0.0.1:0")
		stop()
		sender, err := mail.ParseURL("smtp://" + addr + "?from=noreply@lakeside-training.example")
		if err != nil {
			t.Fatal(err)
		}
		clock := &apitest.Clock{}
		clock.Set(time.Now())
		svc := apitest.NewService(t, s, func(o *service.Options) {
			o.Notify, o.Clock = &service.Notify{Sender: sender}, clock.Now
		})
		a := apitest.NewWith(t, svc)
		a.SendEnquiry(map[string]any{"courseId": course.GlobalID()})
		a.SendEnquiry(map[string]any{"message": "spam", "website": "x"})
		ctx := context.Background()

		deliver := func(when string, want int) {
			t.Helper()
			r, err := svc.DeliverMail(ctx)
			if err != nil || r.Sent != want {
				t.Fatalf("%s: sent %d (%v), want %d", when, r.Sent, err, want)
			}
		}
		deliver("while the server is down", 0)
		_, _ = box.start(t, addr)
		deliver("back up, before the retry is due", 0)
		clock.Set(clock.Now().Add(11 * time.Second))
		deliver("when the retry is due", 1)
		clock.Set(clock.Now().Add(time.Hour))
		deliver("an hour later", 0)

		got := box.received()
		if len(got) != 1 {
			t.Fatalf("received %d messages, want exactly 1", len(got))
		}
		for _, want := range []string{"To: hello@lakeside-training.example", "Subject: New enquiry from Rahim Uddin (Office/Basic Computer Course)", "Is there a seat in the evening batch?"} {
			if !strings.Contains(got[0], want) {
				t.Errorf("the notice lacks %q:\n%s", want, got[0])
			}
		}
	})
}

// TestCommentPostedSubscription subscribes an editor to commentPosted over a real
// WebSocket and posts comments on two articles by different authors (and spam
// between them); staff who are not editors, and anonymous connections, are
// refused; an editor demoted to staff stops receiving.
func TestCommentPostedSubscription(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		bus := events.NewLocal[*models.Comment]()
		a := apitest.NewWith(t, apitest.NewService(t, s, func(o *service.Options) { o.Comments = bus }))
		editorUser := a.AddUser("editor@example.com", models.RoleEditor)
		a.AddUser("admin@example.com", models.RoleAdmin)
		a.AddUser("staff@example.com", models.RoleStaff)
		editor, admin := a.SignIn("editor@example.com", apitest.Password), a.SignIn("admin@example.com", apitest.Password)
		staff := a.SignIn("staff@example.com", apitest.Password)
		alpha := writeArticle(t, editor, "Alpha", "Body.", nil, true)
		beta := writeArticle(t, admin, "Beta", "Body.", nil, true)
		post := func(article, body string, website any) string {
			t.Helper()
			var got struct{ PostComment struct{ ID string } }
			data := a.OK(`mutation($a: ID!, $b: String!, $w: String) { postComment(input: {articleId: $a, authorName: "Reader", authorEmail: "reader@example.com", body: $b, website: $w}) { id } }`,
				map[string]any{"a": article, "b": body, "w": website})

			if err := json.Unmarshal(data, &got); err != nil {
				t.Fatal(err)
			}
			return got.PostComment.ID
		}
		srv := httptest.NewServer(a.Handler)
		defer srv.Close()
		const subscription = `subscription { commentPosted { id body status authorEmail article { id title author { name } } } }`
		connect := func(token string) *apitest.WSClient {
			t.Helper()
			c := apitest.DialWS(t, srv.URL)
			c.Send(map[string]any{"type": "connection_init", "payload": map[string]any{"Authorization": "Bearer " + token}})
			if msg, err := c.Read(); err != nil || msg["type"] != "connection_ack" {
				t.Fatalf("init: %v %v", msg, err)
			}
			return c
		}

		t.Run("an anonymous connection is closed with 4401", func(t *testing.T) {
			c := apitest.DialWS(t, srv.URL)
			c.Send(map[string]any{"type": "connection_init"})
			if code, _, msgs := c.CloseOf(); code != 4401 || len(msgs) != 0 {
				t.Errorf("closed with %d after %v; want 4401 and no message", code, msgs)
			}
		})
		t.Run("staff who are not editors get FORBIDDEN", func(t *testing.T) {
			c := connect(staff.Token)
			c.Send(map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{"query": subscription}})
			msg, err := c.Read()
			got, _ := json.Marshal(msg)
			if err != nil || msg["id"] != "1" || !strings.Contains(string(got), `"code":"FORBIDDEN"`) || !strings.Contains(string(got), `"data":null`) {
				t.Errorf("subscribe as staff: %s (%v); want a FORBIDDEN error and no data", got, err)
			}
			if msg, err := c.Read(); err != nil || msg["type"] != "complete" || msg["id"] != "1" {
				t.Errorf("after the refusal: %v (%v); want the subscription completed", msg, err)
			}
			if n := bus.Subscribers(); n != 0 {
				t.Errorf("%d subscribers on the bus after the refusal, want 0", n)
			}
		})

		c := connect(editor.Token)
		c.Send(map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{"query": subscription}})
		apitest.WaitFor(t, "the subscription", func() bool { return bus.Subscribers() == 1 })
		first := post(alpha, "On alpha.", nil)
		post(beta, "Buy now.", "http://spam.example")
		second := post(beta, "On beta.", nil)
		for _, want := range []string{
			`{"data":{"commentPosted":{"article":{"author":{"name":"editor"},"id":"` + alpha + `","title":"Alpha"},"authorEmail":"reader@example.com","body":"On alpha.","id":"` + first + `","status":"PENDING"}}}`,
			`{"data":{"commentPosted":{"article":{"author":{"name":"admin"},"id":"` + beta + `","title":"Beta"},"authorEmail":"reader@example.com","body":"On beta.","id":"` + second + `","status":"PENDING"}}}`,
		} {
			msg, err := c.Read()
			if err != nil {
				t.Fatal(err)
			}
			if got, _ := json.Marshal(msg["payload"]); msg["type"] != "next" || string(got) != want {
				t.Errorf("event = %v %s\nwant %s (the spam between them is not announced)", msg["type"], got, want)
			}
		}

		t.Run("an editor demoted to staff stops receiving", func(t *testing.T) {
			admin.OK(`mutation($id: ID!) { updateUser(id: $id, input: {role: STAFF}) { role } }`, map[string]any{"id": editorUser.GlobalID()})
			post(alpha, "After the demotion.", nil)
			if msg, err := c.Read(); err != nil || msg["type"] != "complete" || msg["id"] != "1" {
				t.Errorf("after the demotion the subscription got %v (%v); want it completed without the comment", msg, err)
			}
		})
	})
}
