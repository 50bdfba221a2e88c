package models_test

import (
	"fmt"
	"testing"

	"coursegraph/models"
)

func TestEnquiryWorkflow(t *testing.T) {
	allowed := map[string]bool{
		"NEW→IN_PROGRESS": true, "IN_PROGRESS→ANSWERED": true, "ANSWERED→CLOSED": true, "SPAM→NEW": true,
	}
	for _, from := range models.AllEnquiryStatuses {
		for _, to := range models.AllEnquiryStatuses {
			want := from == to || to == models.EnquirySpam || allowed[fmt.Sprintf("%s→%s", from, to)]
			if got := from.CanBecome(to); got != want {
				t.Errorf("%s → %s: CanBecome = %v, want %v", from, to, got, want)
			}
		}
	}
}

func TestNormalizePhone(t *testing.T) {
	for in, want := range map[string]string{
		"01785 474 006":     "+8801785474006",
		"01785-474006":      "+8801785474006",
		"+880 1785 474006":  "+8801785474006",
		"(02) 9876 5432":    "0298765432",
		"+1 (555) 010-9999": "+15550109999",
		"call me":           "call me",
	} {
		if got := models.NormalizePhone(in); got != want {
			t.Errorf("NormalizePhone(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestEnquiryFingerprintIgnoresCaseAndSpacing(t *testing.T) {
	a := models.EnquiryInput{Email: "r@example.com", Message: "Is there  a seat?"}
	b := models.EnquiryInput{Email: "r@example.com", Message: " is THERE a seat? "}
	c := models.EnquiryInput{Email: "s@example.com", Message: "Is there a seat?"}
	if a.Fingerprint() != b.Fingerprint() || a.Fingerprint() == c.Fingerprint() {
		t.Error("fingerprints should match for the same sender and words only")
	}
}

func TestEnquiryPayloadHashIsTheSameOnlyForTheSameRequest(t *testing.T) {
	str := func(s string) *string { return &s }
	id := func(n uint) *uint { return &n }
	base := func() models.EnquiryInput {
		return models.EnquiryInput{Name: " Rahim ", Email: "Rahim@Example.com", Phone: str("01785 474 006"), Message: "Hello", IdempotencyKey: str("k1")}
	}
	hash := func(change func(*models.EnquiryInput)) string {
		in := base()
		change(&in)
		in.Normalize()
		return in.PayloadHash()
	}
	want := hash(func(*models.EnquiryInput) {})
	for _, tc := range []struct {
		name   string
		change func(*models.EnquiryInput)
		same   bool
	}{
		{"spacing and letter case of the email", func(in *models.EnquiryInput) { in.Email, in.Name = "rahim@example.COM ", "Rahim" }, true},
		{"the phone written another way", func(in *models.EnquiryInput) { in.Phone = str("+8801785474006") }, true},
		{"another key", func(in *models.EnquiryInput) { in.IdempotencyKey = str("k2") }, true},
		{"another message", func(in *models.EnquiryInput) { in.Message = "Hello!" }, false},
		{"another name", func(in *models.EnquiryInput) { in.Name = "Karim" }, false},
		{"no phone", func(in *models.EnquiryInput) { in.Phone = nil }, false},
		{"a course", func(in *models.EnquiryInput) { in.CourseID = id(1) }, false},
		{"a schedule", func(in *models.EnquiryInput) { in.ScheduleID = id(1) }, false},
		{"a filled honeypot", func(in *models.EnquiryInput) { in.Website = str("x") }, false},
		{"text moved between fields", func(in *models.EnquiryInput) { in.Name, in.Message = "RahimHello", "" }, false},
	} {
		if got := hash(tc.change) == want; got != tc.same {
			t.Errorf("%s: same hash = %v, want %v", tc.name, got, tc.same)
		}
	}
	old := &models.Enquiry{}
	if !old.SameRequest(want) {
		t.Error("an enquiry stored before hashes were kept must replay any request")
	}
}
