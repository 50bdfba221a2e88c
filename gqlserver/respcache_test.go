package gqlserver_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"coursegraph/apitest"
	"coursegraph/gqlserver"
	"coursegraph/gqlserver/respcache"
	"coursegraph/models"
	"coursegraph/redisconn"
	"coursegraph/redisconn/redistest"
	"coursegraph/service"
	"coursegraph/store"
	"coursegraph/store/storetest"
)

// fleet is one or two instances of the server over one database, each with its
// apitest.Response cache (in process, or shared in Redis), and an uncached endpoint that
// gives the database's truth.
type fleet struct {
	t *testing.T
	// writer signs in on the first instance; reader is the last instance,
	// anonymous.
	writer, reader, truth *apitest.API
	services              []*service.Service
	// clock is the time of every instance and the truth (see now).
	clock atomic.Pointer[func() time.Time]
}

// redisForTest returns a client of REDIS_TEST_URL and a key prefix of the test's
// own, whose keys are deleted when t ends (default redis://127.0.0.1:6379/15);
// it skips when no Redis answers, unless CI is set.
func redisForTest(t *testing.T) (*redisconn.Client, string) {
	t.Helper()
	rdb, prefix := redistest.Open(t)
	if rdb == nil {
		t.Skip("no Redis")
	}
	return rdb, prefix
}

// newFleet starts instances over s: one with an in-process cache, or (shared)
// two that share rdb under prefix.
func newFleet(t *testing.T, s *store.Store, rdb *redisconn.Client, prefix string, opts ...func(*respcache.Options)) *fleet {
	t.Helper()
	n := 1
	if rdb != nil {
		n = 2
	}
	f := &fleet{t: t}
	clock := func(o *service.Options) { o.Clock = f.now }
	f.truth = apitest.NewWith(t, apitest.NewService(t, s, clock))
	var apis []*apitest.API
	for range n {
		// The cache and the service need each other, as in server.go.
		var svc *service.Service
		o := respcache.Options{
			Redis: rdb, Prefix: prefix,
			Now:             func() time.Time { return svc.Now() },
			NextPublication: func(ctx context.Context) (time.Time, bool, error) { return svc.NextPublication(ctx) },
		}
		for _, opt := range opts {
			opt(&o)
		}
		cache, err := respcache.New(o)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(cache.Close)
		svc = apitest.NewService(t, s, clock, func(so *service.Options) { so.Invalidator = cache })
		apis = append(apis, apitest.NewWithOptions(t, svc, gqlserver.HandlerOptions{Introspection: true, Cache: cache}))
		f.services = append(f.services, svc)
	}
	admin := apis[0].AddUser(fmt.Sprintf("admin-%p@example.com", f), models.RoleAdmin)
	f.writer, f.reader = apis[0].SignIn(admin.Email, apitest.Password), apis[len(apis)-1]
	return f
}

// setClock sets the clock of every instance and of the truth.
func (f *fleet) setClock(now time.Time) { f.setClockFunc(func() time.Time { return now }) }

// setClockFunc makes clock the clock of every instance and of the truth.
func (f *fleet) setClockFunc(clock func() time.Time) { f.clock.Store(&clock) }

// now is the fleet's time: the clock set last, or the real one.
func (f *fleet) now() time.Time {
	if c := f.clock.Load(); c != nil {
		return (*c)()
	}
	return store.Now()
}

// write runs a mutation on the writer, which must succeed, and returns its data.
func (f *fleet) write(query string, vars map[string]any) json.RawMessage {
	f.t.Helper()
	return f.writer.OK(query, vars)
}

// cacheFixture is a catalogue and a blog whose parents differ: two courses in
// two batches, two articles by two authors with approved and pending comments.
type cacheFixture struct {
	course, otherCourse, batch, otherBatch, schedule string
	article, otherArticle                            string
	articleSlug, otherSlug                           string
	pendingComment, approvedComment, author          string
	authorID                                         uint
}

