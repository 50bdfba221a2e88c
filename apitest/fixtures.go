package apitest

import (
	"encoding/json"
	"sync/atomic"
	"testing"
	"time"
)

// IDOf reads data's string value at path ("createCourse", "id").
func IDOf(t testing.TB, data json.RawMessage, path ...string) string {
	t.Helper()
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("no %v in %s", path, data)
		}
		v = m[p]
	}
	s, ok := v.(string)
	if !ok {
		t.Fatalf("no %v in %s", path, data)
	}
	return s
}

// Clock is a clock a test sets (whole seconds, UTC), safe for concurrent use.
type Clock struct{ unix atomic.Int64 }

// Now is the clock's time.
func (c *Clock) Now() time.Time { return time.Unix(c.unix.Load(), 0).UTC() }

// Set sets the clock to t.
func (c *Clock) Set(t time.Time) { c.unix.Store(t.Unix()) }

// SubmitEnquiry is the contact form's mutation, with its input in $in.
const SubmitEnquiry = `mutation($in: SubmitEnquiryInput!) { submitEnquiry(input: $in) { id receivedAt } }`

// Enquiry returns SubmitEnquiry's variables: a contact-form input with changes
// applied (nil deletes a field).
func Enquiry(changes map[string]any) map[string]any {
	in := map[string]any{"name": " Rahim Uddin ", "email": "Rahim@Example.com", "message": " Is there a seat in the evening batch? ", "phone": "01785 474 006"}
	for k, v := range changes {
		if v == nil {
			delete(in, k)
		} else {
			in[k] = v
		}
	}
	return map[string]any{"in": in}
}

// The read-path queries of issue 8 (bench/ runs the same kind over HTTP
// against a raw Go baseline): Q1 a list page, Q2 the catalogue, Q3 one
// article ($slug).
const (
	ReadQ1 = `{ articles(first: 20) { edges { node { title slug publishedAt author { name } tags { name slug } comments(first: 3) { edges { node { authorName body createdAt } } } } } } }`
	ReadQ2 = `{ courses(first: 50) { edges { node { title fee { amount formatted } schedules { batch { name startTime endTime } } } } } }`
	ReadQ3 = `query($slug: String!) { article(slug: $slug) { title html publishedAt author { name bio } tags { name slug } comments(first: 100) { edges { node { authorName body createdAt } } } } }`
)

// Receipt is the answer to SubmitEnquiry.
type Receipt struct {
	SubmitEnquiry struct {
		ID         string
		ReceivedAt time.Time
	}
}

// SendEnquiry submits the contact form (Enquiry(changes)), which must succeed.
func (a *API) SendEnquiry(changes map[string]any) Receipt {
	a.T.Helper()
	var r Receipt
	if err := json.Unmarshal(a.OK(SubmitEnquiry, Enquiry(changes)), &r); err != nil || r.SubmitEnquiry.ID == "" {
		a.T.Fatalf("submit: %v", err)
	}
	return r
}
