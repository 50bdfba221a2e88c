package service

import (
	"context"
	"fmt"
	"slices"

	"coursegraph/cachetag"
	"coursegraph/models"
	"coursegraph/store"
)

// CreateCourse adds a course to the catalogue, for EDITOR. Its slug comes from the
// title unless given; a taken slug is Conflict. The fee is in the centre's currency.
func (s *Service) CreateCourse(ctx context.Context, in models.CourseInput) (*models.Course, error) {
	actor, err := require(ctx, models.RoleEditor)
	if err != nil {
		return nil, err
	}
	c := &models.Course{Active: true, FeeCurrency: s.currency(ctx)}
	if in.Slug, err = slugOrTitle(in.Slug, in.Title); err != nil {
		return nil, err
	}
	ch := c.Apply(in)
	if err := c.Validate("input"); err != nil {
		return nil, err
	}
	err = s.store.WithTx(ctx, func(tx *store.Store) error {
		if err := tx.CreateCourse(ctx, c); err != nil {
			return onConflict(err, "input.slug", "a course with the slug %q already exists", c.Slug)
		}
		return audit(ctx, tx, actor, "course.create", "Course", c.ID, ch)
	})
	if err != nil {
		return nil, err
	}
	s.changed(ctx, cachetag.Course(c.ID), cachetag.Courses, cachetag.Schedules)
	return c, nil
}

// currency is the centre's currency, BDT before the centre is set up.
func (s *Service) currency(ctx context.Context) string {
	if c, err := s.store.Centre(ctx); err == nil {
		return c.Currency
	}
	return "BDT"
}

// UpdateCourse changes a course, for EDITOR; NotFound if there is none.
func (s *Service) UpdateCourse(ctx context.Context, id uint, in models.CourseInput) (*models.Course, error) {
	return s.changeCourse(ctx, id, "course.update", func(c *models.Course) models.Changes { return c.Apply(in) })
}

// schedulesStillFit is Conflict when a course's new sessions per week no longer
// match the days of its schedules: those must change first.
func schedulesStillFit(ctx context.Context, tx *store.Store, c *models.Course) error {
	scheds, err := tx.SchedulesByCourseIDs(ctx, []uint{c.ID})
	if err != nil {
		return err
	}
	for _, sc := range scheds {
		if sc.WeekdaySet.Len() != c.SessionsPerWeek {
			return &models.Error{Code: models.Conflict, Field: "input.sessionsPerWeek",
				Message: fmt.Sprintf("schedule %d meets %d days a week; change its days first", sc.ID, sc.WeekdaySet.Len())}
		}
	}
	return nil
}

// ArchiveCourse takes a course out of the active catalogue, for EDITOR; it stays
// readable. NotFound if there is none.
func (s *Service) ArchiveCourse(ctx context.Context, id uint) (*models.Course, error) {
	return s.changeCourse(ctx, id, "course.archive", func(c *models.Course) models.Changes {
		var ch models.Changes
		ch.Record("active", c.Active, false, false)
		c.Active = false
		return ch
	})
}

// changeCourse loads a course, changes it with change, validates and saves it with
// an audit entry, in one transaction.
func (s *Service) changeCourse(ctx context.Context, id uint, action string, change func(*models.Course) models.Changes) (*models.Course, error) {
	actor, err := require(ctx, models.RoleEditor)
	if err != nil {
		return nil, err
	}
	var c *models.Course
	err = s.store.WithTx(ctx, func(tx *store.Store) error {
		if c, err = tx.CourseByID(ctx, id); err != nil {
			return err
		}
		sessions := c.SessionsPerWeek
		ch := change(c)
		if err := c.Validate("input"); err != nil {
			return err
		}
		if len(ch) == 0 {
			return nil
		}
		if c.SessionsPerWeek != sessions {
			if err := schedulesStillFit(ctx, tx, c); err != nil {
				return err
			}
		}
		if err := tx.SaveCourse(ctx, c); err != nil {
			return onConflict(err, "input.slug", "a course with the slug %q already exists", c.Slug)
		}
		return audit(ctx, tx, actor, action, "Course", c.ID, ch)
	})
	if err != nil {
		return nil, err
	}
	// Schedule lists order and filter by their course.
	s.changed(ctx, cachetag.Course(c.ID), cachetag.Courses, cachetag.Schedules)
	return c, nil
}

