package store_test

import (
	"context"
	"testing"
	"time"

	"coursegraph/models"
	"coursegraph/store"
	"coursegraph/store/storetest"

	"github.com/google/go-cmp/cmp"
)

// TestTheAuditLogIsInTimeOrderWhateverTheIds: entries whose ids are not in the
// order of their times (as on TiDB, which hands out ids in ranges per server)
// list newest first by time, page after page, on the whole log and on one
// entity's entries.
func TestTheAuditLogIsInTimeOrderWhateverTheIds(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		base := time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC)
		// Written in this order (so ids rise), at these minutes.
		minutes := []int{30, 10, 50, 20, 40, 10}
		for i, m := range minutes {
			e := &models.AuditEntry{ActorID: 1, Action: "course.update", EntityType: "Course", EntityID: 7,
				Changes: []models.FieldChange{}, CreatedAt: base.Add(time.Duration(m) * time.Minute)}
			if i == 2 {
				e.EntityID = 8
			}
			if err := s.CreateAuditEntry(ctx, e); err != nil {
				t.Fatal(err)
			}
		}
		list := func(f models.AuditFilter) []int {
			var got []int
			page := models.PageArgs{First: 2}
			for range 10 {
				rows, err := s.AuditEntries(ctx, f, page)
				if err != nil {
					t.Fatal(err)
				}
				more := len(rows) > page.First
				rows = rows[:min(len(rows), page.First)]
				for _, r := range rows {
					got = append(got, int(r.Row.CreatedAt.Sub(base).Minutes()))
				}
				if !more {
					break
				}
				last := rows[len(rows)-1]
				page.After = &models.Cursor{Key: last.Key, ID: last.Row.ID}
			}
			return got
		}
		if diff := cmp.Diff([]int{50, 40, 30, 20, 10, 10}, list(models.AuditFilter{})); diff != "" {
			t.Errorf("the whole log (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]int{40, 30, 20, 10, 10}, list(models.AuditFilter{EntityType: "Course", EntityID: 7})); diff != "" {
			t.Errorf("one course's entries (-want +got):\n%s", diff)
		}
	})
}
