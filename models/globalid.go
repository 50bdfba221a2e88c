package models

import (
	"encoding/base64"
	"strconv"
	"strings"
)

// Kinds of global ids: the GraphQL type names of the entities.
const (
	KindCourse      = "Course"
	KindBatch       = "Batch"
	KindSchedule    = "Schedule"
	KindUser        = "User"
	KindAuditEntry  = "AuditEntry"
	KindArticle     = "Article"
	KindTag         = "Tag"
	KindComment     = "Comment"
	KindEnquiry     = "Enquiry"
	KindEnquiryNote = "EnquiryNote"
)

// GlobalID returns the opaque global id of the entity of kind with key id: the
// URL-safe base64 of "Kind:key". It is the only place ids are encoded; the
// entities' GlobalID methods call it, so that GraphQL reads an id as a plain field,
// inline, with no resolver of its own.
func GlobalID(kind string, id uint) string {
	var buf [48]byte
	raw := strconv.AppendUint(append(append(buf[:0], kind...), ':'), uint64(id), 10)
	return base64.RawURLEncoding.EncodeToString(raw)
}

// ParseGlobalID reads any global id; field names the input for the error (Invalid).
func ParseGlobalID(gid, field string) (kind string, id uint, err error) {
	b, decodeErr := base64.RawURLEncoding.DecodeString(gid)
	kind, key, ok := strings.Cut(string(b), ":")
	n, parseErr := strconv.ParseUint(key, 10, 64)
	if decodeErr != nil || !ok || parseErr != nil || n == 0 || uint64(uint(n)) != n {
		return "", 0, InvalidField(field, "is not a valid id")
	}
	return kind, uint(n), nil
}

// GlobalID returns the course's global id.
func (c *Course) GlobalID() string { return GlobalID(KindCourse, c.ID) }

// GlobalID returns the batch's global id.
func (b *Batch) GlobalID() string { return GlobalID(KindBatch, b.ID) }

// GlobalID returns the schedule's global id.
func (s *Schedule) GlobalID() string { return GlobalID(KindSchedule, s.ID) }

// GlobalID returns the user's global id.
func (u *User) GlobalID() string { return GlobalID(KindUser, u.ID) }

// GlobalID returns the audit entry's global id.
func (e *AuditEntry) GlobalID() string { return GlobalID(KindAuditEntry, e.ID) }

// GlobalID returns the article's global id.
func (a *Article) GlobalID() string { return GlobalID(KindArticle, a.ID) }

// GlobalID returns the tag's global id.
func (t *Tag) GlobalID() string { return GlobalID(KindTag, t.ID) }

// GlobalID returns the comment's global id.
func (c *Comment) GlobalID() string { return GlobalID(KindComment, c.ID) }

// GlobalID returns the enquiry's global id.
func (e *Enquiry) GlobalID() string { return GlobalID(KindEnquiry, e.ID) }

// GlobalID returns the note's global id.
func (n *EnquiryNote) GlobalID() string { return GlobalID(KindEnquiryNote, n.ID) }
