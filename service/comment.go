package service

import (
	"context"
	"errors"
	"sync"

	"coursegraph/auth"
	"coursegraph/cachetag"
	"coursegraph/models"
	"coursegraph/store"
)

// CommentEdge is one comment of a page, with its cursor.
type CommentEdge struct {
	Cursor string
	Node   *models.Comment
}

// CommentConnection is a page of comments: an article's, oldest first, or the
// moderation queue's, newest first.
type CommentConnection struct {
	Edges    []*CommentEdge
	PageInfo *PageInfo
	count    counter
}

// TotalCount returns how many comments of the list there are over all pages.
func (c *CommentConnection) TotalCount(ctx context.Context) (int, error) { return c.count(ctx) }

func commentOrder(status models.CommentStatus) string { return "comment:" + string(status) }

// commentStatus is the status a viewer lists: APPROVED for everyone; any other
// (the moderation queue) needs EDITOR.
func commentStatus(ctx context.Context, status *models.CommentStatus) (models.CommentStatus, error) {
	if status == nil || *status == models.CommentApproved {
		return models.CommentApproved, nil
	}
	if !status.IsValid() {
		return "", models.InvalidField("status", "is not a comment status")
	}
	if _, err := require(ctx, models.RoleEditor); err != nil {
		return "", err
	}
	return *status, nil
}

func (s *Service) commentConnection(articleID uint, status models.CommentStatus, rows []store.Keyed[*models.Comment], args models.PageArgs) *CommentConnection {
	conn := &CommentConnection{count: func(ctx context.Context) (int, error) {
		counts, err := s.store.CountComments(ctx, []uint{articleID}, status)
		return counts[articleID], err
	}}
	conn.Edges, conn.PageInfo = edges(rows, args, commentOrder(status), (*models.Comment).Key,
		func(cursor string, c *models.Comment) *CommentEdge { return &CommentEdge{Cursor: cursor, Node: c} })
	return conn
}

// Comments lists an article's comments, oldest first: the approved ones for
// anyone, others (status) for EDITOR.
func (s *Service) Comments(ctx context.Context, article *models.Article, status *models.CommentStatus, first *int, after *string) (*CommentConnection, error) {
	st, err := commentStatus(ctx, status)
	if err != nil {
		return nil, err
	}
	args, err := models.NewPageArgs(first, after, commentOrder(st))
	if err != nil {
		return nil, err
	}
	cachetag.From(ctx).Add(cachetag.Comments(article.ID))
	rows, err := s.store.Comments(ctx, article.ID, st, args)
	if err != nil {
		return nil, err
	}
	return s.commentConnection(article.ID, st, rows, args), nil
}

func queueOrder(status models.CommentStatus) string { return "comments:" + string(status) + ":newest" }

// CommentQueue lists the comments with status (PENDING when nil) across all
// articles, newest first: the moderation queue, for EDITOR. A bad status, first or
// after is Invalid. The page costs one statement and its totalCount one more.
func (s *Service) CommentQueue(ctx context.Context, status *models.CommentStatus, first *int, after *string) (*CommentConnection, error) {
	if _, err := require(ctx, models.RoleEditor); err != nil {
		return nil, err
	}
	st := models.CommentPending
	if status != nil {
		if !status.IsValid() {
			return nil, models.InvalidField("status", "is not a comment status")
		}
		st = *status
	}
	order := queueOrder(st)
	args, err := models.NewPageArgs(first, after, order)
	if err != nil {
		return nil, err
	}
	rows, err := s.store.CommentsByStatus(ctx, st, args)
	if err != nil {
		return nil, err
	}
	conn := &CommentConnection{count: func(ctx context.Context) (int, error) { return s.store.CountCommentsByStatus(ctx, st) }}
	conn.Edges, conn.PageInfo = edges(rows, args, order, (*models.Comment).Key,
		func(cursor string, c *models.Comment) *CommentEdge { return &CommentEdge{Cursor: cursor, Node: c} })
	return conn, nil
}

// CommentCounts reads the approved comment counts of articles for FirstComments,
// and is told those FirstComments learnt without reading them, so that one count
// serves the articles' commentCount too (the loaders').
type CommentCounts interface {
	Count(ctx context.Context, ids []uint) (map[uint]int, error)
	Known(id uint, n int)
}

// storeCounts counts comments of a status with the store and remembers nothing.
type storeCounts struct {
	store  *store.Store
	status models.CommentStatus
}

func (c storeCounts) Count(ctx context.Context, ids []uint) (map[uint]int, error) {
	return c.store.CountComments(ctx, ids, c.status)
}

func (storeCounts) Known(uint, int) {}

