package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"

	"coursegraph/apitest"
	"coursegraph/store/storetest"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"
)

// postAs sends query with token as the bearer token and returns the body.
func postAs(t *testing.T, base, token, query string) string {
	t.Helper()
	return postWith(t, base, token, query, nil)
}

// postWith sends query and its variables, with token as the bearer token when
// it is set, and returns the body.
func postWith(t *testing.T, base, token, query string, vars map[string]any) string {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, err := http.NewRequest(http.MethodPost, base+"/graphql", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// login signs in and returns the token, or "" when the sign-in is refused.
func login(t *testing.T, base, email, password string) string {
	t.Helper()
	body := postAs(t, base, "", `mutation { login(email: "`+email+`", password: "`+password+`") { token } }`)
	_, after, ok := strings.Cut(body, `"token":"`)
	if !ok {
		return ""
	}
	token, _, _ := strings.Cut(after, `"`)
	return token
}

// runAt runs coursegraph with args against the database at url, with stdin.
func runAt(url, stdin string, args ...string) (string, error) {
	var out bytes.Buffer
	getenv := func(k string) string { return map[string]string{"DATABASE_URL": url, "BCRYPT_COST": "4"}[k] }
	err := run(context.Background(), args, getenv, strings.NewReader(stdin), &out, io.Discard)
	return out.String(), err
}

func TestUserResetPasswordSetsAValidPasswordAndSignsTheUserOut(t *testing.T) {
	storetest.RunURL(t, func(t *testing.T, url string) {
		if _, err := runAt(url, "", "migrate"); err != nil {
			t.Fatal(err)
		}
		for _, u := range []struct{ email, name, role, password string }{
			{"owner@example.com", "Owner", "admin", "the owner's first password"},
			{"ed@example.com", "Ed", "editor", "the editor's own password"},
			{"gone@example.com", "Gone", "staff", "the leaver's own password"},
		} {
			if _, err := runAt(url, u.password+"\n", "user", "create", "--email", u.email, "--name", u.name, "--role", u.role); err != nil {
				t.Fatalf("user create %s: %v", u.email, err)
			}
		}
		base, _, _ := startServer(t, map[string]string{"DATABASE_URL": url})
		ownerToken := login(t, base, "owner@example.com", "the owner's first password")
		editorToken := login(t, base, "ed@example.com", "the editor's own password")
		if ownerToken == "" || editorToken == "" {
			t.Fatal("the created users cannot sign in")
		}

		users := postAs(t, base, ownerToken, `{ users { id email } }`)
		_, after, _ := strings.Cut(users, `"gone@example.com"`)
		if i := strings.LastIndex(users[:len(users)-len(after)], `"id":"`); i < 0 {
			t.Fatalf("no id for gone@example.com in %s", users)
		} else {
			id, _, _ := strings.Cut(users[i+len(`"id":"`):], `"`)
			if body := postAs(t, base, ownerToken, `mutation { deactivateUser(id: "`+id+`") { active } }`); !strings.Contains(body, `"active":false`) {
				t.Fatalf("deactivate: %s", body)
			}
		}
		for _, tc := range []struct {
			name, stdin string
			args        []string
			want        string
		}{
			{"a password under 12 characters", "short\n", []string{"--email", "owner@example.com"}, "password: must be at least 12 characters"},
			{"the email as the password", "owner@example.com\n", []string{"--email", "owner@example.com"}, "password: "},
			{"an unknown email", "a long enough password\n", []string{"--email", "nobody@example.com"}, "user not found"},
			{"no password", "", []string{"--email", "owner@example.com"}, "give the password on standard input"},
			{"a deactivated account", "a long enough password\n", []string{"--email", "gone@example.com"}, "email: the account is deactivated"},
		} {
			t.Run(tc.name+" is refused and changes nothing", func(t *testing.T) {
				_, err := runAt(url, tc.stdin, append([]string{"user", "reset-password"}, tc.args...)...)
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Errorf("error = %v; want one saying %q", err, tc.want)
				}
				if body := postAs(t, base, ownerToken, `{ me { email } }`); !strings.Contains(body, `"email":"owner@example.com"`) {
					t.Errorf("the owner was signed out by a refused reset: %s", body)
				}
			})
		}

		out, err := runAt(url, "the owner's second password\r\n", "user", "reset-password", "--email", "Owner@Example.com")
		if err != nil || !strings.Contains(out, "owner@example.com") {
			t.Fatalf("reset-password: %v %q", err, out)
		}
		if body := postAs(t, base, ownerToken, `{ me { email } }`); !strings.Contains(body, "UNAUTHENTICATED") {
			t.Errorf("the owner's session outlived the reset: %s", body)
		}
		if login(t, base, "owner@example.com", "the owner's first password") != "" {
			t.Error("the old password still signs in")
		}
		if login(t, base, "owner@example.com", "the owner's second password") == "" {
			t.Error("the new password (its line ending trimmed) does not sign in")
		}
		if body := postAs(t, base, editorToken, `{ me { email } }`); !strings.Contains(body, `"email":"ed@example.com"`) {
			t.Errorf("another user was signed out: %s", body)
		}
	})
}

// echoOff reports whether the terminal tty has echo turned off, as a password
// prompt does while it reads.
func echoOff(t *testing.T, tty *os.File) bool {
	t.Helper()
	tio, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatalf("read the terminal's settings: %v", err)
	}
	return tio.Lflag&unix.ECHO == 0
}