func newCacheFixture(t *testing.T, f *fleet, s *store.Store) cacheFixture {
	t.Helper()
	var fx cacheFixture
	b1 := storetest.CreateBatch(t, s, func(b *models.Batch) { b.Ordinal, b.Name, b.StartTime, b.EndTime = 1, "Early", 8*60, 9*60+30 })
	b2 := storetest.CreateBatch(t, s, func(b *models.Batch) {
		b.Ordinal, b.Name, b.StartTime, b.EndTime, b.Period = 2, "Late", 18*60, 19*60+30, models.Evening
	})
	c1, c2 := storetest.CreateCourse(t, s), storetest.CreateCourse(t, s)
	sc := storetest.CreateSchedule(t, s, c1, b1)
	storetest.CreateSchedule(t, s, c2, b2)
	fx.course, fx.otherCourse = models.GlobalID(models.KindCourse, c1.ID), models.GlobalID(models.KindCourse, c2.ID)
	fx.batch, fx.otherBatch = models.GlobalID(models.KindBatch, b1.ID), models.GlobalID(models.KindBatch, b2.ID)
	fx.schedule = models.GlobalID(models.KindSchedule, sc.ID)
	for i, email := range []string{"first-author@example.com", "second-author@example.com"} {
		u := f.writer.AddUser(email, models.RoleEditor)
		ed := f.writer.SignIn(email, apitest.Password)
		data := ed.OK(`mutation($in: CreateArticleInput!) { createArticle(input: $in) { id slug } }`, map[string]any{"in": map[string]any{
			"title": fmt.Sprintf("Article %d", i), "body": "Words.", "tags": []string{fmt.Sprintf("tag-%d", i), "shared"},
		}})

		id := apitest.IDOf(t, data, "createArticle", "id")
		ed.OK(`mutation($id: ID!) { publishArticle(id: $id) { id } }`, map[string]any{"id": id})
		var comments []string
		for c := range 2 {
			data := f.reader.OK(`mutation($in: PostCommentInput!) { postComment(input: $in) { id } }`, map[string]any{"in": map[string]any{
				"articleId": id, "authorName": fmt.Sprintf("Reader %d", c), "authorEmail": "reader@example.com", "body": fmt.Sprintf("Comment %d", c),
			}})

			comments = append(comments, apitest.IDOf(t, data, "postComment", "id"))
		}
		ed.OK(`mutation($id: ID!) { moderateComment(id: $id, status: APPROVED) { id } }`, map[string]any{"id": comments[0]})
		if i == 0 {
			fx.article, fx.articleSlug, fx.pendingComment, fx.approvedComment = id, apitest.IDOf(t, data, "createArticle", "slug"), comments[1], comments[0]
			fx.author, fx.authorID = models.GlobalID(models.KindUser, u.ID), u.ID
		} else {
			fx.otherArticle, fx.otherSlug = id, apitest.IDOf(t, data, "createArticle", "slug")
		}
	}
	return fx
}

// The anonymous reads the invalidation tests watch.
const (
	cachedCatalogue = `{ courses(first: 50) { edges { node { id title active schedules { id seatsLeft batch { name } } } } } }`
	cachedBatches   = `{ batches { id name startTime } }`
	cachedCourse    = `query($id: ID!) { course(id: $id) { title fee { amount } schedules { id capacity seatsLeft batch { name } } } }`
	cachedBlog      = `{ articles(first: 20) { edges { node { id title author { name } tags { slug } commentCount } } } tags { slug articleCount articles(first: 3) { totalCount edges { node { title author { name } } } } } }`
	cachedArticle   = `query($slug: String!) { article(slug: $slug) { id title author { name bio } tags { slug } commentCount comments(first: 10) { edges { node { body } } } } }`
	cachedSchedules = `{ schedules(first: 50) { edges { node { id capacity seatsLeft course { title } batch { name } } } } }`
)

// TestNoWriteLeavesAStaleCachedAnswer warms the cache with anonymous reads, makes
// every kind of write (each mutation that changes public data, and comment
// moderation) on the first instance, and reads again on the last: each answer
// must be the database's truth, and must have changed where the write shows. On
// SQLite and MySQL, in process and on two instances sharing Redis.
func TestNoWriteLeavesAStaleCachedAnswer(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) { noStaleAnswers(t, newFleet(t, s, nil, ""), s) })
}

// TestNoWriteLeavesAStaleCachedAnswerOnTwoInstancesSharingRedis is the same with
// the writes on one instance and the reads on another.
func TestNoWriteLeavesAStaleCachedAnswerOnTwoInstancesSharingRedis(t *testing.T) {
	rdb, prefix := redisForTest(t)
	storetest.Run(t, func(t *testing.T, s *store.Store) { noStaleAnswers(t, newFleet(t, s, rdb, prefix+t.Name()), s) })
}

