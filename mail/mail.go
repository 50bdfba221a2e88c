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

// SMTP sends through an SMTP server. Set its timeouts before use.
type SMTP struct {
	// Timeout bounds one delivery, from the dial to the last reply
	// (DefaultTimeout unless set).
	Timeout time.Duration
	// CommandTimeout bounds the dial, the TLS handshake and each command's reply
	// (DefaultCommandTimeout unless set). go-smtp's own default is five
	// minutes, which let a silent server hold every notice that long.
	CommandTimeout time.Duration

	addr, host, from string
	user, password   string
	security         string // "none", "starttls" or "tls"
}

// The default timeouts of an SMTP sender.
const (
	DefaultTimeout        = 30 * time.Second
	DefaultCommandTimeout = 10 * time.Second
)

// ParseURL reads an SMTP_URL: smtp://user:pass@host:587?from=noreply@example.org
// (add tls=starttls to upgrade the connection), or smtps://… for TLS from the
// start. The sender address comes from the from parameter.
func ParseURL(raw string) (*SMTP, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return nil, errors.New("must be a URL such as smtp://user:pass@host:587?from=noreply@example.org")
	}
	s := &SMTP{host: u.Hostname(), addr: u.Host, security: "none", Timeout: DefaultTimeout, CommandTimeout: DefaultCommandTimeout}
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

// Send delivers one plain-text message to one recipient. It returns within
// s.Timeout (or when ctx ends), whatever the server does: a server that accepts
// the connection and never answers costs s.CommandTimeout.
func (s *SMTP) Send(ctx context.Context, to, subject, body string) (err error) {
	timeout, cmdTimeout := s.Timeout, s.CommandTimeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	if cmdTimeout <= 0 {
		cmdTimeout = DefaultCommandTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	d := net.Dialer{Timeout: cmdTimeout}
	raw, err := d.DialContext(ctx, "tcp", s.addr)
	if err != nil {
		return fmt.Errorf("connect to mail server: %w", err)
	}
	// The whole delivery ends with ctx, whatever it waits for.
	stop := context.AfterFunc(ctx, func() { _ = raw.Close() })
	defer func() {
		if !stop() && err != nil {
			err = fmt.Errorf("%w (the mail server took longer than %v)", err, timeout)
		}
	}()
	conn := &boundedConn{Conn: raw, max: cmdTimeout}
	_ = conn.SetDeadline(time.Time{})
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
	c.CommandTimeout, c.SubmissionTimeout = cmdTimeout, cmdTimeout
	if s.user != "" {
		if err := c.Auth(sasl.NewPlainClient("", s.user, s.password)); err != nil {
			return fmt.Errorf("sign in to mail server: %w", err)
		}
	}
	if err := c.SendMail(s.from, []string{to}, bytes.NewReader(message(s.from, to, subject, body))); err != nil {
		return fmt.Errorf("send mail: %w", err)
	}
	if err := c.Quit(); err != nil {
		return fmt.Errorf("end mail session: %w", err)
	}
	return nil
}

// boundedConn is a connection on which no read or write waits longer than max:
// go-smtp sets (and clears) its own deadlines around each command, with defaults
// of minutes, and this caps every one of them.
type boundedConn struct {
	net.Conn
	max time.Duration
}

func (c *boundedConn) SetDeadline(t time.Time) error {
	return c.Conn.SetDeadline(c.bound(t))
}

func (c *boundedConn) SetReadDeadline(t time.Time) error {
	return c.Conn.SetReadDeadline(c.bound(t))
}

func (c *boundedConn) SetWriteDeadline(t time.Time) error {
	return c.Conn.SetWriteDeadline(c.bound(t))
}

func (c *boundedConn) bound(t time.Time) time.Time {
	if limit := time.Now().Add(c.max); t.IsZero() || t.After(limit) {
		return limit
	}
	return t
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
