package models

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"time"
	"unicode/utf8"
)

// EnquiryStatus is where an enquiry is in the staff inbox.
type EnquiryStatus string

// The enquiry statuses.
const (
	EnquiryNew        EnquiryStatus = "NEW"
	EnquiryInProgress EnquiryStatus = "IN_PROGRESS"
	EnquiryAnswered   EnquiryStatus = "ANSWERED"
	EnquiryClosed     EnquiryStatus = "CLOSED"
	EnquirySpam       EnquiryStatus = "SPAM"
)

// AllEnquiryStatuses lists the statuses in workflow order.
var AllEnquiryStatuses = []EnquiryStatus{EnquiryNew, EnquiryInProgress, EnquiryAnswered, EnquiryClosed, EnquirySpam}

// IsValid reports whether s is a known status.
func (s EnquiryStatus) IsValid() bool {
	for _, v := range AllEnquiryStatuses {
		if v == s {
			return true
		}
	}
	return false
}

// CanBecome reports whether the workflow allows s to change to next: NEW →
// IN_PROGRESS → ANSWERED → CLOSED, anything → SPAM, SPAM → NEW. Staying put is
// allowed.
func (s EnquiryStatus) CanBecome(next EnquiryStatus) bool {
	switch {
	case s == next, next == EnquirySpam:
		return true
	case s == EnquiryNew:
		return next == EnquiryInProgress
	case s == EnquiryInProgress:
		return next == EnquiryAnswered
	case s == EnquiryAnswered:
		return next == EnquiryClosed
	case s == EnquirySpam:
		return next == EnquiryNew
	default:
		return false
	}
}

// Enquiry is a message from the public contact form.
type Enquiry struct {
	ID             uint          `gorm:"primaryKey"`
	Name           string        `gorm:"size:120;not null"`
	Email          string        `gorm:"size:254;not null"`
	Phone          string        `gorm:"size:20;not null"`
	Message        string        `gorm:"type:text;not null"`
	CourseID       *uint         `gorm:"index:ix_enquiries_course"`
	ScheduleID     *uint         ``
	Status         EnquiryStatus `gorm:"size:16;not null;index:ix_enquiries_status_created,priority:1"`
	AssigneeID     *uint         `gorm:"index:ix_enquiries_assignee"`
	Version        int           `gorm:"not null"`
	ClientIP       string        `gorm:"size:45;not null"`
	Fingerprint    string        `gorm:"size:64;not null;index:ix_enquiries_fingerprint,priority:1"`
	IdempotencyKey *string       `gorm:"size:100;uniqueIndex:ux_enquiries_idempotency_key"`
	// IdempotencyHash is the PayloadHash of the request the key came with (nil for
	// enquiries older than it): the key replays that request only.
	IdempotencyHash *string   `gorm:"size:64"`
	CreatedAt       time.Time `gorm:"not null;index:ix_enquiries_status_created,priority:2;index:ix_enquiries_created;index:ix_enquiries_fingerprint,priority:2"`
	UpdatedAt       time.Time `gorm:"not null"`
}

func (Enquiry) isNode() {}

// Key returns the enquiry's primary key.
func (e *Enquiry) Key() uint { return e.ID }

// EnquiryNote is a staff note on an enquiry, kept as its history.
type EnquiryNote struct {
	ID        uint      `gorm:"primaryKey"`
	EnquiryID uint      `gorm:"not null;index:ix_enquiry_notes_enquiry"`
	AuthorID  uint      `gorm:"not null"`
	Body      string    `gorm:"type:text;not null"`
	CreatedAt time.Time `gorm:"not null"`
}

func (EnquiryNote) isNode() {}

// EnquiryInput is what a visitor sends through the contact form. Website is a
// honeypot; IdempotencyKey lets a retrying client avoid a second enquiry.
type EnquiryInput struct {
	Name           string
	Email          string
	Phone          *string
	Message        string
	CourseID       *uint
	ScheduleID     *uint
	Website        *string
	IdempotencyKey *string
}

// Normalize trims the texts, normalises the email and the phone number.
func (in *EnquiryInput) Normalize() {
	in.Name, in.Message = trimmed(in.Name), trimmed(in.Message)
	in.Email = NormalizeEmail(in.Email)
	if in.Phone != nil {
		p := NormalizePhone(*in.Phone)
		in.Phone = &p
	}
	in.IdempotencyKey = normalizeKey(in.IdempotencyKey)
}

// normalizeKey trims an idempotency key; a blank one is none.
func normalizeKey(key *string) *string {
	if key == nil {
		return nil
	}
	if k := trimmed(*key); k != "" {
		return &k
	}
	return nil
}

// validateKey checks an idempotency key's length; field names the input.
func validateKey(field string, key *string) error {
	if key != nil && utf8.RuneCountInString(*key) > 100 {
		return InvalidField(field, "must be at most 100 characters")
	}
	return nil
}