func noStaleAnswers(t *testing.T, f *fleet, s *store.Store) {
	fx := newCacheFixture(t, f, s)
	course := map[string]any{"id": fx.course}
	article := map[string]any{"slug": fx.articleSlug}
	type read struct {
		query string
		vars  map[string]any
		// changes says the write shows in this answer.
		changes bool
	}
	var newBatch, newSchedule, draft string
	cases := []struct {
		name  string
		write func()
		reads []read
	}{
		{"createCourse adds to the catalogue", func() {
			f.write(`mutation { createCourse(input: {title: "Brand new", category: "New", durationMonths: 1, sessionsPerWeek: 1, weekdays: [MONDAY], fee: "10.00", topics: ["New"]}) { id } }`, nil)
		}, []read{{cachedCatalogue, nil, true}, {cachedCourse, course, false}, {cachedArticle, article, false}}},
		{"updateCourse renames the course", func() {
			f.write(`mutation($id: ID!) { updateCourse(id: $id, input: {title: "Renamed"}) { id } }`, course)
		}, []read{{cachedCatalogue, nil, true}, {cachedCourse, course, true}, {cachedSchedules, nil, true}}},
		{"archiveCourse takes it off the catalogue", func() {
			f.write(`mutation($id: ID!) { archiveCourse(id: $id) { id } }`, map[string]any{"id": fx.otherCourse})
		}, []read{{cachedCatalogue, nil, true}, {cachedCourse, course, false}}},
		{"createBatch adds a batch", func() {
			data := f.write(`mutation { createBatch(input: {name: "Noon", ordinal: 3, startTime: "12:00", endTime: "13:30", period: MORNING}) { id } }`, nil)
			newBatch = apitest.IDOf(t, data, "createBatch", "id")
		}, []read{{cachedBatches, nil, true}, {cachedCatalogue, nil, false}}},
		{"updateBatch renames a batch", func() {
			f.write(`mutation($id: ID!) { updateBatch(id: $id, input: {name: "Dawn"}) { id } }`, map[string]any{"id": fx.batch})
		}, []read{{cachedBatches, nil, true}, {cachedCourse, course, true}, {cachedCatalogue, nil, true}}},
		{"createSchedule adds a schedule to the course", func() {
			data := f.write(`mutation($c: ID!, $b: ID!) { createSchedule(input: {courseId: $c, batchId: $b, capacity: 12}) { id } }`, map[string]any{"c": fx.course, "b": newBatch})
			newSchedule = apitest.IDOf(t, data, "createSchedule", "id")
		}, []read{{cachedCourse, course, true}, {cachedSchedules, nil, true}, {cachedBatches, nil, false}}},
		{"updateSchedule takes seats", func() {
			f.write(`mutation($id: ID!) { updateSchedule(id: $id, input: {seatsTaken: 5}) { id } }`, map[string]any{"id": fx.schedule})
		}, []read{{cachedCourse, course, true}, {cachedCatalogue, nil, true}, {cachedSchedules, nil, true}}},
		{"deleteSchedule removes it", func() {
			f.write(`mutation($id: ID!) { deleteSchedule(id: $id) }`, map[string]any{"id": newSchedule})
		}, []read{{cachedCourse, course, true}, {cachedSchedules, nil, true}}},
		{"deleteBatch removes a batch", func() {
			f.write(`mutation($id: ID!) { deleteBatch(id: $id) }`, map[string]any{"id": newBatch})
		}, []read{{cachedBatches, nil, true}}},
		{"createArticle makes a draft, which shows nowhere", func() {
			data := f.write(`mutation { createArticle(input: {title: "Draft", body: "Soon.", tags: ["fresh"]}) { id } }`, nil)
			draft = apitest.IDOf(t, data, "createArticle", "id")
		}, []read{{cachedBlog, nil, false}, {cachedArticle, article, false}}},
		{"publishArticle puts the draft on the blog", func() {
			f.write(`mutation($id: ID!) { publishArticle(id: $id) { id } }`, map[string]any{"id": draft})
		}, []read{{cachedBlog, nil, true}, {cachedArticle, article, false}, {cachedCatalogue, nil, false}}},
		{"updateArticle retitles an article", func() {
			f.write(`mutation($id: ID!) { updateArticle(id: $id, input: {title: "Retitled", tags: ["other"]}) { id } }`, map[string]any{"id": fx.article})
		}, []read{{cachedArticle, article, true}, {cachedBlog, nil, true}}},
		{"postComment holds the comment, which shows nowhere", func() {
			f.reader.OK(`mutation($id: ID!) { postComment(input: {articleId: $id, authorName: "Late", authorEmail: "late@example.com", body: "Hello"}) { id } }`, map[string]any{"id": fx.article})
		}, []read{{cachedArticle, article, false}, {cachedBlog, nil, false}}},
		{"moderateComment approves a comment", func() {
			f.write(`mutation($id: ID!) { moderateComment(id: $id, status: APPROVED) { id } }`, map[string]any{"id": fx.pendingComment})
		}, []read{{cachedArticle, article, true}, {cachedBlog, nil, true}, {cachedCatalogue, nil, false}}},
		{"moderateComment hides it again", func() {
			f.write(`mutation($id: ID!) { moderateComment(id: $id, status: SPAM) { id } }`, map[string]any{"id": fx.pendingComment})
		}, []read{{cachedArticle, article, true}, {cachedBlog, nil, true}}},
		{"deleteComment deletes an approved comment", func() {
			f.write(`mutation($id: ID!) { deleteComment(id: $id) }`, map[string]any{"id": fx.approvedComment})
		}, []read{{cachedArticle, article, true}, {cachedBlog, nil, true}, {cachedCatalogue, nil, false}}},
		{"renameTag renames a tag of the article", func() {
			tag := apitest.IDOf(t, f.truth.OK(`{ tag(slug: "other") { id } }`, nil), "tag", "id")
			f.write(`mutation($id: ID!) { renameTag(id: $id, name: "Another") { id } }`, map[string]any{"id": tag})
		}, []read{{cachedArticle, article, true}, {cachedBlog, nil, true}, {cachedCatalogue, nil, false}}},
		{"updateUser renames an author", func() {
			f.write(`mutation($id: ID!) { updateUser(id: $id, input: {name: "Pen Name", bio: "Writes."}) { id } }`, map[string]any{"id": fx.author})
		}, []read{{cachedArticle, article, true}, {cachedBlog, nil, true}, {cachedCatalogue, nil, false}}},
		{"createUser adds staff, who show nowhere", func() {
			f.write(`mutation { createUser(input: {name: "New", email: "new-staff@example.com", role: STAFF, password: "a long enough password 1"}) { id } }`, nil)
		}, []read{{cachedBlog, nil, false}}},
		{"deactivateUser turns an author off", func() {
			f.write(`mutation($id: ID!) { deactivateUser(id: $id) { id } }`, map[string]any{"id": fx.author})
		}, []read{{cachedArticle, article, false}, {cachedBlog, nil, false}}},
		{"unpublishArticle takes an article off the blog", func() {
			f.write(`mutation($id: ID!) { unpublishArticle(id: $id) { id } }`, map[string]any{"id": fx.article})
		}, []read{{cachedArticle, article, true}, {cachedBlog, nil, true}}},
		{"deleteArticle deletes another", func() {
			f.write(`mutation($id: ID!) { deleteArticle(id: $id) }`, map[string]any{"id": fx.otherArticle})
		}, []read{{cachedBlog, nil, true}, {cachedArticle, map[string]any{"slug": fx.otherSlug}, true}}},
	}
	counter := storetest.CountStatements(s)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			defer func() {
				if t.Failed() {
					t.Log(f.reader.Log.String())
				}
			}()
			before := make([]string, len(c.reads))
			for i, r := range c.reads {
				before[i] = string(f.reader.OK(r.query, r.vars))
				counter.Reset()
				if again := string(f.reader.OK(r.query, r.vars)); again != before[i] || counter.Count() != 0 {
					t.Fatalf("read %d was not answered from the cache (%d statements)", i, counter.Count())
				}
			}
			c.write()
			for i, r := range c.reads {
				got, want := string(f.reader.OK(r.query, r.vars)), string(f.truth.OK(r.query, r.vars))
				if got != want {
					t.Errorf("read %d is stale after the write:\ngot  %s\nwant %s", i, got, want)
				}
				if changed := got != before[i]; changed != r.changes {
					t.Errorf("read %d changed: %v; want %v (the fixture does not test what it says)\nbefore %s\nafter  %s", i, changed, r.changes, before[i], got)
				}
			}
		})
	}
}

