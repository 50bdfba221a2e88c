package service

import (
	"context"
	"strconv"
	"time"

	"coursegraph/cachetag"
	"coursegraph/models"
	"coursegraph/store"
)

// PersonalData is everything stored about one email address, to hand to the
// person who asks for it.
type PersonalData struct {
	Email      string
	ExportedAt time.Time
	Enquiries  []*models.Enquiry
	// History is the audit log of those enquiries: their status, assignees and
	// notes over time.
	History  []*models.AuditEntry
	Comments []*models.Comment
	// Notices are the emails that told staff of those enquiries.
	Notices []*models.OutboxMessage
}

// PersonalDataOf returns what is stored about email (any letter case), for
// ADMIN; an address that is not one is Invalid on field "email".
func (s *Service) PersonalDataOf(ctx context.Context, email string) (*PersonalData, error) {
	if _, err := require(ctx, models.RoleAdmin); err != nil {
		return nil, err
	}
	email = models.NormalizeEmail(email)
	if err := models.ValidateEmail("email", email); err != nil {
		return nil, err
	}
	r, err := s.store.PersonalData(ctx, email)
	if err != nil {
		return nil, err
	}
	return &PersonalData{
		Email: email, ExportedAt: s.now(ctx), Enquiries: r.Enquiries, History: r.History,
		Comments: r.Comments, Notices: r.Notices,
	}, nil
}

// ErasePersonalData anonymises everything stored about email (any letter case),
// for ADMIN, in one transaction (see store.ErasePersonalData), drops the cached
// answers that showed any of it, records who erased how many rows in the audit
// log (never the address or the data) and returns the counts. Erasing again
// changes nothing and counts nothing. An address that is not one is Invalid on
// field "email".
func (s *Service) ErasePersonalData(ctx context.Context, email string) (*models.PersonalDataCounts, error) {
	actor, err := require(ctx, models.RoleAdmin)
	if err != nil {
		return nil, err
	}
	email = models.NormalizeEmail(email)
	if err := models.ValidateEmail("email", email); err != nil {
		return nil, err
	}
	var counts models.PersonalDataCounts
	var articles []uint
	err = s.store.WithTx(ctx, func(tx *store.Store) error {
		if counts, articles, err = tx.ErasePersonalData(ctx, email); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "personal_data.erase", "Person", 0, countChanges(counts))
	})
	if err != nil {
		return nil, err
	}
	if len(articles) > 0 {
		tags := []string{cachetag.AllComments}
		for _, a := range articles {
			tags = append(tags, cachetag.Comments(a))
		}
		s.changed(ctx, tags...)
	}
	return &counts, nil
}

// countChanges writes erasure counts as audit changes: how many rows of each
// kind, and nothing of what they held.
func countChanges(c models.PersonalDataCounts) models.Changes {
	var ch models.Changes
	for _, f := range []struct {
		name string
		n    int
	}{{"enquiries", c.Enquiries}, {"notes", c.Notes}, {"historyEntries", c.HistoryEntries}, {"comments", c.Comments}, {"notices", c.Notices}} {
		ch.Record(f.name, 0, strconv.Itoa(f.n), false)
	}
	return ch
}

// retentionLease is how long the instance that applies retention holds the
// job: longer than a pass takes, shorter than the time between passes.
const retentionLease = 10 * time.Minute

// ApplyRetention anonymises the personal data kept longer than r allows, at the
// service's clock, if no other instance (holder names this one) is doing it:
// ran says whether this one did. It is safe to call from every instance and
// idempotent.
func (s *Service) ApplyRetention(ctx context.Context, r models.Retention, holder string) (counts models.PersonalDataCounts, ran bool, err error) {
	if r.Off() {
		return counts, false, nil
	}
	now := s.Now()
	if ran, err = s.store.TakeLease(ctx, "retention", holder, now, now.Add(retentionLease)); err != nil || !ran {
		return counts, false, err
	}
	err = s.store.WithTx(ctx, func(tx *store.Store) error {
		counts, err = tx.ApplyRetention(ctx, r, now)
		return err
	})
	return counts, true, err
}
