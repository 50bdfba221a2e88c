package graph_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"coursegraph/auth"
	"coursegraph/models"
	"coursegraph/service"
	"coursegraph/store"
	"coursegraph/store/storetest"
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
				resp, _ := admin.post(create, user(tc.email, tc.password))
				fieldErr(t, resp, tc.code, tc.field)
			})
		}
		var created struct {
			CreateUser struct{ ID, Email, Role string }
		}
		_ = json.Unmarshal(admin.ok(create, user(" Nadia@Example.com ", "a long enough password")), &created)
		if created.CreateUser.Email != "nadia@example.com" || created.CreateUser.Role != "EDITOR" {
			t.Errorf("created = %+v", created)
		}

		t.Run("anyone may edit their own profile but not their role", func(t *testing.T) {
			var me struct{ Me struct{ ID string } }
			_ = json.Unmarshal(staff.ok(`{ me { id } }`, nil), &me)
			got := staff.ok(`mutation($id: ID!) { updateUser(id: $id, input: {name: " Rahim ", bio: "Front desk."}) { name bio } }`, map[string]any{"id": me.Me.ID})
			if string(got) != `{"updateUser":{"name":"Rahim","bio":"Front desk."}}` {
				t.Errorf("own profile = %s", got)
			}
			resp, _ := staff.post(`mutation($id: ID!) { updateUser(id: $id, input: {role: ADMIN}) { role } }`, map[string]any{"id": me.Me.ID})
			fieldErr(t, resp, "FORBIDDEN", "input.role")
			resp, _ = editor.post(`mutation($id: ID!) { updateUser(id: $id, input: {bio: "x"}) { id } }`, map[string]any{"id": me.Me.ID})
			fieldErr(t, resp, "FORBIDDEN", "")
		})

		t.Run("the last active admin can be neither demoted nor deactivated", func(t *testing.T) {
			var me struct{ Me struct{ ID string } }
			_ = json.Unmarshal(admin.ok(`{ me { id } }`, nil), &me)
			resp, _ := admin.post(`mutation($id: ID!) { updateUser(id: $id, input: {role: EDITOR}) { role } }`, map[string]any{"id": me.Me.ID})
			fieldErr(t, resp, "CONFLICT", "input.role")
			resp, _ = admin.post(`mutation($id: ID!) { deactivateUser(id: $id) { active } }`, map[string]any{"id": me.Me.ID})
			fieldErr(t, resp, "CONFLICT", "id")
			// With a second admin, the first may step down.
			admin.ok(`mutation($id: ID!) { updateUser(id: $id, input: {role: ADMIN}) { role } }`, map[string]any{"id": created.CreateUser.ID})
			got := admin.ok(`mutation($id: ID!) { updateUser(id: $id, input: {role: EDITOR}) { role } }`, map[string]any{"id": me.Me.ID})
			if string(got) != `{"updateUser":{"role":"EDITOR"}}` {
				t.Errorf("step down = %s", got)
			}
		})

		t.Run("deactivating signs the user out everywhere", func(t *testing.T) {
			nadia := admin.signIn("nadia@example.com", "a long enough password")
			admin2 := nadia // nadia is now the admin
			var ed struct{ Me struct{ ID string } }
			_ = json.Unmarshal(editor.ok(`{ me { id } }`, nil), &ed)
			admin2.ok(`mutation($id: ID!) { deactivateUser(id: $id) { active } }`, map[string]any{"id": ed.Me.ID})
			resp, rec := editor.post(`{ me { id } }`, nil)
			if rec.Code != http.StatusUnauthorized || code(resp) != "UNAUTHENTICATED" {
				t.Errorf("a deactivated user's token: %d %+v", rec.Code, resp.Errors)
			}
			if got := string(admin2.ok(`{ users { email active } }`, nil)); got == "" {
				t.Error("users is empty")
			}
		})
	})
}

func TestChangePasswordSignsOutOtherSessions(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		a := newAPI(t, s)
		a.addUser("staff@example.com", models.RoleStaff)
		phone := a.signIn("staff@example.com", testPassword)
		laptop := a.signIn("staff@example.com", testPassword)

		resp, _ := laptop.post(`mutation { changePassword(current: "not it at all", new: "a brand new password") }`, nil)
		fieldErr(t, resp, "BAD_USER_INPUT", "current")
		resp, _ = laptop.post(`mutation { changePassword(current: "correct horse battery", new: "staff@example.com") }`, nil)
		fieldErr(t, resp, "BAD_USER_INPUT", "new")
		if got := string(laptop.ok(`mutation { changePassword(current: "correct horse battery", new: "a brand new password") }`, nil)); got != `{"changePassword":true}` {
			t.Fatalf("changePassword = %s", got)
		}
		if _, rec := phone.post(`{ me { id } }`, nil); rec.Code != http.StatusUnauthorized {
			t.Errorf("the other session still works: %d", rec.Code)
		}
		laptop.ok(`{ me { id } }`, nil)
		resp, _ = a.post(`mutation { login(email: "staff@example.com", password: "correct horse battery") { token } }`, nil)
		fieldErr(t, resp, "UNAUTHENTICATED", "")
		a.signIn("staff@example.com", "a brand new password")
	})
}