// CreateBatch adds a batch to the day, for ADMIN. It must end after it starts and
// overlap no other batch; a taken ordinal is Conflict.
func (s *Service) CreateBatch(ctx context.Context, in models.BatchInput) (*models.Batch, error) {
	return s.saveBatch(ctx, 0, in)
}

// UpdateBatch changes a batch, for ADMIN, with the same rules as CreateBatch.
func (s *Service) UpdateBatch(ctx context.Context, id uint, in models.BatchInput) (*models.Batch, error) {
	return s.saveBatch(ctx, id, in)
}

func (s *Service) saveBatch(ctx context.Context, id uint, in models.BatchInput) (*models.Batch, error) {
	actor, err := require(ctx, models.RoleAdmin)
	if err != nil {
		return nil, err
	}
	var b *models.Batch
	err = s.store.WithTx(ctx, func(tx *store.Store) error {
		// Every batch is locked first, the changed one with the others, so that
		// concurrent changes take their locks in one order and read the batch as
		// it is now, not as the transaction's snapshot saw it.
		others, err := tx.LockBatches(ctx)
		if err != nil {
			return err
		}
		b = &models.Batch{}
		if id != 0 {
			i := slices.IndexFunc(others, func(o *models.Batch) bool { return o.ID == id })
			if i < 0 {
				return models.Errorf(models.NotFound, "batch not found")
			}
			b = others[i] // Validate skips the batch itself among the others
		}
		ch := b.Apply(in)
		if err := b.Validate("input", others); err != nil {
			return err
		}
		if len(ch) == 0 {
			return nil
		}
		save, action := tx.SaveBatch, "batch.update"
		if id == 0 {
			save, action = tx.CreateBatch, "batch.create"
		}
		if err := save(ctx, b); err != nil {
			return onConflict(err, "input.ordinal", "batch number %d already exists", b.Ordinal)
		}
		return audit(ctx, tx, actor, action, "Batch", b.ID, ch)
	})
	if err != nil {
		return nil, err
	}
	// Schedule lists order and filter by their batch.
	s.changed(ctx, cachetag.Batches, cachetag.Schedules)
	return b, nil
}

// DeleteBatch removes a batch, for ADMIN. A batch that still has schedules is
// Conflict; NotFound if there is none.
func (s *Service) DeleteBatch(ctx context.Context, id uint) error {
	actor, err := require(ctx, models.RoleAdmin)
	if err != nil {
		return err
	}
	err = s.store.WithTx(ctx, func(tx *store.Store) error {
		b, err := tx.BatchByID(ctx, id)
		if err != nil {
			return err
		}
		scheds, err := tx.SchedulesByBatchIDs(ctx, []uint{id})
		if err != nil {
			return err
		}
		if len(scheds) > 0 {
			return &models.Error{Code: models.Conflict, Field: "id", Message: fmt.Sprintf("%s has %d schedules; delete or move them first", b.Name, len(scheds))}
		}
		if err := tx.DeleteBatch(ctx, id); err != nil {
			return err
		}
		var ch models.Changes
		ch.Record("name", b.Name, "", false)
		return audit(ctx, tx, actor, "batch.delete", "Batch", id, ch)
	})
	if err == nil {
		s.changed(ctx, cachetag.Batches, cachetag.Schedules)
	}
	return err
}

// CreateSchedule offers a course in a batch, for ADMIN. Course and batch must exist;
// the weekdays default to the course's.
func (s *Service) CreateSchedule(ctx context.Context, in models.ScheduleInput) (*models.Schedule, error) {
	if in.CourseID == nil {
		return nil, models.InvalidField("input.courseId", "is required")
	}
	if in.BatchID == nil {
		return nil, models.InvalidField("input.batchId", "is required")
	}
	return s.saveSchedule(ctx, 0, in)
}

// UpdateSchedule changes a schedule, for ADMIN; capacity may not drop below the
// seats taken.
func (s *Service) UpdateSchedule(ctx context.Context, id uint, in models.ScheduleInput) (*models.Schedule, error) {
	return s.saveSchedule(ctx, id, in)
}