// TestAWriteDropsOnlyTheAnswersThatReadWhatItChanged: renaming one course drops
// the answers that show it or list courses, and keeps the blog and the other
// course's page, which are then answered with no statement.
func TestAWriteDropsOnlyTheAnswersThatReadWhatItChanged(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		f := newFleet(t, s, nil, "")
		fx := newCacheFixture(t, f, s)
		kept := []struct {
			query string
			vars  map[string]any
		}{
			{cachedBlog, nil},
			{cachedArticle, map[string]any{"slug": fx.articleSlug}},
			{cachedCourse, map[string]any{"id": fx.otherCourse}},
			{cachedBatches, nil},
		}
		for _, k := range kept {
			f.reader.OK(k.query, k.vars)
		}
		f.reader.OK(cachedCourse, map[string]any{"id": fx.course})
		f.write(`mutation($id: ID!) { updateCourse(id: $id, input: {summary: "New summary"}) { id } }`, map[string]any{"id": fx.course})
		counter := storetest.CountStatements(s)
		for i, k := range kept {
			counter.Reset()
			f.reader.OK(k.query, k.vars)
			if n := counter.Count(); n != 0 {
				t.Errorf("answer %d was dropped: %d statements", i, n)
			}
		}
		counter.Reset()
		f.reader.OK(cachedCourse, map[string]any{"id": fx.course})
		if counter.Count() == 0 {
			t.Error("the changed course's answer was kept")
		}
	})
}

