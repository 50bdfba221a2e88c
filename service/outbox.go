package service

import (
	"context"
	"time"

	"coursegraph/mail"
)

// Notify is where enquiry notices go: the sender, and the address (the centre's
// email when empty).
type Notify struct {
	Sender mail.Sender
	To     string
}

// Outbox retry timing: the first retry after retryBase, doubling up to retryMax;
// a claimed message is another worker's for claimLease.
const (
	retryBase  = 10 * time.Second
	retryMax   = 30 * time.Minute
	claimLease = 2 * time.Minute
	batchSize  = 20
)

// retryDelay is the wait after the given number of failed attempts.
func retryDelay(attempts int) time.Duration {
	d := retryBase
	for i := 1; i < attempts && d < retryMax; i++ {
		d *= 2
	}
	return min(d, retryMax)
}

// DeliverMail sends the outbox's due messages once, and returns how many it sent.
// A failed message is retried later with backoff; a message is claimed before it
// is sent, so that two server instances do not send it twice. Server code runs it
// on a ticker.
func (s *Service) DeliverMail(ctx context.Context) (int, error) {
	if s.notify == nil {
		return 0, nil
	}
	due, err := s.store.DueOutboxMessages(ctx, s.Now(), batchSize)
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, m := range due {
		ok, err := s.store.ClaimOutboxMessage(ctx, m, s.Now().Add(claimLease))
		if err != nil {
			return sent, err
		}
		if !ok {
			continue
		}
		attempts := m.Attempts + 1
		if err := s.notify.Sender.Send(ctx, m.Recipient, m.Subject, m.Body); err != nil {
			if err := s.store.MarkOutboxFailed(ctx, m.ID, attempts, s.Now().Add(retryDelay(attempts)), err.Error()); err != nil {
				return sent, err
			}
			continue
		}
		if err := s.store.MarkOutboxSent(ctx, m.ID, attempts, s.Now()); err != nil {
			return sent, err
		}
		sent++
	}
	return sent, nil
}
