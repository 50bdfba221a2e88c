package main

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"coursegraph/markdown"
	"coursegraph/models"
)

// Size is how much data to make.
type Size struct {
	Articles           int
	TagsPerArticle     int
	CommentsPerArticle int // approved; every 10th article also has one pending comment
	Authors            int
	Courses            int
	SchedulesPerCourse int
	Enquiries          int
}

// DefaultSize is the everyday dataset: a few seconds to load.
var DefaultSize = Size{
	Articles: 1000, TagsPerArticle: 3, CommentsPerArticle: 10, Authors: 10,
	Courses: 50, SchedulesPerCourse: 4, Enquiries: 200,
}

// LargeSize is -large: 100,000 articles, 1,000,000 approved comments, 500 courses,
// 100,000 enquiries.
var LargeSize = Size{
	Articles: 100_000, TagsPerArticle: 3, CommentsPerArticle: 10, Authors: 10,
	Courses: 500, SchedulesPerCourse: 4, Enquiries: 100_000,
}

// Scaled multiplies the sizes that grow with a site (articles, courses, enquiries).
func (s Size) Scaled(n int) Size {
	s.Articles *= n
	s.Courses *= n
	s.Enquiries *= n
	return s
}

// Fixed ids and times. Every row gets an explicit id, so that the generator never
// reads back an AUTO_INCREMENT value and the same flags always give the same rows.
var (
	articleEpoch = time.Date(2020, 1, 1, 8, 0, 0, 0, time.UTC)
	courseEpoch  = time.Date(2019, 6, 1, 9, 0, 0, 0, time.UTC)
	enquiryEpoch = time.Date(2024, 1, 1, 6, 0, 0, 0, time.UTC)
)

// StaffEmail and StaffPassword sign in the inbox scenario. The password exists only
// in benchmark databases made by this command.
const (
	StaffEmail    = "bench-staff@bench.example"
	StaffPassword = "bench-only-password-7c41e9"
	inboxStaff    = 3 // more STAFF accounts, assignees and note authors
)

// gen makes rows from a seed. Each entity's content depends only on the seed and its
// index, so that articles can be rendered in parallel and still come out the same.
type gen struct {
	seed  uint64
	size  Size
	users []User
}

func newGen(seed uint64, size Size) gen {
	g := gen{seed: seed, size: size}
	g.users = g.Users()
	return g
}

func (g gen) rng(kind, i int) *rand.Rand {
	return rand.New(rand.NewPCG(g.seed, uint64(kind)<<40|uint64(i)))
}

const (
	kindArticle = iota + 1
	kindComment
	kindCourse
	kindSchedule
	kindEnquiry
	kindUser
)

var words = strings.Fields(`the a server query index table page course batch student lesson teacher database
	network design layout colour photo video edit camera light story market search email office spreadsheet
	formula chart report pivot lookup function value column row join cache memory disk thread request answer
	error test deploy build release version branch merge review commit secure password login session token
	browser mobile screen button form field input output file folder upload download share team project plan
	budget client customer office career job skill practice exercise example project portfolio certificate
	morning evening weekend schedule seat fee month week hour minute quick slow simple clear careful small
	large modern classic useful friendly patient honest bright calm steady better faster`)

var tagNames = []string{
	"Go", "SQL", "Web Development", "Databases", "APIs", "Careers", "Design", "Photoshop", "Illustrator",
	"Excel", "Office", "Marketing", "SEO", "Video", "Premiere Pro", "Typing", "Networking", "Security",
	"Back-end", "Front-end", "HTML & CSS", "JavaScript", "Freelancing", "Glossary",
}

var subjects = []string{
	"Office Basics", "Advanced Excel", "Graphic Design", "Web Design", "Video Editing", "Digital Marketing",
	"Photoshop Masterclass", "Illustrator Essentials", "Bangla Typing", "English Typing", "Database Foundations",
	"Go Programming", "Python for Beginners", "Networking Basics", "Cyber Security", "JavaScript Fundamentals",
	"WordPress Sites", "SEO Practice", "Social Media Ads", "Freelancing Skills", "Data Entry",
	"PowerPoint Presentations", "UI Design", "Motion Graphics", "Computer Hardware",
}

