package gqlserver_test

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"coursegraph/apitest"
	"coursegraph/models"
	"coursegraph/store"
	"coursegraph/store/storetest"
)

// The differential test's settings: CI runs it with the defaults (a fixed seed);
// `make test-differential` runs it longer with a random seed, printed first.
var (
	diffSeed     = flag.Uint64("diff.seed", 1, "seed of the differential test's random writes and reads (0: a random seed, printed)")
	diffSteps    = flag.Int("diff.steps", 150, "random writes per run of the differential test")
	diffReads    = flag.Int("diff.reads", 8, "random reads compared after each write")
	diffDuration = flag.Duration("diff.duration", 0, "run the differential test for this long instead of -diff.steps writes")
)

// TestCachedAnswersMatchAnUncachedServerUnderRandomWrites makes random writes of
// every kind the schema has through a server with the apitest.Response cache, moving a
// test clock across scheduled publications (sometimes in the middle of an
// answer), and after each sends random anonymous reads of every public query
// shape to that server and to one without a cache, over the same database: every
// answer must be the same, byte for byte. It runs with the cache in process and
// shared in Redis (two instances: writes on one, reads on the other). A control
// then changes a row outside the API, which the comparison must catch, or the
// test would be blind.
func TestCachedAnswersMatchAnUncachedServerUnderRandomWrites(t *testing.T) {
	seed := *diffSeed
	if seed == 0 {
		seed = rand.Uint64()
	}
	t.Logf("differential test: seed %d (rerun with -diff.seed=%d)", seed, seed)
	t.Run("in process", func(t *testing.T) {
		storetest.Run(t, func(t *testing.T, s *store.Store) { differential(t, newFleet(t, s, nil, ""), s, seed) })
	})
	t.Run("shared in Redis", func(t *testing.T) {
		rdb, prefix := redisForTest(t)
		storetest.Run(t, func(t *testing.T, s *store.Store) {
			differential(t, newFleet(t, s, rdb, prefix+t.Name()), s, seed)
		})
	})
}

// world is what the random writes have made, for the next writes and reads to
// pick from. Deleted rows stay listed: reading them must agree too.
type world struct {
	t        *testing.T
	rnd      *rand.Rand
	f        *fleet
	clock    *apitest.Clock
	editors  []*apitest.API
	authors  []string // global ids of the editors
	courses  []string
	slugs    []string // of courses
	batches  []string
	schedule []string
	articles []string
	aslugs   []string // of articles
	comments []string
	tags     []string // names
	staff    []string
	gone     []string // ids of deleted rows, still read through node
	// scheduled are the publication times set ahead of the clock.
	scheduled []time.Time
	// pool holds recent reads, which are sent again: a stale answer shows
	// only to a read the cache has seen before.
	pool []diffRead
	// boundary asks the next read to list articles while the clock crosses
	// a publication's second, and the read after it to be the same again.
	boundary bool
	again    *diffRead
	n        int
	// refused counts writes the API refused (a batch with schedules, a taken
	// slug): they must change nothing, which the reads check as well.
	refused, writes int
}

var (
	diffWords      = []string{"excel", "python", "design", "typing", "বাংলা", "office", "web", "data", "photoshop", "network"}
	diffCategories = []string{"Office", "Programming", "Design"}
	diffWeekdays   = []string{"SUNDAY", "MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY"}
)

// diffRead is one anonymous read.
type diffRead struct {
	query string
	vars  map[string]any
}

// remove takes id off list (a deleted row) and keeps it among the gone.
func (w *world) remove(list *[]string, id string, data json.RawMessage) {
	if data == nil {
		return
	}
	for i, v := range *list {
		if v == id {
			*list = append((*list)[:i], (*list)[i+1:]...)
			break
		}
	}
	w.gone = append(w.gone, id)
}

func (w *world) pick(list []string) string {
	if len(list) == 0 {
		return ""
	}
	return list[w.rnd.IntN(len(list))]
}

func (w *world) words(n int) string {
	out := make([]string, n)
	for i := range out {
		out[i] = w.pick(diffWords)
	}
	return strings.Join(out, " ")
}

