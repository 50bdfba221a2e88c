package store

import (
	"context"
	"strings"
	"time"

	"coursegraph/models"

	"gorm.io/gorm"
)

// PersonalRecords is everything stored about one email address: the enquiries it
// sent with their history (audit entries; their notes are read through the
// enquiries), its comments, and the notices that told staff of its enquiries.
type PersonalRecords struct {
	Enquiries []*models.Enquiry
	History   []*models.AuditEntry
	Comments  []*models.Comment
	Notices   []*models.OutboxMessage
}

// PersonalData returns what is stored about email (normalised, as the forms
// store it), oldest first (by time, then id: ids are not in time order on every
// engine).
func (s *Store) PersonalData(ctx context.Context, email string) (*PersonalRecords, error) {
	db := s.db.WithContext(ctx)
	var r PersonalRecords
	if err := db.Where("email = ?", email).Order("created_at").Order("id").Find(&r.Enquiries).Error; err != nil {
		return nil, translate(err, "list", "enquiries of a person")
	}
	ids := make([]uint, len(r.Enquiries))
	for i, e := range r.Enquiries {
		ids[i] = e.ID
	}
	if len(ids) > 0 {
		if err := db.Where("entity_type = ? AND entity_id IN ?", "Enquiry", ids).Order("created_at").Order("id").Find(&r.History).Error; err != nil {
			return nil, translate(err, "list", "history of a person")
		}
	}
	if err := db.Where("author_email = ?", email).Order("created_at").Order("id").Find(&r.Comments).Error; err != nil {
		return nil, translate(err, "list", "comments of a person")
	}
	if err := noticesOf(db, ids, []string{email}).Order("created_at").Order("id").Find(&r.Notices).Error; err != nil {
		return nil, translate(err, "list", "notices of a person")
	}
	return &r, nil
}

// noticesOf selects the notices of the enquiries ids, and those queued before
// notices named their enquiry whose body quotes one of emails ("From: name
// <email>").
func noticesOf(db *gorm.DB, ids []uint, emails []string) *gorm.DB {
	var byBody []string
	var args []any
	if len(ids) > 0 {
		args = append(args, ids)
	}
	for _, e := range emails {
		byBody = append(byBody, "body LIKE ? ESCAPE '!'")
		args = append(args, "%<"+escapeLike(e)+">%")
	}
	old := "FALSE"
	if len(byBody) > 0 {
		old = "enquiry_id IS NULL AND (" + strings.Join(byBody, " OR ") + ")"
	}
	q := db.Model(&models.OutboxMessage{})
	if len(ids) == 0 {
		return q.Where(old, args...)
	}
	return q.Where("(enquiry_id IN ? OR ("+old+"))", args...)
}

// ErasePersonalData anonymises everything stored about email, in place: its
// enquiries (name, email, phone, message, client address, fingerprint), their
// notes and the notes' copies in the audit log, its comments (which keep their
// place in their threads: name replaced, body removed) and the notices of its
// enquiries (pending ones are deleted, so that they are never sent). It returns
// the counts and the articles whose comments changed. Call it in a transaction.
func (s *Store) ErasePersonalData(ctx context.Context, email string) (models.PersonalDataCounts, []uint, error) {
	db := s.db.WithContext(ctx)
	var ids []uint
	if err := db.Model(&models.Enquiry{}).Where("email = ?", email).Order("created_at").Order("id").Pluck("id", &ids).Error; err != nil {
		return models.PersonalDataCounts{}, nil, translate(err, "find", "enquiries of a person")
	}
	counts, err := s.anonymiseEnquiries(ctx, ids, []string{email})
	if err != nil {
		return counts, nil, err
	}
	var articles []uint
	if err := db.Model(&models.Comment{}).Where("author_email = ?", email).Distinct().Order("article_id").Pluck("article_id", &articles).Error; err != nil {
		return counts, nil, translate(err, "find", "comments of a person")
	}
	res := db.Model(&models.Comment{}).Where("author_email = ?", email).UpdateColumns(map[string]any{
		"author_name": models.ErasedCommenter, "author_email": "", "body": models.ErasedText,
		"client_ip": "", "idempotency_hash": nil,
	})
	if res.Error != nil {
		return counts, nil, translate(res.Error, "erase", "comments")
	}
	counts.Comments = int(res.RowsAffected)
	return counts, articles, nil
}

// erasedNote is the audit entry of a note whose text was erased: the note's
// field, with the erased text (as models.Changes writes it in JSON).
var erasedNote = `[{"field":"note","to":"` + models.ErasedText + `"}]`