func TestUserCommandsAskForThePasswordTwiceWithoutEchoOnATerminal(t *testing.T) {
	storetest.RunURL(t, func(t *testing.T, url string) {
		if _, err := runAt(url, "", "migrate"); err != nil {
			t.Fatal(err)
		}
		getenv := func(k string) string { return map[string]string{"DATABASE_URL": url, "BCRYPT_COST": "4"}[k] }
		// typeIn runs args on a new terminal, typing each answer once its prompt
		// shows and echo is off; it returns run's error, what it printed and what
		// the terminal showed (its echo).
		typeIn := func(t *testing.T, args []string, answers ...string) (error, string, string) {
			t.Helper()
			term, tty, err := pty.Open()
			if err != nil {
				t.Fatalf("open a terminal: %v", err)
			}
			defer term.Close()
			defer tty.Close()
			prompts := &syncBuffer{}
			var out bytes.Buffer
			done := make(chan error, 1)
			go func() { done <- run(context.Background(), args, getenv, tty, &out, prompts) }()
			for i, a := range answers {
				want := []string{"Password: ", "Password again: "}[i]
				apitest.WaitFor(t, "the prompt "+want, func() bool {
					return strings.Count(prompts.String(), "Password") == i+1 && strings.HasSuffix(prompts.String(), want) && echoOff(t, tty)
				})

				if _, err := io.WriteString(term, a+"\n"); err != nil {
					t.Fatal(err)
				}
			}
			runErr := <-done
			// The terminal shows what was typed only if it was echoed: end what
			// it shows with a mark and read up to it.
			if _, err := io.WriteString(tty, "END-OF-TEST\n"); err != nil {
				t.Fatal(err)
			}
			var shown bytes.Buffer
			buf := make([]byte, 256)
			for !strings.Contains(shown.String(), "END-OF-TEST") {
				n, err := term.Read(buf)
				if err != nil {
					t.Fatalf("read the terminal: %v", err)
				}
				shown.Write(buf[:n])
			}
			return runErr, out.String(), shown.String()
		}

		createArgs := []string{"user", "create", "--email", "typist@example.com", "--name", "Typist", "--role", "staff"}
		err, _, shown := typeIn(t, createArgs, "a typed long password", "a typed long passwork")
		if err == nil || !strings.Contains(err.Error(), "the two passwords differ") {
			t.Errorf("two different passwords: %v", err)
		}
		if strings.Contains(shown, "a typed long") {
			t.Errorf("the terminal echoed the password: %q", shown)
		}
		err, out, shown := typeIn(t, createArgs, "a typed long password", "a typed long password")
		if err != nil || !strings.Contains(out, "created STAFF typist@example.com") {
			t.Fatalf("user create on a terminal: %v %q", err, out)
		}
		if strings.Contains(shown, "a typed long password") {
			t.Errorf("the terminal echoed the password: %q", shown)
		}
		err, out, _ = typeIn(t, []string{"user", "reset-password", "--email", "typist@example.com"}, "another typed password", "another typed password")
		if err != nil || !strings.Contains(out, "typist@example.com") {
			t.Fatalf("user reset-password on a terminal: %v %q", err, out)
		}
		base, _, _ := startServer(t, map[string]string{"DATABASE_URL": url})
		if login(t, base, "typist@example.com", "another typed password") == "" {
			t.Error("the password typed at the terminal does not sign in")
		}
	})
}