func (w *world) weekdays() []string {
	var out []string
	for _, d := range diffWeekdays {
		if w.rnd.IntN(3) == 0 {
			out = append(out, d)
		}
	}
	if len(out) == 0 {
		out = append(out, w.pick(diffWeekdays))
	}
	return out
}

func (w *world) tagList() []string {
	var out []string
	for range w.rnd.IntN(3) {
		out = append(out, w.pick(append(w.tags, diffWords...)))
	}
	return out
}

// write sends a mutation as caller; a refusal (a client error) is counted, any
// other error fails the test. It returns the data, or nil when refused.
func (w *world) write(caller *apitest.API, query string, vars map[string]any) json.RawMessage {
	w.t.Helper()
	w.writes++
	resp, _ := caller.Post(query, vars)
	if len(resp.Errors) > 0 {
		switch resp.Code() {
		case "BAD_USER_INPUT", "CONFLICT", "NOT_FOUND":
			w.refused++
			return nil
		}
		w.t.Fatalf("write %s: %+v", query, resp.Errors)
	}
	return resp.Data
}

func (w *world) id(data json.RawMessage, path ...string) string {
	if data == nil {
		return ""
	}
	return apitest.IDOf(w.t, data, path...)
}

func (w *world) add(list *[]string, v string) {
	if v != "" {
		*list = append(*list, v)
	}
}

// The kinds of step act takes, by number; the rest move the clock.
const (
	actCreateCourse   = 0
	actCreateBatch    = 3
	actCreateSchedule = 6
	actCreateArticle  = 10
	actPublish        = 13
	actPostComment    = 17
	actModerate       = 18
	actKinds          = 28
)

// step makes one random write, or moves the clock.
func (w *world) step(flip *onFirstStatement) { w.act(w.rnd.IntN(actKinds), flip) }

