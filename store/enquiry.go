package store

import (
	"context"
	"strings"
	"time"

	"coursegraph/models"

	"gorm.io/gorm"
)

// CreateEnquiry inserts e and sets its id; Conflict if its idempotency key is
// taken.
func (s *Store) CreateEnquiry(ctx context.Context, e *models.Enquiry) error {
	return translate(s.db.WithContext(ctx).Create(e).Error, "insert", "enquiry")
}

// EnquiryByID returns the enquiry with id; NotFound if there is none.
func (s *Store) EnquiryByID(ctx context.Context, id uint) (*models.Enquiry, error) {
	var e models.Enquiry
	if err := s.db.WithContext(ctx).Take(&e, id).Error; err != nil {
		return nil, translate(err, "find", "enquiry")
	}
	return &e, nil
}

// EnquiryByIdempotencyKey returns the enquiry sent with key; NotFound if none.
func (s *Store) EnquiryByIdempotencyKey(ctx context.Context, key string) (*models.Enquiry, error) {
	var e models.Enquiry
	if err := s.db.WithContext(ctx).Where("idempotency_key = ?", key).Take(&e).Error; err != nil {
		return nil, translate(err, "find", "enquiry")
	}
	return &e, nil
}

// EnquiryByFingerprintSince returns the first enquiry with the fingerprint received
// at or after since; NotFound if none.
func (s *Store) EnquiryByFingerprintSince(ctx context.Context, fingerprint string, since time.Time) (*models.Enquiry, error) {
	var e models.Enquiry
	err := s.db.WithContext(ctx).Where("fingerprint = ? AND created_at >= ?", fingerprint, since).
		Order("created_at").Order("id").Take(&e).Error
	if err != nil {
		return nil, translate(err, "find", "enquiry")
	}
	return &e, nil
}

// Enquiries returns up to page.First+1 enquiries matching f by time received
// (newest first unless dir is Asc), after the page's cursor.
func (s *Store) Enquiries(ctx context.Context, f models.EnquiryFilter, dir models.OrderDirection, page models.PageArgs) ([]Keyed[*models.Enquiry], error) {
	q := whereEnquiries(s.db.WithContext(ctx), f)
	if page.After != nil {
		t, err := time.Parse(time.RFC3339, page.After.Key)
		if err != nil {
			return nil, models.InvalidField("after", "is not a cursor from this list")
		}
		q = q.Where(afterKey("created_at", "id", dir, t, page.After.ID))
	}
	order := " DESC"
	if dir == models.Asc {
		order = " ASC"
	}
	var rows []*models.Enquiry
	if err := q.Order("created_at" + order).Order("id" + order).Limit(page.First + 1).Find(&rows).Error; err != nil {
		return nil, translate(err, "list", "enquiries")
	}
	out := make([]Keyed[*models.Enquiry], len(rows))
	for i, e := range rows {
		out[i] = Keyed[*models.Enquiry]{Row: e, Key: e.CreatedAt.UTC().Format(time.RFC3339)}
	}
	return out, nil
}

// CountEnquiries returns how many enquiries match f.
func (s *Store) CountEnquiries(ctx context.Context, f models.EnquiryFilter) (int, error) {
	var n int64
	err := whereEnquiries(s.db.WithContext(ctx), f).Count(&n).Error
	return int(n), translate(err, "count", "enquiries")
}

func whereEnquiries(q *gorm.DB, f models.EnquiryFilter) *gorm.DB {
	q = q.Model(&models.Enquiry{})
	if f.Status != nil {
		q = q.Where("status = ?", *f.Status)
	}
	if f.CourseID != nil {
		q = q.Where("course_id = ?", *f.CourseID)
	}
	if f.AssigneeID != nil {
		q = q.Where("assignee_id = ?", *f.AssigneeID)
	}
	if f.ReceivedAfter != nil {
		q = q.Where("created_at >= ?", f.ReceivedAfter.UTC())
	}
	if f.ReceivedBefore != nil {
		q = q.Where("created_at < ?", f.ReceivedBefore.UTC())
	}
	if f.Search != nil {
		for word := range strings.FieldsSeq(*f.Search) {
			like := "%" + escapeLike(word) + "%"
			q = q.Where("(name LIKE ? ESCAPE '!' OR email LIKE ? ESCAPE '!' OR message LIKE ? ESCAPE '!')", like, like, like)
		}
	}
	return q
}

// UpdateEnquiry writes e's status and assignee if its stored version is still
// version, and moves e to the next version; Conflict if someone changed it first.
func (s *Store) UpdateEnquiry(ctx context.Context, e *models.Enquiry, version int, now time.Time) error {
	res := s.db.WithContext(ctx).Model(&models.Enquiry{}).Where("id = ? AND version = ?", e.ID, version).
		UpdateColumns(map[string]any{"status": e.Status, "assignee_id": e.AssigneeID, "version": version + 1, "updated_at": now})
	if res.Error != nil {
		return translate(res.Error, "update", "enquiry")
	}
	if res.RowsAffected == 0 {
		return models.Errorf(models.Conflict, "someone else changed this enquiry first; reload it and try again")
	}
	e.Version, e.UpdatedAt = version+1, now
	return nil
}

