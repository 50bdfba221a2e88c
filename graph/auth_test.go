package graph_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"coursegraph/auth"
	"coursegraph/models"
	"coursegraph/service"
	"coursegraph/store"
	"coursegraph/store/storetest"
)

const testPassword = "correct horse battery"

// addUser creates an active user with role and testPassword, as the operator.
func (a *api) addUser(email string, role models.Role) *models.User {
	a.t.Helper()
	name := strings.Split(email, "@")[0]
	u, err := a.svc.CreateUser(auth.AsSystem(context.Background()), models.UserInput{Name: &name, Email: &email, Role: &role}, testPassword)
	if err != nil {
		a.t.Fatalf("create user %s: %v", email, err)
	}
	return u
}

// signIn logs in through the API and returns a copy of a that sends the token.
func (a *api) signIn(email, password string) *api {
	a.t.Helper()
	var got struct{ Login struct{ Token string } }
	if err := json.Unmarshal(a.ok(`mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }`, map[string]any{"e": email, "p": password}), &got); err != nil || got.Login.Token == "" {
		a.t.Fatalf("sign in as %s: %v", email, err)
	}
	signed := *a
	signed.token = got.Login.Token
	return &signed
}

// code returns the extensions.code of a response's first error, or "" for none.
func code(resp response) string {
	if len(resp.Errors) == 0 {
		return ""
	}
	c, _ := resp.Errors[0].Extensions["code"].(string)
	return c
}

func TestLoginMeLogout(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		a := newAPI(t, s)
		a.addUser("Editor@Example.com", models.RoleEditor)

		var login struct {
			Login struct {
				Token     string
				ExpiresAt time.Time
				User      struct{ Email, Role string }
			}
		}
		data := a.ok(`mutation { login(email: "  EDITOR@example.COM ", password: "correct horse battery") { token expiresAt user { email role } } }`, nil)
		if err := json.Unmarshal(data, &login); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(login.Login.Token, "cgs_") || login.Login.User.Email != "editor@example.com" || login.Login.User.Role != "EDITOR" {
			t.Errorf("login = %+v", login.Login)
		}
		if d := time.Until(login.Login.ExpiresAt); d < 6*24*time.Hour || d > 8*24*time.Hour {
			t.Errorf("expiresAt %v is not about a week away", login.Login.ExpiresAt)
		}
		if strings.Contains(a.log.String(), login.Login.Token) {
			t.Error("the token appears in the log")
		}

		signed := *a
		signed.token = login.Login.Token
		var me struct {
			Me struct {
				Email       string
				LastLoginAt *time.Time
			}
		}
		decode(t, signed.ok(`{ me { email lastLoginAt } }`, nil), &me)
		if me.Me.Email != "editor@example.com" || me.Me.LastLoginAt == nil {
			t.Errorf("me = %+v", me.Me)
		}
		if got := string(a.ok(`{ me { name } }`, nil)); got != `{"me":null}` {
			t.Errorf("anonymous me = %s", got)
		}
		if got := string(signed.ok(`mutation { logout }`, nil)); got != `{"logout":true}` {
			t.Errorf("logout = %s", got)
		}
		resp, rec := signed.post(`{ me { name } }`, nil)
		if rec.Code != http.StatusUnauthorized || code(resp) != "UNAUTHENTICATED" {
			t.Errorf("a signed-out token: %d %+v", rec.Code, resp.Errors)
		}
	})
}

func TestLoginFailsAlikeForUnknownEmailWrongPasswordAndDeactivatedAccount(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		a := newAPI(t, s)
		a.addUser("admin@example.com", models.RoleAdmin)
		gone := a.addUser("gone@example.com", models.RoleStaff)
		admin := a.signIn("admin@example.com", testPassword)
		admin.ok(`mutation($id: ID!) { deactivateUser(id: $id) { active } }`, map[string]any{"id": gone.GlobalID()})

		var messages []string
		for _, tc := range []struct{ email, password string }{
			{"nobody@example.com", testPassword},
			{"admin@example.com", "wrong password!!"},
			{"gone@example.com", testPassword},
		} {
			resp, _ := a.post(`mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }`, map[string]any{"e": tc.email, "p": tc.password})
			if code(resp) != "UNAUTHENTICATED" {
				t.Errorf("login %s: %+v", tc.email, resp.Errors)
				continue
			}
			messages = append(messages, resp.Errors[0].Message)
		}
		if len(messages) != 3 || messages[0] != messages[1] || messages[1] != messages[2] {
			t.Errorf("the failures can be told apart: %q", messages)
		}
	})
}

func TestBadTokensAreUnauthenticatedNeverServerErrors(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		clock := &testClock{}
		clock.set(time.Now())
		a := newAPIWith(t, newService(t, s, func(o *service.Options) { o.Clock = clock.now }))
		a.addUser("staff@example.com", models.RoleStaff)
		staff := a.signIn("staff@example.com", testPassword)
		forged, _ := auth.NewToken()
		for name, header := range map[string]string{
			"a malformed token":        "Bearer not-a-token",
			"another scheme":           "Basic dXNlcjpwYXNz",
			"a forged token":           "Bearer " + forged,
			"a token with a bit wrong": "Bearer " + staff.token[:len(staff.token)-1] + flip(staff.token[len(staff.token)-1]),
		} {
			t.Run(name, func(t *testing.T) {
				resp, rec := a.postWithHeader(`{ centre { name } }`, header)
				if rec.Code != http.StatusUnauthorized || code(resp) != "UNAUTHENTICATED" || rec.Header().Get("WWW-Authenticate") == "" {
					t.Errorf("%d %s", rec.Code, rec.Body.String())
				}
			})
		}
		t.Run("an expired token", func(t *testing.T) {
			clock.set(time.Now().Add(8 * 24 * time.Hour))
			defer clock.set(time.Now())
			resp, rec := staff.post(`{ me { name } }`, nil)
			if rec.Code != http.StatusUnauthorized || code(resp) != "UNAUTHENTICATED" {
				t.Errorf("%d %s", rec.Code, rec.Body.String())
			}
		})
	})
}

func flip(c byte) string {
	if c == 'A' {
		return "B"
	}
	return "A"
}

func (a *api) postWithHeader(query, authorization string) (response, *httptest.ResponseRecorder) {
	a.t.Helper()
	withHeader := *a
	withHeader.rawAuth = authorization
	return withHeader.post(query, nil)
}
