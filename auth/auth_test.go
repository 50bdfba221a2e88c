package auth_test

import (
	"strings"
	"testing"

	"coursegraph/auth"
)

func TestTokensAreRandomWellFormedAndStoredOnlyAsHashes(t *testing.T) {
	a, hashA := auth.NewToken()
	b, _ := auth.NewToken()
	if a == b || !auth.WellFormed(a) || len(a) != len("cgs_")+43 {
		t.Errorf("tokens %q and %q", a, b)
	}
	if hashA != auth.HashToken(a) || len(hashA) != 64 || strings.Contains(hashA, a) {
		t.Errorf("hash %q of %q", hashA, a)
	}
	for _, bad := range []string{"", "cgs_", "cgs_short", "xyz_" + a[4:], a + "x"} {
		if auth.WellFormed(bad) {
			t.Errorf("WellFormed(%q) = true", bad)
		}
	}
}

func TestPasswordsCheckTheirHashAndFailForNoUser(t *testing.T) {
	p, err := auth.NewPasswords(4)
	if err != nil {
		t.Fatal(err)
	}
	h, err := p.Hash("a long enough password")
	if err != nil {
		t.Fatal(err)
	}
	if !p.Check(h, "a long enough password") || p.Check(h, "a long enough passworD") || p.Check("", "a long enough password") {
		t.Error("Check accepts a wrong password or no user, or refuses the right one")
	}
	if strings.Contains(h, "a long enough password") {
		t.Error("the hash contains the password")
	}
}

// TestAPasswordHashedAheadIsTheHashOfThatPassword: a password hashed ahead
// (Prehash, at start-up) is what Hash returns for it, once; another password is
// hashed then; a bad cost is refused at once; Warm leaves checks as they were.
func TestAPasswordHashedAheadIsTheHashOfThatPassword(t *testing.T) {
	if _, err := auth.NewPasswords(3); err == nil {
		t.Error("a bcrypt cost of 3 was taken")
	}
	p, err := auth.NewPasswords(4)
	if err != nil {
		t.Fatal(err)
	}
	p.Prehash("the demo password")
	ahead, err := p.Hash("the demo password")
	if err != nil || !p.Check(ahead, "the demo password") {
		t.Fatalf("the hash made ahead does not check: %v", err)
	}
	again, err := p.Hash("the demo password")
	if err != nil || again == ahead || !p.Check(again, "the demo password") {
		t.Errorf("a second Hash of the same password returned the one made ahead (salts must differ): %v", err)
	}
	other, err := p.Hash("another password")
	if err != nil || !p.Check(other, "another password") || p.Check(other, "the demo password") {
		t.Errorf("another password's hash: %v", err)
	}
	p.Warm()
	if p.Check("", "the demo password") {
		t.Error("no user checked as a match after Warm")
	}
}
