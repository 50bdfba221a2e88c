package mail_test

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"coursegraph/mail"
)

// silentServer accepts connections and never says a word, as a mail server that
// hangs does.
func silentServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { _ = c.Close() })
		}
	}()
	return ln.Addr().String()
}

// stallingServer greets and then answers nothing more: each command waits.
func stallingServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { _ = c.Close() })
			_, _ = c.Write([]byte("220 localhost ESMTP\r\n"))
		}
	}()
	return ln.Addr().String()
}

// sendWithin sends through addr and fails the test unless Send returns an error
// within limit.
func sendWithin(t *testing.T, s *mail.SMTP, limit time.Duration) error {
	t.Helper()
	done := make(chan error, 1)
	start := time.Now()
	go func() { done <- s.Send(context.Background(), "staff@example.org", "Hello", "Body") }()
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("Send succeeded against a server that never answers")
		}
		if took := time.Since(start); took > limit {
			t.Errorf("Send took %v, want at most %v", took, limit)
		}
		return err
	case <-time.After(limit + 5*time.Second):
		t.Fatalf("Send still waits after %v", limit+5*time.Second)
		return nil
	}
}

func TestASilentMailServerCostsOneCommandTimeout(t *testing.T) {
	s, err := mail.ParseURL("smtp://" + silentServer(t) + "?from=noreply@example.org")
	if err != nil {
		t.Fatal(err)
	}
	s.CommandTimeout, s.Timeout = 200*time.Millisecond, 10*time.Second
	sendWithin(t, s, 2*time.Second)
}

func TestAMailServerThatStallsMidwayCostsAtMostTheDeliveryTimeout(t *testing.T) {
	s, err := mail.ParseURL("smtp://" + stallingServer(t) + "?from=noreply@example.org")
	if err != nil {
		t.Fatal(err)
	}
	s.CommandTimeout, s.Timeout = time.Minute, 300*time.Millisecond
	if err := sendWithin(t, s, 2*time.Second); !strings.Contains(err.Error(), "took longer than") {
		t.Errorf("error = %v; want it to say the server took too long", err)
	}
}

func TestStartTLSWithASilentServerIsBoundedToo(t *testing.T) {
	s, err := mail.ParseURL("smtp://" + silentServer(t) + "?from=noreply@example.org&tls=starttls")
	if err != nil {
		t.Fatal(err)
	}
	s.CommandTimeout, s.Timeout = 200*time.Millisecond, 10*time.Second
	sendWithin(t, s, 2*time.Second)
}
