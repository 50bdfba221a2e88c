package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"coursegraph/readroute"

	"github.com/go-sql-driver/mysql"
	"gorm.io/gorm"
)

// ReplicaOptions are the read replicas' settings.
type ReplicaOptions struct {
	// MaxLag is the most a replica may lag behind the primary and stay in
	// rotation (REPLICA_MAX_LAG).
	MaxLag time.Duration
	// CheckEvery is how often the primary's heartbeat is written and each
	// replica's lag measured (default: ReplicaCheckEvery(MaxLag)).
	CheckEvery time.Duration
}

// ReplicaCheckEvery is how often replicas are checked by default for a
// maximum lag of maxLag: half of it, at most a second.
func ReplicaCheckEvery(maxLag time.Duration) time.Duration {
	return min(maxLag/2, time.Second)
}

// ReplicaState is what /readyz?verbose shows of one replica.
type ReplicaState struct {
	// Name is the replica's host:port (never its password).
	Name string
	// InRotation says reads go to it.
	InRotation bool
	// Lag is how far behind the primary it was at the last check, an upper
	// bound (the heartbeat's age); -1 when it did not answer.
	Lag time.Duration
	// Err is why it is out of rotation ("" when in).
	Err string
	// Served counts the reads it served.
	Served int64
}

// replicas are a store's read replicas: reads outside a transaction go to one
// in rotation, round robin, unless their context asks for the primary
// (readroute.Primary) or they lock rows.
//
// This is a small resolver of our own rather than gorm.io/plugin/dbresolver:
// dbresolver's policy (the only place a replica could be skipped) is not asked
// when there is one replica, and sees no context, so it can neither take a
// lagging replica out of rotation nor send a request that has just written to
// the primary; both are what replicas need here, in one callback.
type replicas struct {
	list       []*replica
	next       atomic.Uint64
	maxLag     time.Duration
	checkEvery time.Duration
}

type replica struct {
	name   string
	db     *sql.DB
	state  atomic.Pointer[ReplicaState]
	served atomic.Int64
}

// UseReplicas sends the store's reads to the MySQL replicas that urls name (as
// Open reads them), each once it is within opts.MaxLag of the primary. It
// checks each replica once before it returns; WatchReplicas keeps checking.
// Call it once, before the store is used. The embedded SQLite database has no
// replicas: it is refused.
func (s *Store) UseReplicas(ctx context.Context, urls []string, opts ReplicaOptions) error {
	if s.dialect != MySQL {
		return errors.New("read replicas need a MySQL primary (DATABASE_URL=mysql://…); the embedded SQLite database has none")
	}
	if s.replicas != nil {
		return errors.New("the store has its replicas already")
	}
	if opts.MaxLag <= 0 {
		return errors.New("replicas need a maximum lag")
	}
	if opts.CheckEvery <= 0 {
		opts.CheckEvery = ReplicaCheckEvery(opts.MaxLag)
	}
	rs := &replicas{maxLag: opts.MaxLag, checkEvery: opts.CheckEvery}
	for _, u := range urls {
		dialect, dsn, err := ParseURL(u)
		if err != nil {
			return fmt.Errorf("replica URL: %w", err)
		}
		if dialect != MySQL {
			return errors.New("a replica URL must be a mysql:// URL or a Go MySQL DSN")
		}
		cfg, err := mysql.ParseDSN(dsn)
		if err != nil {
			return fmt.Errorf("replica URL: %w", err)
		}
		db, err := sql.Open("mysql", dsn)
		if err != nil {
			rs.close()
			return fmt.Errorf("open replica %s: %w", cfg.Addr, err)
		}
		mysqlPool(db)
		r := &replica{name: cfg.Addr, db: db}
		r.state.Store(&ReplicaState{Name: r.name, Lag: -1, Err: "not checked yet"})
		rs.list = append(rs.list, r)
	}
	if len(rs.list) == 0 {
		return errors.New("no replica URL given")
	}
	c := s.db.Callback()
	if err := c.Query().Before("gorm:query").Register("coursegraph:replica_query", rs.route); err != nil {
		rs.close()
		return fmt.Errorf("route reads: %w", err)
	}
	if err := c.Row().Before("gorm:row").Register("coursegraph:replica_row", rs.route); err != nil {
		rs.close()
		return fmt.Errorf("route reads: %w", err)
	}
	s.replicas = rs
	s.CheckReplicas(ctx)
	return nil
}

// WatchReplicas writes the primary's heartbeat and measures each replica's lag
// every CheckEvery until ctx ends, taking a replica out of rotation while it
// lags more than MaxLag or does not answer, and back once it has caught up.
// Without replicas it returns at once.
func (s *Store) WatchReplicas(ctx context.Context) {
	if s.replicas == nil {
		return
	}
	t := time.NewTicker(s.replicas.checkEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			s.CheckReplicas(ctx)
		}
	}
}

// Replicas returns the state of each replica, in the order they were given.
func (s *Store) Replicas() []ReplicaState {
	if s.replicas == nil {
		return nil
	}
	out := make([]ReplicaState, 0, len(s.replicas.list))
	for _, r := range s.replicas.list {
		st := *r.state.Load()
		st.Served = r.served.Load()
		out = append(out, st)
	}
	return out
}

