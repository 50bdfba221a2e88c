package models_test

import (
	"strings"
	"testing"

	"coursegraph/models"
)

// bangla repeats Bangla letters (3 bytes each in UTF-8, a vowel sign counting as
// one character) to exactly n characters.
func bangla(n int) string { return string([]rune(strings.Repeat("কী", n))[:n]) }

// TestLengthLimitsCountCharactersNotBytes checks every limit on text a person
// types with Bangla at the limit (three times as many bytes as characters) and
// one character over it.
func TestLengthLimitsCountCharactersNotBytes(t *testing.T) {
	email := func(n int) string { // local part @ domain, n characters in all
		domain := "@উদাহরণ.বাংলা"
		return bangla(n-len([]rune(domain))) + domain
	}
	url := func(n int) string { return "https://example.com/" + bangla(n-len("https://example.com/")) }
	tests := []struct {
		name     string
		validate func(n int) error
		max      int
	}{
		{"a user's name", func(n int) error { s := bangla(n); return models.UserInput{Name: &s}.Validate("input") }, 120},
		{"a user's bio", func(n int) error { s := bangla(n); return models.UserInput{Bio: &s}.Validate("input") }, 2000},
		{"a user's email", func(n int) error { s := email(n); return models.UserInput{Email: &s}.Validate("input") }, 254},
		{"a user's avatar address", func(n int) error { s := url(n); return models.UserInput{AvatarURL: &s}.Validate("input") }, 500},
		{"an enquirer's name", func(n int) error {
			return models.EnquiryInput{Name: bangla(n), Email: "r@example.com", Message: "প্রশ্ন"}.Validate("input")
		}, 120},
		{"an enquiry's message", func(n int) error {
			return models.EnquiryInput{Name: "রহিম", Email: "r@example.com", Message: bangla(n)}.Validate("input")
		}, 5000},
		{"an enquiry's idempotency key", func(n int) error {
			k := bangla(n)
			return models.EnquiryInput{Name: "রহিম", Email: "r@example.com", Message: "প্রশ্ন", IdempotencyKey: &k}.Validate("input")
		}, 100},
		{"a commenter's name", func(n int) error {
			return models.CommentInput{AuthorName: bangla(n), AuthorEmail: "r@example.com", Body: "মন্তব্য"}.Validate("input")
		}, 80},
		{"a comment", func(n int) error {
			return models.CommentInput{AuthorName: "রহিম", AuthorEmail: "r@example.com", Body: bangla(n)}.Validate("input")
		}, 5000},
		{"an article's title", func(n int) error {
			return (&models.Article{Title: bangla(n), Slug: "a"}).Validate("input")
		}, 200},
		{"an article's summary", func(n int) error {
			return (&models.Article{Title: "শিরোনাম", Slug: "a", Summary: bangla(n)}).Validate("input")
		}, 500},
		{"a slug", func(n int) error { return models.ValidateSlug("input.slug", bangla(n)) }, 100},
		{"an article search", func(n int) error { s := bangla(n); return models.ArticleFilter{Search: &s}.Validate("filter") }, 200},
		{"a course search", func(n int) error { s := bangla(n); return models.CourseFilter{Search: &s}.Validate("filter") }, 200},
		{"a batch's name", func(n int) error {
			b := &models.Batch{Name: bangla(n), Ordinal: 1, StartTime: 8 * 60, EndTime: 9*60 + 30, Period: models.Morning}
			return b.Validate("input", nil)
		}, 80},
	}
	for _, tt := range tests {
		t.Run(tt.name+" may be as long as its limit in Bangla", func(t *testing.T) {
			if len(bangla(tt.max)) <= tt.max {
				t.Fatal("the text is not longer in bytes than in characters")
			}
			if err := tt.validate(tt.max); err != nil {
				t.Errorf("%d characters: %v", tt.max, err)
			}
			if err := tt.validate(tt.max + 1); err == nil {
				t.Errorf("%d characters: accepted", tt.max+1)
			}
		})
	}
}
