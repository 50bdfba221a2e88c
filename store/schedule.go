package store

import (
	"context"
	"strconv"

	"coursegraph/models"

	"gorm.io/gorm"
)

// Schedules returns up to page.First+1 schedules matching f, ordered by their
// batch's place in the day and then by id, after the page's cursor.
// The sort key of a row is its batch's ordinal.
func (s *Store) Schedules(ctx context.Context, f models.ScheduleFilter, page models.PageArgs) ([]Keyed[*models.Schedule], error) {
	q := whereSchedules(s.db.WithContext(ctx), f)
	if page.After != nil {
		ordinal, err := strconv.Atoi(page.After.Key)
		if err != nil {
			return nil, models.InvalidField("after", "is not a cursor from this list")
		}
		q = q.Where(afterKey("batches.ordinal", "schedules.id", models.Asc, ordinal, page.After.ID))
	}
	var rows []struct {
		models.Schedule
		BatchOrdinal int
	}
	err := q.Select("schedules.*, batches.ordinal AS batch_ordinal").
		Order("batches.ordinal").Order("schedules.id").Limit(page.First + 1).Find(&rows).Error
	if err != nil {
		return nil, translate(err, "list", "schedules")
	}
	out := make([]Keyed[*models.Schedule], len(rows))
	for i := range rows {
		out[i] = Keyed[*models.Schedule]{Row: &rows[i].Schedule, Key: strconv.Itoa(rows[i].BatchOrdinal)}
	}
	return out, nil
}

// CountSchedules returns how many schedules match f.
func (s *Store) CountSchedules(ctx context.Context, f models.ScheduleFilter) (int, error) {
	var n int64
	err := whereSchedules(s.db.WithContext(ctx), f).Count(&n).Error
	return int(n), translate(err, "count", "schedules")
}

func whereSchedules(q *gorm.DB, f models.ScheduleFilter) *gorm.DB {
	q = q.Model(&models.Schedule{}).
		Joins("JOIN batches ON batches.id = schedules.batch_id")
	if f.CourseID != nil {
		q = q.Where("schedules.course_id = ?", *f.CourseID)
	}
	if f.Weekday != nil {
		q = q.Where("schedules.weekdays & ? <> 0", int(f.Weekday.Bit()))
	}
	if f.Period != nil {
		q = q.Where("batches.period = ?", *f.Period)
	}
	if f.HasSeatsLeft != nil {
		if *f.HasSeatsLeft {
			q = q.Where("schedules.closed = ? AND schedules.capacity > schedules.seats_taken", false)
		} else {
			q = q.Where("(schedules.closed = ? OR schedules.capacity <= schedules.seats_taken)", true)
		}
	}
	return q
}

// ScheduleByID returns the schedule with id; NotFound if there is none.
func (s *Store) ScheduleByID(ctx context.Context, id uint) (*models.Schedule, error) {
	var sc models.Schedule
	if err := s.db.WithContext(ctx).Take(&sc, id).Error; err != nil {
		return nil, translate(err, "find", "schedule")
	}
	return &sc, nil
}

// SchedulesByCourseIDs returns the schedules of the given courses, ordered by
// course and then by their batch's start time, each with its batch (LoadedBatch), in
// one statement.
func (s *Store) SchedulesByCourseIDs(ctx context.Context, courseIDs []uint) ([]*models.Schedule, error) {
	q := newQuery(selectSchedulesWithBatches).and("schedules.course_id IN ").in(courseIDs).
		add(" ORDER BY schedules.course_id, batches.start_minutes, schedules.id")
	return readAll(ctx, s, "schedules", q, scanScheduleWithBatch)
}

// SchedulesByBatchIDs returns the schedules in the given batches, ordered by batch
// and then by course title, in one statement.
func (s *Store) SchedulesByBatchIDs(ctx context.Context, batchIDs []uint) ([]*models.Schedule, error) {
	q := newQuery("SELECT " + scheduleColumns + " FROM schedules JOIN courses ON courses.id = schedules.course_id").
		and("schedules.batch_id IN ").in(batchIDs).add(" ORDER BY schedules.batch_id, courses.title, schedules.id")
	return readAll(ctx, s, "schedules", q, scanSchedule)
}

// CreateSchedule inserts sc and sets its id.
func (s *Store) CreateSchedule(ctx context.Context, sc *models.Schedule) error {
	return translate(s.db.WithContext(ctx).Create(sc).Error, "insert", "schedule")
}

// SaveSchedule writes every column of sc.
func (s *Store) SaveSchedule(ctx context.Context, sc *models.Schedule) error {
	return translate(s.db.WithContext(ctx).Save(sc).Error, "update", "schedule")
}

// DeleteSchedule deletes the schedule with id; NotFound if there is none.
func (s *Store) DeleteSchedule(ctx context.Context, id uint) error {
	res := s.db.WithContext(ctx).Delete(&models.Schedule{}, id)
	if res.Error == nil && res.RowsAffected == 0 {
		return models.Errorf(models.NotFound, "schedule not found")
	}
	return translate(res.Error, "delete", "schedule")
}

// SchedulesByIDs returns the schedules with the given ids, each with its batch
// (LoadedBatch); missing ids are left out.
func (s *Store) SchedulesByIDs(ctx context.Context, ids []uint) ([]*models.Schedule, error) {
	return readAll(ctx, s, "schedules", newQuery(selectSchedulesWithBatches).and("schedules.id IN ").in(ids), scanScheduleWithBatch)
}