// TestTheSecondIdenticalAnonymousRequestRunsNoStatement sends Q1-Q3 twice: the
// second time is answered from the cache, with the same body and no SQL.
func TestTheSecondIdenticalAnonymousRequestRunsNoStatement(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		f := newFleet(t, s, nil, "")
		fx := newCacheFixture(t, f, s)
		counter := storetest.CountStatements(s)
		for _, q := range []string{apitest.ReadQ1, apitest.ReadQ2, apitest.ReadQ3} {
			vars := map[string]any{"slug": fx.otherSlug}
			counter.Reset()
			first := f.reader.OK(q, vars)
			if counter.Count() == 0 {
				t.Fatal("the first request ran no statement")
			}
			counter.Reset()
			if second := f.reader.OK(q, vars); !bytes.Equal(first, second) {
				t.Errorf("second answer differs:\n%s\n%s", first, second)
			}
			if n := counter.Count(); n != 0 {
				t.Errorf("the second request ran %d statements; want 0", n)
			}
		}
	})
}

// TestScheduledPublicationEndsTheAnswersThatListArticles: an article published
// for later does not show, and from its time the cached blog shows it, with no
// write and no job in between; the answers that read no list keep.
func TestScheduledPublicationEndsTheAnswersThatListArticles(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) { scheduledPublication(t, newFleet(t, s, nil, ""), s) })
}

// TestScheduledPublicationEndsTheAnswersOnTwoInstancesSharingRedis is the same on
// Redis, where the publishing instance is not the reading one.
func TestScheduledPublicationEndsTheAnswersOnTwoInstancesSharingRedis(t *testing.T) {
	rdb, prefix := redisForTest(t)
	storetest.Run(t, func(t *testing.T, s *store.Store) { scheduledPublication(t, newFleet(t, s, rdb, prefix+t.Name()), s) })
}

func scheduledPublication(t *testing.T, f *fleet, s *store.Store) {
	fx := newCacheFixture(t, f, s)
	now := time.Now().UTC().Truncate(time.Second)
	f.setClock(now)
	data := f.write(`mutation { createArticle(input: {title: "Tomorrow", body: "Soon.", tags: ["later"]}) { id slug } }`, nil)
	id, slug := apitest.IDOf(t, data, "createArticle", "id"), apitest.IDOf(t, data, "createArticle", "slug")
	f.write(`mutation($id: ID!, $at: Time!) { publishArticle(id: $id, at: $at) { id } }`, map[string]any{"id": id, "at": now.Add(5 * time.Minute).Format(time.RFC3339)})
	reads := []struct {
		query string
		vars  map[string]any
	}{{cachedBlog, nil}, {cachedArticle, map[string]any{"slug": slug}}, {cachedArticle, map[string]any{"slug": fx.articleSlug}}}
	before := make([]string, len(reads))
	for i, r := range reads {
		before[i] = string(f.reader.OK(r.query, r.vars))
	}
	if strings.Contains(before[0], "Tomorrow") || before[1] != `{"article":null}` {
		t.Fatalf("the scheduled article shows early: %s %s", before[0], before[1])
	}
	counter := storetest.CountStatements(s)
	f.setClock(now.Add(5*time.Minute - time.Second))
	for i, r := range reads {
		if got := string(f.reader.OK(r.query, r.vars)); got != before[i] {
			t.Errorf("read %d changed before the publication time", i)
		}
	}
	if n := counter.Count(); n != 0 {
		t.Errorf("%d statements before the publication time; want every answer from the cache", n)
	}
	f.setClock(now.Add(5 * time.Minute))
	for i, r := range reads {
		got, want := string(f.reader.OK(r.query, r.vars)), string(f.truth.OK(r.query, r.vars))
		if got != want {
			t.Errorf("read %d is stale at the publication time:\ngot  %s\nwant %s", i, got, want)
		}
	}
	if got := string(f.reader.OK(cachedBlog, nil)); !strings.Contains(got, "Tomorrow") {
		t.Errorf("the blog does not show the article at its time: %s", got)
	}
}

