package models

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// MaxSlug is the longest slug, in characters (runes). The slug columns hold 120
// (VARCHAR(120) counts characters on MySQL, 480 bytes in utf8mb4: well within
// InnoDB's index limits).
const MaxSlug = 100

// Slugs are Unicode: the words of a title in whatever script it is written, kept
// as letters (not transliterated), so that "ওয়েব ডিজাইন" gives "ওয়েব-ডিজাইন" and
// "Café crème" gives "café-crème". A slug is NFC-normalised and lower-cased, so
// one title always gives the same bytes however it was typed; clients
// percent-encode it in URLs, as for any non-ASCII path.

// IsWordRune reports whether r belongs to a word in a slug or an anchor: a letter,
// a mark (Bangla vowel signs and the virama are marks) or a decimal digit, of
// any script.
func IsWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsMark(r) || unicode.Is(unicode.Nd, r)
}

// IsInvisible reports whether r is a format character such as the zero-width
// joiner and non-joiner (Bangla uses them inside words to choose a glyph): they
// are dropped from slugs and anchors, neither kept (invisible in a URL) nor read
// as a break between words.
func IsInvisible(r rune) bool { return unicode.Is(unicode.Cf, r) }

// NormalizeSlug trims a slug, lower-cases it and puts it in Unicode NFC, so that
// lookups match on every engine (MySQL collations ignore case; SQLite's do not)
// and whatever normalisation form a client sends (NFC or NFD).
func NormalizeSlug(s string) string {
	return norm.NFC.String(strings.ToLower(strings.TrimSpace(s)))
}

// Slugify makes a slug from a title: its words (letters, marks and digits of any
// script), lower-cased, in NFC and joined by single dashes; at most MaxSlug
// characters, cut at a word's end where one is near. It returns "" for a title
// with no such characters (only emoji or punctuation).
func Slugify(title string) string {
	var b strings.Builder
	dash := false
	for _, r := range NormalizeSlug(title) {
		switch {
		case IsWordRune(r):
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		case IsInvisible(r):
		default:
			dash = true
		}
	}
	// Lower-casing can leave a few runes that NFC composes further.
	return cut(norm.NFC.String(b.String()), MaxSlug)
}

// cut shortens a slug to at most max runes: at the last dash when the cut falls
// inside a word and a dash is in the second half, otherwise between two
// characters that do not belong together (never before a mark or after a
// virama, which would leave half a Bangla letter).
func cut(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	runes := []rune(s)
	if runes[max] == '-' {
		return string(runes[:max])
	}
	head := runes[:max]
	for i := len(head) - 1; i >= max/2; i-- {
		if head[i] == '-' {
			return string(head[:i])
		}
	}
	end := max
	for end > 1 && (unicode.IsMark(runes[end]) || isVirama(runes[end-1])) {
		end--
	}
	return strings.TrimRight(string(runes[:end]), "-")
}

// isVirama reports whether r joins the consonant before it to the next one.
func isVirama(r rune) bool { return norm.NFC.PropertiesString(string(r)).CCC() == 9 }

// ValidateSlug checks a slug's form (after NormalizeSlug); field names the input.
func ValidateSlug(field, slug string) error {
	if !validSlug(slug) {
		return InvalidField(field, "must be 1 to %d letters (lower-case where the script has case), digits and single dashes, such as \"web-design\" or \"ওয়েব-ডিজাইন\"", MaxSlug)
	}
	return nil
}

func validSlug(s string) bool {
	if s == "" || utf8.RuneCountInString(s) > MaxSlug || s[0] == '-' || s[len(s)-1] == '-' ||
		strings.Contains(s, "--") || !norm.NFC.IsNormalString(s) || strings.ToLower(s) != s {
		return false
	}
	for _, r := range s {
		if r != '-' && !IsWordRune(r) {
			return false
		}
	}
	return true
}
