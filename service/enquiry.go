package service

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"coursegraph/auth"
	"coursegraph/models"
	"coursegraph/store"
)

// EnquiryReceipt is what a visitor gets back for an enquiry: nothing they sent is
// echoed.
type EnquiryReceipt struct {
	ID         uint
	ReceivedAt time.Time
}

// GlobalID returns the global id of the enquiry the receipt is for.
func (r *EnquiryReceipt) GlobalID() string { return models.GlobalID(models.KindEnquiry, r.ID) }

// duplicateWindow is how long the same message from the same email is answered
// with the first receipt instead of making a second enquiry.
const duplicateWindow = 10 * time.Minute

// SubmitEnquiry takes a message from the contact form, for anyone. A filled
// honeypot is stored as SPAM with the same kind of receipt and no notice. The
// same email and message again within ten minutes, or the same request with the
// same idempotency key at any time, returns the first receipt; the key with a
// different request is Conflict. Too many from one address are RateLimited.
// An accepted enquiry is announced to staff subscribers and, with mail set up,
// queued for an email notice in the same transaction.
func (s *Service) SubmitEnquiry(ctx context.Context, in models.EnquiryInput) (*EnquiryReceipt, error) {
	in.Normalize()
	if err := in.Validate("input"); err != nil {
		return nil, err
	}
	hash := in.PayloadHash()
	if in.IdempotencyKey != nil {
		if e, err := s.store.EnquiryByIdempotencyKey(ctx, *in.IdempotencyKey); err == nil {
			return replay(e, hash)
		} else if !isNotFound(err) {
			return nil, err
		}
	}
	now := s.Now()
	fingerprint := in.Fingerprint()
	if e, err := s.store.EnquiryByFingerprintSince(ctx, fingerprint, now.Add(-duplicateWindow)); err == nil {
		return &EnquiryReceipt{ID: e.ID, ReceivedAt: e.CreatedAt}, nil
	} else if !isNotFound(err) {
		return nil, err
	}
	if _, wait, err := s.enquiriesPerAddress.Try(auth.ClientIP(ctx), 1); err != nil {
		return nil, rateLimited(err, wait, "too many messages from your address; wait a few minutes and try again")
	}
	e := &models.Enquiry{
		Name: in.Name, Email: in.Email, Message: in.Message, CourseID: in.CourseID, ScheduleID: in.ScheduleID,
		Status: models.EnquiryNew, Version: 1, ClientIP: auth.ClientIP(ctx), Fingerprint: fingerprint,
		IdempotencyKey: in.IdempotencyKey,
	}
	if in.IdempotencyKey != nil {
		e.IdempotencyHash = &hash
	}
	if in.Phone != nil {
		e.Phone = *in.Phone
	}
	if in.IsSpam() {
		e.Status = models.EnquirySpam
	}
	err := s.store.WithTx(ctx, func(tx *store.Store) error {
		if err := s.checkEnquiryRefs(ctx, tx, e); err != nil {
			return err
		}
		if err := tx.CreateEnquiry(ctx, e); err != nil {
			return err
		}
		if e.Status == models.EnquirySpam || s.notify == nil {
			return nil
		}
		return tx.CreateOutboxMessage(ctx, s.notice(ctx, tx, e, now))
	})
	if me, ok := errors.AsType[*models.Error](err); ok && me.Code == models.Conflict && in.IdempotencyKey != nil {
		// Two retries raced with the same key: answer with the one that won.
		if first, err := s.store.EnquiryByIdempotencyKey(ctx, *in.IdempotencyKey); err == nil {
			return replay(first, hash)
		}
	}
	if err != nil {
		return nil, err
	}
	if e.Status != models.EnquirySpam {
		// Subscribers get their own copy, without what no subscription shows
		// (it would travel through Redis for nothing).
		notice := *e
		notice.ClientIP, notice.Fingerprint, notice.IdempotencyKey, notice.IdempotencyHash = "", "", nil, nil
		// A missed live notice is not a lost enquiry: the bus logs and counts
		// its failure, and the enquiry stands.
		_ = s.enquiries.Publish(ctx, &notice)
	}
	return &EnquiryReceipt{ID: e.ID, ReceivedAt: e.CreatedAt}, nil
}

// errKeyReused answers a reused idempotency key with another request, as payment
// APIs do: the client has a bug, and its second message must not vanish silently.
var errKeyReused = models.Errorf(models.Conflict,
	"this idempotency key was already used for a different enquiry; send a new key with a new message")

// replay answers a request whose idempotency key made e: its receipt for the same
// request, Conflict for another.
func replay(e *models.Enquiry, hash string) (*EnquiryReceipt, error) {
	if !e.SameRequest(hash) {
		return nil, errKeyReused
	}
	return &EnquiryReceipt{ID: e.ID, ReceivedAt: e.CreatedAt}, nil
}

