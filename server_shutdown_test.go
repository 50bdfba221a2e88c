package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"coursegraph/apitest"
	"coursegraph/store"

	"github.com/emersion/go-smtp"
)

// heldMail is an SMTP server that holds every message in DATA until release is
// closed.
type heldMail struct {
	held    chan struct{}
	release chan struct{}
	once    sync.Once
	mu      sync.Mutex
	got     int
}

func (b *heldMail) NewSession(*smtp.Conn) (smtp.Session, error) { return heldSession{b}, nil }

type heldSession struct{ b *heldMail }

func (heldSession) Reset()                               {}
func (heldSession) Logout() error                        { return nil }
func (heldSession) Mail(string, *smtp.MailOptions) error { return nil }
func (heldSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (s heldSession) Data(r io.Reader) error {
	_, _ = io.Copy(&bytes.Buffer{}, r)
	s.b.once.Do(func() { close(s.b.held) })
	<-s.b.release
	s.b.mu.Lock()
	s.b.got++
	s.b.mu.Unlock()
	return nil
}

const enquiryMutation = `mutation { submitEnquiry(input: {name: "Rahim Uddin", email: "rahim@example.com", message: "Is there a seat?"}) { id } }`

// TestShutdownLetsAMailDeliveryInProgressFinishBeforeTheDatabaseCloses stops the
// server while the mail server is taking a notice: run returns only after the
// delivery is done and recorded, so the notice is neither lost nor sent twice.
func TestShutdownLetsAMailDeliveryInProgressFinishBeforeTheDatabaseCloses(t *testing.T) {
	box := &heldMail{held: make(chan struct{}), release: make(chan struct{})}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	smtpSrv := smtp.NewServer(box)
	smtpSrv.Domain = "localhost"
	go func() { _ = smtpSrv.Serve(ln) }()
	t.Cleanup(func() { _ = smtpSrv.Close() })

	dbURL := "sqlite:" + filepath.Join(t.TempDir(), "cg.db")
	base, logs, stop := startServer(t, map[string]string{
		"DATABASE_URL": dbURL, "SMTP_URL": "smtp://" + ln.Addr().String() + "?from=noreply@example.org",
		"MAIL_POLL_INTERVAL": "10ms",
	})
	if code, body := postQuery(t, base, enquiryMutation); code != 200 || strings.Contains(body, "errors") {
		t.Fatalf("submit: %d %s", code, body)
	}
	<-box.held
	stopped := make(chan error, 1)
	go func() { stopped <- stop() }()
	apitest.WaitFor(t, "the shutdown to begin", func() bool { return strings.Contains(logs.String(), "shutting down") })
	select {
	case err := <-stopped:
		t.Fatalf("run returned (%v) while a mail delivery was in progress", err)
	default:
	}
	close(box.release)
	if err := <-stopped; err != nil {
		t.Fatalf("run: %v", err)
	}

	st, err := store.Open(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	db, _ := st.SQL()
	var sent, claimedLater int
	if err := db.QueryRow("SELECT COUNT(sent_at), COUNT(*) - COUNT(sent_at) FROM outbox").Scan(&sent, &claimedLater); err != nil {
		t.Fatal(err)
	}
	if sent != 1 || claimedLater != 0 {
		t.Errorf("outbox: %d sent, %d unsent; want the notice recorded as sent\n%s", sent, claimedLater, logs.String())
	}
}

// TestFailedDeliveriesAreLoggedAndTheBacklogIsShown: with the mail server down,
// each failed attempt is a WARN line naming the message, the attempt, the next
// try and the cause, and /readyz?verbose shows the backlog (and stays ready).
func TestFailedDeliveriesAreLoggedAndTheBacklogIsShown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	base, logs, _ := startServer(t, map[string]string{
		"DATABASE_URL":       "sqlite:" + filepath.Join(t.TempDir(), "cg.db"),
		"SMTP_URL":           "smtp://" + addr + "?from=noreply@example.org",
		"MAIL_POLL_INTERVAL": "10ms",
	})
	if code, body := postQuery(t, base, enquiryMutation); code != 200 || strings.Contains(body, "errors") {
		t.Fatalf("submit: %d %s", code, body)
	}
	apitest.WaitFor(t, "a logged failure", func() bool { return strings.Contains(logs.String(), "mail delivery failed") })
	var line string
	for l := range strings.SplitSeq(logs.String(), "\n") {
		if strings.Contains(l, "mail delivery failed") {
			line = l
			break
		}
	}
	for _, want := range []string{"level=WARN", "outbox_id=1", "attempt=1", "next_attempt=", "connect to mail server"} {
		if !strings.Contains(line, want) {
			t.Errorf("the failure log lacks %q: %s", want, line)
		}
	}
	if code, body := get(t, base+"/readyz?verbose"); code != 200 || !strings.Contains(body, "mail backlog: 1 undelivered, oldest queued") || !strings.HasSuffix(body, "ok\n") {
		t.Errorf("/readyz?verbose = %d %q", code, body)
	}
	if code, body := get(t, base+"/readyz"); code != 200 || body != "ok\n" {
		t.Errorf("/readyz = %d %q", code, body)
	}
}

// TestShutdownDrainsBeforeItStopsAccepting: on SIGTERM the server first answers
// unready and closes each keep-alive connection after its response, so that
// clients move away before it stops accepting, instead of finding an idle
// connection closed under their next request.
func TestShutdownDrainsBeforeItStopsAccepting(t *testing.T) {
	base, logs, stop := startServer(t, map[string]string{
		"DATABASE_URL": "sqlite:" + filepath.Join(t.TempDir(), "cg.db"), "SHUTDOWN_DRAIN": "3s",
	})
	client := &http.Client{}
	resp, err := client.Get(base + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.Close {
		t.Fatal("a response before the shutdown closes its connection")
	}
	stopped := make(chan error, 1)
	go func() { stopped <- stop() }()
	apitest.WaitFor(t, "the shutdown to begin", func() bool { return strings.Contains(logs.String(), "shutting down") })

	resp, err = client.Get(base + "/readyz")
	if err != nil {
		t.Fatalf("a request while draining: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || string(body) != "shutting down\n" || !resp.Close {
		t.Errorf("/readyz while draining = %d %q, Connection: close %v; want 503, and the connection closed", resp.StatusCode, body, resp.Close)
	}
	if code, body := postQuery(t, base, `{ courses { totalCount } }`); code != 200 || !strings.Contains(body, `"totalCount"`) || strings.Contains(body, `"errors"`) {
		t.Errorf("a query while draining = %d %s; want it answered", code, body)
	}
	if err := <-stopped; err != nil {
		t.Fatal(err)
	}
}