func TestLoginIsRateLimitedPerAddressAndPerAccount(t *testing.T) {
	s := storetest.OpenSQLite(t)
	svc, err := service.New(s, service.Options{
		BcryptCost:      4,
		LoginPerAddress: service.Limit{Burst: 3, Every: time.Hour},
		LoginPerAccount: service.Limit{Burst: 2, Every: time.Hour},
	})
	if err != nil {
		t.Fatal(err)
	}
	limited := newAPIWith(t, svc)
	login := func(email, addr string) string {
		from := *limited
		from.remoteAddr = addr
		resp, _ := from.post(`mutation($e: String!) { login(email: $e, password: "wrong password!") { token } }`, map[string]any{"e": email})
		return code(resp)
	}
	// Per account: the third try for one email is refused, from any address.
	got := []string{login("a@example.com", "10.0.0.1:1"), login("A@example.com", "10.0.0.2:1"), login("a@example.com", "10.0.0.3:1")}
	if got[0] != "UNAUTHENTICATED" || got[1] != "UNAUTHENTICATED" || got[2] != "RATE_LIMITED" {
		t.Errorf("per account: %v", got)
	}
	// Per address: the fourth try from one address is refused, whatever the email.
	got = []string{login("b@example.com", "10.0.0.9:1"), login("c@example.com", "10.0.0.9:2"), login("d@example.com", "10.0.0.9:3"), login("e@example.com", "10.0.0.9:4")}
	if got[2] != "UNAUTHENTICATED" || got[3] != "RATE_LIMITED" {
		t.Errorf("per address: %v", got)
	}
}

// TestTwoAdminsDeactivatingEachOtherAtOnceLeaveOneAdmin races two deactivations,
// many times over: the locked admins let exactly one through, on either engine,
// and neither ever fails with a deadlock (both take the locks in one order, and a
// transaction the database gives up on runs again).
func TestTwoAdminsDeactivatingEachOtherAtOnceLeaveOneAdmin(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		a := newAPI(t, s)
		rounds := 30
		if s.Dialect() == store.SQLite {
			rounds = 5 // SQLite runs write transactions one at a time: no lock order to get wrong
		}
		db, err := s.SQL()
		if err != nil {
			t.Fatal(err)
		}
		for round := range rounds {
			one := a.addUser(fmt.Sprintf("one%d@example.com", round), models.RoleAdmin)
			two := a.addUser(fmt.Sprintf("two%d@example.com", round), models.RoleAdmin)
			// Only this round's two admins are active, so exactly one may go.
			if _, err := db.Exec("UPDATE users SET active = ? WHERE id NOT IN (?, ?)", false, one.ID, two.ID); err != nil {
				t.Fatal(err)
			}
			callers := []*api{a.signIn(one.Email, testPassword), a.signIn(two.Email, testPassword)}
			targets := []string{userID(two), userID(one)}
			codes := make([]string, 2)
			var wg sync.WaitGroup
			for i := range 2 {
				wg.Go(func() {
					resp, _ := callers[i].post(`mutation($id: ID!) { deactivateUser(id: $id) { active } }`, map[string]any{"id": targets[i]})
					codes[i] = code(resp)
				})
			}
			wg.Wait()
			n, err := a.svc.HasActiveAdmin(context.Background())
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
		a := newAPI(t, s)
		a.addUser("admin@example.com", models.RoleAdmin)
		u := a.addUser("staff@example.com", models.RoleStaff)
		stale := *u // the user as a request read it before the deactivation
		a.signIn("admin@example.com", testPassword).ok(`mutation($id: ID!) { deactivateUser(id: $id) { active } }`, map[string]any{"id": userID(u)})
		_, err := a.svc.ChangePassword(auth.WithUser(context.Background(), &stale), testPassword, "a brand new password")
		if me, ok := errors.AsType[*models.Error](err); !ok || me.Code != models.Unauthenticated {
			t.Fatalf("ChangePassword on a deactivated account = %v; want Unauthenticated", err)
		}
		resp, _ := a.post(`mutation { login(email: "staff@example.com", password: "a brand new password") { token } }`, nil)
		fieldErr(t, resp, "UNAUTHENTICATED", "")
	})
}