// checkEnquiryRefs checks that the course and schedule exist and belong together;
// a schedule alone names its course.
func (s *Service) checkEnquiryRefs(ctx context.Context, tx *store.Store, e *models.Enquiry) error {
	if e.ScheduleID != nil {
		sc, err := tx.ScheduleByID(ctx, *e.ScheduleID)
		if err != nil {
			return asInvalid(err, "input.scheduleId")
		}
		if e.CourseID != nil && *e.CourseID != sc.CourseID {
			return models.InvalidField("input.scheduleId", "is not a schedule of the chosen course")
		}
		// The schedule names its course, which exists: a foreign key says so.
		e.CourseID = &sc.CourseID
		return nil
	}
	if e.CourseID != nil {
		if _, err := tx.CourseByID(ctx, *e.CourseID); err != nil {
			return asInvalid(err, "input.courseId")
		}
	}
	return nil
}

// notice is the email that tells the centre of a new enquiry.
func (s *Service) notice(ctx context.Context, tx *store.Store, e *models.Enquiry, now time.Time) *models.OutboxMessage {
	to := s.notify.To
	if to == "" {
		if c, err := tx.Centre(ctx); err == nil {
			to = c.Email
		}
	}
	about := "General enquiry"
	if e.CourseID != nil {
		if c, err := tx.CourseByID(ctx, *e.CourseID); err == nil {
			about = c.Title
		}
	}
	body := fmt.Sprintf("A new enquiry arrived through the website.\n\nFrom: %s <%s>\nPhone: %s\nAbout: %s\n\n%s\n\nAnswer it from the staff inbox.\n",
		e.Name, e.Email, e.Phone, about, e.Message)
	return &models.OutboxMessage{
		Recipient: to, Subject: models.EnquiryNoticeSubject(e.Name, about), Body: body, NextAttemptAt: now, EnquiryID: &e.ID,
		CreatedAt: now, // the enquiry's instant, like NextAttemptAt (GORM would take the wall clock)
	}
}

func isNotFound(err error) bool {
	me, ok := errors.AsType[*models.Error](err)
	return ok && me.Code == models.NotFound
}

// EnquiryEdge is one enquiry of a page, with its cursor.
type EnquiryEdge struct {
	Cursor string
	Node   *models.Enquiry
}

// EnquiryConnection is a page of the staff inbox.
type EnquiryConnection struct {
	Edges    []*EnquiryEdge
	PageInfo *PageInfo
	count    counter
}

// TotalCount returns how many enquiries match over all pages.
func (c *EnquiryConnection) TotalCount(ctx context.Context) (int, error) { return c.count(ctx) }

// Enquiries lists the inbox, newest first unless dir is Asc, for STAFF.
func (s *Service) Enquiries(ctx context.Context, filter *models.EnquiryFilter, dir *models.OrderDirection, first *int, after *string) (*EnquiryConnection, error) {
	if _, err := require(ctx, models.RoleStaff); err != nil {
		return nil, err
	}
	var f models.EnquiryFilter
	if filter != nil {
		f = *filter
	}
	if err := f.Validate("filter"); err != nil {
		return nil, err
	}
	d := models.Desc
	if dir != nil && *dir == models.Asc {
		d = models.Asc
	}
	order := "enquiry:" + string(d)
	args, err := models.NewPageArgs(first, after, order)
	if err != nil {
		return nil, err
	}
	rows, err := s.store.Enquiries(ctx, f, d, args)
	if err != nil {
		return nil, err
	}
	conn := &EnquiryConnection{count: func(ctx context.Context) (int, error) { return s.store.CountEnquiries(ctx, f) }}
	conn.Edges, conn.PageInfo = edges(rows, args, order, (*models.Enquiry).Key,
		func(cursor string, e *models.Enquiry) *EnquiryEdge { return &EnquiryEdge{Cursor: cursor, Node: e} })
	return conn, nil
}

// Enquiry returns one enquiry, for STAFF; NotFound if there is none.
func (s *Service) Enquiry(ctx context.Context, id uint) (*models.Enquiry, error) {
	if _, err := require(ctx, models.RoleStaff); err != nil {
		return nil, err
	}
	return s.store.EnquiryByID(ctx, id)
}

// EnquiryStats counts the inbox by status (every status, zero included) and by
// course, for STAFF.
type EnquiryStats struct {
	Total    int
	ByStatus []*StatusCount
	ByCourse []*CourseCount
}

// StatusCount is how many enquiries have a status.
type StatusCount struct {
	Status models.EnquiryStatus
	Count  int
}

// CourseCount is how many enquiries name a course (nil: none).
type CourseCount struct {
	CourseID *uint
	Count    int
}

// EnquiryStats returns the inbox's counts, for STAFF.
func (s *Service) EnquiryStats(ctx context.Context) (*EnquiryStats, error) {
	if _, err := require(ctx, models.RoleStaff); err != nil {
		return nil, err
	}
	counts, err := s.store.CountEnquiriesBy(ctx)
	if err != nil {
		return nil, err
	}
	out := &EnquiryStats{}
	for _, st := range models.AllEnquiryStatuses {
		out.ByStatus = append(out.ByStatus, &StatusCount{Status: st, Count: counts.ByStatus[st]})
		out.Total += counts.ByStatus[st]
	}
	for id, n := range counts.ByCourse {
		cc := &CourseCount{Count: n}
		if id != 0 {
			cc.CourseID = &id
		}
		out.ByCourse = append(out.ByCourse, cc)
	}
	sortCourseCounts(out.ByCourse)
	return out, nil
}

