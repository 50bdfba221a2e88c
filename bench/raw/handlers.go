package main

import (
	"cmp"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"coursegraph/models"

	"github.com/go-sql-driver/mysql"
)

// globalID is coursegraph's opaque id: base64url("Type:key").
func globalID(kind string, id uint64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(kind + ":" + strconv.FormatUint(id, 10)))
}

func parseID(gid, kind string) (uint64, bool) {
	b, err := base64.RawURLEncoding.DecodeString(gid)
	if err != nil {
		return 0, false
	}
	k, key, ok := strings.Cut(string(b), ":")
	n, err := strconv.ParseUint(key, 10, 64)
	return n, ok && k == kind && err == nil && n > 0
}

// inList returns "?, ?, ?" and the ids as arguments.
func inList(ids []uint64) (string, []any) {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", "), args
}

func localTime(minutes int) string { return fmt.Sprintf("%02d:%02d", minutes/60, minutes%60) }

// ---- Q1 and Q4: the article list page ----

type articleCursor struct {
	Order string `json:"o"`
	Key   string `json:"k,omitempty"`
	ID    uint64 `json:"i"`
}

const articleOrder = "article:PUBLISHED:DESC"

func (c articleCursor) encode() string {
	b, _ := json.Marshal(c) // strings and an int always marshal
	return base64.RawURLEncoding.EncodeToString(b)
}

type idName struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type tag struct {
	Name string `json:"name"`
	Slug string `json:"slug"`
}

type comment struct {
	ID         string    `json:"id"`
	AuthorName string    `json:"authorName"`
	Body       string    `json:"body"`
	CreatedAt  time.Time `json:"createdAt"`
}

type commentEdge struct {
	Node comment `json:"node"`
}

type listArticle struct {
	ID                 string    `json:"id"`
	Slug               string    `json:"slug"`
	Title              string    `json:"title"`
	Summary            string    `json:"summary"`
	PublishedAt        time.Time `json:"publishedAt"`
	ReadingTimeMinutes int       `json:"readingTimeMinutes"`
	Author             idName    `json:"author"`
	Tags               []tag     `json:"tags"`
	CommentCount       int       `json:"commentCount"`
	Comments           struct {
		Edges []commentEdge `json:"edges"`
	} `json:"comments"`
}

type pageInfo struct {
	HasNextPage bool    `json:"hasNextPage"`
	EndCursor   *string `json:"endCursor"`
}

type articleEdge struct {
	Cursor string       `json:"cursor"`
	Node   *listArticle `json:"node"`
}

func (s *server) articlesPage(ctx context.Context, _ *http.Request, raw json.RawMessage) (any, error) {
	var vars struct {
		After *string `json:"after"`
	}
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &vars); err != nil {
			return nil, badInput("articles", "", "variables are not valid")
		}
	}
	const first = 20
	q := `SELECT a.id, a.slug, a.title, a.summary, a.published_at, a.reading_time_minutes, u.id, u.name
		FROM articles a JOIN users u ON u.id = a.author_id
		WHERE a.status = 'PUBLISHED' AND a.published_at <= ?`
	args := []any{s.now()}
	if vars.After != nil {
		var c articleCursor
		b, err := base64.RawURLEncoding.DecodeString(*vars.After)
		if err != nil || json.Unmarshal(b, &c) != nil || c.ID == 0 || c.Order != articleOrder {
			return nil, badInput("articles", "after", "after is not a cursor from this list")
		}
		t, err := time.Parse(time.RFC3339, c.Key)
		if err != nil {
			return nil, badInput("articles", "after", "after is not a cursor from this list")
		}
		q += ` AND (a.published_at < ? OR (a.published_at = ? AND a.id < ?))`
		args = append(args, t, t, c.ID)
	}
	q += ` ORDER BY a.published_at DESC, a.id DESC LIMIT ` + strconv.Itoa(first+1)
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list articles: %w", err)
	}
	var list []*listArticle
	var ids []uint64
	var published []time.Time
	for rows.Next() {
		a := &listArticle{Tags: []tag{}}
		a.Comments.Edges = []commentEdge{}
		var id, authorID uint64
		if err := rows.Scan(&id, &a.Slug, &a.Title, &a.Summary, &a.PublishedAt, &a.ReadingTimeMinutes, &authorID, &a.Author.Name); err != nil {
			rows.Close()
			return nil, fmt.Errorf("list articles: %w", err)
		}
		a.ID, a.Author.ID = globalID("Article", id), globalID("User", authorID)
		list, ids, published = append(list, a), append(ids, id), append(published, a.PublishedAt)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list articles: %w", err)
	}
	info := pageInfo{HasNextPage: len(list) > first}
	if len(list) > first {
		list, ids = list[:first], ids[:first]
	}
	edges := make([]articleEdge, len(list))
	for i, a := range list {
		edges[i] = articleEdge{Node: a, Cursor: articleCursor{Order: articleOrder, Key: published[i].UTC().Format(time.RFC3339), ID: ids[i]}.encode()}
	}
	if len(edges) > 0 {
		info.EndCursor = &edges[len(edges)-1].Cursor
	}
	if len(ids) > 0 {
		byID := make(map[uint64]*listArticle, len(ids))
		for i, id := range ids {
			byID[id] = list[i]
		}
		if err := s.tags(ctx, ids, func(id uint64, t tag) { byID[id].Tags = append(byID[id].Tags, t) }); err != nil {
			return nil, err
		}
		if err := s.firstComments(ctx, ids, 3, byID); err != nil {
			return nil, err
		}
	}
	return map[string]any{"articles": map[string]any{"edges": edges, "pageInfo": info}}, nil
}

