package models_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"coursegraph/models"
)

func TestTruncateCutsByCharactersWithAnEllipsis(t *testing.T) {
	for _, tc := range []struct {
		in   string
		max  int
		want string
	}{
		{"short", 10, "short"},
		{"exactly10!", 10, "exactly10!"},
		{"eleven chars", 10, "eleven ch…"},
		{"বাংলা ভাষার কোর্স", 5, "বাংল…"},
		{"😀😀😀😀", 3, "😀😀…"},
		{"abc", 1, "…"},
		{"abc", 0, ""},
	} {
		got := models.Truncate(tc.in, tc.max)
		if got != tc.want || !utf8.ValidString(got) || utf8.RuneCountInString(got) > tc.max {
			t.Errorf("Truncate(%q, %d) = %q, want %q", tc.in, tc.max, got, tc.want)
		}
	}
}

func TestEnquiryNoticeSubjectFitsItsColumnForTheLongestInputs(t *testing.T) {
	for _, tc := range []struct{ name, about string }{
		{strings.Repeat("n", 120), strings.Repeat("t", 200)},
		{strings.Repeat("ন", 120), strings.Repeat("😀", 200)},
		{"Rahim", strings.Repeat("t", 200)},
		{strings.Repeat("n", 120), "General enquiry"},
	} {
		got := models.EnquiryNoticeSubject(tc.name, tc.about)
		if n := utf8.RuneCountInString(got); n > models.MaxOutboxSubject || !utf8.ValidString(got) || !strings.HasSuffix(got, ")") {
			t.Errorf("subject of %d characters: %q", n, got)
		}
	}
	if got := models.EnquiryNoticeSubject("Rahim Uddin", "Web Design"); got != "New enquiry from Rahim Uddin (Web Design)" {
		t.Errorf("a short subject was changed: %q", got)
	}
}
