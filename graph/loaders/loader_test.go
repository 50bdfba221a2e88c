package loaders_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"

	"coursegraph/graph/loaders"

	"github.com/google/go-cmp/cmp"
)

// recorder is a fetch function that records the key sets it was called with.
type recorder struct {
	mu    sync.Mutex
	calls [][]int
	err   error
}

func (r *recorder) fetch(_ context.Context, keys []int) (map[int]string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	sorted := slices.Clone(keys)
	slices.Sort(sorted)
	r.calls = append(r.calls, sorted)
	out := map[int]string{}
	for _, k := range keys {
		if k > 0 {
			out[k] = string(rune('a' + k))
		}
	}
	return out, r.err
}

var errMissing = errors.New("missing")

func missing() (string, error) { return "", errMissing }

func TestConcurrentLoadsOfAHintedGroupFetchItOnce(t *testing.T) {
	rec := &recorder{}
	l := loaders.NewLoader("test", rec.fetch, missing)
	l.Hint([]int{1, 2, 3, 2})
	var wg sync.WaitGroup
	got := make([]string, 4)
	for i := range 4 {
		wg.Go(func() {
			v, err := l.Load(context.Background(), 1+i%3)
			if err != nil {
				t.Error(err)
			}
			got[i] = v
		})
	}
	wg.Wait()
	if diff := cmp.Diff([][]int{{1, 2, 3}}, rec.calls); diff != "" {
		t.Errorf("fetches (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"b", "c", "d", "b"}, got); diff != "" {
		t.Errorf("values (-want +got):\n%s", diff)
	}
}

func TestAKeyNeverHintedIsFetchedAloneAndCached(t *testing.T) {
	rec := &recorder{}
	l := loaders.NewLoader("test", rec.fetch, missing)
	for range 2 {
		if v, err := l.Load(context.Background(), 5); v != "f" || err != nil {
			t.Fatalf("Load(5) = %q, %v", v, err)
		}
	}
	if diff := cmp.Diff([][]int{{5}}, rec.calls); diff != "" {
		t.Errorf("fetches (-want +got):\n%s", diff)
	}
}

func TestPrimedKeysAreNotFetchedAndLeaveTheirGroup(t *testing.T) {
	rec := &recorder{}
	l := loaders.NewLoader("test", rec.fetch, missing)
	l.Prime(1, "primed")
	l.Hint([]int{1, 2})
	if v, _ := l.Load(context.Background(), 1); v != "primed" {
		t.Errorf("Load(1) = %q, want the primed value", v)
	}
	if v, _ := l.Load(context.Background(), 2); v != "c" {
		t.Errorf("Load(2) = %q", v)
	}
	if diff := cmp.Diff([][]int{{2}}, rec.calls); diff != "" {
		t.Errorf("fetches (-want +got):\n%s", diff)
	}
}

func TestMissingKeysAndFetchErrorsReachEveryLoaderOfTheGroup(t *testing.T) {
	rec := &recorder{}
	l := loaders.NewLoader("test", rec.fetch, missing)
	l.Hint([]int{-1, 1})
	if _, err := l.Load(context.Background(), -1); !errors.Is(err, errMissing) {
		t.Errorf("missing key: err = %v", err)
	}
	failing := &recorder{err: errors.New("database down")}
	l2 := loaders.NewLoader("test", failing.fetch, missing)
	l2.Hint([]int{1, 2})
	_, err1 := l2.Load(context.Background(), 1)
	_, err2 := l2.Load(context.Background(), 2)
	if err1 == nil || err2 == nil || len(failing.calls) != 1 {
		t.Errorf("errors %v, %v after %d fetches; want both to fail from one fetch", err1, err2, len(failing.calls))
	}
}

func TestAPanickingFetchIsAnErrorNotAHang(t *testing.T) {
	l := loaders.NewLoader("test", func(context.Context, []int) (map[int]string, error) { panic("boom") }, missing)
	l.Hint([]int{1, 2})
	if _, err := l.Load(context.Background(), 1); err == nil {
		t.Fatal("want an error from a panicking fetch")
	}
	if _, err := l.Load(context.Background(), 2); err == nil {
		t.Fatal("want the group's other key to fail too, not hang")
	}
}

func TestHintsThatShareAKeyMergeIntoOneFetch(t *testing.T) {
	var r recorder
	l := loaders.NewLoader("test", r.fetch, missing)
	l.Hint([]int{1, 2})    // an enquiry's assignees
	l.Hint([]int{2, 3, 4}) // its notes' authors, one of them an assignee too
	l.Hint([]int{5})       // unrelated: a group of its own
	for _, k := range []int{3, 1, 4, 2} {
		if _, err := l.Load(context.Background(), k); err != nil {
			t.Fatal(err)
		}
	}
	if diff := cmp.Diff([][]int{{1, 2, 3, 4}}, r.calls); diff != "" {
		t.Errorf("fetches (-want +got):\n%s", diff)
	}
}
