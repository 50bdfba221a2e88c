package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"coursegraph/models"
	"coursegraph/store"
	"coursegraph/store/storetest"
)

// TestRetentionCostsTheSameStatementsForOneExpiredEnquiryOrMany: a pass
// anonymises its expired enquiries together, not one by one.
func TestRetentionCostsTheSameStatementsForOneExpiredEnquiryOrMany(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		closedAt := time.Now().UTC().Truncate(time.Second)
		statements := func(n int) int {
			for i := range n {
				e := &models.Enquiry{Name: "Sender", Email: fmt.Sprintf("s%d-%d@example.com", n, i), Message: "A question.",
					Status: models.EnquiryNew, Version: 1, Fingerprint: fmt.Sprintf("%064d", n*100+i)}
				if err := s.CreateEnquiry(ctx, e); err != nil {
					t.Fatal(err)
				}
				e.Status = models.EnquiryClosed
				if err := s.UpdateEnquiry(ctx, e, 1, closedAt); err != nil {
					t.Fatal(err)
				}
			}
			counter := storetest.CountStatements(s)
			counts, err := s.ApplyRetention(ctx, models.Retention{Enquiries: time.Hour}, closedAt.Add(2*time.Hour))
			if err != nil || counts.Enquiries != n {
				t.Fatalf("%d expired: %+v %v", n, counts, err)
			}
			return counter.Count()
		}
		if one, many := statements(1), statements(7); one != many {
			t.Errorf("a pass over 1 expired enquiry ran %d statements, over 7 %d; want the same", one, many)
		}
	})
}