// act makes a write of kind (or moves the clock).
func (w *world) act(kind int, flip *onFirstStatement) {
	w.n++
	f, editor := w.f, w.editors[w.rnd.IntN(len(w.editors))]
	switch kind {
	case actCreateCourse:
		days := w.weekdays()
		data := w.write(f.writer, `mutation($in: CreateCourseInput!) { createCourse(input: $in) { id slug } }`, map[string]any{"in": map[string]any{
			"title": fmt.Sprintf("%s %d", w.words(2), w.n), "category": w.pick(diffCategories), "topics": []string{w.pick(diffWords)},
			"durationMonths": 1 + w.rnd.IntN(6), "sessionsPerWeek": len(days), "weekdays": days, "fee": fmt.Sprintf("%d.00", 1000+w.rnd.IntN(9000)),
		}})
		w.add(&w.courses, w.id(data, "createCourse", "id"))
		w.add(&w.slugs, w.id(data, "createCourse", "slug"))
	case 1:
		in := map[string]any{}
		switch w.rnd.IntN(4) {
		case 0:
			in["title"] = fmt.Sprintf("%s %d", w.words(2), w.n)
		case 1:
			in["fee"] = fmt.Sprintf("%d.50", 1000+w.rnd.IntN(9000))
		case 2:
			days := w.weekdays()
			in["weekdays"], in["sessionsPerWeek"], in["category"] = days, len(days), w.pick(diffCategories)
		default:
			in["summary"], in["topics"] = w.words(4), []string{w.pick(diffWords), w.pick(diffWords)}
		}
		w.write(f.writer, `mutation($id: ID!, $in: UpdateCourseInput!) { updateCourse(id: $id, input: $in) { id } }`, map[string]any{"id": w.pick(w.courses), "in": in})
	case 2:
		w.write(f.writer, `mutation($id: ID!) { archiveCourse(id: $id) { id } }`, map[string]any{"id": w.pick(w.courses)})
	case actCreateBatch:
		slot := len(w.batches) + len(w.gone) + 1
		start := 6*60 + slot*25
		period := "MORNING"
		if start >= 12*60 {
			period = "EVENING"
		}
		data := w.write(f.writer, `mutation($in: CreateBatchInput!) { createBatch(input: $in) { id } }`, map[string]any{"in": map[string]any{
			"name": fmt.Sprintf("Batch %d", slot), "ordinal": slot, "period": period,
			"startTime": fmt.Sprintf("%02d:%02d", start/60, start%60), "endTime": fmt.Sprintf("%02d:%02d", (start+20)/60, (start+20)%60),
		}})
		w.add(&w.batches, w.id(data, "createBatch", "id"))
	case 4:
		w.write(f.writer, `mutation($id: ID!, $n: String!) { updateBatch(id: $id, input: {name: $n}) { id } }`, map[string]any{"id": w.pick(w.batches), "n": fmt.Sprintf("Batch %s %d", w.pick(diffWords), w.n)})
	case 5:
		id := w.pick(w.batches)
		w.remove(&w.batches, id, w.write(f.writer, `mutation($id: ID!) { deleteBatch(id: $id) }`, map[string]any{"id": id}))
	case actCreateSchedule, actCreateSchedule + 1:
		data := w.write(f.writer, `mutation($in: CreateScheduleInput!) { createSchedule(input: $in) { id } }`, map[string]any{"in": map[string]any{
			"courseId": w.pick(w.courses), "batchId": w.pick(w.batches), "capacity": 5 + w.rnd.IntN(20), "seatsTaken": w.rnd.IntN(5),
		}})
		w.add(&w.schedule, w.id(data, "createSchedule", "id"))
	case 8:
		in := map[string]any{"capacity": 5 + w.rnd.IntN(20), "seatsTaken": w.rnd.IntN(25)}
		if w.rnd.IntN(4) == 0 {
			in = map[string]any{"closed": w.rnd.IntN(2) == 0}
		}
		w.write(f.writer, `mutation($id: ID!, $in: UpdateScheduleInput!) { updateSchedule(id: $id, input: $in) { id } }`, map[string]any{"id": w.pick(w.schedule), "in": in})
	case 9:
		id := w.pick(w.schedule)
		w.remove(&w.schedule, id, w.write(f.writer, `mutation($id: ID!) { deleteSchedule(id: $id) }`, map[string]any{"id": id}))
	case actCreateArticle, actCreateArticle + 1:
		data := w.write(editor, `mutation($in: CreateArticleInput!) { createArticle(input: $in) { id slug tags { name } } }`, map[string]any{"in": map[string]any{
			"title": fmt.Sprintf("%s %d", w.words(3), w.n), "body": "## " + w.words(2) + "\n\n" + w.words(30), "tags": w.tagList(),
		}})
		w.add(&w.articles, w.id(data, "createArticle", "id"))
		w.add(&w.aslugs, w.id(data, "createArticle", "slug"))
	case 12:
		in := map[string]any{"tags": w.tagList()}
		if w.rnd.IntN(2) == 0 {
			in = map[string]any{"title": fmt.Sprintf("%s %d", w.words(3), w.n), "body": w.words(20)}
		}
		w.write(editor, `mutation($id: ID!, $in: UpdateArticleInput!) { updateArticle(id: $id, input: $in) { id } }`, map[string]any{"id": w.pick(w.articles), "in": in})
	case actPublish, actPublish + 1:
		vars := map[string]any{"id": w.pick(w.articles)}
		switch w.rnd.IntN(3) {
		case 0: // backdated
			vars["at"] = w.clock.Now().Add(-time.Duration(1+w.rnd.IntN(3600)) * time.Second).Format(time.RFC3339)
		case 1: // a few seconds ahead: a later tick crosses it
			at := w.clock.Now().Add(time.Duration(1+w.rnd.IntN(4)) * time.Second)
			w.scheduled = append(w.scheduled, at)
			vars["at"] = at.Format(time.RFC3339)
		}
		if _, ok := vars["at"]; ok {
			w.write(editor, `mutation($id: ID!, $at: Time) { publishArticle(id: $id, at: $at) { id } }`, vars)
		} else {
			w.write(editor, `mutation($id: ID!) { publishArticle(id: $id) { id } }`, vars)
		}
	case 15:
		w.write(editor, `mutation($id: ID!, $a: Boolean) { unpublishArticle(id: $id, archive: $a) { id } }`, map[string]any{"id": w.pick(w.articles), "a": w.rnd.IntN(2) == 0})
	case 16:
		id := w.pick(w.articles)
		w.remove(&w.articles, id, w.write(editor, `mutation($id: ID!) { deleteArticle(id: $id) }`, map[string]any{"id": id}))
	case actPostComment:
		data := w.write(f.reader, `mutation($in: PostCommentInput!) { postComment(input: $in) { id } }`, map[string]any{"in": map[string]any{
			"articleId": w.pick(w.articles), "authorName": "Reader " + w.pick(diffWords), "authorEmail": "reader@example.com", "body": w.words(5),
		}})
		w.add(&w.comments, w.id(data, "postComment", "id"))
	case actModerate:
		statuses := []string{"APPROVED", "APPROVED", "REJECTED", "SPAM", "PENDING"}
		w.write(editor, `mutation($id: ID!, $s: CommentStatus!) { moderateComment(id: $id, status: $s) { id } }`, map[string]any{"id": w.pick(w.comments), "s": w.pick(statuses)})
	case 19:
		id := w.pick(w.comments)
		w.remove(&w.comments, id, w.write(editor, `mutation($id: ID!) { deleteComment(id: $id) }`, map[string]any{"id": id}))
	case 20:
		var tags struct{ Tags []struct{ ID string } }
		if err := json.Unmarshal(f.truth.OK(`{ tags { id } }`, nil), &tags); err != nil || len(tags.Tags) == 0 {
			return
		}
		name := fmt.Sprintf("%s %d", w.pick(diffWords), w.n)
		w.tags = append(w.tags, name)
		w.write(editor, `mutation($id: ID!, $n: String!) { renameTag(id: $id, name: $n) { id } }`, map[string]any{"id": tags.Tags[w.rnd.IntN(len(tags.Tags))].ID, "n": name})
	case 21:
		w.write(f.writer, `mutation($id: ID!, $n: String!, $b: String!) { updateUser(id: $id, input: {name: $n, bio: $b}) { id } }`,
			map[string]any{"id": w.pick(w.authors), "n": fmt.Sprintf("Author %d", w.n), "b": w.words(6)})
	case 22:
		if w.rnd.IntN(2) == 0 || len(w.staff) == 0 {
			data := w.write(f.writer, `mutation($e: String!) { createUser(input: {name: "Staff", email: $e, role: STAFF, password: "a long enough password 1"}) { id } }`,
				map[string]any{"e": fmt.Sprintf("staff%d-%p@example.com", w.n, w)})
			w.add(&w.staff, w.id(data, "createUser", "id"))
		} else {
			w.write(f.writer, `mutation($id: ID!) { deactivateUser(id: $id) { id } }`, map[string]any{"id": w.pick(w.staff)})
		}
	default:
		// Time passes, across the scheduled publications: now and then in
		// the middle of the next uncached answer.
		next := w.clock.Now().Add(time.Duration(w.rnd.IntN(3)) * time.Second)
		if at, ok := w.nextScheduled(); ok && w.rnd.IntN(3) != 0 {
			next = at // exactly a publication's second
		}
		if w.rnd.IntN(2) == 0 {
			flip.do = func() { w.clock.Set(next) }
			flip.armed.Store(true)
			w.boundary = true
		} else {
			w.clock.Set(next)
		}
		if w.rnd.IntN(3) == 0 {
			w.write(f.reader, apitest.SubmitEnquiry, apitest.Enquiry(map[string]any{"message": w.words(8)}))
		}
	}
}

