package store

import (
	"cmp"
	"context"
	"database/sql"
	"slices"
	"time"

	"coursegraph/models"
)

// CreateComment inserts c and sets its id; Conflict if its idempotency key is
// taken.
func (s *Store) CreateComment(ctx context.Context, c *models.Comment) error {
	return translate(s.db.WithContext(ctx).Create(c).Error, "insert", "comment")
}

// CommentByIdempotencyKey returns the comment posted with key; NotFound if none.
func (s *Store) CommentByIdempotencyKey(ctx context.Context, key string) (*models.Comment, error) {
	var c models.Comment
	if err := s.db.WithContext(ctx).Where("idempotency_key = ?", key).Take(&c).Error; err != nil {
		return nil, translate(err, "find", "comment")
	}
	return &c, nil
}

// CommentByID returns the comment with id; NotFound if there is none.
func (s *Store) CommentByID(ctx context.Context, id uint) (*models.Comment, error) {
	var c models.Comment
	if err := s.db.WithContext(ctx).Take(&c, id).Error; err != nil {
		return nil, translate(err, "find", "comment")
	}
	return &c, nil
}

// DeleteComment deletes the comment with id; NotFound if there is none.
func (s *Store) DeleteComment(ctx context.Context, id uint) error {
	res := s.db.WithContext(ctx).Delete(&models.Comment{}, id)
	if res.Error == nil && res.RowsAffected == 0 {
		return models.Errorf(models.NotFound, "comment not found")
	}
	return translate(res.Error, "delete", "comment")
}

// SetCommentStatus changes a comment's moderation status.
func (s *Store) SetCommentStatus(ctx context.Context, id uint, status models.CommentStatus) error {
	err := s.db.WithContext(ctx).Model(&models.Comment{}).Where("id = ?", id).UpdateColumn("status", status).Error
	return translate(err, "update", "comment")
}

func commentCursorKey(c *models.Comment) string { return c.CreatedAt.UTC().Format(time.RFC3339) }

// Comments returns up to page.First+1 comments of an article with the given
// status, oldest first, after the page's cursor.
func (s *Store) Comments(ctx context.Context, articleID uint, status models.CommentStatus, page models.PageArgs) ([]Keyed[*models.Comment], error) {
	q := newQuery("SELECT "+commentColumns+" FROM comments").and("article_id = ? AND status = ?", articleID, status)
	if page.After != nil {
		t, err := time.Parse(time.RFC3339, page.After.Key)
		if err != nil {
			return nil, models.InvalidField("after", "is not a cursor from this list")
		}
		q.and(afterKey("created_at", "id", models.Asc, t, page.After.ID))
	}
	rows, err := readAll(ctx, s, "comments", q.add(" ORDER BY created_at, id LIMIT ?", page.First+1), scanComment)
	if err != nil {
		return nil, err
	}
	out := make([]Keyed[*models.Comment], len(rows))
	for i, c := range rows {
		out[i] = Keyed[*models.Comment]{Row: c, Key: commentCursorKey(c)}
	}
	return out, nil
}

// CommentsByStatus returns up to page.First+1 comments with the status across
// all articles, newest first, after the page's cursor: the moderation queue. It
// reads ix_comments_status_created (status, created_at, id) backwards and stops
// after the page, with no sort.
func (s *Store) CommentsByStatus(ctx context.Context, status models.CommentStatus, page models.PageArgs) ([]Keyed[*models.Comment], error) {
	q := s.db.WithContext(ctx).Where("status = ?", status)
	if page.After != nil {
		t, err := time.Parse(time.RFC3339, page.After.Key)
		if err != nil {
			return nil, models.InvalidField("after", "is not a cursor from this list")
		}
		q = q.Where(afterKey("created_at", "id", models.Desc, t, page.After.ID))
	}
	var rows []*models.Comment
	err := q.Select("id, article_id, status, author_name, author_email, body, created_at").
		Order("created_at DESC").Order("id DESC").Limit(page.First + 1).Find(&rows).Error
	if err != nil {
		return nil, translate(err, "list", "comments")
	}
	out := make([]Keyed[*models.Comment], len(rows))
	for i, c := range rows {
		out[i] = Keyed[*models.Comment]{Row: c, Key: commentCursorKey(c)}
	}
	return out, nil
}

// CountCommentsByStatus returns how many comments with the status there are
// across all articles.
func (s *Store) CountCommentsByStatus(ctx context.Context, status models.CommentStatus) (int, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&models.Comment{}).Where("status = ?", status).Count(&n).Error
	return int(n), translate(err, "count", "comments")
}