// FirstComments returns the first page of comments of each article (the approved
// ones, or status for EDITOR) in one query, for dataloaders.
//
// With approved (the caller knows the counts will be asked for: the pages'
// totalCount, or the articles' commentCount), the counts come from it for
// approved comments, or from one query for another status, in one of two orders:
//
//   - for a page of articles (store.WindowedArticles or more), the counts first,
//     so that the store reads each article's first comments the cheapest way for
//     its count;
//   - for fewer (an article's page), the first comments first: an article whose
//     first page is not full has as many comments as the page holds, and only
//     the others are counted (none, most often).
func (s *Service) FirstComments(ctx context.Context, ids []uint, status *models.CommentStatus, first *int,
	approved CommentCounts) (map[uint]*CommentConnection, error) {
	st, err := commentStatus(ctx, status)
	if err != nil {
		return nil, err
	}
	args, err := models.NewPageArgs(first, nil, commentOrder(st))
	if err != nil {
		return nil, err
	}
	cachetag.From(ctx).AddIDs(cachetag.Comments, ids)
	counted := approved != nil
	counter := approved
	if counted && st != models.CommentApproved {
		counter = storeCounts{s.store, st}
	}
	var counts map[uint]int
	if counted && len(ids) >= store.WindowedArticles {
		if counts, err = counter.Count(ctx, ids); err != nil {
			return nil, err
		}
	}
	rows, err := s.store.FirstComments(ctx, ids, st, args.First, counts)
	if err != nil {
		return nil, err
	}
	if counted && counts == nil {
		counts, err = countPages(ctx, counter, ids, rows, args.First)
		if err != nil {
			return nil, err
		}
	}
	// Not counted, one count for all the articles all the same, when the first
	// of them is asked for its totalCount, instead of one per article.
	var once sync.Once
	var countErr error
	out := make(map[uint]*CommentConnection, len(ids))
	for _, id := range ids {
		conn := s.commentConnection(id, st, rows[id], args)
		conn.count = func(ctx context.Context) (int, error) {
			if !counted {
				once.Do(func() { counts, countErr = s.store.CountComments(ctx, ids, st) })
			}
			return counts[id], countErr
		}
		out[id] = conn
	}
	return out, nil
}

// countPages returns the counts of the articles whose first pages (of first
// rows, and one more when more follow) are rows: a page that is not full holds
// every comment of its article (told to counter as known), and the articles of
// full pages are counted with counter, in one query.
func countPages(ctx context.Context, counter CommentCounts, ids []uint, rows map[uint][]store.Keyed[*models.Comment], first int) (map[uint]int, error) {
	counts := make(map[uint]int, len(ids))
	var full []uint
	for _, id := range ids {
		if n := len(rows[id]); n <= first {
			counts[id] = n
			counter.Known(id, n)
		} else {
			full = append(full, id)
		}
	}
	if len(full) == 0 {
		return counts, nil
	}
	more, err := counter.Count(ctx, full)
	for id, n := range more {
		counts[id] = n
	}
	return counts, err
}

// CommentCounts returns how many approved comments each article has, for
// dataloaders; in one query.
func (s *Service) CommentCounts(ctx context.Context, ids []uint) (map[uint]int, error) {
	cachetag.From(ctx).AddIDs(cachetag.Comments, ids)
	return s.store.CountComments(ctx, ids, models.CommentApproved)
}

// PostComment takes a visitor's comment, for anyone. It is held for moderation and
// never shown until an editor approves it. A filled honeypot (website) stores it as
// SPAM with the same answer. The same request with the same idempotency key
// returns the first comment and stores nothing; the key with another request is
// Conflict. Too many valid comments from one address are RateLimited; refused
// forms and replays do not count. The answer is the poster's own (auth.Made):
// they may read its staff-only fields, and its status is always PENDING.
func (s *Service) PostComment(ctx context.Context, in models.CommentInput) (*models.Comment, error) {
	in.Normalize()
	if err := in.Validate("input"); err != nil {
		return nil, err
	}
	hash := in.PayloadHash()
	if in.IdempotencyKey != nil {
		if c, err := s.store.CommentByIdempotencyKey(ctx, *in.IdempotencyKey); err == nil {
			return replayComment(ctx, c, hash)
		} else if !isNotFound(err) {
			return nil, err
		}
	}
	a, err := s.store.ArticleByID(ctx, in.ArticleID)
	if me, ok := errors.AsType[*models.Error](err); (ok && me.Code == models.NotFound) || (err == nil && !a.VisibleAt(s.now(ctx))) {
		return nil, models.InvalidField("input.articleId", "there is no such published article")
	}
	if err != nil {
		return nil, err
	}
	// Counted once the comment is known to be valid: a visitor correcting a typo
	// in the form must not use up their allowance.
	if _, wait, err := s.commentsPerAddress.Try(auth.ClientIP(ctx), 1); err != nil {
		return nil, rateLimited(err, wait, "too many comments from your address; wait a few minutes and try again")
	}
	c := &models.Comment{
		ArticleID: a.ID, Status: models.CommentPending, AuthorName: in.AuthorName, AuthorEmail: in.AuthorEmail,
		Body: in.Body, ClientIP: auth.ClientIP(ctx), IdempotencyKey: in.IdempotencyKey,
	}
	if in.IdempotencyKey != nil {
		c.IdempotencyHash = &hash
	}
	if in.IsSpam() {
		c.Status = models.CommentSpam
	}
	err = s.store.CreateComment(ctx, c)
	if me, ok := errors.AsType[*models.Error](err); ok && me.Code == models.Conflict && in.IdempotencyKey != nil {
		// Two retries raced with the same key: answer with the one that won.
		if first, err := s.store.CommentByIdempotencyKey(ctx, *in.IdempotencyKey); err == nil {
			return replayComment(ctx, first, hash)
		}
	}
	if err != nil {
		return nil, err
	}
	// Announced once the insert has committed, so that an editor told of it can
	// read it; spam is not announced. Subscribers get their own copy, without
	// what no subscription shows (it would travel through Redis for nothing).
	if c.Status != models.CommentSpam {
		posted := *c
		posted.ClientIP, posted.IdempotencyKey, posted.IdempotencyHash = "", nil, nil
		// A missed live notice is not a lost comment: the bus logs and counts
		// its failure, and the comment stands.
		_ = s.comments.Publish(ctx, &posted)
	}
	// Held for moderation, so no public answer shows it yet; dropped all the
	// same, in case a count or a page ever includes pending comments.
	s.changed(ctx, cachetag.Comments(a.ID), cachetag.AllComments)
	return posterView(ctx, c), nil
}