func (s *Service) saveSchedule(ctx context.Context, id uint, in models.ScheduleInput) (*models.Schedule, error) {
	actor, err := require(ctx, models.RoleAdmin)
	if err != nil {
		return nil, err
	}
	sc := &models.Schedule{}
	var oldCourse uint
	err = s.store.WithTx(ctx, func(tx *store.Store) error {
		if id != 0 {
			if sc, err = tx.ScheduleByID(ctx, id); err != nil {
				return err
			}
			oldCourse = sc.CourseID
		}
		ch := sc.Apply(in)
		course, err := tx.CourseByID(ctx, sc.CourseID)
		if err != nil {
			return asInvalid(err, "input.courseId")
		}
		if _, err := tx.BatchByID(ctx, sc.BatchID); err != nil {
			return asInvalid(err, "input.batchId")
		}
		if id == 0 && in.Weekdays == nil {
			sc.WeekdaySet = course.WeekdaySet
		}
		if err := sc.Validate("input", course); err != nil {
			return err
		}
		if id == 0 {
			if err := tx.CreateSchedule(ctx, sc); err != nil {
				return err
			}
			return audit(ctx, tx, actor, "schedule.create", "Schedule", sc.ID, ch)
		}
		if len(ch) == 0 {
			return nil
		}
		if err := tx.SaveSchedule(ctx, sc); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "schedule.update", "Schedule", sc.ID, ch)
	})
	if err != nil {
		return nil, err
	}
	s.changed(ctx, cachetag.Schedule(sc.ID), cachetag.Schedules, cachetag.CourseSchedules(sc.CourseID), cachetag.CourseSchedules(oldCourse))
	return sc, nil
}

// DeleteSchedule removes a schedule, for ADMIN; NotFound if there is none.
func (s *Service) DeleteSchedule(ctx context.Context, id uint) error {
	actor, err := require(ctx, models.RoleAdmin)
	if err != nil {
		return err
	}
	var sc *models.Schedule
	err = s.store.WithTx(ctx, func(tx *store.Store) error {
		if sc, err = tx.ScheduleByID(ctx, id); err != nil {
			return err
		}
		if err := tx.DeleteSchedule(ctx, id); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "schedule.delete", "Schedule", id, nil)
	})
	if err == nil {
		s.changed(ctx, cachetag.Schedule(id), cachetag.Schedules, cachetag.CourseSchedules(sc.CourseID))
	}
	return err
}

// AuditEntryEdge is one audit entry of a page, with its cursor.
type AuditEntryEdge struct {
	Cursor string
	Node   *models.AuditEntry
}

// AuditEntryConnection is a page of the audit log.
type AuditEntryConnection struct {
	Edges    []*AuditEntryEdge
	PageInfo *PageInfo
	count    counter
}

// TotalCount returns how many entries match over all pages.
func (c *AuditEntryConnection) TotalCount(ctx context.Context) (int, error) { return c.count(ctx) }

const auditOrder = "audit:created"

// AuditLog lists the audit log newest first, for ADMIN; only one entity's entries
// when f names one.
func (s *Service) AuditLog(ctx context.Context, f models.AuditFilter, first *int, after *string) (*AuditEntryConnection, error) {
	if _, err := require(ctx, models.RoleAdmin); err != nil {
		return nil, err
	}
	args, err := models.NewPageArgs(first, after, auditOrder)
	if err != nil {
		return nil, err
	}
	rows, err := s.store.AuditEntries(ctx, f, args)
	if err != nil {
		return nil, err
	}
	conn := &AuditEntryConnection{count: func(ctx context.Context) (int, error) { return s.store.CountAuditEntries(ctx, f) }}
	conn.Edges, conn.PageInfo = edges(rows, args, auditOrder, (*models.AuditEntry).Key,
		func(cursor string, e *models.AuditEntry) *AuditEntryEdge {
			return &AuditEntryEdge{Cursor: cursor, Node: e}
		})
	return conn, nil
}

// AuditEntry returns one audit entry, for ADMIN; NotFound if there is none.
func (s *Service) AuditEntry(ctx context.Context, id uint) (*models.AuditEntry, error) {
	if _, err := require(ctx, models.RoleAdmin); err != nil {
		return nil, err
	}
	return s.store.AuditEntryByID(ctx, id)
}
