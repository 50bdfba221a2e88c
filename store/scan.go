package store

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"coursegraph/models"
)

// The read path's statements (read.go) name their columns and scan rows with
// database/sql, straight into the models' fields: GORM's reflective scanning (a
// value allocated per column per row, serializers looked up per field) cost a
// quarter of the CPU of a catalogue request in a profile of BenchmarkReadPath.
//
// Each xxxColumns lists exactly what scanXxx reads, in order.

// jsonColumn scans a JSON text column (GORM's serializer:json) into *dst. An
// empty column is the zero value, as GORM reads it: GORM writes "" for a nil
// slice in a NOT NULL column.
type jsonColumn[T any] struct{ dst *T }

func (j jsonColumn[T]) Scan(src any) error {
	var b []byte
	switch v := src.(type) {
	case []byte:
		b = v
	case string:
		b = []byte(v)
	case nil:
	default:
		return fmt.Errorf("scan JSON column: unexpected %T", src)
	}
	if len(b) == 0 {
		var zero T
		*j.dst = zero
		return nil
	}
	return json.Unmarshal(b, j.dst)
}

// nullTime scans a nullable time column into *dst (nil for NULL).
type nullTime struct{ dst **time.Time }

func (n nullTime) Scan(src any) error {
	var t sql.NullTime
	if err := t.Scan(src); err != nil {
		return err
	}
	*n.dst = nil
	if t.Valid {
		v := t.Time
		*n.dst = &v
	}
	return nil
}

// nullDate scans a nullable DATE column into *dst (nil for NULL).
type nullDate struct{ dst **models.Date }

func (n nullDate) Scan(src any) error {
	*n.dst = nil
	if src == nil {
		return nil
	}
	d := new(models.Date)
	if err := d.Scan(src); err != nil {
		return err
	}
	*n.dst = d
	return nil
}

// weekdays scans a weekday bit set.
type weekdays struct{ dst *models.WeekdaySet }

func (w weekdays) Scan(src any) error {
	var n sql.NullInt64
	if err := n.Scan(src); err != nil {
		return err
	}
	*w.dst = models.WeekdaySet(n.Int64)
	return nil
}

const courseColumns = "courses.id, courses.slug, courses.title, courses.summary, courses.description, courses.category, courses.topics, courses.duration_months, courses.sessions_per_week, courses.weekdays, courses.fee_amount, courses.fee_currency, courses.active, courses.created_at, courses.updated_at"

func scanCourse(rows *sql.Rows) (*models.Course, error) {
	c := new(models.Course)
	return c, rows.Scan(&c.ID, &c.Slug, &c.Title, &c.Summary, &c.Description, &c.Category, jsonColumn[[]string]{&c.Topics},
		&c.DurationMonths, &c.SessionsPerWeek, weekdays{&c.WeekdaySet}, (*int64)(&c.FeeAmount), &c.FeeCurrency, &c.Active,
		&c.CreatedAt, &c.UpdatedAt)
}

// The xxxDest functions give the scan destinations of xxxColumns, so that a read
// joining two tables scans both with the lists each table's own read uses.

const scheduleColumns = "schedules.id, schedules.course_id, schedules.batch_id, schedules.weekdays, schedules.starts_on, schedules.capacity, schedules.seats_taken, schedules.closed, schedules.created_at, schedules.updated_at"

func scheduleDest(s *models.Schedule) []any {
	return []any{&s.ID, &s.CourseID, &s.BatchID, weekdays{&s.WeekdaySet}, nullDate{&s.StartsOn}, &s.Capacity,
		&s.SeatsTaken, &s.Closed, &s.CreatedAt, &s.UpdatedAt}
}

func scanSchedule(rows *sql.Rows) (*models.Schedule, error) {
	s := new(models.Schedule)
	return s, rows.Scan(scheduleDest(s)...)
}

// scheduleWithBatchColumns are a schedule's columns and its batch's, for reads that
// join the batches.
const scheduleWithBatchColumns = scheduleColumns + ", " + batchColumns

// selectSchedulesWithBatches selects schedules joined to their batches
// (scanScheduleWithBatch).
const selectSchedulesWithBatches = "SELECT " + scheduleWithBatchColumns + " FROM schedules JOIN batches ON batches.id = schedules.batch_id"

func scanScheduleWithBatch(rows *sql.Rows) (*models.Schedule, error) {
	s := &models.Schedule{LoadedBatch: new(models.Batch)}
	return s, rows.Scan(append(scheduleDest(s), batchDest(s.LoadedBatch)...)...)
}

const batchColumns = "batches.id, batches.name, batches.ordinal, batches.start_minutes, batches.end_minutes, batches.period"

