package service

import (
	"context"

	"coursegraph/cachetag"
	"coursegraph/models"
)

// CourseEdge is one course of a page, with its cursor.
type CourseEdge struct {
	Cursor string
	Node   *models.Course
}

// CourseConnection is a page of courses.
type CourseConnection struct {
	Edges    []*CourseEdge
	PageInfo *PageInfo
	count    counter
}

// TotalCount returns how many courses match the filter over all pages. It runs a
// query only when called, so clients that do not ask do not pay for it.
func (c *CourseConnection) TotalCount(ctx context.Context) (int, error) { return c.count(ctx) }

// Courses lists the catalogue, for anyone. A nil filter lists active courses; a nil
// order orders by title. Bad arguments are Invalid, naming the argument.
func (s *Service) Courses(ctx context.Context, filter *models.CourseFilter, order *models.CourseOrder, first *int, after *string) (*CourseConnection, error) {
	f := models.CourseFilter{Active: new(true)}
	if filter != nil {
		f = *filter
	}
	if err := f.Validate("filter"); err != nil {
		return nil, err
	}
	var o models.CourseOrder
	if order != nil {
		o = *order
	}
	o = o.Normalized()
	orderName := "course:" + string(o.Field) + ":" + string(o.Direction)
	args, err := models.NewPageArgs(first, after, orderName)
	if err != nil {
		return nil, err
	}
	cachetag.From(ctx).Add(cachetag.Courses)
	rows, err := s.store.Courses(ctx, f, o, args)
	if err != nil {
		return nil, err
	}
	conn := &CourseConnection{count: func(ctx context.Context) (int, error) { return s.store.CountCourses(ctx, f) }}
	conn.Edges, conn.PageInfo = edges(rows, args, orderName, (*models.Course).Key,
		func(cursor string, c *models.Course) *CourseEdge { return &CourseEdge{Cursor: cursor, Node: c} })
	return conn, nil
}

// Course returns the course with id, for anyone; NotFound if there is none.
func (s *Service) Course(ctx context.Context, id uint) (*models.Course, error) {
	c, err := s.store.CourseByID(ctx, id)
	read(ctx, cachetag.Course(id), cachetag.Courses, err)
	return c, err
}

// CourseBySlug returns the course with slug (any letter case), for anyone; NotFound
// if there is none.
func (s *Service) CourseBySlug(ctx context.Context, slug string) (*models.Course, error) {
	c, err := s.store.CourseBySlug(ctx, slug)
	if err != nil {
		read(ctx, "", cachetag.Courses, err)
		return nil, err
	}
	read(ctx, cachetag.Course(c.ID), "", nil)
	return c, nil
}

// CoursesByIDs returns the courses with the given ids by id, for dataloaders; ids
// with no course are absent from the map.
func (s *Service) CoursesByIDs(ctx context.Context, ids []uint) (map[uint]*models.Course, error) {
	rows, err := s.store.CoursesByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	m := byID(rows, func(c *models.Course) uint { return c.ID })
	found(ctx, cachetag.Course, cachetag.Courses, ids, len(m))
	return m, nil
}