// The blog's lists, which every publication changes.
const (
	diffBlog = `query($f: ArticleFilter, $n: Int) { articles(filter: $f, first: $n) { totalCount edges { cursor node { id slug title summary publishedAt
		author { id name bio } tags { slug name articleCount } commentCount } } pageInfo { hasNextPage endCursor } } }`
	diffTags = `{ tags { id slug name articleCount articles(first: 3) { totalCount edges { node { title author { name } } } } } }`
)

// nextScheduled returns the first publication time set ahead of the clock.
func (w *world) nextScheduled() (time.Time, bool) {
	now, first, ok := w.clock.Now(), time.Time{}, false
	for _, at := range w.scheduled {
		if at.After(now) && (!ok || at.Before(first)) {
			first, ok = at, true
		}
	}
	return first, ok
}

// read returns a read from the pool of recent ones, or a new random one, which
// joins the pool.
func (w *world) read() (string, map[string]any) {
	if w.again != nil {
		r := *w.again
		w.again = nil
		return r.query, r.vars
	}
	if w.boundary {
		w.boundary = false
		// The whole blog: whatever is published at the boundary shows in it.
		query, vars := diffBlog, map[string]any{"f": map[string]any{}, "n": 10}
		if w.rnd.IntN(2) == 0 {
			query, vars = diffTags, nil
		}
		w.again = &diffRead{query, vars}
		return query, vars
	}
	if len(w.pool) > 0 && w.rnd.IntN(5) < 3 {
		r := w.pool[w.rnd.IntN(len(w.pool))]
		return r.query, r.vars
	}
	query, vars := w.randomRead()
	r := diffRead{query, vars}
	if len(w.pool) < 30 {
		w.pool = append(w.pool, r)
	} else {
		w.pool[w.rnd.IntN(len(w.pool))] = r
	}
	return query, vars
}

