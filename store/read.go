package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"coursegraph/models"

	"gorm.io/gorm"
)

// The read path's statements (pages of articles and courses, the relations of a
// page, sessions and users) are SQL written in this package, joined from constant
// fragments, run with database/sql and scanned by hand into the models (scan.go).
// GORM builds none of them: its statement building (a Statement and its clauses
// allocated per call, the model's schema looked up, callbacks run) was 13 % of the
// CPU of a catalogue request in a profile of BenchmarkReadPath. GORM keeps the
// writes and the rare reads; the models stay GORM's models.
//
// A read goes where GORM would send it (readPool) and is seen by the store's
// statement observers as GORM's reads are, so metrics, tracing, the statement
// counts of the tests and the read replicas cover both alike.

// query is a read statement being written: its text and its arguments.
type query struct {
	text  strings.Builder
	args  []any
	where bool // the text has its WHERE
}

// newQuery starts a statement with text and its arguments.
func newQuery(text string, args ...any) *query {
	q := &query{args: args}
	q.text.Grow(len(text) + 256)
	q.text.WriteString(text)
	return q
}

// add appends text and its arguments.
func (q *query) add(text string, args ...any) *query {
	q.text.WriteString(text)
	q.args = append(q.args, args...)
	return q
}

// and appends a condition: the WHERE clause's first, or one more joined by AND.
func (q *query) and(cond string, args ...any) *query {
	if q.where {
		q.text.WriteString(" AND ")
	} else {
		q.text.WriteString(" WHERE ")
		q.where = true
	}
	return q.add(cond, args...)
}

// in appends a parenthesised list of one placeholder per id, and the ids.
func (q *query) in(ids []uint) *query { return inList(q, ids) }

// inList appends a parenthesised list of one placeholder per value, and the
// values. An empty list is (NULL), which matches nothing, as GORM writes it.
func inList[T any](q *query, vals []T) *query {
	if len(vals) == 0 {
		q.text.WriteString("(NULL)")
		return q
	}
	q.text.WriteString("(?")
	for range len(vals) - 1 {
		q.text.WriteString(", ?")
	}
	q.text.WriteByte(')')
	for _, v := range vals {
		q.args = append(q.args, v)
	}
	return q
}

// scanCount scans a COUNT(*).
func scanCount(rows *sql.Rows) (int, error) {
	var n int
	return n, rows.Scan(&n)
}

// readAll runs q, which must select what scan reads, and scans every row.
func readAll[T any](ctx context.Context, s *Store, what string, q *query, scan func(*sql.Rows) (T, error)) ([]T, error) {
	rows, err := s.rows(ctx, q.text.String(), q.args)
	if err != nil {
		return nil, translate(err, "list", what)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, translate(err, "list", what)
		}
		out = append(out, v)
	}
	return out, translate(rows.Err(), "list", what)
}

// readOne is readAll for a statement of at most one row (it adds LIMIT 1);
// NotFound when there is none.
func readOne[T any](ctx context.Context, s *Store, what string, q *query, scan func(*sql.Rows) (T, error)) (T, error) {
	all, err := readAll(ctx, s, what, q.add(" LIMIT 1"), scan)
	if err == nil && len(all) == 0 {
		err = models.Errorf(models.NotFound, "%s not found", what)
	}
	if err != nil {
		var zero T
		return zero, err
	}
	return all[0], nil
}

// ReadKind is the Statement.Kind of the read path's statements, which GORM does
// not build (tests tell them from GORM's by it).
const ReadKind = "read"

// rows runs a read statement where GORM would run it, telling the observers as
// GORM's callbacks tell them.
func (s *Store) rows(ctx context.Context, text string, args []any) (*sql.Rows, error) {
	pool, replica := s.readPool(ctx)
	list := s.observers.list.Load()
	if list == nil {
		return pool.QueryContext(ctx, text, args...)
	}
	sctx := ctx
	for _, o := range *list {
		sctx = o.StartStatement(sctx, ReadKind)
	}
	start := time.Now()
	rows, err := pool.QueryContext(sctx, text, args...)
	st := Statement{Kind: ReadKind, SQL: text, Duration: time.Since(start), Err: err, Replica: replica}
	for i := len(*list) - 1; i >= 0; i-- {
		(*list)[i].EndStatement(sctx, st)
	}
	return rows, err
}

// readPool is the connection pool a read runs on, and the replica's name when it
// is one: in a transaction, the transaction's; otherwise a replica in rotation
// when the context allows one (replicas.pick), else the primary's.
func (s *Store) readPool(ctx context.Context) (gorm.ConnPool, string) {
	if !s.inTx && s.replicas != nil {
		if r := s.replicas.pick(ctx); r != nil {
			return r.db, r.name
		}
	}
	return s.db.Statement.ConnPool, ""
}
