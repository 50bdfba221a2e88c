package graph_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"coursegraph/apitest"
	"coursegraph/auth"
	"coursegraph/models"
	"coursegraph/service"
	"coursegraph/store"
	"coursegraph/store/storetest"

	"github.com/google/go-cmp/cmp"
)

func TestUserManagement(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		admin, editor, staff := staffAPI(t, s)
		const create = `mutation($in: CreateUserInput!) { createUser(input: $in) { id email role active } }`
		user := func(email, password string) map[string]any {
			return map[string]any{"in": map[string]any{"name": "Nadia", "email": email, "role": "EDITOR", "password": password}}
		}
		for _, tc := range []struct{ name, email, password, code, field string }{
			{"a bad email", "nadia@", "a long enough password", "BAD_USER_INPUT", "input.email"},
			{"a short password", "nadia@example.com", "short", "BAD_USER_INPUT", "input.password"},
			{"a common password", "nadia@example.com", "password1234", "BAD_USER_INPUT", "input.password"},
			{"a taken email in another case", "EDITOR@example.com", "a long enough password", "CONFLICT", "input.email"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				resp, _ := admin.Post(create, user(tc.email, tc.password))
				fieldErr(t, resp, tc.code, tc.field)
			})
		}
		var created struct {
			CreateUser struct{ ID, Email, Role string }
		}
		apitest.Decode(t, admin.OK(create, user(" Nadia@Example.com ", "a long enough password")), &created)
		if created.CreateUser.Email != "nadia@example.com" || created.CreateUser.Role != "EDITOR" {
			t.Errorf("created = %+v", created)
		}

		t.Run("anyone may edit their own profile but not their role", func(t *testing.T) {
			var me struct{ Me struct{ ID string } }
			apitest.Decode(t, staff.OK(`{ me { id } }`, nil), &me)
			got := staff.OK(`mutation($id: ID!) { updateUser(id: $id, input: {name: " Rahim ", bio: "Front desk."}) { name bio } }`, map[string]any{"id": me.Me.ID})
			if string(got) != `{"updateUser":{"name":"Rahim","bio":"Front desk."}}` {
				t.Errorf("own profile = %s", got)
			}
			resp, _ := staff.Post(`mutation($id: ID!) { updateUser(id: $id, input: {role: ADMIN}) { role } }`, map[string]any{"id": me.Me.ID})
			fieldErr(t, resp, "FORBIDDEN", "input.role")
			resp, _ = editor.Post(`mutation($id: ID!) { updateUser(id: $id, input: {bio: "x"}) { id } }`, map[string]any{"id": me.Me.ID})
			fieldErr(t, resp, "FORBIDDEN", "")
		})

		t.Run("the last active admin can be neither demoted nor deactivated", func(t *testing.T) {
			var me struct{ Me struct{ ID string } }
			apitest.Decode(t, admin.OK(`{ me { id } }`, nil), &me)
			resp, _ := admin.Post(`mutation($id: ID!) { updateUser(id: $id, input: {role: EDITOR}) { role } }`, map[string]any{"id": me.Me.ID})
			fieldErr(t, resp, "CONFLICT", "input.role")
			resp, _ = admin.Post(`mutation($id: ID!) { deactivateUser(id: $id) { active } }`, map[string]any{"id": me.Me.ID})
			fieldErr(t, resp, "CONFLICT", "id")
			// With a second admin, the first may step down.
			admin.OK(`mutation($id: ID!) { updateUser(id: $id, input: {role: ADMIN}) { role } }`, map[string]any{"id": created.CreateUser.ID})
			got := admin.OK(`mutation($id: ID!) { updateUser(id: $id, input: {role: EDITOR}) { role } }`, map[string]any{"id": me.Me.ID})
			if string(got) != `{"updateUser":{"role":"EDITOR"}}` {
				t.Errorf("step down = %s", got)
			}
		})

		t.Run("deactivating signs the user out everywhere", func(t *testing.T) {
			nadia := admin.SignIn("nadia@example.com", "a long enough password")
			admin2 := nadia // nadia is now the admin
			var ed struct{ Me struct{ ID string } }
			apitest.Decode(t, editor.OK(`{ me { id } }`, nil), &ed)
			admin2.OK(`mutation($id: ID!) { deactivateUser(id: $id) { active } }`, map[string]any{"id": ed.Me.ID})
			resp, rec := editor.Post(`{ me { id } }`, nil)
			if rec.Code != http.StatusUnauthorized || resp.Code() != "UNAUTHENTICATED" {
				t.Errorf("a deactivated user's token: %d %+v", rec.Code, resp.Errors)
			}
			if got := string(admin2.OK(`{ users { email active } }`, nil)); got == "" {
				t.Error("users is empty")
			}
		})
	})
}

