package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"syscall"

	"coursegraph/models"

	"github.com/go-sql-driver/mysql"
	"github.com/ncruces/go-sqlite3"
)

// asUnavailable returns err as a models.Unavailable error (keeping err as its
// cause, for the log) when it means the database did not answer in time or could
// not be reached, and nil otherwise. This is the one place where driver, network
// and deadline errors are told from bugs.
func asUnavailable(err error) *models.Error {
	if err == nil || !unavailable(err) {
		return nil
	}
	if me, ok := errors.AsType[*models.Error](err); ok {
		return me
	}
	return &models.Error{Code: models.Unavailable, Message: models.UnavailableMessage, Err: err}
}

func unavailable(err error) bool {
	if me, ok := errors.AsType[*models.Error](err); ok {
		return me.Code == models.Unavailable
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		// The request's deadline passed (or its client left) while it waited
		// for a connection or an answer.
		return true
	case errors.Is(err, driver.ErrBadConn), errors.Is(err, mysql.ErrInvalidConn),
		errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, syscall.ECONNREFUSED),
		errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return true
	case errors.Is(err, sqlite3.BUSY), errors.Is(err, sqlite3.LOCKED), errors.Is(err, sqlite3.INTERRUPT):
		// Another writer held the database for longer than the busy timeout,
		// or the wait was cut by the deadline.
		return true
	}
	if me, ok := errors.AsType[*mysql.MySQLError](err); ok {
		switch me.Number {
		case 1040, // too many connections
			1053, // server shutdown in progress
			1205, // lock wait timeout exceeded
			1317, // query execution was interrupted
			1927, // connection was killed (MariaDB)
			3024, // maximum statement execution time exceeded
			8020: // a table another session holds locked (TiDB answers at once rather than wait)
			return true
		}
		return false
	}
	var ne net.Error
	return errors.As(err, &ne) // dial failures and i/o timeouts
}
