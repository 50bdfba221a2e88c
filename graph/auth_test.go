package graph_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"coursegraph/apitest"
	"coursegraph/auth"
	"coursegraph/models"
	"coursegraph/service"
	"coursegraph/store"
	"coursegraph/store/storetest"
)

func TestLoginMeLogout(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		a := apitest.New(t, s)
		a.AddUser("Editor@Example.com", models.RoleEditor)

		var login struct {
			Login struct {
				Token     string
				ExpiresAt time.Time
				User      struct{ Email, Role string }
			}
		}
		data := a.OK(`mutation { login(email: "  EDITOR@example.COM ", password: "correct horse battery") { token expiresAt user { email role } } }`, nil)
		if err := json.Unmarshal(data, &login); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(login.Login.Token, "cgs_") || login.Login.User.Email != "editor@example.com" || login.Login.User.Role != "EDITOR" {
			t.Errorf("login = %+v", login.Login)
		}
		if d := time.Until(login.Login.ExpiresAt); d < 6*24*time.Hour || d > 8*24*time.Hour {
			t.Errorf("expiresAt %v is not about a week away", login.Login.ExpiresAt)
		}
		if strings.Contains(a.Log.String(), login.Login.Token) {
			t.Error("the token appears in the log")
		}

		signed := *a
		signed.Token = login.Login.Token
		var me struct {
			Me struct {
				Email       string
				LastLoginAt *time.Time
			}
		}
		apitest.Decode(t, signed.OK(`{ me { email lastLoginAt } }`, nil), &me)
		if me.Me.Email != "editor@example.com" || me.Me.LastLoginAt == nil {
			t.Errorf("me = %+v", me.Me)
		}
		if got := string(a.OK(`{ me { name } }`, nil)); got != `{"me":null}` {
			t.Errorf("anonymous me = %s", got)
		}
		if got := string(signed.OK(`mutation { logout }`, nil)); got != `{"logout":true}` {
			t.Errorf("logout = %s", got)
		}
		resp, rec := signed.Post(`{ me { name } }`, nil)
		if rec.Code != http.StatusUnauthorized || resp.Code() != "UNAUTHENTICATED" {
			t.Errorf("a signed-out token: %d %+v", rec.Code, resp.Errors)
		}
	})
}

func TestLoginFailsAlikeForUnknownEmailWrongPasswordAndDeactivatedAccount(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		a := apitest.New(t, s)
		a.AddUser("admin@example.com", models.RoleAdmin)
		gone := a.AddUser("gone@example.com", models.RoleStaff)
		admin := a.SignIn("admin@example.com", apitest.Password)
		admin.OK(`mutation($id: ID!) { deactivateUser(id: $id) { active } }`, map[string]any{"id": gone.GlobalID()})

		var messages []string
		for _, tc := range []struct{ email, password string }{
			{"nobody@example.com", apitest.Password},
			{"admin@example.com", "wrong password!!"},
			{"gone@example.com", apitest.Password},
		} {
			resp, _ := a.Post(`mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }`, map[string]any{"e": tc.email, "p": tc.password})
			if resp.Code() != "UNAUTHENTICATED" {
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
		clock := &apitest.Clock{}
		clock.Set(time.Now())
		a := apitest.NewWith(t, apitest.NewService(t, s, func(o *service.Options) { o.Clock = clock.Now }))
		a.AddUser("staff@example.com", models.RoleStaff)
		staff := a.SignIn("staff@example.com", apitest.Password)
		forged, _ := auth.NewToken()
		for name, header := range map[string]string{
			"a malformed token":        "Bearer not-a-token",
			"another scheme":           "Basic dXNlcjpwYXNz",
			"a forged token":           "Bearer " + forged,
			"a token with a bit wrong": "Bearer " + staff.Token[:len(staff.Token)-1] + flip(staff.Token[len(staff.Token)-1]),
		} {
			t.Run(name, func(t *testing.T) {
				resp, rec := postAuthorized(a, `{ centre { name } }`, header)
				if rec.Code != http.StatusUnauthorized || resp.Code() != "UNAUTHENTICATED" || rec.Header().Get("WWW-Authenticate") == "" {
					t.Errorf("%d %s", rec.Code, rec.Body.String())
				}
			})
		}
		t.Run("an expired token", func(t *testing.T) {
			clock.Set(time.Now().Add(8 * 24 * time.Hour))
			defer clock.Set(time.Now())
			resp, rec := staff.Post(`{ me { name } }`, nil)
			if rec.Code != http.StatusUnauthorized || resp.Code() != "UNAUTHENTICATED" {
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

func postAuthorized(a *apitest.API, query, authorization string) (apitest.Response, *httptest.ResponseRecorder) {
	a.T.Helper()
	withHeader := *a
	withHeader.RawAuth = authorization
	return withHeader.Post(query, nil)
}