// errCommentKeyReused answers a reused idempotency key with another comment.
var errCommentKeyReused = models.Errorf(models.Conflict,
	"this idempotency key was already used for a different comment; send a new key with a new comment")

// replayComment answers a request whose idempotency key posted c: c, as its
// poster sees it, for the same request; Conflict for another.
func replayComment(ctx context.Context, c *models.Comment, hash string) (*models.Comment, error) {
	if !c.SameRequest(hash) {
		return nil, errCommentKeyReused
	}
	return posterView(ctx, c), nil
}

// posterView is c as the reader who posted it sees it in the answer: theirs to
// read in full (auth.Made), and PENDING whatever moderation made of it, so that a
// bot learns nothing from the answer.
func posterView(ctx context.Context, c *models.Comment) *models.Comment {
	view := *c
	view.Status = models.CommentPending
	auth.Made(ctx, view.GlobalID())
	return &view
}

// CommentPosted returns the comments posted from now until ctx ends (spam is not
// announced), for EDITOR. The viewer's session is checked again before each
// comment is handed on: once it is signed out, expired, deactivated or no longer
// an editor, the stream ends.
func (s *Service) CommentPosted(ctx context.Context) (<-chan *models.Comment, error) {
	return live(ctx, s, s.comments, models.RoleEditor)
}

// ModerateComment sets a comment's status, for EDITOR; NotFound if there is none.
func (s *Service) ModerateComment(ctx context.Context, id uint, status models.CommentStatus) (*models.Comment, error) {
	actor, err := require(ctx, models.RoleEditor)
	if err != nil {
		return nil, err
	}
	if !status.IsValid() {
		return nil, models.InvalidField("status", "is not a comment status")
	}
	var c *models.Comment
	err = s.store.WithTx(ctx, func(tx *store.Store) error {
		if c, err = tx.CommentByID(ctx, id); err != nil {
			return err
		}
		var ch models.Changes
		ch.Record("status", c.Status, status, false)
		if len(ch) == 0 {
			return nil
		}
		if err := tx.SetCommentStatus(ctx, id, status); err != nil {
			return err
		}
		c.Status = status
		return audit(ctx, tx, actor, "comment.moderate", "Comment", id, ch)
	})
	if err != nil {
		return nil, err
	}
	s.changed(ctx, cachetag.Comments(c.ArticleID), cachetag.AllComments)
	return c, nil
}

// DeleteComment deletes a comment whatever its status, for EDITOR; NotFound if
// there is none. The audit log records who deleted which comment on which
// article, never its text or its reader's details.
func (s *Service) DeleteComment(ctx context.Context, id uint) error {
	actor, err := require(ctx, models.RoleEditor)
	if err != nil {
		return err
	}
	var c *models.Comment
	err = s.store.WithTx(ctx, func(tx *store.Store) error {
		if c, err = tx.CommentByID(ctx, id); err != nil {
			return err
		}
		if err := tx.DeleteComment(ctx, id); err != nil {
			return err
		}
		var ch models.Changes
		ch.Record("status", c.Status, "", false)
		return audit(ctx, tx, actor, "comment.delete", "Comment", id, ch)
	})
	if err != nil {
		return err
	}
	s.changed(ctx, cachetag.Comments(c.ArticleID), cachetag.AllComments)
	return nil
}

// Comment returns one comment: an approved one on a readable article for anyone,
// any for EDITOR; NotFound otherwise.
func (s *Service) Comment(ctx context.Context, id uint) (*models.Comment, error) {
	c, err := s.store.CommentByID(ctx, id)
	read(ctx, "", cachetag.AllComments, err)
	if err != nil {
		return nil, err
	}
	cachetag.From(ctx).Add(cachetag.Comments(c.ArticleID), cachetag.AllComments)
	if auth.UserFrom(ctx).Can(models.RoleEditor) {
		return c, nil
	}
	if c.Status == models.CommentApproved {
		if _, err := s.Article(ctx, c.ArticleID); err == nil {
			return c, nil
		}
	}
	return nil, models.Errorf(models.NotFound, "comment not found")
}