// tags calls add for each tag of the articles, by article and then by tag name.
func (s *server) tags(ctx context.Context, ids []uint64, add func(uint64, tag)) error {
	in, args := inList(ids)
	rows, err := s.db.QueryContext(ctx, `SELECT at.article_id, t.name, t.slug
		FROM article_tags at JOIN tags t ON t.id = at.tag_id
		WHERE at.article_id IN (`+in+`) ORDER BY at.article_id, t.name`, args...)
	if err != nil {
		return fmt.Errorf("list tags: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id uint64
		var t tag
		if err := rows.Scan(&id, &t.Name, &t.Slug); err != nil {
			return fmt.Errorf("list tags: %w", err)
		}
		add(id, t)
	}
	return rows.Err()
}

// firstComments fills in each article's first n approved comments and its approved
// comment count in one statement: the window runs over ids only, so that its
// derived table never holds a TEXT column (which would put it on disk), and the
// bodies are joined afterwards by primary key. Rows come in no order; they are
// put in order here.
func (s *server) firstComments(ctx context.Context, ids []uint64, n int, byID map[uint64]*listArticle) error {
	in, args := inList(ids)
	args = append(args, n)
	rows, err := s.db.QueryContext(ctx, `SELECT r.n, c.id, c.article_id, c.author_name, c.body, c.created_at
		FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY article_id ORDER BY created_at, id) AS rn,
		             COUNT(*) OVER (PARTITION BY article_id) AS n
		      FROM comments WHERE article_id IN (`+in+`) AND status = 'APPROVED') r
		JOIN comments c ON c.id = r.id
		WHERE r.rn <= ?`, args...)
	if err != nil {
		return fmt.Errorf("list comments: %w", err)
	}
	defer rows.Close()
	type keyed struct {
		id uint64
		c  comment
	}
	got := map[uint64][]keyed{}
	for rows.Next() {
		var count int
		var id, articleID uint64
		var c comment
		if err := rows.Scan(&count, &id, &articleID, &c.AuthorName, &c.Body, &c.CreatedAt); err != nil {
			return fmt.Errorf("list comments: %w", err)
		}
		c.ID = globalID("Comment", id)
		byID[articleID].CommentCount = count
		got[articleID] = append(got[articleID], keyed{id, c})
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("list comments: %w", err)
	}
	for articleID, cs := range got {
		slices.SortFunc(cs, func(a, b keyed) int {
			if d := a.c.CreatedAt.Compare(b.c.CreatedAt); d != 0 {
				return d
			}
			return cmp.Compare(a.id, b.id)
		})
		a := byID[articleID]
		for _, k := range cs {
			a.Comments.Edges = append(a.Comments.Edges, commentEdge{Node: k.c})
		}
	}
	return nil
}

// ---- Q2: the catalogue ----

type money struct {
	Amount    string `json:"amount"`
	Currency  string `json:"currency"`
	Formatted string `json:"formatted"`
}

type batchTimes struct {
	Name      string `json:"name"`
	StartTime string `json:"startTime"`
	EndTime   string `json:"endTime"`
}

type catalogueSchedule struct {
	ID        string     `json:"id"`
	SeatsLeft int        `json:"seatsLeft"`
	Status    string     `json:"status"`
	Batch     batchTimes `json:"batch"`
}

type catalogueCourse struct {
	ID        string              `json:"id"`
	Slug      string              `json:"slug"`
	Title     string              `json:"title"`
	Fee       money               `json:"fee"`
	Schedules []catalogueSchedule `json:"schedules"`
}

type courseEdge struct {
	Node *catalogueCourse `json:"node"`
}

type courseCursor struct {
	Order string `json:"o"`
	Key   string `json:"k,omitempty"`
	ID    uint64 `json:"i"`
}

func (s *server) catalogue(ctx context.Context, _ *http.Request, _ json.RawMessage) (any, error) {
	const first = 50
	rows, err := s.db.QueryContext(ctx, `SELECT id, slug, title, fee_amount, fee_currency FROM courses
		WHERE active = TRUE ORDER BY title, id LIMIT `+strconv.Itoa(first+1))
	if err != nil {
		return nil, fmt.Errorf("list courses: %w", err)
	}
	var list []*catalogueCourse
	var ids []uint64
	for rows.Next() {
		c := &catalogueCourse{Schedules: []catalogueSchedule{}}
		var id uint64
		var fee int64
		if err := rows.Scan(&id, &c.Slug, &c.Title, &fee, &c.Fee.Currency); err != nil {
			rows.Close()
			return nil, fmt.Errorf("list courses: %w", err)
		}
		m := models.Money{Amount: models.Amount(fee), Currency: c.Fee.Currency}
		c.ID, c.Fee.Amount, c.Fee.Formatted = globalID("Course", id), m.Amount.String(), m.Formatted()
		list, ids = append(list, c), append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list courses: %w", err)
	}
	info := pageInfo{HasNextPage: len(list) > first}
	if len(list) > first {
		list, ids = list[:first], ids[:first]
	}
	if len(list) > 0 {
		end := courseCursor{Order: "course:TITLE:ASC", Key: list[len(list)-1].Title, ID: ids[len(ids)-1]}
		b, _ := json.Marshal(end)
		c := base64.RawURLEncoding.EncodeToString(b)
		info.EndCursor = &c
		if err := s.schedulesOf(ctx, ids, list); err != nil {
			return nil, err
		}
	}
	edges := make([]courseEdge, len(list))
	for i, c := range list {
		edges[i] = courseEdge{Node: c}
	}
	return map[string]any{"courses": map[string]any{"edges": edges, "pageInfo": info}}, nil
}

// schedulesOf fills in the courses' schedules, ordered by the batch's start time
// and then by id. The sort is done here: ordering by a joined table's column would
// make MariaDB sort through a temporary table.
func (s *server) schedulesOf(ctx context.Context, ids []uint64, list []*catalogueCourse) error {
	in, args := inList(ids)
	rows, err := s.db.QueryContext(ctx, `SELECT s.id, s.course_id, s.capacity, s.seats_taken, s.closed, b.name, b.start_minutes, b.end_minutes
		FROM schedules s JOIN batches b ON b.id = s.batch_id WHERE s.course_id IN (`+in+`)`, args...)
	if err != nil {
		return fmt.Errorf("list schedules: %w", err)
	}
	defer rows.Close()
	type row struct {
		id, course uint64
		start      int
		s          catalogueSchedule
	}
	var all []row
	for rows.Next() {
		var r row
		var capacity, taken, end int
		var closed bool
		if err := rows.Scan(&r.id, &r.course, &capacity, &taken, &closed, &r.s.Batch.Name, &r.start, &end); err != nil {
			return fmt.Errorf("list schedules: %w", err)
		}
		r.s.ID, r.s.SeatsLeft = globalID("Schedule", r.id), max(capacity-taken, 0)
		switch {
		case closed:
			r.s.Status = "CLOSED"
		case r.s.SeatsLeft == 0:
			r.s.Status = "FULL"
		default:
			r.s.Status = "OPEN"
		}
		r.s.Batch.StartTime, r.s.Batch.EndTime = localTime(r.start), localTime(end)
		all = append(all, r)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("list schedules: %w", err)
	}
	slices.SortFunc(all, func(a, b row) int {
		if a.start != b.start {
			return a.start - b.start
		}
		return cmp.Compare(a.id, b.id)
	})
	byID := make(map[uint64]*catalogueCourse, len(ids))
	for i, id := range ids {
		byID[id] = list[i]
	}
	for _, r := range all {
		c := byID[r.course]
		c.Schedules = append(c.Schedules, r.s)
	}
	return nil
}

// ---- Q3: one article ----

type heading struct {
	Level  int    `json:"level"`
	Text   string `json:"text"`
	Anchor string `json:"anchor"`
}

type fullArticle struct {
	ID                 string          `json:"id"`
	Slug               string          `json:"slug"`
	Title              string          `json:"title"`
	Summary            string          `json:"summary"`
	HTML               string          `json:"html"`
	PublishedAt        time.Time       `json:"publishedAt"`
	UpdatedAt          time.Time       `json:"updatedAt"`
	ReadingTimeMinutes int             `json:"readingTimeMinutes"`
	TableOfContents    json.RawMessage `json:"tableOfContents"`
	Author             struct {
		ID   string `json:"id"`
		Name string `json:"name"`
		Bio  string `json:"bio"`
	} `json:"author"`
	Tags         []tag `json:"tags"`
	CommentCount int   `json:"commentCount"`
	Comments     struct {
		Edges    []commentEdge `json:"edges"`
		PageInfo struct {
			HasNextPage bool `json:"hasNextPage"`
		} `json:"pageInfo"`
	} `json:"comments"`
}

func (s *server) articleBySlug(ctx context.Context, _ *http.Request, raw json.RawMessage) (any, error) {
	var vars struct {
		Slug string `json:"slug"`
	}
	if err := json.Unmarshal(raw, &vars); err != nil {
		return nil, badInput("article", "", "variables are not valid")
	}
	a := &fullArticle{Tags: []tag{}}
	a.Comments.Edges = []commentEdge{}
	var id, authorID uint64
	var toc string
	err := s.db.QueryRowContext(ctx, `SELECT a.id, a.slug, a.title, a.summary, a.html, a.published_at, a.updated_at,
			a.reading_time_minutes, a.toc, u.id, u.name, u.bio
		FROM articles a JOIN users u ON u.id = a.author_id
		WHERE a.slug = ? AND a.status = 'PUBLISHED' AND a.published_at <= ?`,
		models.NormalizeSlug(vars.Slug), s.now()).
		Scan(&id, &a.Slug, &a.Title, &a.Summary, &a.HTML, &a.PublishedAt, &a.UpdatedAt, &a.ReadingTimeMinutes, &toc,
			&authorID, &a.Author.Name, &a.Author.Bio)
	if errors.Is(err, sql.ErrNoRows) {
		return map[string]any{"article": nil}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("find article: %w", err)
	}
	// The table of contents is stored as the JSON the API shows: pass it through.
	a.ID, a.Author.ID, a.TableOfContents = globalID("Article", id), globalID("User", authorID), json.RawMessage(toc)
	if err := s.tags(ctx, []uint64{id}, func(_ uint64, t tag) { a.Tags = append(a.Tags, t) }); err != nil {
		return nil, err
	}
	const first = 100
	rows, err := s.db.QueryContext(ctx, `SELECT id, author_name, body, created_at FROM comments
		WHERE article_id = ? AND status = 'APPROVED' ORDER BY created_at, id LIMIT `+strconv.Itoa(first+1), id)
	if err != nil {
		return nil, fmt.Errorf("list comments: %w", err)
	}
	for rows.Next() {
		var cid uint64
		var c comment
		if err := rows.Scan(&cid, &c.AuthorName, &c.Body, &c.CreatedAt); err != nil {
			rows.Close()
			return nil, fmt.Errorf("list comments: %w", err)
		}
		c.ID = globalID("Comment", cid)
		a.Comments.Edges = append(a.Comments.Edges, commentEdge{Node: c})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list comments: %w", err)
	}
	a.CommentCount = len(a.Comments.Edges)
	if len(a.Comments.Edges) > first {
		a.Comments.Edges, a.Comments.PageInfo.HasNextPage = a.Comments.Edges[:first], true
		err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM comments WHERE article_id = ? AND status = 'APPROVED'`, id).Scan(&a.CommentCount)
		if err != nil {
			return nil, fmt.Errorf("count comments: %w", err)
		}
	}
	return map[string]any{"article": a}, nil
}

// ---- Q5: the contact form ----

type enquiryInput struct {
	Name       string  `json:"name"`
	Email      string  `json:"email"`
	Phone      *string `json:"phone"`
	Message    string  `json:"message"`
	CourseID   *string `json:"courseId"`
	ScheduleID *string `json:"scheduleId"`
	Website    *string `json:"website"`
}

// submitEnquiry does what coursegraph's SubmitEnquiry does for a request without
// an idempotency key and with rate limits off: validate, fold a resend within ten
// minutes into the first enquiry, check the schedule belongs to the course, insert.
// The course's existence is left to the foreign key.
func (s *server) submitEnquiry(ctx context.Context, r *http.Request, raw json.RawMessage) (any, error) {
	var vars struct {
		Input enquiryInput `json:"input"`
	}
	if err := json.Unmarshal(raw, &vars); err != nil {
		return nil, badInput("submitEnquiry", "", "variables are not valid")
	}
	v := vars.Input
	in := models.EnquiryInput{Name: v.Name, Email: v.Email, Phone: v.Phone, Message: v.Message, Website: v.Website}
	var courseID, scheduleID *uint64
	if v.CourseID != nil {
		id, ok := parseID(*v.CourseID, "Course")
		if !ok {
			return nil, badInput("submitEnquiry", "input.courseId", "input.courseId is not the id of a course")
		}
		courseID = &id
	}
	if v.ScheduleID != nil {
		id, ok := parseID(*v.ScheduleID, "Schedule")
		if !ok {
			return nil, badInput("submitEnquiry", "input.scheduleId", "input.scheduleId is not the id of a schedule")
		}
		scheduleID = &id
	}
	in.Normalize()
	if err := in.Validate("input"); err != nil {
		var me *models.Error
		if errors.As(err, &me) {
			return nil, badInput("submitEnquiry", me.Field, me.Message)
		}
		return nil, err
	}
	now := s.now()
	fingerprint := in.Fingerprint()
	var firstID uint64
	var firstAt time.Time
	err := s.db.QueryRowContext(ctx, `SELECT id, created_at FROM enquiries WHERE fingerprint = ? AND created_at >= ?
		ORDER BY created_at, id LIMIT 1`, fingerprint, now.Add(-10*time.Minute)).Scan(&firstID, &firstAt)
	if err == nil {
		return receipt(firstID, firstAt), nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("find enquiry: %w", err)
	}
	if scheduleID != nil {
		var of uint64
		err := s.db.QueryRowContext(ctx, `SELECT course_id FROM schedules WHERE id = ?`, *scheduleID).Scan(&of)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, badInput("submitEnquiry", "input.scheduleId", "there is no such schedule")
		}
		if err != nil {
			return nil, fmt.Errorf("find schedule: %w", err)
		}
		if courseID != nil && *courseID != of {
			return nil, badInput("submitEnquiry", "input.scheduleId", "is not a schedule of the chosen course")
		}
		courseID = &of
	}
	status := models.EnquiryNew
	if in.IsSpam() {
		status = models.EnquirySpam
	}
	phone := ""
	if in.Phone != nil {
		phone = *in.Phone
	}
	res, err := s.db.ExecContext(ctx, `INSERT INTO enquiries (name, email, phone, message, course_id, schedule_id, status,
			assignee_id, version, client_ip, fingerprint, idempotency_key, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, NULL, 1, ?, ?, NULL, ?, ?)`,
		in.Name, in.Email, phone, in.Message, courseID, scheduleID, string(status), clientIP(r), fingerprint, now, now)
	var myErr *mysql.MySQLError
	if errors.As(err, &myErr) && myErr.Number == 1452 { // a foreign key names no row
		return nil, badInput("submitEnquiry", "input.courseId", "there is no such course")
	}
	if err != nil {
		return nil, fmt.Errorf("insert enquiry: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return nil, fmt.Errorf("insert enquiry: %w", err)
	}
	return receipt(uint64(id), now), nil
}

func receipt(id uint64, at time.Time) any {
	return map[string]any{"submitEnquiry": map[string]any{"id": globalID("Enquiry", id), "receivedAt": at.UTC()}}
}

func clientIP(r *http.Request) string {
	host := r.RemoteAddr
	if i := strings.LastIndexByte(host, ':'); i >= 0 {
		host = host[:i]
	}
	return strings.Trim(host, "[]")
}

// ---- Q6: the staff inbox ----

type inboxNote struct {
	ID        string    `json:"id"`
	Body      string    `json:"body"`
	CreatedAt time.Time `json:"createdAt"`
	Author    struct {
		Name string `json:"name"`
	} `json:"author"`
}

type inboxSchedule struct {
	ID    string     `json:"id"`
	Batch batchTimes `json:"batch"`
}

type inboxEnquiry struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Email     string    `json:"email"`
	Phone     string    `json:"phone"`
	Message   string    `json:"message"`
	Status    string    `json:"status"`
	Version   int       `json:"version"`
	CreatedAt time.Time `json:"createdAt"`
	Course    *struct {
		ID    string `json:"id"`
		Title string `json:"title"`
	} `json:"course"`
	Schedule *inboxSchedule `json:"schedule"`
	Assignee *idName        `json:"assignee"`
	Notes    []inboxNote    `json:"notes"`
}

type enquiryEdge struct {
	Node *inboxEnquiry `json:"node"`
}

// staff checks the bearer token as coursegraph does (a live session of an active
// user whose role includes STAFF), in one statement.
func (s *server) staff(ctx context.Context, r *http.Request) error {
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return &gqlError{Message: "sign in to do this", Extensions: map[string]string{"code": "UNAUTHENTICATED"}}
	}
	sum := sha256.Sum256([]byte(strings.TrimSpace(token)))
	var role string
	err := s.db.QueryRowContext(ctx, `SELECT u.role FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.token_hash = ? AND s.revoked_at IS NULL AND s.expires_at > ? AND u.active = TRUE`,
		hex.EncodeToString(sum[:]), time.Now().UTC()).Scan(&role)
	if errors.Is(err, sql.ErrNoRows) {
		return &gqlError{Message: "the token is not valid; sign in again", Extensions: map[string]string{"code": "UNAUTHENTICATED"}}
	}
	if err != nil {
		return fmt.Errorf("find session: %w", err)
	}
	if !models.Role(role).Includes(models.RoleStaff) {
		return &gqlError{Message: "you may not do this", Extensions: map[string]string{"code": "FORBIDDEN"}}
	}
	return nil
}

func (s *server) inbox(ctx context.Context, r *http.Request, _ json.RawMessage) (any, error) {
	if err := s.staff(ctx, r); err != nil {
		return nil, err
	}
	const first = 50
	// The to-one relations are LEFT JOINs on primary keys: enquiries stays the first
	// table, so the (created_at, id) index gives the order and the LIMIT stops the scan.
	rows, err := s.db.QueryContext(ctx, `SELECT e.id, e.name, e.email, e.phone, e.message, e.status, e.version, e.created_at,
			c.id, c.title, sc.id, b.name, b.start_minutes, b.end_minutes, u.id, u.name
		FROM enquiries e
		LEFT JOIN courses c ON c.id = e.course_id
		LEFT JOIN schedules sc ON sc.id = e.schedule_id
		LEFT JOIN batches b ON b.id = sc.batch_id
		LEFT JOIN users u ON u.id = e.assignee_id
		ORDER BY e.created_at DESC, e.id DESC LIMIT `+strconv.Itoa(first+1))
	if err != nil {
		return nil, fmt.Errorf("list enquiries: %w", err)
	}
	var list []*inboxEnquiry
	var ids []uint64
	for rows.Next() {
		e := &inboxEnquiry{Notes: []inboxNote{}}
		var id uint64
		var courseID, scheduleID, assigneeID sql.NullInt64
		var courseTitle, batchName, assigneeName sql.NullString
		var start, end sql.NullInt32
		if err := rows.Scan(&id, &e.Name, &e.Email, &e.Phone, &e.Message, &e.Status, &e.Version, &e.CreatedAt,
			&courseID, &courseTitle, &scheduleID, &batchName, &start, &end, &assigneeID, &assigneeName); err != nil {
			rows.Close()
			return nil, fmt.Errorf("list enquiries: %w", err)
		}
		e.ID = globalID("Enquiry", id)
		if courseID.Valid {
			e.Course = &struct {
				ID    string `json:"id"`
				Title string `json:"title"`
			}{globalID("Course", uint64(courseID.Int64)), courseTitle.String}
		}
		if scheduleID.Valid {
			e.Schedule = &inboxSchedule{ID: globalID("Schedule", uint64(scheduleID.Int64)),
				Batch: batchTimes{Name: batchName.String, StartTime: localTime(int(start.Int32)), EndTime: localTime(int(end.Int32))}}
		}
		if assigneeID.Valid {
			e.Assignee = &idName{ID: globalID("User", uint64(assigneeID.Int64)), Name: assigneeName.String}
		}
		list, ids = append(list, e), append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list enquiries: %w", err)
	}
	info := pageInfo{HasNextPage: len(list) > first}
	if len(list) > first {
		list, ids = list[:first], ids[:first]
	}
	if len(list) > 0 {
		last := list[len(list)-1]
		b, _ := json.Marshal(courseCursor{Order: "enquiry:DESC", Key: last.CreatedAt.UTC().Format(time.RFC3339), ID: ids[len(ids)-1]})
		c := base64.RawURLEncoding.EncodeToString(b)
		info.EndCursor = &c
		if err := s.notes(ctx, ids, list); err != nil {
			return nil, err
		}
	}
	edges := make([]enquiryEdge, len(list))
	for i, e := range list {
		edges[i] = enquiryEdge{Node: e}
	}
	return map[string]any{"enquiries": map[string]any{"edges": edges, "pageInfo": info}}, nil
}

// notes fills in the enquiries' notes, oldest first. The rows are put in order
// here: with ORDER BY, MariaDB may read the small users table first and then sort
// the notes, TEXT bodies and all, through an on-disk temporary table.
func (s *server) notes(ctx context.Context, ids []uint64, list []*inboxEnquiry) error {
	in, args := inList(ids)
	rows, err := s.db.QueryContext(ctx, `SELECT n.id, n.enquiry_id, n.body, n.created_at, u.name
		FROM enquiry_notes n JOIN users u ON u.id = n.author_id
		WHERE n.enquiry_id IN (`+in+`)`, args...)
	if err != nil {
		return fmt.Errorf("list notes: %w", err)
	}
	defer rows.Close()
	type row struct {
		id, enquiry uint64
		n           inboxNote
	}
	var all []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.id, &r.enquiry, &r.n.Body, &r.n.CreatedAt, &r.n.Author.Name); err != nil {
			return fmt.Errorf("list notes: %w", err)
		}
		r.n.ID = globalID("EnquiryNote", r.id)
		all = append(all, r)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("list notes: %w", err)
	}
	slices.SortFunc(all, func(a, b row) int { return cmp.Compare(a.id, b.id) })
	byID := make(map[uint64]*inboxEnquiry, len(ids))
	for i, id := range ids {
		byID[id] = list[i]
	}
	for _, r := range all {
		e := byID[r.enquiry]
		e.Notes = append(e.Notes, r.n)
	}
	return nil
}
