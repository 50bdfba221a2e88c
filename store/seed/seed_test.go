package seed_test

import (
	"context"
	"testing"

	"coursegraph/models"
	"coursegraph/store"
	"coursegraph/store/seed"
	"coursegraph/store/storetest"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/unicode/norm"
)

func TestSeedWritesTheCatalogueOnceWhateverTheRuns(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		empty, err := seed.IsEmpty(ctx, s)
		if err != nil || !empty {
			t.Fatalf("IsEmpty before seeding = %v, %v", empty, err)
		}
		for range 2 {
			if err := seed.Run(ctx, s); err != nil {
				t.Fatal(err)
			}
		}
		if empty, err := seed.IsEmpty(ctx, s); err != nil || empty {
			t.Fatalf("IsEmpty after seeding = %v, %v", empty, err)
		}
		rows, err := s.Courses(ctx, models.CourseFilter{}, models.CourseOrder{Field: models.CourseOrderCreated}, models.PageArgs{First: 100})
		if err != nil {
			t.Fatal(err)
		}
		type course struct {
			Title    string
			Fee      string
			Weekdays int
			Months   int
		}
		var got []course
		for _, r := range rows {
			got = append(got, course{r.Row.Title, r.Row.Fee().Formatted(), r.Row.WeekdaySet.Len(), r.Row.DurationMonths})
		}
		want := []course{
			{"Office/Basic Computer Course", "৳4,500", 4, 2},
			{"Graphic Design Course", "৳8,500", 2, 3},
			{"Web Design Course", "৳8,500", 2, 3},
			{"Video Editing Course", "৳9,500", 2, 3},
			{"Digital Marketing Course", "৳12,500", 2, 3},
			{"Advanced Excel", "৳6,500", 2, 2},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("courses after two runs (-want +got):\n%s", diff)
		}
		batches, err := s.Batches(ctx, nil)
		if err != nil || len(batches) != 8 || batches[0].StartTime.String() != "08:00" || batches[7].EndTime.String() != "22:00" || batches[3].Period != models.Morning || batches[4].Period != models.Evening {
			t.Errorf("batches after two runs: %d, %v", len(batches), err)
		}
		n, err := s.CountSchedules(ctx, models.ScheduleFilter{})
		if err != nil || n != 14 {
			t.Errorf("schedules after two runs = %d, %v; want 14", n, err)
		}

		// The Bangla article and tag, once each after two runs, found by the slug
		// made from the title in either normalisation form.
		n, err = s.CountArticles(ctx, store.ArticleQuery{})
		if err != nil || n != 5 {
			t.Errorf("articles after two runs = %d, %v; want 5", n, err)
		}
		a, err := s.ArticleBySlug(ctx, norm.NFD.String("বাংলা-টাইপিং-শেখার-সহজ-উপায়"))
		if err != nil {
			t.Fatalf("the Bangla article by its slug: %v", err)
		}
		if a.Title != "বাংলা টাইপিং শেখার সহজ উপায়" || len(a.TableOfContents) == 0 || a.TableOfContents[0].Anchor != "কোথা-থেকে-শুরু-করবেন" || len(a.Faqs) != 2 {
			t.Errorf("the Bangla article: %q, %+v, %d FAQs", a.Title, a.TableOfContents, len(a.Faqs))
		}
		tag, err := s.TagBySlug(ctx, "বাংলা-টাইপিং", nil)
		if err != nil || tag.Name != "বাংলা টাইপিং" {
			t.Errorf("the Bangla tag: %+v, %v", tag, err)
		}
	})
}