// get sends a GET query to a's handler with headers.
func getQuery(a *apitest.API, query string, vars map[string]any, headers map[string]string) *httptest.ResponseRecorder {
	a.T.Helper()
	u := "/graphql?query=" + url.QueryEscape(query)
	if vars != nil {
		v, _ := json.Marshal(vars)
		u += "&variables=" + url.QueryEscape(string(v))
	}
	req := httptest.NewRequest(http.MethodGet, u, nil)
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	a.Handler.ServeHTTP(rec, req)
	return rec
}

// TestGetAnswersCarryCachingHeaders: a public answer over GET has a strong ETag,
// a public Cache-Control with the configured ages and a Surrogate-Key of its
// tags; If-None-Match gets 304 with no body; a signed-in request is private,
// no-store; an answer with errors is no-store; the ETag changes with the data.
func TestGetAnswersCarryCachingHeaders(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		f := newFleet(t, s, nil, "", func(o *respcache.Options) { o.MaxAge, o.StaleWhileRevalidate = 7*time.Second, 90*time.Second })
		fx := newCacheFixture(t, f, s)
		vars := map[string]any{"id": fx.course}
		rec := getQuery(f.reader, cachedCourse, vars, nil)
		etag := rec.Header().Get("ETag")
		if rec.Code != http.StatusOK || !strings.HasPrefix(etag, `"`) || strings.HasPrefix(etag, "W/") {
			t.Fatalf("GET: %d, ETag %q", rec.Code, etag)
		}
		if cc := rec.Header().Get("Cache-Control"); cc != "public, max-age=7, stale-while-revalidate=90" {
			t.Errorf("Cache-Control = %q", cc)
		}
		keys := strings.Fields(rec.Header().Get("Surrogate-Key"))
		_, courseID, _ := models.ParseGlobalID(fx.course, "id")
		for _, want := range []string{fmt.Sprintf("course:%d", courseID), fmt.Sprintf("course-schedules:%d", courseID), "batches"} {
			if !strings.Contains(" "+strings.Join(keys, " ")+" ", " "+want+" ") {
				t.Errorf("Surrogate-Key %q lacks %q", keys, want)
			}
		}
		if x := rec.Header().Get("X-Cache"); x != "MISS" {
			t.Errorf("first GET: X-Cache %q; want MISS", x)
		}
		if x := getQuery(f.reader, cachedCourse, vars, nil).Header().Get("X-Cache"); x != "HIT" {
			t.Errorf("second GET: X-Cache %q; want HIT", x)
		}
		again := getQuery(f.reader, cachedCourse, vars, map[string]string{"If-None-Match": etag})
		if again.Code != http.StatusNotModified || again.Body.Len() != 0 {
			t.Errorf("If-None-Match: %d with %d bytes; want 304 and no body", again.Code, again.Body.Len())
		}
		if other := getQuery(f.reader, cachedCourse, vars, map[string]string{"If-None-Match": `"other"`}); other.Code != http.StatusOK || other.Body.Len() == 0 {
			t.Errorf("another ETag: %d; want 200 with the answer", other.Code)
		}
		signed := getQuery(f.writer, cachedCourse, vars, map[string]string{"Authorization": "Bearer " + f.writer.Token})
		if cc := signed.Header().Get("Cache-Control"); cc != "private, no-store" || signed.Header().Get("ETag") != "" {
			t.Errorf("signed in: Cache-Control %q, ETag %q; want private, no-store and none", cc, signed.Header().Get("ETag"))
		}
		bad := getQuery(f.reader, `query($id: ID!) { course(id: $id) { title } enquiries { totalCount } }`, vars, nil)
		if cc := bad.Header().Get("Cache-Control"); cc != "no-store" {
			t.Errorf("an answer with errors: Cache-Control %q; want no-store", cc)
		}
		f.write(`mutation($id: ID!) { updateCourse(id: $id, input: {title: "Changed"}) { id } }`, vars)
		if changed := getQuery(f.reader, cachedCourse, vars, map[string]string{"If-None-Match": etag}); changed.Code != http.StatusOK || changed.Header().Get("ETag") == etag {
			t.Errorf("after a write: %d with ETag %q; want 200 and a new ETag", changed.Code, changed.Header().Get("ETag"))
		}
	})
}