// payloadHash is the SHA-256 of a request's normalised fields, as JSON.
func payloadHash(payload any) string {
	b, _ := json.Marshal(payload) // structs of strings and numbers always marshal
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Validate checks the input; prefix is its path.
func (in EnquiryInput) Validate(prefix string) error {
	for _, err := range []error{
		ValidateText(prefix+".name", in.Name, 1, 120),
		ValidateEmail(prefix+".email", in.Email),
		ValidateText(prefix+".message", in.Message, 1, 5000),
	} {
		if err != nil {
			return err
		}
	}
	if in.Phone != nil && *in.Phone != "" {
		digits := strings.TrimPrefix(*in.Phone, "+")
		if len(digits) < 7 || len(digits) > 15 || !allDigits(digits) {
			return InvalidField(prefix+".phone", "must be a phone number of 7 to 15 digits, such as 01785 474 006 or +880 1785 474006")
		}
	}
	return validateKey(prefix+".idempotencyKey", in.IdempotencyKey)
}

// IsSpam reports whether the honeypot was filled.
func (in EnquiryInput) IsSpam() bool { return in.Website != nil && trimmed(*in.Website) != "" }

// PayloadHash identifies the whole request, less its idempotency key, once
// normalised (call Normalize first): the same form sent again has the same hash,
// and any field changed gives another.
func (in EnquiryInput) PayloadHash() string {
	payload := struct {
		Name, Email, Phone, Message, Website string
		CourseID, ScheduleID                 *uint
	}{Name: in.Name, Email: in.Email, Message: in.Message, CourseID: in.CourseID, ScheduleID: in.ScheduleID}
	if in.Phone != nil {
		payload.Phone = *in.Phone
	}
	if in.Website != nil {
		payload.Website = trimmed(*in.Website)
	}
	return payloadHash(payload)
}

// SameRequest reports whether e was made by a request with payload hash: a key
// replays only the request it was first used with. Enquiries stored before hashes
// were kept match any request, as they did then.
func (e *Enquiry) SameRequest(hash string) bool {
	return e.IdempotencyHash == nil || *e.IdempotencyHash == hash
}

// Fingerprint identifies the same message from the same sender, to fold resends
// within a short window into the first enquiry.
func (in EnquiryInput) Fingerprint() string {
	sum := sha256.Sum256([]byte(in.Email + "\x00" + strings.Join(strings.Fields(strings.ToLower(in.Message)), " ")))
	return hex.EncodeToString(sum[:])
}

// NormalizePhone keeps a phone number's digits and a leading +, and writes a
// Bangladeshi mobile number ("01785 474 006") in international form
// ("+8801785474006"). Anything else is kept as its digits for staff to read.
func NormalizePhone(s string) string {
	s = strings.TrimSpace(s)
	plus := strings.HasPrefix(s, "+")
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else if r != ' ' && r != '-' && r != '(' && r != ')' && r != '.' && r != '+' {
			return s // not a phone number; Validate says so
		}
	}
	digits := b.String()
	switch {
	case plus:
		return "+" + digits
	case len(digits) == 11 && strings.HasPrefix(digits, "01"):
		return "+88" + digits
	default:
		return digits
	}
}

// EnquiryFilter selects enquiries in the staff inbox; every set condition holds.
type EnquiryFilter struct {
	Status         *EnquiryStatus
	CourseID       *uint
	AssigneeID     *uint
	Search         *string
	ReceivedAfter  *time.Time
	ReceivedBefore *time.Time
}

// Validate checks the filter; prefix is its path.
func (f EnquiryFilter) Validate(prefix string) error {
	if f.Status != nil && !f.Status.IsValid() {
		return InvalidField(prefix+".status", "is not a status")
	}
	if f.Search != nil {
		if err := ValidateText(prefix+".search", *f.Search, 0, 200); err != nil {
			return err
		}
	}
	if f.ReceivedAfter != nil && f.ReceivedBefore != nil && !f.ReceivedAfter.Before(*f.ReceivedBefore) {
		return InvalidField(prefix+".receivedBefore", "must be after receivedAfter")
	}
	return nil
}

// EnquiryUpdate is a staff change to an enquiry: nil fields stay as they are.
// Version is the version the client last read, always required: a different
// stored version means someone else changed it first.
type EnquiryUpdate struct {
	Status     *EnquiryStatus
	AssigneeID *uint
	Unassign   bool
	Version    int
}

// OutboxMessage is an email waiting to be sent, written in the same transaction as
// what it tells of, so that an outage delays it but never loses it.
type OutboxMessage struct {
	ID            uint       `gorm:"primaryKey"`
	Recipient     string     `gorm:"size:254;not null"`
	Subject       string     `gorm:"size:200;not null"`
	Body          string     `gorm:"type:text;not null"`
	Attempts      int        `gorm:"not null"`
	NextAttemptAt time.Time  `gorm:"not null;index:ix_outbox_due,priority:2"`
	SentAt        *time.Time `gorm:"index:ix_outbox_due,priority:1"`
	LastError     string     `gorm:"size:500;not null"`
	CreatedAt     time.Time  `gorm:"not null"`
	// EnquiryID is the enquiry a notice tells of (nil for notices queued before
	// it was kept).
	EnquiryID *uint `gorm:"index:ix_outbox_enquiry"`
}

// TableName keeps the outbox's table name short.
func (OutboxMessage) TableName() string { return "outbox" }
