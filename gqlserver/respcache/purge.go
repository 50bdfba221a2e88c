package respcache

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"sync"
	"time"
)

// Bounds of the purge webhook: tags waiting (beyond them a purge is dropped and
// logged; the CDN's copies then end at their max-age), how long one call may take,
// and how long Close waits for the calls queued.
const (
	purgeQueue   = 256
	purgeTimeout = 5 * time.Second
	purgeDrain   = 5 * time.Second
)

// purger POSTs {"tags": [...]} to a URL, one call at a time in the background,
// merging the tags that queued meanwhile.
type purger struct {
	url    string
	client *http.Client
	log    *slog.Logger
	tags   chan []string
	stop   context.CancelFunc
	ctx    context.Context
	done   sync.WaitGroup
	mu     sync.Mutex // guards closed and sending on tags
	closed bool
}

func newPurger(url string, log *slog.Logger) *purger {
	ctx, stop := context.WithCancel(context.Background())
	p := &purger{url: url, client: &http.Client{Timeout: purgeTimeout}, log: log, tags: make(chan []string, purgeQueue), ctx: ctx, stop: stop}
	p.done.Go(p.run)
	return p
}

// queue hands tags to the sender without waiting; when the queue is full they are
// dropped and logged.
func (p *purger) queue(tags []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return
	}
	select {
	case p.tags <- tags:
	default:
		p.log.Warn("response cache: purge webhook queue full; tags dropped", slog.Any("tags", tags))
	}
}

func (p *purger) run() {
	for {
		select {
		case first, ok := <-p.tags:
			if !ok {
				return
			}
			p.send(p.merge(first))
		case <-p.ctx.Done():
			return
		}
	}
}

// merge adds the tags already queued to first, so that a burst of writes is one call.
func (p *purger) merge(first []string) []string {
	all := slices.Clone(first)
	for {
		select {
		case more, ok := <-p.tags:
			if !ok {
				return all
			}
			all = append(all, more...)
		default:
			slices.Sort(all)
			return slices.Compact(all)
		}
	}
}

func (p *purger) send(tags []string) {
	body, _ := json.Marshal(map[string][]string{"tags": tags}) // strings always encode
	ctx, cancel := context.WithTimeout(p.ctx, purgeTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.url, bytes.NewReader(body))
	if err == nil {
		req.Header.Set("Content-Type", "application/json")
		var resp *http.Response
		if resp, err = p.client.Do(req); err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode >= 300 {
				err = fmt.Errorf("status %d", resp.StatusCode)
			}
		}
	}
	if err != nil {
		p.log.Warn("response cache: purge webhook", slog.Int("tags", len(tags)), slog.Any("error", err))
	}
}

// close sends what is queued, for purgeDrain at most, and stops.
func (p *purger) close() {
	p.mu.Lock()
	p.closed = true
	close(p.tags)
	p.mu.Unlock()
	t := time.AfterFunc(purgeDrain, p.stop)
	p.done.Wait()
	t.Stop()
	p.stop()
}