// TestAWriteCallsThePurgeWebhookWithItsTags: the purge URL receives the tags a
// write changed.
func TestAWriteCallsThePurgeWebhookWithItsTags(t *testing.T) {
	got := make(chan []string, 10)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body struct{ Tags []string }
		b, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(b, &body); err != nil || r.Method != http.MethodPost {
			t.Errorf("webhook: %s %s", r.Method, b)
		}
		got <- body.Tags
	}))
	defer hook.Close()
	s := storetest.OpenSQLite(t)
	f := newFleet(t, s, nil, "", func(o *respcache.Options) { o.PurgeURL = hook.URL })
	c := storetest.CreateCourse(t, s)
	f.write(`mutation($id: ID!) { updateCourse(id: $id, input: {title: "Purged"}) { id } }`, map[string]any{"id": models.GlobalID(models.KindCourse, c.ID)})
	want := fmt.Sprintf("course:%d", c.ID)
	deadline := time.After(5 * time.Second)
	for {
		select {
		case tags := <-got:
			if strings.Contains(" "+strings.Join(tags, " ")+" ", " "+want+" ") {
				return
			}
		case <-deadline:
			t.Fatalf("the webhook was not called with %s", want)
		}
	}
}

// TestAPersistedQueryHashOverGetIsAnsweredFromTheCache: a GET that sends only
// the persisted-query hash of a document already answered gets the cached answer
// with the public headers, as short URLs for CDNs need.
func TestAPersistedQueryHashOverGetIsAnsweredFromTheCache(t *testing.T) {
	s := storetest.OpenSQLite(t)
	f := newFleet(t, s, nil, "")
	storetest.CreateCourse(t, s)
	sum := sha256.Sum256([]byte(cachedCatalogue))
	hash := hex.EncodeToString(sum[:])
	ext := `{"persistedQuery":{"version":1,"sha256Hash":"` + hash + `"}}`
	body := `{"query":` + strconv.Quote(cachedCatalogue) + `,"extensions":` + ext + `}`
	req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	first := httptest.NewRecorder()
	f.reader.Handler.ServeHTTP(first, req)
	if first.Code != http.StatusOK || first.Header().Get("X-Cache") != "MISS" {
		t.Fatalf("registering POST: %d, X-Cache %q: %s", first.Code, first.Header().Get("X-Cache"), first.Body.String())
	}
	get := httptest.NewRecorder()
	f.reader.Handler.ServeHTTP(get, httptest.NewRequest(http.MethodGet, "/graphql?extensions="+url.QueryEscape(ext), nil))
	if get.Header().Get("X-Cache") != "HIT" || get.Body.String() != first.Body.String() {
		t.Errorf("GET by hash: X-Cache %q, body %s; want the cached answer", get.Header().Get("X-Cache"), get.Body.String())
	}
	if cc := get.Header().Get("Cache-Control"); !strings.HasPrefix(cc, "public, max-age=") {
		t.Errorf("GET by hash: Cache-Control %q", cc)
	}
}

// TestMutationsAreNeitherKeptNorCountedAsMisses: an anonymous mutation passes
// through: no X-Cache, no ETag, and the hooks count it as a bypass.
func TestMutationsAreNeitherKeptNorCountedAsMisses(t *testing.T) {
	s := storetest.OpenSQLite(t)
	var hits, misses, bypasses atomic.Int64
	f := newFleet(t, s, nil, "", func(o *respcache.Options) {
		o.Hooks = respcache.Hooks{Hit: func() { hits.Add(1) }, Miss: func() { misses.Add(1) }, Bypass: func() { bypasses.Add(1) }}
	})
	fx := newCacheFixture(t, f, s)
	hits.Store(0)
	misses.Store(0)
	bypasses.Store(0)
	const post = `mutation($id: ID!) { postComment(input: {articleId: $id, authorName: "A", authorEmail: "a@example.com", body: "Hi"}) { id } }`
	for range 2 {
		resp, rec := f.reader.Post(post, map[string]any{"id": fx.article})
		if len(resp.Errors) > 0 || rec.Header().Get("X-Cache") != "" || rec.Header().Get("ETag") != "" {
			t.Fatalf("mutation: %+v, X-Cache %q, ETag %q", resp.Errors, rec.Header().Get("X-Cache"), rec.Header().Get("ETag"))
		}
	}
	f.reader.OK(cachedBatches, nil)
	f.reader.OK(cachedBatches, nil)
	if h, m, b := hits.Load(), misses.Load(), bypasses.Load(); h != 1 || m != 1 || b != 2 {
		t.Errorf("hits %d, misses %d, bypasses %d; want 1, 1, 2", h, m, b)
	}
}