var categories = []string{"Office Applications", "Design", "Web", "Multimedia", "Marketing", "Programming", "IT"}

var personNames = []string{
	"Rafiq Islam", "Nusrat Jahan", "Tanvir Hasan", "Farhana Akter", "Sadia Rahman", "Imran Hossain",
	"Mitu Das", "Arif Chowdhury", "Shirin Sultana", "Kamal Uddin", "Rumana Begum", "Jahid Hasan",
	"Nadia Karim", "Sabbir Ahmed", "Tania Parvin", "Mehedi Hasan",
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func sentence(r *rand.Rand, minWords, maxWords int) string {
	n := minWords + r.IntN(maxWords-minWords+1)
	ws := make([]string, n)
	for i := range ws {
		ws[i] = pick(r, words)
	}
	s := strings.Join(ws, " ")
	return strings.ToUpper(s[:1]) + s[1:] + "."
}

func paragraph(r *rand.Rand, sentences int) string {
	ss := make([]string, sentences)
	for i := range ss {
		ss[i] = sentence(r, 6, 16)
	}
	return strings.Join(ss, " ")
}

// User is a staff account.
type User struct {
	ID                uint
	Name, Email, Role string
	Bio, AvatarURL    string
	CreatedAt         time.Time
}

// Users returns the authors (EDITOR, no password, as the demo seed makes them),
// then the bench staff account (with StaffPassword; its hash is the caller's) and
// the inbox staff.
func (g gen) Users() []User {
	var out []User
	for i := range g.size.Authors {
		r := g.rng(kindUser, i)
		name := personNames[i%len(personNames)]
		if i >= len(personNames) {
			name = fmt.Sprintf("%s %d", name, i/len(personNames)+1)
		}
		u := User{
			ID: uint(i + 1), Name: name, Email: fmt.Sprintf("author%d@bench.example", i+1), Role: string(models.RoleEditor),
			Bio: paragraph(r, 2), CreatedAt: articleEpoch.Add(-time.Duration(30+i) * 24 * time.Hour),
		}
		if i%3 == 0 {
			u.AvatarURL = fmt.Sprintf("https://images.bench.example/authors/%d.png", i+1)
		}
		out = append(out, u)
	}
	base := len(out)
	out = append(out, User{
		ID: uint(base + 1), Name: "Bench Staff", Email: StaffEmail, Role: string(models.RoleStaff),
		Bio: "Signs in for the benchmark's inbox scenario.", CreatedAt: articleEpoch,
	})
	for i := range inboxStaff {
		out = append(out, User{
			ID: uint(base + 2 + i), Name: fmt.Sprintf("Inbox Staff %d", i+1), Email: fmt.Sprintf("inbox%d@bench.example", i+1),
			Role: string(models.RoleStaff), Bio: "", CreatedAt: articleEpoch,
		})
	}
	return out
}

// Tag is a topic.
type Tag struct {
	ID         uint
	Slug, Name string
}

// Tags returns every tag.
func (g gen) Tags() []Tag {
	out := make([]Tag, len(tagNames))
	for i, n := range tagNames {
		out[i] = Tag{ID: uint(i + 1), Name: n, Slug: models.Slugify(n)}
	}
	return out
}

// Article is an article row with its tags.
type Article struct {
	ID                   uint
	Slug, Title, Summary string
	Body, HTML           string
	PublishedAt          time.Time
	AuthorID             uint
	ReadingTimeMinutes   int
	TOC, Faqs            string // JSON, as GORM's json serializer writes them
	CreatedAt, UpdatedAt time.Time
	TagIDs               []uint
}

// ArticlePublishedAt is when article i (0-based, newest last) was published. Every
// 50th shares its time with the one before, so that keyset pages must break ties by id.
func ArticlePublishedAt(i int) time.Time {
	if i%50 == 49 {
		i--
	}
	return articleEpoch.Add(time.Duration(i) * 15 * time.Minute)
}

// Article makes article i (0-based) and renders its body as the product does on
// create: HTML, table of contents, FAQs and reading time from the markdown package.
func (g gen) Article(i int) (Article, error) {
	r := g.rng(kindArticle, i)
	subject := pick(r, subjects)
	title := fmt.Sprintf("%s notes %d: %s", subject, i+1, strings.TrimSuffix(sentence(r, 3, 6), "."))
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n%s\n\n", title, paragraph(r, 3+r.IntN(3)))
	sections := 2 + r.IntN(3)
	if i%10 == 0 {
		sections += 6 // a long read now and then
	}
	for s := range sections {
		fmt.Fprintf(&b, "## %s\n\n%s\n\n", strings.TrimSuffix(sentence(r, 2, 5), "."), paragraph(r, 2+r.IntN(4)))
		switch s % 3 {
		case 0:
			for range 3 + r.IntN(3) {
				fmt.Fprintf(&b, "- %s\n", strings.TrimSuffix(sentence(r, 3, 8), "."))
			}
			b.WriteString("\n")
		case 1:
			fmt.Fprintf(&b, "Use **%s** with _%s_ and `%s`, and read [the guide](https://docs.bench.example/%d/%d).\n\n```\n%s\n```\n\n",
				pick(r, words), pick(r, words), pick(r, words), i, s, sentence(r, 3, 6))
		case 2:
			b.WriteString("| Step | What |\n|---|:---|\n")
			for k := range 3 {
				fmt.Fprintf(&b, "| %d | %s |\n", k+1, strings.TrimSuffix(sentence(r, 2, 5), "."))
			}
			b.WriteString("\n")
		}
	}
	if i%3 == 0 {
		b.WriteString("## FAQ\n\n")
		for range 2 + r.IntN(2) {
			q := strings.TrimSuffix(sentence(r, 4, 8), ".") + "?"
			fmt.Fprintf(&b, "### %s\n\n%s\n\n", q, paragraph(r, 2))
		}
	}
	body := b.String()
	doc, err := markdown.Render(body)
	if err != nil {
		return Article{}, fmt.Errorf("render article %d: %w", i, err)
	}
	toc, err := json.Marshal(doc.TableOfContents)
	if err != nil {
		return Article{}, err
	}
	faqs, err := json.Marshal(doc.Faqs)
	if err != nil {
		return Article{}, err
	}
	pub := ArticlePublishedAt(i)
	a := Article{
		ID: uint(i + 1), Slug: models.Slugify(title), Title: title, Summary: paragraph(r, 1), Body: body,
		HTML: doc.HTML, PublishedAt: pub, AuthorID: uint(r.IntN(g.size.Authors) + 1),
		ReadingTimeMinutes: doc.ReadingTimeMinutes, TOC: string(toc), Faqs: string(faqs),
		CreatedAt: pub.Add(-time.Duration(2+r.IntN(48)) * time.Hour), UpdatedAt: pub.Add(time.Duration(r.IntN(72)) * time.Hour),
	}
	seen := map[int]bool{}
	for len(a.TagIDs) < min(g.size.TagsPerArticle, len(tagNames)) {
		t := r.IntN(len(tagNames))
		if !seen[t] {
			seen[t] = true
			a.TagIDs = append(a.TagIDs, uint(t+1))
		}
	}
	return a, nil
}

// Comment is a comment row.
type Comment struct {
	ID, ArticleID                   uint
	Status, AuthorName, AuthorEmail string
	Body, ClientIP                  string
	CreatedAt                       time.Time
}

// Comments returns article i's comments: CommentsPerArticle approved ones (the 4th
// and 5th posted in the same second), and on every 10th article one pending comment
// posted before them all, which the public must not see.
func (g gen) Comments(i int) []Comment {
	r := g.rng(kindComment, i)
	pub := ArticlePublishedAt(i)
	n := g.size.CommentsPerArticle
	out := make([]Comment, 0, n+1)
	for j := range n {
		at := j
		if j == 4 {
			at = 3
		}
		name := pick(r, personNames)
		out = append(out, Comment{
			ID: uint(i*n + j + 1), ArticleID: uint(i + 1), Status: string(models.CommentApproved),
			AuthorName: name, AuthorEmail: fmt.Sprintf("reader%d@mail.bench.example", r.IntN(5000)),
			Body: paragraph(r, 1+r.IntN(3)), ClientIP: fmt.Sprintf("198.51.100.%d", r.IntN(250)+1),
			CreatedAt: pub.Add(time.Duration(at+1) * 3 * time.Hour),
		})
	}
	if i%10 == 0 {
		out = append(out, Comment{
			ID: uint(g.size.Articles*n + i/10 + 1), ArticleID: uint(i + 1), Status: string(models.CommentPending),
			AuthorName: "Pending Reader", AuthorEmail: "pending@mail.bench.example", Body: "Waiting for moderation.",
			ClientIP: "198.51.100.254", CreatedAt: pub.Add(time.Hour),
		})
	}
	return out
}

// Batch is a time slot: the demo seed's eight batches.
type Batch struct {
	ID, Ordinal      int
	Name, Period     string
	StartMin, EndMin int
}

// Batches returns the day's eight batches, 08:00-09:30 to 20:30-22:00.
func (g gen) Batches() []Batch {
	ordinals := []string{"1st", "2nd", "3rd", "4th", "5th", "6th", "7th", "8th"}
	starts := []int{8 * 60, 9*60 + 30, 11 * 60, 12*60 + 30, 16 * 60, 17*60 + 30, 19 * 60, 20*60 + 30}
	out := make([]Batch, len(starts))
	for i, s := range starts {
		p := models.Morning
		if i >= 4 {
			p = models.Evening
		}
		out[i] = Batch{ID: i + 1, Ordinal: i + 1, Name: ordinals[i] + " Batch", Period: string(p), StartMin: s, EndMin: s + 90}
	}
	return out
}

// Course is a course row.
type Course struct {
	ID                                uint
	Slug, Title, Summary, Description string
	Category, Topics                  string
	DurationMonths, SessionsPerWeek   int
	Weekdays                          models.WeekdaySet
	FeeAmount                         int64
	CreatedAt, UpdatedAt              time.Time
}

// Course makes course i (0-based).
func (g gen) Course(i int) Course {
	r := g.rng(kindCourse, i)
	subject := subjects[i%len(subjects)]
	title := fmt.Sprintf("%s: Level %d", subject, i/len(subjects)+1)
	topics := make([]string, 2+r.IntN(4))
	for k := range topics {
		topics[k] = strings.TrimSuffix(sentence(r, 1, 3), ".")
	}
	tj, _ := json.Marshal(topics) // strings always marshal
	per := 1 + r.IntN(4)
	var days models.WeekdaySet
	for days.Len() < per {
		days |= models.AllWeekdays[r.IntN(7)].Bit()
	}
	fee := int64(3000+250*r.IntN(40)) * 100
	if i%7 == 3 {
		fee += 50 // some fees have minor units: "৳4,500.50"
	}
	created := courseEpoch.Add(time.Duration(i) * 36 * time.Hour)
	return Course{
		ID: uint(i + 1), Slug: models.Slugify(title), Title: title, Summary: sentence(r, 8, 16),
		Description: paragraph(r, 4), Category: categories[i%len(categories)], Topics: string(tj),
		DurationMonths: 1 + r.IntN(12), SessionsPerWeek: per, Weekdays: days, FeeAmount: fee,
		CreatedAt: created, UpdatedAt: created.Add(time.Duration(r.IntN(500)) * time.Hour),
	}
}

// Schedule is a schedule row.
type Schedule struct {
	ID, CourseID, BatchID uint
	Weekdays              models.WeekdaySet
	StartsOn              *string
	Capacity, SeatsTaken  int
	Closed                bool
	CreatedAt             time.Time
}

// ScheduleID is the id of course i's k-th schedule.
func (g gen) ScheduleID(course, k int) uint { return uint(course*g.size.SchedulesPerCourse + k + 1) }

// Schedules returns course c's schedules, in distinct batches: some full, some
// closed, some with no start date.
func (g gen) Schedules(c Course) []Schedule {
	i := int(c.ID) - 1
	r := g.rng(kindSchedule, i)
	out := make([]Schedule, 0, g.size.SchedulesPerCourse)
	for k := range min(g.size.SchedulesPerCourse, 8) {
		capacity := 10 + r.IntN(21)
		taken := r.IntN(capacity + 1)
		if (i+k)%9 == 0 {
			taken = capacity
		}
		s := Schedule{
			ID: g.ScheduleID(i, k), CourseID: c.ID, BatchID: uint((i+k*2)%8 + 1), Weekdays: c.Weekdays,
			Capacity: capacity, SeatsTaken: taken, Closed: (i+k)%13 == 0, CreatedAt: c.CreatedAt.Add(time.Hour),
		}
		if !(k == 3 && i%3 == 0) {
			d := time.Date(2027, time.Month(1+(i+k)%12), 1+r.IntN(28), 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
			s.StartsOn = &d
		}
		out = append(out, s)
	}
	return out
}

// Enquiry is an enquiry row with its notes.
type Enquiry struct {
	ID                                  uint
	Name, Email, Phone, Message, Status string
	CourseID, ScheduleID, AssigneeID    *uint
	Version                             int
	ClientIP, Fingerprint               string
	IdempotencyKey                      *string
	CreatedAt, UpdatedAt                time.Time
	Notes                               []Note
}

// Note is an enquiry note.
type Note struct {
	ID, EnquiryID, AuthorID uint
	Body                    string
	CreatedAt               time.Time
}

// EnquiryCreatedAt is when enquiry i (0-based, newest last) arrived; every 25th
// shares its second with the one before.
func EnquiryCreatedAt(i int) time.Time {
	if i%25 == 24 {
		i--
	}
	return enquiryEpoch.Add(time.Duration(i) * 5 * time.Minute)
}

// Enquiry makes enquiry i (0-based). Notes get ids from *nextNote, in order.
func (g gen) Enquiry(i int, nextNote *uint) Enquiry {
	r := g.rng(kindEnquiry, i)
	users := g.users
	name := pick(r, personNames)
	in := models.EnquiryInput{
		Name:    name,
		Email:   fmt.Sprintf("%s.%d@visitor.bench.example", strings.ToLower(strings.Fields(name)[0]), i+1),
		Message: paragraph(r, 1+r.IntN(4)),
	}
	if i%4 != 1 {
		p := fmt.Sprintf("0178%07d", r.IntN(10_000_000))
		in.Phone = &p
	}
	in.Normalize()
	created := EnquiryCreatedAt(i)
	e := Enquiry{
		ID: uint(i + 1), Name: in.Name, Email: in.Email, Message: in.Message,
		Status: string(models.AllEnquiryStatuses[i%len(models.AllEnquiryStatuses)]), Version: 1 + i%3,
		ClientIP: fmt.Sprintf("203.0.113.%d", r.IntN(250)+1), Fingerprint: in.Fingerprint(),
		CreatedAt: created, UpdatedAt: created.Add(time.Duration(i%3) * 20 * time.Minute),
	}
	if in.Phone != nil {
		e.Phone = *in.Phone
	}
	if i%10 != 0 {
		c := r.IntN(g.size.Courses)
		cid := uint(c + 1)
		e.CourseID = &cid
		if i%3 != 0 {
			sid := g.ScheduleID(c, r.IntN(min(g.size.SchedulesPerCourse, 8)))
			e.ScheduleID = &sid
		}
	}
	if i%4 != 0 {
		a := users[(i*7)%len(users)].ID
		e.AssigneeID = &a
	}
	if i%7 == 5 {
		k := fmt.Sprintf("bench-key-%d", i+1)
		e.IdempotencyKey = &k
	}
	for k := range (i * 7) % 4 {
		*nextNote++
		e.Notes = append(e.Notes, Note{
			ID: *nextNote, EnquiryID: e.ID, AuthorID: users[(i+k*3)%len(users)].ID,
			Body: paragraph(r, 1), CreatedAt: created.Add(time.Duration(k+1) * 30 * time.Minute),
		})
	}
	return e
}
