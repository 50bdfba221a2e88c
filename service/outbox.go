package service

import (
	"context"
	"errors"
	"sync"
	"time"

	"coursegraph/mail"
	"coursegraph/models"
)

// Notify is where enquiry notices go: the sender, and the address (the centre's
// email when empty).
type Notify struct {
	Sender mail.Sender
	To     string
}

// Outbox retry timing: the first retry after retryBase, doubling up to retryMax;
// a claimed message is another worker's for claimLease, which must outlast one
// delivery (mail.SMTP.Timeout) and its bookkeeping.
const (
	retryBase  = 10 * time.Second
	retryMax   = 30 * time.Minute
	claimLease = 2 * time.Minute
	batchSize  = 20
	// mailSenders is how many messages are sent at once, so that one the mail
	// server is slow to take does not hold the others back.
	mailSenders = 4
	// outboxTimeout bounds each outbox query of a delivery pass: background work
	// has no request deadline to inherit.
	outboxTimeout = 10 * time.Second
)

// retryDelay is the wait after the given number of failed attempts.
func retryDelay(attempts int) time.Duration {
	d := retryBase
	for i := 1; i < attempts && d < retryMax; i++ {
		d *= 2
	}
	return min(d, retryMax)
}

// MailReport is what one DeliverMail pass did.
type MailReport struct {
	// Sent is how many messages were sent.
	Sent int
	// Failed lists the attempts that failed, each to be tried again.
	Failed []MailFailure
}

// MailFailure is one failed delivery attempt of an outbox message.
type MailFailure struct {
	ID          uint
	Attempt     int
	NextAttempt time.Time
	Err         error
}

// DeliverMail sends the outbox's due messages once, a few at a time, and reports
// what it sent and which attempts failed (each is retried later with backoff). A
// message is claimed before it is sent, so that two server instances do not send
// it twice. Once a message is claimed its outcome is recorded even if ctx ends
// meanwhile, so that a cut delivery is released for a retry rather than left
// claimed. The error is for the outbox itself (the database), not for the mail.
// Server code runs it on a ticker.
func (s *Service) DeliverMail(ctx context.Context) (MailReport, error) {
	var report MailReport
	if s.notify == nil {
		return report, nil
	}
	qctx, cancel := context.WithTimeout(ctx, outboxTimeout)
	due, err := s.store.DueOutboxMessages(qctx, s.Now(), batchSize)
	cancel()
	if err != nil {
		return report, err
	}
	var (
		mu   sync.Mutex
		errs []error
		wg   sync.WaitGroup
		sem  = make(chan struct{}, mailSenders)
	)
	for _, m := range due {
		if ctx.Err() != nil {
			break
		}
		// A sender slot first, then the claim: a message is never claimed while
		// it waits for a slot, so its lease covers only its own delivery.
		sem <- struct{}{}
		qctx, cancel := context.WithTimeout(ctx, outboxTimeout)
		ok, err := s.store.ClaimOutboxMessage(qctx, m, s.Now().Add(claimLease))
		cancel()
		if err != nil || !ok {
			<-sem
			if err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
				break
			}
			continue
		}
		wg.Go(func() {
			defer func() { <-sem }()
			failure, err := s.deliver(ctx, m)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err != nil:
				errs = append(errs, err)
			case failure != nil:
				report.Failed = append(report.Failed, *failure)
			default:
				report.Sent++
			}
		})
	}
	wg.Wait()
	return report, errors.Join(errs...)
}

// deliver sends one claimed message and records the outcome: a failure to send
// comes back as a MailFailure, a failure to record as an error.
func (s *Service) deliver(ctx context.Context, m *models.OutboxMessage) (*MailFailure, error) {
	attempts := m.Attempts + 1
	sendErr := s.notify.Sender.Send(ctx, m.Recipient, m.Subject, m.Body)
	record, cancel := context.WithTimeout(context.WithoutCancel(ctx), outboxTimeout)
	defer cancel()
	if sendErr != nil {
		next := s.Now().Add(retryDelay(attempts))
		if err := s.store.MarkOutboxFailed(record, m.ID, attempts, next, sendErr.Error()); err != nil {
			return nil, err
		}
		return &MailFailure{ID: m.ID, Attempt: attempts, NextAttempt: next, Err: sendErr}, nil
	}
	return nil, s.store.MarkOutboxSent(record, m.ID, attempts, s.Now())
}

// MailBacklog is the mail not yet sent.
type MailBacklog struct {
	// Count is how many messages wait.
	Count int
	// Oldest is when the oldest of them was queued (zero when none waits).
	Oldest time.Time
}

// MailBacklog returns the outbox's undelivered mail, for health checks.
func (s *Service) MailBacklog(ctx context.Context) (MailBacklog, error) {
	n, oldest, err := s.store.OutboxBacklog(ctx)
	return MailBacklog{Count: n, Oldest: oldest}, err
}

// Mail reports whether the service sends mail.
func (s *Service) Mail() bool { return s.notify != nil }
