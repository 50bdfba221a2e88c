package service

import (
	"context"

	"coursegraph/models"
	"coursegraph/store"
)

// PageInfo says where a page of a connection stands.
type PageInfo struct {
	HasNextPage     bool
	EndCursor       *string
	HasPreviousPage bool
	StartCursor     *string
}

// page cuts a keyset result (which holds one row more than asked for when another
// page follows) to the page, and returns its rows, their cursors and its PageInfo.
func page[T any](rows []store.Keyed[T], args models.PageArgs, order string, id func(T) uint) ([]T, []string, *PageInfo) {
	info := &PageInfo{HasNextPage: len(rows) > args.First, HasPreviousPage: args.After != nil}
	rows = rows[:min(len(rows), args.First)]
	nodes := make([]T, len(rows))
	cursors := make([]string, len(rows))
	for i, r := range rows {
		nodes[i] = r.Row
		cursors[i] = models.Cursor{Order: order, Key: r.Key, ID: id(r.Row)}.Encode()
	}
	if len(rows) > 0 {
		info.StartCursor, info.EndCursor = &cursors[0], &cursors[len(cursors)-1]
	}
	return nodes, cursors, info
}

// counter counts a connection's rows over all pages, only when a client asks.
type counter func(ctx context.Context) (int, error)

// edges builds a page's edges with edge, and its PageInfo.
func edges[T, E any](rows []store.Keyed[T], args models.PageArgs, order string, id func(T) uint, edge func(cursor string, node T) E) ([]E, *PageInfo) {
	nodes, cursors, info := page(rows, args, order, id)
	out := make([]E, len(nodes))
	for i, n := range nodes {
		out[i] = edge(cursors[i], n)
	}
	return out, info
}
