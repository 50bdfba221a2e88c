package models

import (
	"regexp"
	"strings"
)

var (
	slugRunsToDash = regexp.MustCompile(`[^a-z0-9]+`)
	slugPattern    = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
)

// Slugify makes a URL-safe slug from a title: lower-case ASCII letters and digits
// joined by single dashes, at most 100 characters. It returns "" for a title with
// no such characters.
func Slugify(title string) string {
	s := strings.Trim(slugRunsToDash.ReplaceAllString(strings.ToLower(title), "-"), "-")
	if len(s) > 100 {
		s = strings.TrimRight(s[:100], "-")
	}
	return s
}

// ValidateSlug checks a slug's form; field names the input.
func ValidateSlug(field, slug string) error {
	if !slugPattern.MatchString(slug) || len(slug) > 100 {
		return InvalidField(field, "must be 1 to 100 lower-case letters, digits and single dashes, such as \"web-design\"")
	}
	return nil
}
