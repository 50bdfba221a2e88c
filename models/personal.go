package models

import "time"

// The texts that take the place of erased personal data. Rows stay, so that
// counts, statistics and comment threads stay true.
const (
	// ErasedCommenter is a comment's name once its reader had it erased.
	ErasedCommenter = "removed at the reader's request"
	// ErasedText is any other erased text: an enquiry's name and message, a
	// comment's body, a staff note, a notice's subject and body.
	ErasedText = "(removed)"
)

// PersonalDataCounts says how many rows of each kind an erasure or a retention
// pass anonymised (or, for pending notices, deleted).
type PersonalDataCounts struct {
	Enquiries      int
	Notes          int
	HistoryEntries int
	Comments       int
	Notices        int
	// ClientIPs and CommentEmails count the addresses a retention pass cleared
	// on rows it kept otherwise.
	ClientIPs     int
	CommentEmails int
}

// Total is how many rows were changed.
func (c PersonalDataCounts) Total() int {
	return c.Enquiries + c.Notes + c.HistoryEntries + c.Comments + c.Notices + c.ClientIPs + c.CommentEmails
}

// Retention is how long personal data is kept; a zero duration keeps it for
// ever.
type Retention struct {
	// Enquiries is how long a CLOSED or SPAM enquiry keeps its sender's
	// details, its notes and its notices after its last change.
	Enquiries time.Duration
	// ClientIPs is how long enquiries and comments keep the client's address.
	ClientIPs time.Duration
	// CommentEmails is how long a comment keeps its reader's email.
	CommentEmails time.Duration
}

// Off reports whether nothing is ever removed.
func (r Retention) Off() bool { return r.Enquiries <= 0 && r.ClientIPs <= 0 && r.CommentEmails <= 0 }
