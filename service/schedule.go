package service

import (
	"context"

	"coursegraph/cachetag"
	"coursegraph/models"
)

// ScheduleEdge is one schedule of a page, with its cursor.
type ScheduleEdge struct {
	Cursor string
	Node   *models.Schedule
}

// ScheduleConnection is a page of schedules.
type ScheduleConnection struct {
	Edges    []*ScheduleEdge
	PageInfo *PageInfo
	count    counter
}

// TotalCount returns how many schedules match the filter over all pages; it runs a
// query only when called.
func (c *ScheduleConnection) TotalCount(ctx context.Context) (int, error) { return c.count(ctx) }

const scheduleOrder = "schedule:batch"

// Schedules lists schedules by batch, for anyone. Bad arguments are Invalid, naming
// the argument.
func (s *Service) Schedules(ctx context.Context, filter *models.ScheduleFilter, first *int, after *string) (*ScheduleConnection, error) {
	var f models.ScheduleFilter
	if filter != nil {
		f = *filter
	}
	if err := f.Validate("filter"); err != nil {
		return nil, err
	}
	args, err := models.NewPageArgs(first, after, scheduleOrder)
	if err != nil {
		return nil, err
	}
	// Schedules are read with their batch.
	cachetag.From(ctx).Add(cachetag.Schedules, cachetag.Batches)
	rows, err := s.store.Schedules(ctx, f, args)
	if err != nil {
		return nil, err
	}
	conn := &ScheduleConnection{count: func(ctx context.Context) (int, error) { return s.store.CountSchedules(ctx, f) }}
	conn.Edges, conn.PageInfo = edges(rows, args, scheduleOrder, (*models.Schedule).Key,
		func(cursor string, sc *models.Schedule) *ScheduleEdge { return &ScheduleEdge{Cursor: cursor, Node: sc} })
	return conn, nil
}

// Schedule returns the schedule with id, for anyone; NotFound if there is none.
func (s *Service) Schedule(ctx context.Context, id uint) (*models.Schedule, error) {
	sc, err := s.store.ScheduleByID(ctx, id)
	read(ctx, cachetag.Schedule(id), cachetag.Schedules, err)
	cachetag.From(ctx).Add(cachetag.Batches)
	return sc, err
}

// SchedulesByCourseIDs returns the schedules of each course, by the batch's start
// time, for dataloaders; in one query whatever the number of courses.
func (s *Service) SchedulesByCourseIDs(ctx context.Context, ids []uint) (map[uint][]*models.Schedule, error) {
	tags := cachetag.From(ctx)
	tags.AddIDs(cachetag.CourseSchedules, ids)
	tags.Add(cachetag.Batches)
	rows, err := s.store.SchedulesByCourseIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	return groupBy(rows, func(sc *models.Schedule) uint { return sc.CourseID }), nil
}

// SchedulesByBatchIDs returns the schedules in each batch, by course title, for
// dataloaders; in one query whatever the number of batches.
func (s *Service) SchedulesByBatchIDs(ctx context.Context, ids []uint) (map[uint][]*models.Schedule, error) {
	cachetag.From(ctx).Add(cachetag.Schedules, cachetag.Batches)
	rows, err := s.store.SchedulesByBatchIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	return groupBy(rows, func(sc *models.Schedule) uint { return sc.BatchID }), nil
}

// SchedulesByIDs returns the schedules with the given ids by id, for dataloaders.
func (s *Service) SchedulesByIDs(ctx context.Context, ids []uint) (map[uint]*models.Schedule, error) {
	rows, err := s.store.SchedulesByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	m := byID(rows, (*models.Schedule).Key)
	found(ctx, cachetag.Schedule, cachetag.Schedules, ids, len(m))
	cachetag.From(ctx).Add(cachetag.Batches)
	return m, nil
}
