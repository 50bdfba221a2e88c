package store

import (
	"context"
	"strconv"
	"strings"
	"time"

	"coursegraph/models"

	"golang.org/x/text/unicode/norm"
	"gorm.io/gorm/clause"
)

// courseOrderColumns maps each ordering to its column. Only these names ever reach
// the SQL text.
var courseOrderColumns = map[models.CourseOrderField]string{
	models.CourseOrderTitle:   "title",
	models.CourseOrderFee:     "fee_amount",
	models.CourseOrderCreated: "created_at",
}

// Keyed is a row of a keyset page with its sort key, as text for a cursor.
type Keyed[T any] struct {
	Row T
	Key string
}

func courseCursorKey(c *models.Course, field models.CourseOrderField) string {
	switch field {
	case models.CourseOrderFee:
		return strconv.FormatInt(int64(c.FeeAmount), 10)
	case models.CourseOrderCreated:
		return c.CreatedAt.UTC().Format(time.RFC3339)
	default:
		return c.Title
	}
}

// courseCursorValue reads a cursor key back into the column's type.
func courseCursorValue(key string, field models.CourseOrderField) (any, error) {
	switch field {
	case models.CourseOrderFee:
		return strconv.ParseInt(key, 10, 64)
	case models.CourseOrderCreated:
		return time.Parse(time.RFC3339, key)
	default:
		return key, nil
	}
}

// Courses returns up to page.First+1 courses matching f in order o after the page's
// cursor; the extra row tells the caller that another page follows. It is a keyset
// query: no OFFSET, whatever the page.
func (s *Store) Courses(ctx context.Context, f models.CourseFilter, o models.CourseOrder, page models.PageArgs) ([]Keyed[*models.Course], error) {
	o = o.Normalized()
	col := courseOrderColumns[o.Field]
	q := whereCourses(newQuery("SELECT "+courseColumns+" FROM courses"), f)
	if page.After != nil {
		v, err := courseCursorValue(page.After.Key, o.Field)
		if err != nil {
			return nil, models.InvalidField("after", "is not a cursor from this list")
		}
		q.and(afterKey(col, "id", o.Direction, v, page.After.ID))
	}
	dir := " ASC"
	if o.Direction == models.Desc {
		dir = " DESC"
	}
	rows, err := readAll(ctx, s, "courses", q.add(" ORDER BY "+col+dir+", id"+dir+" LIMIT ?", page.First+1), scanCourse)
	if err != nil {
		return nil, err
	}
	out := make([]Keyed[*models.Course], len(rows))
	for i, c := range rows {
		out[i] = Keyed[*models.Course]{Row: c, Key: courseCursorKey(c, o.Field)}
	}
	return out, nil
}

// CountCourses returns how many courses match f.
func (s *Store) CountCourses(ctx context.Context, f models.CourseFilter) (int, error) {
	return readOne(ctx, s, "courses", whereCourses(newQuery("SELECT COUNT(*) FROM courses"), f), scanCount)
}

func whereCourses(q *query, f models.CourseFilter) *query {
	if f.Active != nil {
		q.and("active = ?", *f.Active)
	}
	if f.Category != nil {
		q.and("category = ?", strings.TrimSpace(*f.Category))
	}
	if f.Weekday != nil {
		q.and("weekdays & ? <> 0", int(f.Weekday.Bit()))
	}
	if f.MinFee != nil {
		q.and("fee_amount >= ?", int64(*f.MinFee))
	}
	if f.MaxFee != nil {
		q.and("fee_amount <= ?", int64(*f.MaxFee))
	}
	if f.Search != nil {
		// NFC, as text is typed on most keyboards, so that a search typed in NFD
		// finds it too.
		for word := range strings.FieldsSeq(norm.NFC.String(*f.Search)) {
			like := "%" + escapeLike(word) + "%"
			q.and("(title LIKE ? ESCAPE '!' OR summary LIKE ? ESCAPE '!' OR category LIKE ? ESCAPE '!' OR topics LIKE ? ESCAPE '!')",
				like, like, like, like)
		}
	}
	return q
}

// escapeLike makes a word match literally in LIKE ... ESCAPE '!' on both engines
// (MySQL's default escape is a backslash; SQLite has none).
func escapeLike(s string) string {
	return strings.NewReplacer("!", "!!", "%", "!%", "_", "!_").Replace(s)
}

// afterKey is the keyset condition "after (key, id)" for an ordering by col then
// idCol in direction dir, and its arguments: for query.and and GORM's Where alike.
func afterKey(col, idCol string, dir models.OrderDirection, key any, id uint) (string, any, any, any) {
	op := ">"
	if dir == models.Desc {
		op = "<"
	}
	return "(" + col + " " + op + " ? OR (" + col + " = ? AND " + idCol + " " + op + " ?))", key, key, id
}

// CourseByID returns the course with id; NotFound if there is none.
func (s *Store) CourseByID(ctx context.Context, id uint) (*models.Course, error) {
	var c models.Course
	err := s.db.WithContext(ctx).Take(&c, id).Error
	if err != nil {
		return nil, translate(err, "find", "course")
	}
	return &c, nil
}

// CourseBySlug returns the course with slug (normalised); NotFound if there is none.
func (s *Store) CourseBySlug(ctx context.Context, slug string) (*models.Course, error) {
	var c models.Course
	err := s.db.WithContext(ctx).Where("slug = ?", models.NormalizeSlug(slug)).Take(&c).Error
	if err != nil {
		return nil, translate(err, "find", "course")
	}
	return &c, nil
}

// CoursesByIDs returns the courses with the given ids, in no particular order;
// missing ids are left out.
func (s *Store) CoursesByIDs(ctx context.Context, ids []uint) ([]*models.Course, error) {
	return readAll(ctx, s, "courses", newQuery("SELECT "+courseColumns+" FROM courses").and("id IN ").in(ids), scanCourse)
}

// UpsertCourse inserts c, or updates the course with the same slug to match it,
// sets c.ID and indexes it for search. Call it in a transaction.
func (s *Store) UpsertCourse(ctx context.Context, c *models.Course) error {
	c.Slug = models.NormalizeSlug(c.Slug)
	err := s.db.WithContext(ctx).Clauses(clause.OnConflict{
		Columns: []clause.Column{{Name: "slug"}},
		DoUpdates: clause.AssignmentColumns([]string{
			"title", "summary", "description", "category", "topics", "duration_months",
			"sessions_per_week", "weekdays", "fee_amount", "fee_currency", "active", "updated_at",
		}),
	}).Create(c).Error
	if err != nil {
		return translate(err, "upsert", "course")
	}
	// MySQL reports no id for an update by ON DUPLICATE KEY; read it back.
	got, err := s.CourseBySlug(ctx, c.Slug)
	if err != nil {
		return err
	}
	c.ID, c.CreatedAt = got.ID, got.CreatedAt
	return s.indexCourse(ctx, c)
}

// CreateCourse inserts c, sets its id and indexes it for search; Conflict if its
// slug is taken. Call it in a transaction.
func (s *Store) CreateCourse(ctx context.Context, c *models.Course) error {
	if err := s.db.WithContext(ctx).Create(c).Error; err != nil {
		return translate(err, "insert", "course")
	}
	return s.indexCourse(ctx, c)
}

// SaveCourse writes every column of c and re-indexes it; Conflict if its slug is
// taken. Call it in a transaction.
func (s *Store) SaveCourse(ctx context.Context, c *models.Course) error {
	if err := s.db.WithContext(ctx).Save(c).Error; err != nil {
		return translate(err, "update", "course")
	}
	return s.indexCourse(ctx, c)
}
