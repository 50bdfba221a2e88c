package graph_test

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"coursegraph/apitest"
	"coursegraph/events/redisbus"
	"coursegraph/models"
	"coursegraph/redisconn"
	"coursegraph/redisconn/redistest"
	"coursegraph/service"
	"coursegraph/store"
	"coursegraph/store/storetest"
)

// busInstance is one server instance with its event bus in Redis.
type busInstance struct {
	api       *apitest.API
	hub       *redisbus.Hub
	enquiries *redisbus.Bus[*models.Enquiry]
	comments  *redisbus.Bus[*models.Comment]
	srv       *httptest.Server
}

func newBusInstance(t *testing.T, s *store.Store, rdb *redisconn.Client, prefix string) *busInstance {
	t.Helper()
	hub := redisbus.New(rdb, redisbus.Options{Prefix: prefix, PingEvery: 200 * time.Millisecond, MaxBackoff: 100 * time.Millisecond})
	in := &busInstance{hub: hub, enquiries: redisbus.Topic[*models.Enquiry](hub, "enquiries")}
	in.comments = redisbus.Topic[*models.Comment](hub, "comments")
	in.api = apitest.NewWith(t, apitest.NewService(t, s, func(o *service.Options) { o.Enquiries, o.Comments = in.enquiries, in.comments }))
	hub.Start()
	t.Cleanup(hub.Close)
	in.srv = httptest.NewServer(in.api.Handler)
	t.Cleanup(in.srv.Close)
	return in
}

// subscribe opens a WebSocket to the instance as token and subscribes to
// enquiryReceived.
func (in *busInstance) subscribe(t *testing.T, token string) *apitest.WSClient {
	t.Helper()
	c := apitest.DialWS(t, in.srv.URL)
	c.Send(map[string]any{"type": "connection_init", "payload": map[string]any{"Authorization": "Bearer " + token}})
	if msg, err := c.Read(); err != nil || msg["type"] != "connection_ack" {
		t.Fatalf("init: %v %v", msg, err)
	}
	c.Send(map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{"query": `subscription { enquiryReceived { id name } }`}})
	return c
}

