package gqlserver_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"coursegraph/apitest"
	"coursegraph/gqlserver"
	"coursegraph/models"
	"coursegraph/readroute"
	"coursegraph/store"
	"coursegraph/store/storetest"
)

// primaryAsked records, for each statement, whether its context asked for the
// primary (readroute.Primary): with read replicas, the others may go to one.
type primaryAsked struct {
	mu  sync.Mutex
	all []bool
}

func (p *primaryAsked) StartStatement(ctx context.Context, _ string) context.Context {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.all = append(p.all, readroute.OnPrimary(ctx))
	return ctx
}

func (p *primaryAsked) EndStatement(context.Context, store.Statement) {}

// take returns "primary" when every statement since the last take asked for
// the primary, "replica" when none did, and "mixed" otherwise.
func (p *primaryAsked) take(t *testing.T) string {
	t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	all := p.all
	p.all = nil
	if len(all) == 0 {
		t.Fatal("no statement ran")
	}
	n := 0
	for _, primary := range all {
		if primary {
			n++
		}
	}
	switch n {
	case len(all):
		return "primary"
	case 0:
		return "replica"
	}
	return "mixed"
}

// TestReadsThatMustSeeTheirWritesAskForThePrimary: with read replicas, an
// anonymous query may read a replica; a signed-in request (its session look-up
// too), a mutation, and an anonymous client for the window after its mutation
// read the primary; another client does not.
func TestReadsThatMustSeeTheirWritesAskForThePrimary(t *testing.T) {
	s := storetest.OpenSQLite(t)
	storetest.CreateCourse(t, s)
	rec := &primaryAsked{}
	s.Observe(rec)
	var mu sync.Mutex
	now := time.Now()
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	a := apitest.NewWithOptions(t, apitest.NewService(t, s), gqlserver.HandlerOptions{WriteMarks: gqlserver.MemoryWriteMarks(10*time.Second, clock)})
	a.AddUser("editor@example.com", models.RoleEditor)
	staff := a.SignIn("editor@example.com", apitest.Password)
	rec.take(t)
	const catalogue = `{ courses(first: 2) { edges { node { title } } } }`
	from := func(addr string) *apitest.API { c := *a; c.RemoteAddr = addr + ":4000"; return &c }

	from("198.51.100.1").OK(catalogue, nil)
	if got := rec.take(t); got != "replica" {
		t.Errorf("an anonymous query: %s, want replica", got)
	}
	staff.OK(catalogue, nil)
	if got := rec.take(t); got != "primary" {
		t.Errorf("a signed-in query, its session look-up included: %s, want primary", got)
	}
	from("198.51.100.2").SendEnquiry(nil)
	if got := rec.take(t); got != "primary" {
		t.Errorf("an anonymous mutation: %s, want primary", got)
	}
	from("198.51.100.2").OK(catalogue, nil)
	if got := rec.take(t); got != "primary" {
		t.Errorf("a query from the client that has just written: %s, want primary", got)
	}
	from("198.51.100.3").OK(catalogue, nil)
	if got := rec.take(t); got != "replica" {
		t.Errorf("a query from another client: %s, want replica", got)
	}
	mu.Lock()
	now = now.Add(11 * time.Second)
	mu.Unlock()
	from("198.51.100.2").OK(catalogue, nil)
	if got := rec.take(t); got != "replica" {
		t.Errorf("a query from that client once the window is over: %s, want replica", got)
	}
}

// countedMarks counts the look-ups of write marks (a Redis round trip each,
// with several instances).
type countedMarks struct {
	gqlserver.WriteMarks
	asked atomic.Int32
}

func (c *countedMarks) Recent(ctx context.Context, addr string) bool {
	c.asked.Add(1)
	return c.WriteMarks.Recent(ctx, addr)
}

// TestOnlyAnAnonymousQueryThatRunsAsksWhetherItsClientJustWrote: a mutation
// (which reads the primary anyway), a signed-in query and a request refused
// before it runs cost no look-up of the write marks; an anonymous query one.
func TestOnlyAnAnonymousQueryThatRunsAsksWhetherItsClientJustWrote(t *testing.T) {
	s := storetest.OpenSQLite(t)
	storetest.CreateCourse(t, s)
	marks := &countedMarks{WriteMarks: gqlserver.MemoryWriteMarks(10*time.Second, time.Now)}
	a := apitest.NewWithOptions(t, apitest.NewService(t, s), gqlserver.HandlerOptions{WriteMarks: marks})
	a.AddUser("editor@example.com", models.RoleEditor)
	staff := a.SignIn("editor@example.com", apitest.Password)
	marks.asked.Store(0)
	a.SendEnquiry(nil)
	staff.OK(`{ courses(first: 2) { totalCount } }`, nil)
	if resp, _ := a.Post(`{ courses(first: 2) { nope } }`, nil); resp.Code() != "GRAPHQL_VALIDATION_FAILED" {
		t.Fatalf("an invalid query: %+v", resp.Errors)
	}
	if n := marks.asked.Load(); n != 0 {
		t.Errorf("%d look-ups for a mutation, a signed-in query and an invalid one; want 0", n)
	}
	a.OK(`{ courses(first: 2) { totalCount } }`, nil)
	if n := marks.asked.Load(); n != 1 {
		t.Errorf("%d look-ups for an anonymous query; want 1", n)
	}
}
