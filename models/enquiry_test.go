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
