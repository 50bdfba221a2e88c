package main

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// Limits of one multi-row INSERT: well under MariaDB's default max_allowed_packet
// (16 MiB) once the driver has interpolated the values.
const (
	maxRowsPerInsert  = 1000
	maxBytesPerInsert = 4 << 20
	insertsPerTx      = 16
)

// loader writes rows with multi-row INSERTs on one connection, committing every few
// statements so that no transaction grows without bound.
type loader struct {
	conn       *sql.Conn
	tx         *sql.Tx
	statements int
	tables     []*table
	counts     map[string]int
}

type table struct {
	l       *loader
	name    string
	prefix  string
	row     string
	args    []any
	rows    int
	bytes   int
	columns int
}

func (l *loader) table(name string, columns ...string) *table {
	t := &table{
		l: l, name: name, columns: len(columns),
		prefix: "INSERT INTO " + name + " (" + strings.Join(columns, ", ") + ") VALUES ",
		row:    "(" + strings.TrimSuffix(strings.Repeat("?, ", len(columns)), ", ") + ")",
	}
	l.tables = append(l.tables, t)
	return t
}

// add queues one row; it writes the queued rows when there are enough.
func (t *table) add(ctx context.Context, values ...any) error {
	if len(values) != t.columns {
		return fmt.Errorf("insert into %s: %d values for %d columns", t.name, len(values), t.columns)
	}
	t.args = append(t.args, values...)
	t.rows++
	for _, v := range values {
		switch s := v.(type) {
		case string:
			t.bytes += len(s) + 8
		case *string:
			if s != nil {
				t.bytes += len(*s) + 8
			}
		default:
			t.bytes += 24
		}
	}
	if t.rows >= maxRowsPerInsert || t.bytes >= maxBytesPerInsert {
		return t.write(ctx)
	}
	return nil
}

func (t *table) write(ctx context.Context) error {
	if t.rows == 0 {
		return nil
	}
	var b strings.Builder
	b.Grow(len(t.prefix) + t.rows*(len(t.row)+2))
	b.WriteString(t.prefix)
	for i := range t.rows {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(t.row)
	}
	if err := t.l.exec(ctx, b.String(), t.args); err != nil {
		return fmt.Errorf("insert into %s: %w", t.name, err)
	}
	if t.l.counts == nil {
		t.l.counts = map[string]int{}
	}
	t.l.counts[t.name] += t.rows
	t.args, t.rows, t.bytes = t.args[:0], 0, 0
	return nil
}

func (l *loader) exec(ctx context.Context, query string, args []any) error {
	if l.tx == nil {
		tx, err := l.conn.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		l.tx = tx
	}
	if _, err := l.tx.ExecContext(ctx, query, args...); err != nil {
		_ = l.tx.Rollback()
		l.tx = nil
		return err
	}
	l.statements++
	if l.statements%insertsPerTx == 0 {
		return l.commit()
	}
	return nil
}

func (l *loader) commit() error {
	if l.tx == nil {
		return nil
	}
	err := l.tx.Commit()
	l.tx = nil
	return err
}

// flush writes every queued row and commits.
func (l *loader) flush(ctx context.Context) error {
	for _, t := range l.tables {
		if err := t.write(ctx); err != nil {
			return err
		}
	}
	return l.commit()
}