func TestChangePasswordSignsOutOtherSessions(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		a := apitest.New(t, s)
		a.AddUser("staff@example.com", models.RoleStaff)
		phone := a.SignIn("staff@example.com", apitest.Password)
		laptop := a.SignIn("staff@example.com", apitest.Password)

		resp, _ := laptop.Post(`mutation { changePassword(current: "not it at all", new: "a brand new password") }`, nil)
		fieldErr(t, resp, "BAD_USER_INPUT", "current")
		resp, _ = laptop.Post(`mutation { changePassword(current: "correct horse battery", new: "staff@example.com") }`, nil)
		fieldErr(t, resp, "BAD_USER_INPUT", "new")
		if got := string(laptop.OK(`mutation { changePassword(current: "correct horse battery", new: "a brand new password") }`, nil)); got != `{"changePassword":true}` {
			t.Fatalf("changePassword = %s", got)
		}
		if _, rec := phone.Post(`{ me { id } }`, nil); rec.Code != http.StatusUnauthorized {
			t.Errorf("the other session still works: %d", rec.Code)
		}
		laptop.OK(`{ me { id } }`, nil)
		resp, _ = a.Post(`mutation { login(email: "staff@example.com", password: "correct horse battery") { token } }`, nil)
		fieldErr(t, resp, "UNAUTHENTICATED", "")
		a.SignIn("staff@example.com", "a brand new password")
	})
}

// TestLoginLimitsCountFailuresOnly: the tight limit is per account and client
// address, so an attacker elsewhere cannot lock staff out; successes never count
// and reset the tight limit; the per-address limit and a looser per-account cap
// still stop guessing, from one address or from many.
func TestLoginLimitsCountFailuresOnly(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		svc := apitest.NewService(t, s, func(o *service.Options) {
			o.LoginPerAddress = service.Limit{Burst: 3, Every: time.Hour}
			o.LoginPerAccount = service.Limit{Burst: 2, Every: time.Hour}
			o.LoginPerAccountTotal = service.Limit{Burst: 6, Every: time.Hour}
		})
		a := apitest.NewWith(t, svc)
		a.AddUser("staff@example.com", models.RoleStaff)
		a.AddUser("other@example.com", models.RoleStaff)
		login := func(email, password, addr string) string {
			from := *a
			from.RemoteAddr = addr
			resp, _ := from.Post(`mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }`, map[string]any{"e": email, "p": password})
			if resp.Code() == "" {
				return "OK"
			}
			return resp.Code()
		}
		const wrong = "wrong password!"
		check := func(t *testing.T, want, got []string) {
			t.Helper()
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("codes (-want +got):\n%s", diff)
			}
		}

		t.Run("an attacker elsewhere does not lock the owner out", func(t *testing.T) {
			check(t, []string{"UNAUTHENTICATED", "UNAUTHENTICATED", "RATE_LIMITED", "RATE_LIMITED"}, []string{
				login("staff@example.com", wrong, "203.0.113.66:1"), login("STAFF@example.com", wrong, "203.0.113.66:2"),
				login("staff@example.com", wrong, "203.0.113.66:3"), login("staff@example.com", apitest.Password, "203.0.113.66:4"),
			})
			check(t, []string{"OK"}, []string{login("staff@example.com", apitest.Password, "192.0.2.1:1")})
		})
		t.Run("successes never count", func(t *testing.T) {
			var got []string
			for i := range 8 {
				got = append(got, login("other@example.com", apitest.Password, fmt.Sprintf("192.0.2.2:%d", i)))
			}
			check(t, []string{"OK", "OK", "OK", "OK", "OK", "OK", "OK", "OK"}, got)
		})
		t.Run("a success starts the account's limit at that address afresh", func(t *testing.T) {
			check(t, []string{"UNAUTHENTICATED", "OK", "UNAUTHENTICATED", "UNAUTHENTICATED", "RATE_LIMITED"}, []string{
				login("other@example.com", wrong, "192.0.2.3:1"), login("other@example.com", apitest.Password, "192.0.2.3:2"),
				login("other@example.com", wrong, "192.0.2.3:3"), login("other@example.com", wrong, "192.0.2.3:4"),
				login("other@example.com", wrong, "192.0.2.3:5"),
			})
		})
		t.Run("one address guessing many accounts is limited", func(t *testing.T) {
			check(t, []string{"UNAUTHENTICATED", "UNAUTHENTICATED", "UNAUTHENTICATED", "RATE_LIMITED"}, []string{
				login("b@example.com", wrong, "192.0.2.9:1"), login("c@example.com", wrong, "192.0.2.9:2"),
				login("d@example.com", wrong, "192.0.2.9:3"), login("e@example.com", wrong, "192.0.2.9:4"),
			})
		})
		t.Run("many addresses guessing one account meet the looser cap", func(t *testing.T) {
			var got []string
			for i := range 7 {
				got = append(got, login("victim@example.com", wrong, fmt.Sprintf("198.51.100.%d:1", i)))
			}
			check(t, []string{"UNAUTHENTICATED", "UNAUTHENTICATED", "UNAUTHENTICATED", "UNAUTHENTICATED", "UNAUTHENTICATED", "UNAUTHENTICATED", "RATE_LIMITED"}, got)
		})
		t.Run("concurrent guesses cannot slip under the limit", func(t *testing.T) {
			codes := make([]string, 10)
			var wg sync.WaitGroup
			for i := range codes {
				wg.Go(func() { codes[i] = login("racer@example.com", wrong, "192.0.2.77:1") })
			}
			wg.Wait()
			if n := strings.Count(strings.Join(codes, " "), "UNAUTHENTICATED"); n != 2 {
				t.Errorf("%d guesses were checked, want 2 (codes %v)", n, codes)
			}
		})
	})
}