// EnquiryCounts is the inbox by status and by course.
type EnquiryCounts struct {
	ByStatus map[models.EnquiryStatus]int
	// ByCourse counts enquiries per course id; 0 is "no course".
	ByCourse map[uint]int
}

// CountEnquiriesBy returns the inbox's counts by status and by course, in two
// grouped queries.
func (s *Store) CountEnquiriesBy(ctx context.Context) (*EnquiryCounts, error) {
	var byStatus []struct {
		Status models.EnquiryStatus
		N      int
	}
	if err := s.db.WithContext(ctx).Model(&models.Enquiry{}).Select("status, COUNT(*) AS n").Group("status").Scan(&byStatus).Error; err != nil {
		return nil, translate(err, "count", "enquiries")
	}
	var byCourse []struct {
		CourseID *uint
		N        int
	}
	if err := s.db.WithContext(ctx).Model(&models.Enquiry{}).Select("course_id, COUNT(*) AS n").Group("course_id").Scan(&byCourse).Error; err != nil {
		return nil, translate(err, "count", "enquiries")
	}
	out := &EnquiryCounts{ByStatus: map[models.EnquiryStatus]int{}, ByCourse: map[uint]int{}}
	for _, r := range byStatus {
		out.ByStatus[r.Status] = r.N
	}
	for _, r := range byCourse {
		var id uint
		if r.CourseID != nil {
			id = *r.CourseID
		}
		out.ByCourse[id] += r.N
	}
	return out, nil
}

// CreateEnquiryNote inserts a note.
func (s *Store) CreateEnquiryNote(ctx context.Context, n *models.EnquiryNote) error {
	return translate(s.db.WithContext(ctx).Create(n).Error, "insert", "enquiry note")
}

// NotesByEnquiryIDs returns the notes of the given enquiries, oldest first (by
// time, then id: ids are not in time order on every engine), in one query.
func (s *Store) NotesByEnquiryIDs(ctx context.Context, ids []uint) ([]*models.EnquiryNote, error) {
	var out []*models.EnquiryNote
	err := s.db.WithContext(ctx).Where("enquiry_id IN ?", ids).Order("enquiry_id").Order("created_at").Order("id").Find(&out).Error
	return out, translate(err, "list", "enquiry notes")
}

// CreateOutboxMessage queues an email; call it in the transaction of what it tells.
func (s *Store) CreateOutboxMessage(ctx context.Context, m *models.OutboxMessage) error {
	return translate(s.db.WithContext(ctx).Create(m).Error, "insert", "outbox message")
}

// DueOutboxMessages returns up to limit unsent messages whose next attempt is due
// at now, oldest first.
func (s *Store) DueOutboxMessages(ctx context.Context, now time.Time, limit int) ([]*models.OutboxMessage, error) {
	var out []*models.OutboxMessage
	err := s.db.WithContext(ctx).Where("sent_at IS NULL AND next_attempt_at <= ?", now).
		Order("next_attempt_at").Order("id").Limit(limit).Find(&out).Error
	return out, translate(err, "list", "outbox")
}

// ClaimOutboxMessage takes m for sending until lease, if no other worker took it
// since it was read; it reports whether the claim held.
func (s *Store) ClaimOutboxMessage(ctx context.Context, m *models.OutboxMessage, lease time.Time) (bool, error) {
	res := s.db.WithContext(ctx).Model(&models.OutboxMessage{}).
		Where("id = ? AND sent_at IS NULL AND next_attempt_at = ?", m.ID, m.NextAttemptAt).
		UpdateColumn("next_attempt_at", lease)
	if res.Error != nil {
		return false, translate(res.Error, "claim", "outbox message")
	}
	return res.RowsAffected == 1, nil
}

// MarkOutboxSent records that m was sent at now.
func (s *Store) MarkOutboxSent(ctx context.Context, id uint, attempts int, now time.Time) error {
	err := s.db.WithContext(ctx).Model(&models.OutboxMessage{}).Where("id = ?", id).
		UpdateColumns(map[string]any{"sent_at": now, "attempts": attempts, "last_error": ""}).Error
	return translate(err, "update", "outbox message")
}

// MarkOutboxFailed records a failed attempt and when to try again.
func (s *Store) MarkOutboxFailed(ctx context.Context, id uint, attempts int, next time.Time, cause string) error {
	cause = models.Truncate(cause, models.MaxOutboxError) // by characters: a cut rune is invalid UTF-8 to MySQL
	err := s.db.WithContext(ctx).Model(&models.OutboxMessage{}).Where("id = ?", id).
		UpdateColumns(map[string]any{"attempts": attempts, "next_attempt_at": next, "last_error": cause}).Error
	return translate(err, "update", "outbox message")
}

// EnquiryNoteByID returns the note with id; NotFound if there is none.
func (s *Store) EnquiryNoteByID(ctx context.Context, id uint) (*models.EnquiryNote, error) {
	var n models.EnquiryNote
	if err := s.db.WithContext(ctx).Take(&n, id).Error; err != nil {
		return nil, translate(err, "find", "enquiry note")
	}
	return &n, nil
}
