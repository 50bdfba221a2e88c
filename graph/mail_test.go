package graph_test

import (
	"bytes"
	"context"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"coursegraph/apitest"
	"coursegraph/mail"
	"coursegraph/service"
	"coursegraph/store"
	"coursegraph/store/storetest"

	"github.com/emersion/go-smtp"
)

// holdingBox is a local SMTP server that keeps what it receives, except that it
// holds a message whose subject contains hold in DATA until release is closed, as
// a mail server stuck on one message does.
type holdingBox struct {
	hold     string
	held     chan struct{} // closed when the held message arrives
	release  chan struct{}
	mu       sync.Mutex
	subjects []string
	heldOnce sync.Once
}

func (b *holdingBox) NewSession(*smtp.Conn) (smtp.Session, error) { return &holdingSession{b: b}, nil }

type holdingSession struct{ b *holdingBox }

func (s *holdingSession) Reset()                               {}
func (s *holdingSession) Logout() error                        { return nil }
func (s *holdingSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *holdingSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (s *holdingSession) Data(r io.Reader) error {
	var msg bytes.Buffer
	if _, err := io.Copy(&msg, r); err != nil {
		return err
	}
	_, after, _ := strings.Cut(msg.String(), "Subject: ")
	subject, _, _ := strings.Cut(after, "\r\n")
	if strings.Contains(subject, s.b.hold) {
		s.b.heldOnce.Do(func() { close(s.b.held) })
		<-s.b.release
	}
	s.b.mu.Lock()
	defer s.b.mu.Unlock()
	s.b.subjects = append(s.b.subjects, subject)
	return nil
}

func (b *holdingBox) received() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.subjects...)
}

func (b *holdingBox) start(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := smtp.NewServer(b)
	srv.Domain = "localhost"
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return ln.Addr().String()
}

// TestOneStuckNoticeDoesNotHoldTheOthersBack queues a notice the mail server gets
// stuck on, then another: the other is delivered while the first is still stuck,
// and the backlog counts both until they are sent.
func TestOneStuckNoticeDoesNotHoldTheOthersBack(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		storetest.CreateCentre(t, s) // the notices go to its address
		box := &holdingBox{hold: "Stuck", held: make(chan struct{}), release: make(chan struct{})}
		sender, err := mail.ParseURL("smtp://" + box.start(t) + "?from=noreply@lakeside-training.example")
		if err != nil {
			t.Fatal(err)
		}
		sender.Timeout, sender.CommandTimeout = time.Minute, time.Minute
		clock := &apitest.Clock{}
		clock.Set(time.Now())
		svc := apitest.NewService(t, s, func(o *service.Options) {
			o.Notify, o.Clock = &service.Notify{Sender: sender}, clock.Now
		})
		a := apitest.NewWith(t, svc)
		a.SendEnquiry(map[string]any{"name": "Stuck Person"})
		a.SendEnquiry(map[string]any{"name": "Rahim Uddin", "message": "Another question"})
		ctx := context.Background()
		if b, err := svc.MailBacklog(ctx); err != nil || b.Count != 2 || !b.Oldest.Equal(clock.Now()) {
			t.Errorf("backlog = %+v (%v); want 2, the oldest queued at %v", b, err, clock.Now())
		}

		done := make(chan service.MailReport)
		go func() {
			r, err := svc.DeliverMail(ctx)
			if err != nil {
				t.Error(err)
			}
			done <- r
		}()
		<-box.held
		apitest.WaitFor(t, "the second notice while the first is stuck", func() bool { return len(box.received()) == 1 })
		close(box.release)
		if r := <-done; r.Sent != 2 || len(r.Failed) != 0 {
			t.Errorf("report = %+v; want both sent", r)
		}
		if b, err := svc.MailBacklog(ctx); err != nil || b.Count != 0 {
			t.Errorf("backlog after delivery = %+v (%v); want none", b, err)
		}
	})
}

// TestAFailedNoticeIsReportedWithItsNextAttempt: every failed attempt is reported
// (the server logs each at WARN) with the message, the attempt and the next try.
func TestAFailedNoticeIsReportedWithItsNextAttempt(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		storetest.CreateCentre(t, s) // the notices go to its address
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		_ = ln.Close() // nothing listens: connections are refused
		sender, err := mail.ParseURL("smtp://" + addr + "?from=noreply@lakeside-training.example")
		if err != nil {
			t.Fatal(err)
		}
		clock := &apitest.Clock{}
		clock.Set(time.Now())
		svc := apitest.NewService(t, s, func(o *service.Options) {
			o.Notify, o.Clock = &service.Notify{Sender: sender}, clock.Now
		})
		apitest.NewWith(t, svc).SendEnquiry(nil)

		for attempt, wait := range []time.Duration{10 * time.Second, 20 * time.Second} {
			r, err := svc.DeliverMail(context.Background())
			if err != nil || r.Sent != 0 || len(r.Failed) != 1 {
				t.Fatalf("attempt %d: report %+v (%v); want one failure", attempt+1, r, err)
			}
			f := r.Failed[0]
			if f.ID == 0 || f.Attempt != attempt+1 || !f.NextAttempt.Equal(clock.Now().Add(wait)) || f.Err == nil || !strings.Contains(f.Err.Error(), "connect") {
				t.Errorf("attempt %d: failure %+v; want the message, attempt %d, next at +%v and the cause", attempt+1, f, attempt+1, wait)
			}
			clock.Set(clock.Now().Add(wait))
		}
	})
}