// TestLiveEventsReachEveryInstanceThroughRedis runs two instances over one
// database and one Redis: a staff member subscribed on A is told of an
// enquiry submitted through B (and not of spam). When A's connection to Redis
// drops, its subscription is closed with 1013 while enquiries are still
// accepted; A reconnects by itself and a new subscription gets events again.
// An editor demoted through B stops receiving comments on A.
// A third instance whose Redis does not answer accepts enquiries and closes a
// subscription at once with 1013.
func TestLiveEventsReachEveryInstanceThroughRedis(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		rdb, prefix := redistest.Open(t)
		if rdb == nil {
			t.Skip("no Redis")
		}
		a := newBusInstance(t, s, rdb, prefix)
		b := newBusInstance(t, s, redistest.Another(t), prefix)
		apitest.WaitFor(t, "both instances to connect", func() bool { return a.hub.Connected() && b.hub.Connected() })
		a.api.AddUser("staff@example.com", models.RoleStaff)
		staff := a.api.SignIn("staff@example.com", apitest.Password)

		c := a.subscribe(t, staff.Token)
		apitest.WaitFor(t, "the subscription on A", func() bool { return a.enquiries.Subscribers() == 1 })
		wire, err := rdb.Subscribe(t.Context(), "test-wire", prefix+"events:enquiries")
		if err != nil {
			t.Fatal(err)
		}
		defer wire.Close()
		b.api.SendEnquiry(map[string]any{"message": "spam spam", "website": "http://spam.example"})
		from := *b.api
		from.RemoteAddr = "203.0.113.77:4000"
		r := (&from).SendEnquiry(map[string]any{"name": "Through B", "message": "First question"})
		// What travels through Redis is what subscriptions show, not the
		// sender's address nor the request's idempotency key.
		if m, err := wire.Receive(10 * time.Second); err != nil || !strings.Contains(string(m.Data), "Through B") || strings.Contains(string(m.Data), "203.0.113.77") {
			t.Errorf("on the wire: %s (%v); want the enquiry without the client's address", m.Data, err)
		}
		msg, err := c.Read()
		if err != nil {
			t.Fatal(err)
		}
		if got := jsonOf(msg["payload"]); msg["type"] != "next" || got != `{"data":{"enquiryReceived":{"id":"`+r.SubmitEnquiry.ID+`","name":"Through B"}}}` {
			t.Fatalf("on A: %v %s; want the enquiry submitted through B, not the spam", msg["type"], got)
		}

		redistest.Kill(t, rdb, a.hub.ConnectionName())
		if code, reason, msgs := c.CloseOf(); code != 1013 || !strings.HasPrefix(reason, "Try Again Later") || len(msgs) != 0 {
			t.Errorf("after A lost Redis its subscription was closed with %d %q after %v; want 1013 Try Again Later", code, reason, msgs)
		}
		a.api.SendEnquiry(map[string]any{"name": "While A reconnects", "message": "Second question"})
		apitest.WaitFor(t, "A to reconnect", func() bool { return a.hub.Connects() == 2 && a.hub.Connected() })
		c = a.subscribe(t, staff.Token)
		apitest.WaitFor(t, "the new subscription on A", func() bool { return a.enquiries.Subscribers() == 1 })
		r = b.api.SendEnquiry(map[string]any{"name": "After the reconnection", "message": "Third question"})
		if msg, err := c.Read(); err != nil || !strings.Contains(jsonOf(msg["payload"]), r.SubmitEnquiry.ID) {
			t.Errorf("after reconnecting, A got %v (%v); want enquiry %s", msg, err, r.SubmitEnquiry.ID)
		}

		t.Run("an editor demoted through B stops receiving comments on A", func(t *testing.T) {
			editorUser := a.api.AddUser("editor@example.com", models.RoleEditor)
			a.api.AddUser("admin@example.com", models.RoleAdmin)
			editor := a.api.SignIn("editor@example.com", apitest.Password)
			article := writeArticle(t, editor, "Alpha", "Body.", nil, true)
			c := apitest.DialWS(t, a.srv.URL)
			c.Send(map[string]any{"type": "connection_init", "payload": map[string]any{"Authorization": "Bearer " + editor.Token}})
			if msg, err := c.Read(); err != nil || msg["type"] != "connection_ack" {
				t.Fatalf("init: %v %v", msg, err)
			}
			c.Send(map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{"query": `subscription { commentPosted { body } }`}})
			apitest.WaitFor(t, "the comment subscription on A", func() bool { return a.comments.Subscribers() == 1 })
			const post = `mutation($a: ID!, $b: String!) { postComment(input: {articleId: $a, authorName: "Reader", authorEmail: "reader@example.com", body: $b}) { id } }`
			b.api.OK(post, map[string]any{"a": article, "b": "Before the demotion."})
			if msg, err := c.Read(); err != nil || !strings.Contains(jsonOf(msg["payload"]), "Before the demotion.") {
				t.Fatalf("on A: %v (%v); want the comment posted through B", msg, err)
			}
			admin := b.api.SignIn("admin@example.com", apitest.Password)
			admin.OK(`mutation($id: ID!) { updateUser(id: $id, input: {role: STAFF}) { role } }`, map[string]any{"id": editorUser.GlobalID()})
			b.api.OK(post, map[string]any{"a": article, "b": "After the demotion."})
			if msg, err := c.Read(); err != nil || msg["type"] != "complete" || msg["id"] != "1" {
				t.Errorf("after the demotion the subscription got %v (%v); want it completed without the comment", msg, err)
			}
		})

		t.Run("an instance whose Redis does not answer accepts writes and closes subscriptions with 1013", func(t *testing.T) {
			down, err := redisconn.New("redis://127.0.0.1:1/0") // nothing listens on port 1
			if err != nil {
				t.Fatal(err)
			}
			defer down.Close()
			d := newBusInstance(t, s, down, prefix)
			if r := d.api.SendEnquiry(map[string]any{"name": "Without Redis", "message": "Fourth question"}); r.SubmitEnquiry.ID == "" {
				t.Error("no receipt")
			}
			c := d.subscribe(t, staff.Token)
			if code, reason, _ := c.CloseOf(); code != 1013 || !strings.HasPrefix(reason, "Try Again Later") {
				t.Errorf("closed with %d %q; want 1013 Try Again Later", code, reason)
			}
		})
	})
}

// jsonOf is v as compact JSON.
func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestEnquiryLatencyAcrossInstances submits 60 enquiries through instance B,
// one at a time, and measures, for each, the time from sending the mutation to
// the event arriving on a staff WebSocket of instance A (the write, its commit,
// Redis pub/sub and the subscription's answer). It asserts that each arrives;
// the figures are logged (go test ./graph -run Latency -v), not asserted.
func TestEnquiryLatencyAcrossInstances(t *testing.T) {
	s := storetest.OpenSQLite(t)
	rdb, prefix := redistest.Open(t)
	if rdb == nil {
		t.Skip("no Redis")
	}
	a := newBusInstance(t, s, rdb, prefix)
	b := newBusInstance(t, s, redistest.Another(t), prefix)
	apitest.WaitFor(t, "both instances to connect", func() bool { return a.hub.Connected() && b.hub.Connected() })
	a.api.AddUser("staff@example.com", models.RoleStaff)
	c := a.subscribe(t, a.api.SignIn("staff@example.com", apitest.Password).Token)
	apitest.WaitFor(t, "the subscription on A", func() bool { return a.enquiries.Subscribers() == 1 })
	const n = 60
	lat := make([]time.Duration, 0, n)
	for i := range n {
		sent := time.Now()
		r := b.api.SendEnquiry(map[string]any{"message": fmt.Sprintf("Question %d", i)})
		msg, err := c.Read()
		if err != nil || !strings.Contains(jsonOf(msg["payload"]), r.SubmitEnquiry.ID) {
			t.Fatalf("event %d on A: %v (%v); want enquiry %s", i, msg, err, r.SubmitEnquiry.ID)
		}
		lat = append(lat, time.Since(sent))
	}
	slices.Sort(lat)
	t.Logf("submitEnquiry on B -> enquiryReceived on A's WebSocket, %d enquiries: median %v, p90 %v, max %v", n, lat[n/2], lat[n*9/10], lat[n-1])
}