// ReplicaWindow is how stale a read served by a replica in rotation may be at
// most: MaxLag, plus the time between two checks, during which a replica's lag
// may grow unseen. 0 without replicas.
func (s *Store) ReplicaWindow() time.Duration {
	if s.replicas == nil {
		return 0
	}
	return s.replicas.maxLag + s.replicas.checkEvery
}

// CheckReplicas writes the heartbeat on the primary, then reads it on each
// replica, and puts each in rotation or out; WatchReplicas calls it every
// CheckEvery. A failed heartbeat write takes no replica out: their lag then grows
// until the primary answers again, which is what it is.
func (s *Store) CheckReplicas(ctx context.Context) {
	rs := s.replicas
	if rs == nil {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, max(rs.checkEvery, time.Second))
	defer cancel()
	_ = s.db.WithContext(ctx).Exec("UPDATE replica_heartbeat SET beat_at = UTC_TIMESTAMP(6) WHERE id = 1").Error
	// Both ends of a lag are read on the primary's clock: the heartbeat it
	// wrote, as each replica has it, and its time now, read after them all (so
	// the lag is an upper bound). A replica's own clock never enters, so no
	// skew between the hosts adds to a lag or hides one.
	beats := make([]sql.NullInt64, len(rs.list))
	errs := make([]error, len(rs.list))
	for i, r := range rs.list {
		errs[i] = r.db.QueryRowContext(ctx, "SELECT "+sinceEpoch("beat_at")+" FROM replica_heartbeat WHERE id = 1").Scan(&beats[i])
	}
	var now int64
	primaryErr := s.db.WithContext(ctx).Raw("SELECT " + sinceEpoch("UTC_TIMESTAMP(6)")).Scan(&now).Error
	for i, r := range rs.list {
		st := &ReplicaState{Name: r.name, Lag: -1}
		switch {
		case errs[i] != nil:
			st.Err = "not answering"
		case !beats[i].Valid:
			st.Err = "no heartbeat"
		case primaryErr != nil:
			st.Err = "lag unknown: the primary is not answering"
		default:
			st.Lag = max(time.Duration(now-beats[i].Int64)*time.Microsecond, 0)
			if st.Lag > rs.maxLag {
				st.Err = fmt.Sprintf("lag %s over REPLICA_MAX_LAG %s", st.Lag.Round(time.Millisecond), rs.maxLag)
			} else {
				st.InRotation = true
			}
		}
		r.state.Store(st)
	}
}

// sinceEpoch is SQL for the microseconds from 1970 to the DATETIME expr, by
// date arithmetic alone (no session time zone enters).
func sinceEpoch(expr string) string {
	return "TIMESTAMPDIFF(MICROSECOND, '1970-01-01 00:00:00', " + expr + ")"
}

// route sends a read to a replica in rotation when it may go there: outside a
// transaction, locking nothing, and with a context that does not ask for the
// primary. It notes the replica read in the request's readroute record.
func (rs *replicas) route(db *gorm.DB) {
	if db.Error != nil {
		return
	}
	if _, inTx := db.Statement.ConnPool.(gorm.TxCommitter); inTx {
		return
	}
	ctx := db.Statement.Context
	if ctx == nil {
		return
	}
	if _, locking := db.Statement.Clauses["FOR"]; locking {
		return
	}
	if raw := db.Statement.SQL.String(); raw != "" && !readOnly(raw) {
		return
	}
	if r := rs.pick(ctx); r != nil {
		db.Statement.ConnPool = r.db
		db.Statement.Settings.Store(replicaSetting, r.name)
	}
}

// pick returns the replica in rotation that a read outside a transaction should
// go to, round robin, and notes it (the replica's count, the request's readroute
// record); nil when the context asks for the primary or no replica is in rotation.
func (rs *replicas) pick(ctx context.Context) *replica {
	if readroute.OnPrimary(ctx) {
		return nil
	}
	n := uint64(len(rs.list))
	start := rs.next.Add(1)
	for i := range n {
		r := rs.list[(start+i)%n]
		if r.state.Load().InRotation {
			r.served.Add(1)
			readroute.NoteReplica(ctx)
			return r
		}
	}
	return nil
}

// replicaSetting names, in a statement's settings, the replica that serves it.
const replicaSetting = "coursegraph:replica"

// readOnly reports whether a raw statement only reads, without locking.
func readOnly(raw string) bool {
	s := strings.ToUpper(strings.TrimSpace(raw))
	if !strings.HasPrefix(s, "SELECT") && !strings.HasPrefix(s, "WITH") {
		return false
	}
	return !strings.Contains(s, "FOR UPDATE") && !strings.Contains(s, "FOR SHARE") &&
		!strings.Contains(s, "LOCK IN SHARE MODE") && !strings.Contains(s, "GET_LOCK")
}

func (rs *replicas) close() {
	for _, r := range rs.list {
		_ = r.db.Close()
	}
}