// TestARedisOutageIsCountedAndAnsweredWithoutTheCache: with its Redis gone, the
// cache answers every request by running it, and counts each failed read and
// write through its Error hook; writes still stand.
func TestARedisOutageIsCountedAndAnsweredWithoutTheCache(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		gone, err := redisconn.New("redis://127.0.0.1:1/0")
		if err != nil {
			t.Fatal(err)
		}
		var failures atomic.Int64
		f := newFleet(t, s, nil, "", func(o *respcache.Options) {
			o.Redis, o.OpTimeout = gone, 100*time.Millisecond
			o.Hooks.Error = func() { failures.Add(1) }
		})
		course := storetest.CreateCourse(t, s)
		for range 2 {
			if got, want := string(f.reader.OK(cachedCatalogue, nil)), string(f.truth.OK(cachedCatalogue, nil)); got != want {
				t.Errorf("with Redis gone: %s; want %s", got, want)
			}
		}
		before := failures.Load()
		if before < 2 {
			t.Errorf("%d failures counted for two reads; want each counted", before)
		}
		f.write(`mutation($id: ID!) { updateCourse(id: $id, input: {title: "Renamed"}) { id } }`, map[string]any{"id": course.GlobalID()})
		if failures.Load() == before {
			t.Error("the failed invalidation of a write was not counted")
		}
		if got := string(f.reader.OK(cachedCatalogue, nil)); !strings.Contains(got, "Renamed") {
			t.Errorf("after the write: %s", got)
		}
	})
}

// TestAnErasureDropsTheCachedAnswersThatShowedTheComment: an article page with
// the person's comment, cached, is answered anew after the erasure, in process
// and on Redis.
func TestAnErasureDropsTheCachedAnswersThatShowedTheComment(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) { erasureAndCache(t, newFleet(t, s, nil, "")) })
}

func TestAnErasureDropsTheCachedAnswersThatShowedTheCommentOnRedis(t *testing.T) {
	rdb, prefix := redisForTest(t)
	storetest.Run(t, func(t *testing.T, s *store.Store) { erasureAndCache(t, newFleet(t, s, rdb, prefix+t.Name())) })
}

func erasureAndCache(t *testing.T, f *fleet) {
	data := f.write(`mutation { createArticle(input: {title: "Open day", body: "Come along."}) { id slug } }`, nil)
	id, slug := apitest.IDOf(t, data, "createArticle", "id"), apitest.IDOf(t, data, "createArticle", "slug")
	f.write(`mutation($id: ID!) { publishArticle(id: $id) { id } }`, map[string]any{"id": id})
	c := apitest.IDOf(t, f.reader.OK(`mutation($id: ID!) { postComment(input: {articleId: $id, authorName: "Rina Akter", authorEmail: "rina@example.com", body: "See you there."}) { id } }`,
		map[string]any{"id": id}),
		"postComment", "id")
	f.write(`mutation($id: ID!) { moderateComment(id: $id, status: APPROVED) { id } }`, map[string]any{"id": c})
	page := map[string]any{"slug": slug}
	cached := string(f.reader.OK(cachedArticle, page))
	if again := string(f.reader.OK(cachedArticle, page)); again != cached || !strings.Contains(cached, "See you there.") {
		t.Fatalf("the page is not cached with the comment: %s", cached)
	}
	f.write(`mutation { erasePersonalData(email: "rina@example.com") { comments } }`, nil)
	got, want := string(f.reader.OK(cachedArticle, page)), string(f.truth.OK(cachedArticle, page))
	if got != want || strings.Contains(got, "See you there.") {
		t.Errorf("after the erasure the cache answers\n%s\nwant\n%s", got, want)
	}
}
