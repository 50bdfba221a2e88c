package models

import "unicode/utf8"

// Column sizes that hold text derived from input (a notice's subject, an audit
// value, an error). They are in characters, as MySQL's VARCHAR(n) counts them, and
// the derived text is cut to fit rather than refused: every valid input must be
// stored, whatever its length.
const (
	// MaxOutboxSubject is the outbox's subject column, VARCHAR(200).
	MaxOutboxSubject = 200
	// MaxOutboxError is the outbox's last_error column, VARCHAR(500).
	MaxOutboxError = 500
	// MaxAuditValue is how much of a value an audit entry keeps, before and after:
	// the entry records who changed what, not a second copy of long text, and its
	// changes column (TEXT, 64 KiB) must hold every field of the largest write
	// even when JSON escapes each character as \uXXXX.
	MaxAuditValue = 500
)

// Ellipsis marks text that was cut.
const Ellipsis = "…"

// Truncate returns s cut to at most max characters (runes, never splitting one),
// ending in an ellipsis when it was cut.
func Truncate(s string, max int) string {
	if max <= 0 {
		return ""
	}
	if len(s) <= max || utf8.RuneCountInString(s) <= max {
		return s
	}
	n := 0
	for i := range s {
		if n == max-1 {
			return s[:i] + Ellipsis
		}
		n++
	}
	return s
}

// EnquiryNoticeSubject is the subject of the email that announces an enquiry from
// name about about (a course title): "New enquiry from <name> (<about>)", cut to
// fit MaxOutboxSubject. The name (up to 120 characters) and the title (up to
// 200) could make 340; each keeps a fair share, the name at most 60.
func EnquiryNoticeSubject(name, about string) string {
	const prefix, open, closing = "New enquiry from ", " (", ")"
	name = Truncate(name, 60)
	room := MaxOutboxSubject - utf8.RuneCountInString(prefix+open+closing) - utf8.RuneCountInString(name)
	return prefix + name + open + Truncate(about, room) + closing
}