// randomRead returns a random anonymous read of one of the public query shapes.
func (w *world) randomRead() (string, map[string]any) {
	switch w.rnd.IntN(13) {
	case 0:
		filter := map[string]any{}
		switch w.rnd.IntN(5) {
		case 0:
			filter["category"] = w.pick(diffCategories)
		case 1:
			filter["weekday"] = w.pick(diffWeekdays)
		case 2:
			filter["minFee"], filter["maxFee"] = "2000", "8000"
		case 3:
			filter["search"] = w.pick(diffWords)
		}
		order := map[string]any{"field": w.pick([]string{"TITLE", "FEE", "CREATED"}), "direction": w.pick([]string{"ASC", "DESC"})}
		return `query($f: CourseFilter, $o: CourseOrder, $n: Int) { courses(filter: $f, orderBy: $o, first: $n) { totalCount
			edges { cursor node { id slug title summary category topics durationMonths weekdays fee { amount formatted } active
			schedules { id capacity seatsLeft status batch { name startTime } } } } pageInfo { hasNextPage endCursor } } }`,
			map[string]any{"f": filter, "o": order, "n": 1 + w.rnd.IntN(10)}
	case 1:
		return `query($s: String) { course(slug: $s) { id title fee { formatted } schedules { id weekdays seatsTaken status course { title } batch { id name } } } }`,
			map[string]any{"s": w.pick(w.slugs)}
	case 2:
		return `query($p: Period) { batches(period: $p) { id name ordinal startTime endTime period durationMinutes schedules { id seatsLeft course { title active } } } }`,
			map[string]any{"p": w.pick([]string{"MORNING", "EVENING"})}
	case 3:
		filter := map[string]any{}
		switch w.rnd.IntN(3) {
		case 0:
			filter["courseId"] = w.pick(w.courses)
		case 1:
			filter["hasSeatsLeft"] = true
		}
		return `query($f: ScheduleFilter) { schedules(filter: $f, first: 20) { totalCount edges { node { id capacity seatsLeft status course { title } batch { name } } } } }`,
			map[string]any{"f": filter}
	case 4, 5:
		filter := map[string]any{}
		if w.rnd.IntN(2) == 0 {
			filter["tag"] = strings.ToLower(w.pick(diffWords))
		}
		if w.rnd.IntN(4) == 0 {
			filter["authorId"] = w.pick(w.authors)
		}
		return diffBlog, map[string]any{"f": filter, "n": 1 + w.rnd.IntN(10)}
	case 6, 7:
		return `query($s: String) { article(slug: $s) { id title html status publishedAt readingTimeMinutes tableOfContents { text anchor }
			author { name bio } tags { slug name } commentCount comments(first: 5) { totalCount edges { node { id authorName body } } }
			related(first: 3) { id title tags { slug } } } }`, map[string]any{"s": w.pick(w.aslugs)}
	case 8:
		return diffTags, nil
	case 9:
		return `query($s: String!) { tag(slug: $s) { name articleCount articles(first: 5) { totalCount edges { node { title publishedAt } } } } }`,
			map[string]any{"s": strings.ToLower(w.pick(append(w.tags, diffWords...)))}
	case 10:
		return `query($q: String!) { search(query: $q, first: 10) { __typename ... on Article { id title } ... on Course { id title active } } }`,
			map[string]any{"q": w.pick(diffWords)}
	case 11:
		all := [][]string{w.courses, w.batches, w.schedule, w.articles, w.comments, w.authors, w.gone}
		return `query($id: ID!) { node(id: $id) { __typename id ... on Course { title } ... on Batch { name } ... on Schedule { seatsLeft }
			... on Article { title status } ... on Comment { body } ... on User { name } ... on Tag { name } } }`,
			map[string]any{"id": w.pick(all[w.rnd.IntN(len(all))])}
	default:
		return `{ centre { name address phone links { label url } } }`, nil
	}
}

