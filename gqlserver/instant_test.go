package gqlserver_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"coursegraph/apitest"
	"coursegraph/store"
	"coursegraph/store/storetest"
)

func (f *fleet) useClock(c *apitest.Clock) { f.setClockFunc(c.Now) }

// onFirstStatement calls do when the store begins its first statement after
// arm: the middle of a request.
type onFirstStatement struct {
	armed atomic.Bool
	do    func()
}

func (o *onFirstStatement) StartStatement(ctx context.Context, _ string) context.Context {
	if o.armed.CompareAndSwap(true, false) {
		o.do()
	}
	return ctx
}

func (*onFirstStatement) EndStatement(context.Context, store.Statement) {}

// TestAnAnswerMadeAcrossAPublicationSecondIsOneInstantAndEndsThen: the clock
// reaches a scheduled article's publication second while an uncached answer is
// being made. The answer is made at one instant (the list and the tags' counts
// agree with the truth at that instant), and the cache keeps it only until the
// publication: the next read shows the article.
func TestAnAnswerMadeAcrossAPublicationSecondIsOneInstantAndEndsThen(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) { acrossAPublicationSecond(t, newFleet(t, s, nil, ""), s) })
}

// TestAnAnswerMadeAcrossAPublicationSecondOnTwoInstancesSharingRedis is the same
// with the answers kept in Redis.
func TestAnAnswerMadeAcrossAPublicationSecondOnTwoInstancesSharingRedis(t *testing.T) {
	rdb, prefix := redisForTest(t)
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		acrossAPublicationSecond(t, newFleet(t, s, rdb, prefix+t.Name()), s)
	})
}

func acrossAPublicationSecond(t *testing.T, f *fleet, s *store.Store) {
	clock := &apitest.Clock{}
	f.useClock(clock)
	start := time.Now().UTC().Truncate(time.Second)
	clock.Set(start)
	publication := start.Add(time.Minute)
	for _, title := range []string{"Out now", "Coming soon"} {
		data := f.write(`mutation($t: String!) { createArticle(input: {title: $t, body: "Words.", tags: ["news"]}) { id } }`, map[string]any{"t": title})
		at := start
		if title == "Coming soon" {
			at = publication
		}
		f.write(`mutation($id: ID!, $at: Time!) { publishArticle(id: $id, at: $at) { id } }`,
			map[string]any{"id": apitest.IDOf(t, data, "createArticle", "id"), "at": at.Format(time.RFC3339)})
	}
	clock.Set(publication.Add(-time.Second))
	before := string(f.truth.OK(cachedBlog, nil))

	flip := &onFirstStatement{do: func() { clock.Set(publication) }}
	s.Observe(flip)
	flip.armed.Store(true)
	if got := string(f.reader.OK(cachedBlog, nil)); got != before {
		t.Errorf("an answer made across the publication second is not the truth of one instant:\ngot  %s\nwant %s", got, before)
	}
	if flip.armed.Load() {
		t.Fatal("the clock was not moved during the request")
	}
	got, want := string(f.reader.OK(cachedBlog, nil)), string(f.truth.OK(cachedBlog, nil))
	if got != want {
		t.Errorf("stale after the publication second:\ngot  %s\nwant %s", got, want)
	}
}