// UpdateEnquiry moves an enquiry along the workflow and (un)assigns it, for STAFF.
// A move the workflow forbids is Invalid; an assignee who is not active staff is
// Invalid; a stale version (someone changed it since) is Conflict.
func (s *Service) UpdateEnquiry(ctx context.Context, id uint, in models.EnquiryUpdate) (*models.Enquiry, error) {
	actor, err := require(ctx, models.RoleStaff)
	if err != nil {
		return nil, err
	}
	var e *models.Enquiry
	err = s.store.WithTx(ctx, func(tx *store.Store) error {
		if e, err = tx.EnquiryByID(ctx, id); err != nil {
			return err
		}
		read := e.Version
		if in.Version != read {
			return &models.Error{Code: models.Conflict, Field: "input.version", Message: "someone else changed this enquiry first; reload it and try again"}
		}
		var ch models.Changes
		if in.Status != nil {
			if !in.Status.IsValid() || !e.Status.CanBecome(*in.Status) {
				return models.InvalidField("input.status", "an enquiry that is %s cannot become %s", e.Status, *in.Status)
			}
			ch.Record("status", e.Status, *in.Status, false)
			e.Status = *in.Status
		}
		switch {
		case in.Unassign:
			ch.Record("assignee", deref(e.AssigneeID), "", false)
			e.AssigneeID = nil
		case in.AssigneeID != nil:
			u, err := tx.UserByID(ctx, *in.AssigneeID)
			if err != nil || !u.Active {
				return models.InvalidField("input.assigneeId", "is not an active staff member")
			}
			ch.Record("assignee", deref(e.AssigneeID), u.ID, false)
			e.AssigneeID = &u.ID
		}
		if len(ch) == 0 {
			return nil
		}
		if err := tx.UpdateEnquiry(ctx, e, read, s.Now()); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "enquiry.update", "Enquiry", e.ID, ch)
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}

func deref(p *uint) any {
	if p == nil {
		return ""
	}
	return *p
}

// AddEnquiryNote adds a note to an enquiry's history, for STAFF.
func (s *Service) AddEnquiryNote(ctx context.Context, enquiryID uint, body string) (*models.EnquiryNote, error) {
	actor, err := require(ctx, models.RoleStaff)
	if err != nil {
		return nil, err
	}
	n := &models.EnquiryNote{EnquiryID: enquiryID, AuthorID: actor.ID, Body: strings.TrimSpace(body)}
	if err := models.ValidateText("body", n.Body, 1, 5000); err != nil {
		return nil, err
	}
	err = s.store.WithTx(ctx, func(tx *store.Store) error {
		if _, err := tx.EnquiryByID(ctx, enquiryID); err != nil {
			return err
		}
		if err := tx.CreateEnquiryNote(ctx, n); err != nil {
			return err
		}
		var ch models.Changes
		ch.Record("note", "", n.Body, false)
		return audit(ctx, tx, actor, "enquiry.note", "Enquiry", enquiryID, ch)
	})
	if err != nil {
		return nil, err
	}
	return n, nil
}

// NotesByEnquiryIDs returns each enquiry's notes, oldest first, for dataloaders.
func (s *Service) NotesByEnquiryIDs(ctx context.Context, ids []uint) (map[uint][]*models.EnquiryNote, error) {
	if _, err := require(ctx, models.RoleStaff); err != nil {
		return nil, err
	}
	rows, err := s.store.NotesByEnquiryIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	return groupBy(rows, func(n *models.EnquiryNote) uint { return n.EnquiryID }), nil
}

// EnquiryReceived returns the enquiries accepted from now until ctx ends (spam is
// not announced), for STAFF. The viewer's session is checked again before each
// enquiry is handed on: once it is signed out, expired or deactivated, the stream
// ends.
func (s *Service) EnquiryReceived(ctx context.Context) (<-chan *models.Enquiry, error) {
	return live(ctx, s, s.enquiries, models.RoleStaff)
}

// sortCourseCounts orders counts by count, largest first, then by course id.
func sortCourseCounts(cs []*CourseCount) {
	slices.SortFunc(cs, func(a, b *CourseCount) int {
		if a.Count != b.Count {
			return b.Count - a.Count
		}
		ai, bi := uint(0), uint(0)
		if a.CourseID != nil {
			ai = *a.CourseID
		}
		if b.CourseID != nil {
			bi = *b.CourseID
		}
		return int(ai) - int(bi)
	})
}

// EnquiryNote returns one note, for STAFF; NotFound if there is none.
func (s *Service) EnquiryNote(ctx context.Context, id uint) (*models.EnquiryNote, error) {
	if _, err := require(ctx, models.RoleStaff); err != nil {
		return nil, err
	}
	return s.store.EnquiryNoteByID(ctx, id)
}