func differential(t *testing.T, f *fleet, s *store.Store, seed uint64) {
	w := &world{t: t, rnd: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), f: f, clock: &apitest.Clock{}}
	f.useClock(w.clock)
	w.clock.Set(time.Now().UTC().Truncate(time.Second))
	for i := range 2 {
		u := f.writer.AddUser(fmt.Sprintf("editor%d-%p@example.com", i, w), models.RoleEditor)
		w.editors = append(w.editors, f.writer.SignIn(u.Email, apitest.Password))
		w.authors = append(w.authors, u.GlobalID())
	}
	flip := &onFirstStatement{}
	s.Observe(flip)
	// A catalogue and a blog to start from, so that the first reads list
	// something.
	for _, kind := range []int{actCreateCourse, actCreateCourse, actCreateCourse, actCreateBatch, actCreateBatch, actCreateBatch,
		actCreateSchedule, actCreateSchedule, actCreateSchedule, actCreateSchedule} {
		w.act(kind, flip)
	}
	for range 8 {
		w.act(actCreateArticle, flip)
		w.act(actPublish, flip)
		w.act(actPostComment, flip)
		w.act(actModerate, flip)
	}
	var reads, hits, diffs int
	deadline := time.Now().Add(*diffDuration)
	for step := 0; ; step++ {
		if *diffDuration > 0 && time.Now().After(deadline) || *diffDuration == 0 && step >= *diffSteps {
			break
		}
		w.step(flip)
		for range *diffReads {
			query, vars := w.read()
			// The truth first: a clock moved in the middle of the cached
			// answer must not move under the truth's.
			armed := flip.armed.Swap(false)
			_, truth := f.truth.Post(query, vars)
			flip.armed.Store(armed)
			_, rec := f.reader.Post(query, vars)
			if flip.armed.Swap(false) { // a hit runs no statement
				flip.do()
			}
			reads++
			if rec.Header().Get("X-Cache") == "HIT" {
				hits++
			}
			if got, want := rec.Body.String(), truth.Body.String(); got != want {
				diffs++
				if diffs <= 5 {
					t.Errorf("seed %d, step %d: a cached answer differs from the uncached one\nquery %s %v\ngot  %s\nwant %s", seed, step, query, vars, got, want)
				}
			}
		}
	}
	t.Logf("seed %d: %d writes (%d refused), %d reads, %d answered from the cache (%.0f %%), %d differences",
		seed, w.writes, w.refused, reads, hits, 100*float64(hits)/float64(max(reads, 1)), diffs)

	// The control: a course renamed outside the API, which no write told the
	// cache of, must show as a difference, or the comparison is blind.
	w.clock.Set(w.clock.Now().Add(time.Second))
	course := storetest.CreateCourse(t, s, func(c *models.Course) { c.Title = "Control" })
	query := `query($id: ID!) { node(id: $id) { ... on Course { title } } }`
	vars := map[string]any{"id": course.GlobalID()}
	f.reader.OK(query, vars) // kept in the cache
	db, err := s.SQL()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(context.Background(), "UPDATE courses SET title = ? WHERE id = ?", "Changed outside", course.ID); err != nil {
		t.Fatal(err)
	}
	if got, want := string(f.reader.OK(query, vars)), string(f.truth.OK(query, vars)); got == want {
		t.Errorf("the control was not caught: a row changed outside the API reads the same through the cache (%s): the test is blind", got)
	}
}
