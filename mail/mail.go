// Package mail sends plain-text email over SMTP with emersion/go-smtp. It knows
// nothing of what the messages say or when they are due: the service's outbox
// decides that.
//
// It may import the standard library and go-smtp.
package mail

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"mime"
	"net"
	"net/mail"
	"net/url"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Sender sends one email.
type Sender interface {
	Send(ctx context.Context, to, subject, body string) error
}

// SMTP sends through an SMTP server.
type SMTP struct {
	addr, host, from string
	user, password   string
	security         string // "none", "starttls" or "tls"
}

// ParseURL reads an SMTP_URL: smtp://user:pass@host:587?from=noreply@example.org
// (add tls=starttls to upgrade the connection), or smtps://… for TLS from the
// start. The sender address comes from the from parameter.
func ParseURL(raw string) (*SMTP, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return nil, errors.New("must be a URL such as smtp://user:pass@host:587?from=noreply@example.org")
	}
	s := &SMTP{host: u.Hostname(), addr: u.Host, security: "none"}
	switch u.Scheme {
	case "smtp":
		if u.Port() == "" {
			s.addr = net.JoinHostPort(s.host, "25")
		}
		if u.Query().Get("tls") == "starttls" {
			s.security = "starttls"
		}
	case "smtps":
		s.security = "tls"
		if u.Port() == "" {
			s.addr = net.JoinHostPort(s.host, "465")
		}
	default:
		return nil, fmt.Errorf("scheme must be smtp or smtps, not %q", u.Scheme)
	}
	if u.User != nil {
		s.user = u.User.Username()
		s.password, _ = u.User.Password()
	}
	s.from = u.Query().Get("from")
	if _, err := mail.ParseAddress(s.from); err != nil {
		return nil, errors.New("needs a from parameter with the sender's address, such as ?from=noreply@example.org")
	}
	return s, nil
}

// sendTimeout bounds one delivery when ctx has no deadline.
const sendTimeout = 30 * time.Second

// Send delivers one plain-text message to one recipient.
func (s *SMTP) Send(ctx context.Context, to, subject, body string) error {
	ctx, cancel := context.WithTimeout(ctx, sendTimeout)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", s.addr)
	if err != nil {
		return fmt.Errorf("connect to mail server: %w", err)
	}
	deadline, _ := ctx.Deadline()
	_ = conn.SetDeadline(deadline)
	tlsConfig := &tls.Config{ServerName: s.host, MinVersion: tls.VersionTLS12}
	var c *smtp.Client
	switch s.security {
	case "tls":
		c = smtp.NewClient(tls.Client(conn, tlsConfig))
	case "starttls":
		if c, err = smtp.NewClientStartTLS(conn, tlsConfig); err != nil {
			_ = conn.Close()
			return fmt.Errorf("start TLS with mail server: %w", err)
		}
	default:
		c = smtp.NewClient(conn)
	}
	defer c.Close()
	if s.user != "" {
		if err := c.Auth(sasl.NewPlainClient("", s.user, s.password)); err != nil {
			return fmt.Errorf("sign in to mail server: %w", err)
		}
	}
	if err := c.SendMail(s.from, []string{to}, bytes.NewReader(message(s.from, to, subject, body))); err != nil {
		return fmt.Errorf("send mail: %w", err)
	}
	return c.Quit()
}

// message writes a plain-text RFC 5322 message with CRLF line ends.
func message(from, to, subject, body string) []byte {
	var b bytes.Buffer
	header := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, v) }
	header("From", from)
	header("To", to)
	header("Subject", mime.QEncoding.Encode("utf-8", subject))
	header("Date", time.Now().UTC().Format(time.RFC1123Z))
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=utf-8")
	header("Content-Transfer-Encoding", "8bit")
	b.WriteString("\r\n")
	for line := range strings.SplitSeq(strings.ReplaceAll(body, "\r\n", "\n"), "\n") {
		b.WriteString(line + "\r\n") // the SMTP client dot-stuffs
	}
	return b.Bytes()
}
