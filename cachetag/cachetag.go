// Package cachetag names what a response read (entity tags such as "course:3",
// "articles" or "comments:7") and collects those names for one request.
//
// The service adds a tag for every entity and list it reads, to the collector the
// response cache puts in the request's context, and names the tags a write
// changed after its transaction commits. The response cache keeps each answer
// under the tags it read and drops exactly the answers that read a changed tag.
//
// Tags:
//
//	course:<id>    one course's fields           courses    any list of courses, or a course not found
//	course-schedules:<id>  the schedules of course <id>
//	schedule:<id>  one schedule's fields         schedules  any list of schedules, or one not found
//	article:<id>   one article, its tags         articles   any list of articles (search, related, counts), or one not found
//	comments:<id>  the comments of article <id>  tags       the tags and their lists
//	user:<id>      one person's public profile   batches    the batches (few, read together)
//	centre         the centre's details          comments, users  a comment or person not found
//
// A read that joins a relation into its parent (a schedule's batch, an article's
// author) records the relation's tag too. A lookup that finds nothing depends on the whole kind (something could be
// created, published or renamed into its place), so it reads the list tag.
//
// It imports the standard library only.
package cachetag

import (
	"context"
	"slices"
	"strconv"
	"sync"
)

// The tags of lists and singletons.
const (
	Courses   = "courses"
	Schedules = "schedules"
	Articles  = "articles"
	Tags      = "tags"
	Batches   = "batches"
	Centre    = "centre"
	// AllComments is read by a comment lookup that found nothing.
	AllComments = "comments"
	// Users is read by a person lookup that found nothing.
	Users = "users"
)

// Course is the tag of one course.
func Course(id uint) string { return "course:" + strconv.FormatUint(uint64(id), 10) }

// Schedule is the tag of one schedule.
func Schedule(id uint) string { return "schedule:" + strconv.FormatUint(uint64(id), 10) }

// CourseSchedules is the tag of the list of one course's schedules.
func CourseSchedules(courseID uint) string {
	return "course-schedules:" + strconv.FormatUint(uint64(courseID), 10)
}

// Article is the tag of one article (its fields and its tags).
func Article(id uint) string { return "article:" + strconv.FormatUint(uint64(id), 10) }

// Comments is the tag of the comments (and comment count) of one article.
func Comments(articleID uint) string { return "comments:" + strconv.FormatUint(uint64(articleID), 10) }

// User is the tag of one person's public profile (an article's author).
func User(id uint) string { return "user:" + strconv.FormatUint(uint64(id), 10) }

// Set collects the tags one request read. Its methods are safe for concurrent
// use (resolvers run in parallel) and do nothing on a nil *Set, so that readers
// need not check whether anything collects.
type Set struct {
	mu   sync.Mutex
	tags map[string]struct{}
}

type setKey struct{}

// With returns ctx with a fresh collector, and that collector.
func With(ctx context.Context) (context.Context, *Set) {
	s := &Set{tags: make(map[string]struct{}, 8)}
	return context.WithValue(ctx, setKey{}, s), s
}

// From returns the collector of ctx, or nil when nothing collects (the cache is
// off, or the request is not cacheable).
func From(ctx context.Context) *Set {
	s, _ := ctx.Value(setKey{}).(*Set)
	return s
}

// Add records tags.
func (s *Set) Add(tags ...string) {
	if s == nil {
		return
	}
	s.mu.Lock()
	for _, t := range tags {
		s.tags[t] = struct{}{}
	}
	s.mu.Unlock()
}

// AddIDs records tag(id) for every id.
func (s *Set) AddIDs(tag func(uint) string, ids []uint) {
	if s == nil {
		return
	}
	s.mu.Lock()
	for _, id := range ids {
		s.tags[tag(id)] = struct{}{}
	}
	s.mu.Unlock()
}

// List returns the tags recorded so far, sorted.
func (s *Set) List() []string {
	if s == nil {
		return nil
	}
	s.mu.Lock()
	out := make([]string, 0, len(s.tags))
	for t := range s.tags {
		out = append(out, t)
	}
	s.mu.Unlock()
	slices.Sort(out)
	return out
}

// Invalidator is told, after a write commits, which tags it changed. It must not
// fail the write: the data is already committed.
type Invalidator interface {
	Invalidate(ctx context.Context, tags []string)
}
