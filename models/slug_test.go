package models_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"coursegraph/models"

	"golang.org/x/text/unicode/norm"
)

func TestSlugifyKeepsTheWordsOfAnyScript(t *testing.T) {
	nfd := norm.NFD.String
	tests := []struct {
		name, title, want string
	}{
		{name: "a Bangla title keeps its words", title: "ওয়েব ডিজাইন শেখার সহজ উপায়", want: "ওয়েব-ডিজাইন-শেখার-সহজ-উপায়"},
		{name: "a Bangla title typed in NFD gives the same NFC slug", title: nfd("বৌদ্ধ দর্শন ও কোর্স"), want: norm.NFC.String("বৌদ্ধ-দর্শন-ও-কোর্স")},
		{name: "Bangla digits are digits", title: "এক্সেল ২০২৪", want: "এক্সেল-২০২৪"},
		{name: "a zero-width joiner inside a word is dropped, not a break", title: "র\u200d্যাব ও র\u200c্যাব", want: "র্যাব-ও-র্যাব"},
		{name: "Latin letters keep their accents", title: "Café Crème à Besançon", want: "café-crème-à-besançon"},
		{name: "accents typed as combining marks are composed", title: "Cafe\u0301", want: "café"},
		{name: "mixed scripts and punctuation", title: "Excel ২০২৪: সূত্র ও Pivot-Tables!", want: "excel-২০২৪-সূত্র-ও-pivot-tables"},
		{name: "ASCII titles give the slugs they always gave", title: "What Does a Back-End Developer Do?", want: "what-does-a-back-end-developer-do"},
		{name: "emoji only gives no slug", title: "🚀🎉 ✨", want: ""},
		{name: "emoji between words is a break", title: "বাংলা🚀টাইপিং", want: "বাংলা-টাইপিং"},
		{name: "Greek capitals are lowered", title: "ΣΟΦΙΑ Γλώσσα", want: "σοφια-γλώσσα"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := models.Slugify(tt.title)
			if got != tt.want {
				t.Errorf("Slugify(%q) = %q, want %q", tt.title, got, tt.want)
			}
			if got != "" {
				if err := models.ValidateSlug("slug", got); err != nil {
					t.Errorf("ValidateSlug(%q) = %v", got, err)
				}
			}
		})
	}
}

func TestSlugifyCutsLongTitlesWhereAReaderWould(t *testing.T) {
	word := "প্রশিক্ষণ" // 9 runes, with a virama
	long := strings.TrimSpace(strings.Repeat(word+" ", 20))
	got := models.Slugify(long)
	if n := utf8.RuneCountInString(got); n > models.MaxSlug || n < models.MaxSlug-len([]rune(word)) {
		t.Errorf("Slugify(20 words) has %d runes: %q", n, got)
	}
	if !strings.HasSuffix(got, "-"+word) {
		t.Errorf("Slugify(20 words) = %q; want it cut at a word's end", got)
	}

	// One long word: the cut may not split a letter from its vowel sign or leave a virama.
	one := models.Slugify("ক" + strings.Repeat("ক্ষি", 40)) // the 101st rune is a vowel sign
	if n := utf8.RuneCountInString(one); n > models.MaxSlug {
		t.Errorf("one long word gives %d runes", n)
	}
	if !strings.HasSuffix(one, "ক্ষি") {
		t.Errorf("one long word = %q; want it cut between whole letters", one)
	}
	if err := models.ValidateSlug("slug", one); err != nil {
		t.Error(err)
	}
}

func TestNormalizeSlug(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{name: "capitals are lowered", in: "Go-101", want: "go-101"},
		{name: "surrounding spaces are trimmed", in: "  web-dev \t", want: "web-dev"},
		{name: "a normal slug is unchanged", in: "data-science", want: "data-science"},
		{name: "an NFD Bangla slug becomes NFC", in: norm.NFD.String("কোর্স-বৌ"), want: norm.NFC.String("কোর্স-বৌ")},
		{name: "an NFD Latin slug becomes NFC", in: "cafe\u0301", want: "caf\u00e9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := models.NormalizeSlug(tt.in); got != tt.want {
				t.Errorf("NormalizeSlug(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestValidateSlug(t *testing.T) {
	tests := []struct {
		name, slug string
		ok         bool
	}{
		{name: "ASCII words", slug: "web-design", ok: true},
		{name: "Bangla words", slug: "ওয়েব-ডিজাইন", ok: true},
		{name: "100 Bangla letters", slug: strings.Repeat("ক", 100), ok: true},
		{name: "101 Bangla letters", slug: strings.Repeat("ক", 101)},
		{name: "empty", slug: ""},
		{name: "a double dash", slug: "web--design"},
		{name: "a leading dash", slug: "-web"},
		{name: "a trailing dash", slug: "web-"},
		{name: "a space", slug: "ওয়েব ডিজাইন"},
		{name: "an emoji", slug: "web-🚀"},
		{name: "a capital", slug: "Web"},
		{name: "NFD", slug: "cafe\u0301"},
		{name: "a zero-width joiner", slug: "র\u200d্যাব"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := models.ValidateSlug("input.slug", tt.slug)
			if (err == nil) != tt.ok {
				t.Errorf("ValidateSlug(%q) = %v; want ok %v", tt.slug, err, tt.ok)
			}
		})
	}
}