// TestTwoAdminsDeactivatingEachOtherAtOnceLeaveOneAdmin races two deactivations,
// many times over: the locked admins let exactly one through, on either engine,
// and neither ever fails with a deadlock (both take the locks in one order, and a
// transaction the database gives up on runs again).
func TestTwoAdminsDeactivatingEachOtherAtOnceLeaveOneAdmin(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		a := apitest.New(t, s)
		rounds := 30
		if s.Dialect() == store.SQLite {
			rounds = 5 // SQLite runs write transactions one at a time: no lock order to get wrong
		}
		db, err := s.SQL()
		if err != nil {
			t.Fatal(err)
		}
		for round := range rounds {
			one := a.AddUser(fmt.Sprintf("one%d@example.com", round), models.RoleAdmin)
			two := a.AddUser(fmt.Sprintf("two%d@example.com", round), models.RoleAdmin)
			// Only this round's two admins are active, so exactly one may go.
			if _, err := db.Exec("UPDATE users SET active = ? WHERE id NOT IN (?, ?)", false, one.ID, two.ID); err != nil {
				t.Fatal(err)
			}
			callers := []*apitest.API{a.SignIn(one.Email, apitest.Password), a.SignIn(two.Email, apitest.Password)}
			targets := []string{two.GlobalID(), one.GlobalID()}
			codes := make([]string, 2)
			var wg sync.WaitGroup
			for i := range 2 {
				wg.Go(func() {
					resp, _ := callers[i].Post(`mutation($id: ID!) { deactivateUser(id: $id) { active } }`, map[string]any{"id": targets[i]})
					codes[i] = resp.Code()
				})
			}
			wg.Wait()
			n, err := a.Svc.HasActiveAdmin(context.Background())
			if err != nil || !n {
				t.Fatalf("round %d: no active admin is left (codes %v)", round, codes)
			}
			slices.Sort(codes)
			if codes[0] != "" || codes[1] != "CONFLICT" && codes[1] != "UNAUTHENTICATED" {
				t.Fatalf("round %d: codes = %v; want one success and one refusal", round, codes)
			}
		}
	})
}

func TestChangePasswordNeverReactivatesADeactivatedAccount(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		a := apitest.New(t, s)
		a.AddUser("admin@example.com", models.RoleAdmin)
		u := a.AddUser("staff@example.com", models.RoleStaff)
		stale := *u // the user as a request read it before the deactivation
		a.SignIn("admin@example.com", apitest.Password).OK(`mutation($id: ID!) { deactivateUser(id: $id) { active } }`, map[string]any{"id": u.GlobalID()})
		_, err := a.Svc.ChangePassword(auth.WithUser(context.Background(), &stale), apitest.Password, "a brand new password")
		if me, ok := errors.AsType[*models.Error](err); !ok || me.Code != models.Unauthenticated {
			t.Fatalf("ChangePassword on a deactivated account = %v; want Unauthenticated", err)
		}
		resp, _ := a.Post(`mutation { login(email: "staff@example.com", password: "a brand new password") { token } }`, nil)
		fieldErr(t, resp, "UNAUTHENTICATED", "")
	})
}