// anonymiseEnquiries anonymises the enquiries ids (sent from emails), their
// notes, the notes' audit entries and their notices: a few statements for any
// number of enquiries.
func (s *Store) anonymiseEnquiries(ctx context.Context, ids []uint, emails []string) (models.PersonalDataCounts, error) {
	var counts models.PersonalDataCounts
	db := s.db.WithContext(ctx)
	if len(ids) > 0 {
		res := db.Model(&models.Enquiry{}).Where("id IN ?", ids).UpdateColumns(map[string]any{
			"name": models.ErasedText, "email": "", "phone": "", "message": models.ErasedText,
			"client_ip": "", "fingerprint": "", "idempotency_hash": nil,
		})
		if res.Error != nil {
			return counts, translate(res.Error, "erase", "enquiries")
		}
		counts.Enquiries = int(res.RowsAffected)
		if res = db.Model(&models.EnquiryNote{}).Where("enquiry_id IN ?", ids).UpdateColumn("body", models.ErasedText); res.Error != nil {
			return counts, translate(res.Error, "erase", "enquiry notes")
		}
		counts.Notes = int(res.RowsAffected)
		res = db.Model(&models.AuditEntry{}).Where("entity_type = ? AND entity_id IN ? AND action = ?", "Enquiry", ids, "enquiry.note").
			UpdateColumn("changes", erasedNote)
		if res.Error != nil {
			return counts, translate(res.Error, "erase", "enquiry history")
		}
		counts.HistoryEntries = int(res.RowsAffected)
	}
	if len(ids) == 0 && len(emails) == 0 {
		return counts, nil
	}
	res := noticesOf(db, ids, emails).Where("sent_at IS NULL").Delete(&models.OutboxMessage{})
	if res.Error != nil {
		return counts, translate(res.Error, "erase", "pending notices")
	}
	counts.Notices = int(res.RowsAffected)
	res = noticesOf(db, ids, emails).Where("sent_at IS NOT NULL AND body <> ?", models.ErasedText).
		UpdateColumns(map[string]any{"subject": models.ErasedText, "body": models.ErasedText})
	if res.Error != nil {
		return counts, translate(res.Error, "erase", "notices")
	}
	counts.Notices += int(res.RowsAffected)
	return counts, nil
}

// ApplyRetention anonymises what r says is kept too long at now: CLOSED and SPAM
// enquiries last changed before now-r.Enquiries (as ErasePersonalData does, with
// their notes, history and notices, and sent notices older than that), client
// addresses older than now-r.ClientIPs and comment emails older than
// now-r.CommentEmails. A zero duration keeps its data. It is idempotent: what was
// anonymised is not counted again. Call it in a transaction.
func (s *Store) ApplyRetention(ctx context.Context, r models.Retention, now time.Time) (models.PersonalDataCounts, error) {
	var counts models.PersonalDataCounts
	db := s.db.WithContext(ctx)
	if r.Enquiries > 0 {
		cutoff := now.Add(-r.Enquiries)
		// A batch at a time: a few statements per batch, however many expired.
		for {
			var expired []struct {
				ID    uint
				Email string
			}
			err := db.Model(&models.Enquiry{}).Select("id", "email").
				Where("status IN ? AND updated_at < ? AND email <> ''", []models.EnquiryStatus{models.EnquiryClosed, models.EnquirySpam}, cutoff).
				Order("id").Limit(retentionBatch).Find(&expired).Error
			if err != nil {
				return counts, translate(err, "find", "expired enquiries")
			}
			if len(expired) == 0 {
				break
			}
			ids, emails := make([]uint, len(expired)), make([]string, len(expired))
			for i, e := range expired {
				ids[i], emails[i] = e.ID, e.Email
			}
			c, err := s.anonymiseEnquiries(ctx, ids, emails)
			if err != nil {
				return counts, err
			}
			counts.Enquiries += c.Enquiries
			counts.Notes += c.Notes
			counts.HistoryEntries += c.HistoryEntries
			counts.Notices += c.Notices
			if len(expired) < retentionBatch {
				break
			}
		}
		res := db.Model(&models.OutboxMessage{}).Where("sent_at < ? AND body <> ?", cutoff, models.ErasedText).
			UpdateColumns(map[string]any{"subject": models.ErasedText, "body": models.ErasedText})
		if res.Error != nil {
			return counts, translate(res.Error, "erase", "old notices")
		}
		counts.Notices += int(res.RowsAffected)
	}
	if r.ClientIPs > 0 {
		cutoff := now.Add(-r.ClientIPs)
		for _, m := range []any{&models.Enquiry{}, &models.Comment{}} {
			res := db.Model(m).Where("client_ip <> '' AND created_at < ?", cutoff).UpdateColumn("client_ip", "")
			if res.Error != nil {
				return counts, translate(res.Error, "erase", "client addresses")
			}
			counts.ClientIPs += int(res.RowsAffected)
		}
	}
	if r.CommentEmails > 0 {
		res := db.Model(&models.Comment{}).Where("author_email <> '' AND created_at < ?", now.Add(-r.CommentEmails)).
			UpdateColumn("author_email", "")
		if res.Error != nil {
			return counts, translate(res.Error, "erase", "comment emails")
		}
		counts.CommentEmails = int(res.RowsAffected)
	}
	return counts, nil
}

// retentionBatch is how many expired enquiries one round of ApplyRetention
// anonymises together.
const retentionBatch = 200

// TakeLease takes the job lease name for holder until until, if no one holds
// it at now; it reports whether it did. Instances that share the database run
// a job one at a time this way.
func (s *Store) TakeLease(ctx context.Context, name, holder string, now, until time.Time) (bool, error) {
	res := s.db.WithContext(ctx).Table("job_leases").Where("name = ? AND expires_at < ?", name, now).
		UpdateColumns(map[string]any{"holder": holder, "expires_at": until})
	if res.Error != nil {
		return false, translate(res.Error, "take", "job lease")
	}
	return res.RowsAffected == 1, nil
}