func batchDest(b *models.Batch) []any {
	return []any{&b.ID, &b.Name, &b.Ordinal, (*int)(&b.StartTime), (*int)(&b.EndTime), (*string)(&b.Period)}
}

func scanBatch(rows *sql.Rows) (*models.Batch, error) {
	b := new(models.Batch)
	return b, rows.Scan(batchDest(b)...)
}

// userColumns are a user's columns but the password hash, which only signing in
// and changing a password read (UserCredentials), so that no other read holds it.
const userColumns = "users.id, users.name, users.email, users.role, users.bio, users.avatar_url, users.active, users.created_at, users.updated_at, users.last_login_at"

// selectUsers selects users without their password hashes (scanUser).
const selectUsers = "SELECT " + userColumns + " FROM users"

func userDest(u *models.User) []any {
	return []any{&u.ID, &u.Name, &u.Email, (*string)(&u.Role), &u.Bio, &u.AvatarURL, &u.Active,
		&u.CreatedAt, &u.UpdatedAt, nullTime{&u.LastLoginAt}}
}

func scanUser(rows *sql.Rows) (*models.User, error) {
	u := new(models.User)
	return u, rows.Scan(userDest(u)...)
}

// authorColumns are a user's public columns (those the schema shows anyone): what
// reads of articles join for readers, who may see no more of an author.
const authorColumns = "users.id, users.name, users.bio, users.avatar_url"

func authorDest(u *models.User) []any { return []any{&u.ID, &u.Name, &u.Bio, &u.AvatarURL} }

// articleColumns are an article's own columns.
const articleColumns = "articles.id, articles.slug, articles.title, articles.summary, articles.body, articles.html, articles.status, articles.published_at, articles.author_id, articles.reading_time_minutes, articles.toc, articles.faqs, articles.created_at, articles.updated_at"

// articleWithAuthorColumns are an article's columns and its author's (public ones,
// or for ForStaff those staff may see): every read of articles joins their
// authors, who are nearly always asked for with them. The scan destinations are
// articleWithAuthorDest's.
func (s *Store) articleWithAuthorColumns() string {
	return articleColumns + ", " + s.authorColumns()
}

// authorColumns are the author's columns the store's reads of articles join.
func (s *Store) authorColumns() string {
	if s.staffAuthors {
		return userColumns
	}
	return authorColumns
}

// lightArticleColumns are an article's columns but the body, the HTML, the
// table of contents and the FAQs (ArticleQuery.Light).
const lightArticleColumns = "articles.id, articles.slug, articles.title, articles.summary, articles.status, articles.published_at, articles.author_id, articles.reading_time_minutes, articles.created_at, articles.updated_at"

func (s *Store) scanLightArticleWithAuthor(rows *sql.Rows) (*models.Article, error) {
	a := &models.Article{LoadedAuthor: new(models.User), Partial: true}
	return a, rows.Scan(append([]any{&a.ID, &a.Slug, &a.Title, &a.Summary, (*string)(&a.Status), nullTime{&a.PublishedAt},
		&a.AuthorID, &a.ReadingTimeMinutes, &a.CreatedAt, &a.UpdatedAt}, s.authorDest(a.LoadedAuthor)...)...)
}

func (s *Store) scanArticleWithAuthor(rows *sql.Rows) (*models.Article, error) {
	a := &models.Article{LoadedAuthor: new(models.User)}
	return a, rows.Scan(s.articleWithAuthorDest(a)...)
}

// articleWithAuthorDest gives the scan destinations of articleWithAuthorColumns.
func (s *Store) articleWithAuthorDest(a *models.Article) []any {
	return append([]any{&a.ID, &a.Slug, &a.Title, &a.Summary, &a.Body, &a.HTML, (*string)(&a.Status), nullTime{&a.PublishedAt},
		&a.AuthorID, &a.ReadingTimeMinutes, jsonColumn[[]models.Heading]{&a.TableOfContents}, jsonColumn[[]models.Faq]{&a.Faqs},
		&a.CreatedAt, &a.UpdatedAt}, s.authorDest(a.LoadedAuthor)...)
}

// authorDest gives the scan destinations of authorColumns.
func (s *Store) authorDest(u *models.User) []any {
	if s.staffAuthors {
		return userDest(u)
	}
	return authorDest(u)
}

const commentColumns = "comments.id, comments.article_id, comments.status, comments.author_name, comments.author_email, comments.body, comments.client_ip, comments.created_at"

func scanComment(rows *sql.Rows) (*models.Comment, error) {
	c := new(models.Comment)
	return c, rows.Scan(&c.ID, &c.ArticleID, (*string)(&c.Status), &c.AuthorName, &c.AuthorEmail, &c.Body, &c.ClientIP, &c.CreatedAt)
}