// FirstComments returns, for each given article, its first n+1 comments with the
// status, oldest first, in one statement per firstCommentsChunk articles (one for a
// page). The extra row tells that more follow. counts, when given, are the
// articles' counts of comments with the status (CountComments): an article with
// none is not read, and each other is read the cheapest way for its count.
//
// Only ids pass through the derived table, joined back to the rows by primary
// key, and the rows are put in order here, so the engine never builds a temporary
// table holding the TEXT bodies (which MySQL and MariaDB would write to disk).
// Each article's ids come one of two ways:
//
//   - an index range read stopped after n+1 rows, on ix_comments_article_status
//     (article_id, status, created_at, id): one UNION ALL arm per article, so that
//     an article with many comments costs no more than one with few;
//   - with the articles of at most windowedComments comments (known from counts),
//     when there are at least windowedArticles of them, one arm for them all
//     numbering each article's ids with ROW_NUMBER: it reads all their comments'
//     ids, but costs the engine less than an arm each (on MariaDB 10.11, for 20
//     articles of 10 comments, 0.75 ms against 0.92 ms; for 8, 0.78-0.81 ms
//     against 0.91-0.92 ms; for one, 0.44 ms against 0.37-0.42 ms; the arms win
//     from about 30 comments an article).
func (s *Store) FirstComments(ctx context.Context, articleIDs []uint, status models.CommentStatus, n int, counts map[uint]int) (map[uint][]Keyed[*models.Comment], error) {
	out := make(map[uint][]Keyed[*models.Comment], len(articleIDs))
	for chunk := range slices.Chunk(articleIDs, firstCommentsChunk) {
		var few, many []uint
		for _, id := range chunk {
			switch c, known := counts[id]; {
			case counts == nil || (known && c > windowedComments):
				many = append(many, id)
			case known && c > 0:
				few = append(few, id)
			}
		}
		if len(few) < WindowedArticles {
			many, few = append(many, few...), nil
		}
		if len(few)+len(many) == 0 {
			continue
		}
		q := newQuery("SELECT " + commentColumns + " FROM (")
		if len(few) > 0 {
			s.unionArm(q, func(q *query) {
				q.add("SELECT id FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY article_id ORDER BY created_at, id) AS rn FROM comments WHERE article_id IN ").
					in(few).add(" AND status = ?) w WHERE rn <= ?", status, n+1)
			})
		}
		for i, id := range many {
			if i > 0 || len(few) > 0 {
				q.add(" UNION ALL ")
			}
			s.unionArm(q, func(q *query) {
				q.add("SELECT id FROM comments WHERE article_id = ? AND status = ? ORDER BY created_at, id LIMIT ?", id, status, n+1)
			})
		}
		rows, err := readAll(ctx, s, "comments", q.add(") firsts JOIN comments ON comments.id = firsts.id"), scanComment)
		if err != nil {
			return nil, err
		}
		for _, c := range rows {
			out[c.ArticleID] = append(out[c.ArticleID], Keyed[*models.Comment]{Row: c, Key: commentCursorKey(c)})
		}
	}
	for _, list := range out {
		slices.SortFunc(list, func(a, b Keyed[*models.Comment]) int {
			return cmp.Or(a.Row.CreatedAt.Compare(b.Row.CreatedAt), cmp.Compare(a.Row.ID, b.Row.ID))
		})
	}
	return out, nil
}

// firstCommentsChunk is how many articles one FirstComments statement covers: a
// page's worth (pages hold at most 100), so that a page costs one statement.
const firstCommentsChunk = 100

// windowedComments is the most comments an article may have for FirstComments to
// read its first ones in the window arm, and WindowedArticles the fewest such
// articles for which the window arm is worth it.
const (
	windowedComments = 30
	WindowedArticles = 4
)

// unionArm writes one arm of a UNION ALL whose select may have its own ORDER BY
// and LIMIT: in parentheses on MySQL, as a derived table on SQLite, which has no
// parenthesised arms (MariaDB would build a temporary table for each derived
// table).
func (s *Store) unionArm(q *query, arm func(*query)) {
	if s.dialect == MySQL {
		q.add("(")
		arm(q)
		q.add(")")
		return
	}
	q.add("SELECT id FROM (")
	arm(q)
	q.add(")")
}

// CountComments returns how many comments with the status each given article
// has, in one query; articles with none are absent.
func (s *Store) CountComments(ctx context.Context, articleIDs []uint, status models.CommentStatus) (map[uint]int, error) {
	type count struct {
		articleID uint
		n         int
	}
	q := newQuery("SELECT article_id, COUNT(*) FROM comments").and("article_id IN ").in(articleIDs).
		add(" AND status = ? GROUP BY article_id", status)
	rows, err := readAll(ctx, s, "comments", q, func(rows *sql.Rows) (count, error) {
		var c count
		return c, rows.Scan(&c.articleID, &c.n)
	})
	out := make(map[uint]int, len(rows))
	for _, r := range rows {
		out[r.articleID] = r.n
	}
	return out, err
}
