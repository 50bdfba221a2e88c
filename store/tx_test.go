package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"coursegraph/models"
	"coursegraph/store"
	"coursegraph/store/storetest"

	"github.com/go-sql-driver/mysql"
	"github.com/ncruces/go-sqlite3"
)

func TestWithTxRunsTheWholeTransactionAgainWhenTheDatabaseGaveUpOnIt(t *testing.T) {
	deadlock := &mysql.MySQLError{Number: 1213, Message: "Deadlock found when trying to get lock"}
	cases := []struct {
		name         string
		failure      error
		wantAttempts int
	}{
		{"a MySQL deadlock is retried", deadlock, 2},
		{"a MySQL lock-wait timeout is retried", &mysql.MySQLError{Number: 1205}, 2},
		{"SQLSTATE 40001 from a compatible engine is retried", &mysql.MySQLError{Number: 9999, SQLState: [5]byte{'4', '0', '0', '0', '1'}}, 2},
		{"a TiDB write conflict in TiKV is retried", &mysql.MySQLError{Number: 9007, SQLState: [5]byte{'H', 'Y', '0', '0', '0'}}, 2},
		{"a TiDB write conflict in TiDB is retried", &mysql.MySQLError{Number: 8005, SQLState: [5]byte{'H', 'Y', '0', '0', '0'}}, 2},
		{"a TiDB SELECT FOR UPDATE write conflict is retried", &mysql.MySQLError{Number: 8002}, 2},
		{"a TiDB schema change during the transaction is retried", &mysql.MySQLError{Number: 8028}, 2},
		{"a transaction TiDB could not retry itself is retried", &mysql.MySQLError{Number: 8022}, 2},
		{"a busy SQLite database is retried", sqlite3.BUSY, 2},
		{"a duplicate key is not retried", &mysql.MySQLError{Number: 1062}, 1},
		{"a refusal of the use case is not retried", models.Errorf(models.Conflict, "taken"), 1},
	}
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		for i, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				email := fmt.Sprintf("retry%d@example.com", i)
				attempts := 0
				err := s.WithTx(ctx, func(tx *store.Store) error {
					attempts++
					// Each attempt writes, so a retry shows that the failed one was
					// rolled back (the email is unique).
					if err := tx.CreateUser(ctx, &models.User{Name: "Retry", Email: email, Role: models.RoleStaff, Active: true, PasswordHash: "x"}); err != nil {
						return err
					}
					if attempts == 1 {
						return fmt.Errorf("lock user: %w", c.failure)
					}
					return nil
				})
				if attempts != c.wantAttempts {
					t.Fatalf("fn ran %d times; want %d", attempts, c.wantAttempts)
				}
				_, lookErr := s.UserByEmail(ctx, email)
				if c.wantAttempts == 2 {
					if err != nil || lookErr != nil {
						t.Fatalf("WithTx = %v, user lookup = %v; want the second attempt committed", err, lookErr)
					}
				} else if !errors.Is(err, c.failure) || lookErr == nil {
					t.Fatalf("WithTx = %v, user lookup = %v; want the failure returned and nothing written", err, lookErr)
				}
			})
		}
	})
}

func TestWithTxGivesUpOnATransactionThatKeepsDeadlocking(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		deadlock := &mysql.MySQLError{Number: 1213}
		attempts := 0
		err := s.WithTx(context.Background(), func(*store.Store) error { attempts++; return deadlock })
		if attempts != 5 || !errors.Is(err, deadlock) {
			t.Fatalf("fn ran %d times, WithTx = %v; want 5 attempts, then the deadlock", attempts, err)
		}
	})
}

func TestWithTxInsideATransactionLeavesTheRetryToTheOutermost(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		outer, inner := 0, 0
		err := s.WithTx(context.Background(), func(tx *store.Store) error {
			outer++
			return tx.WithTx(context.Background(), func(*store.Store) error {
				inner++
				if outer == 1 {
					return &mysql.MySQLError{Number: 1213}
				}
				return nil
			})
		})
		if err != nil || outer != 2 || inner != 2 {
			t.Fatalf("WithTx = %v, outer ran %d, inner %d; want nil, 2 and 2 (the inner never retries alone)", err, outer, inner)
		}
	})
}

func TestWithTxStopsRetryingWhenTheRequestIsOver(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx, cancel := context.WithCancel(context.Background())
		attempts := 0
		err := s.WithTx(ctx, func(*store.Store) error {
			attempts++
			cancel()
			return &mysql.MySQLError{Number: 1213}
		})
		if attempts != 1 || err == nil {
			t.Fatalf("fn ran %d times, WithTx = %v; want one attempt and an error", attempts, err)
		}
	})
}
