// Package sqlitestore is an SQLite-backed implementation of
// store.EventStore. It exists as the peer the file store is measured
// against: the benchmarks in internal/bench run the same work on both, in
// the same run, so that a ratio holds on a noisy machine. It passes the
// same conformance specs, so the peer does the same job, not an easier one.
//
// It uses modernc.org/sqlite (pure Go, no cgo) in WAL mode with
// synchronous=FULL: a commit is fsynced before Append returns. Events live
// in one table keyed by position, with a unique index on the event id and
// an index on (type, position); each row records the positions of the
// batch it was appended with, for the retry check (storeimpl.Batch.ResolveRetry); tags
// live in a second table keyed by (key, value, position), so that type and tag
// queries use indexes rather than a scan. A conditional append checks its
// condition and inserts the events in one IMMEDIATE transaction, which
// SQLite serialises across connections and processes.
//
// Subscriptions wake at once on appends made through the same *Store and
// poll for appends made by other processes.
//
// This package is internal: it is a measuring instrument, not a product.
package sqlitestore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"strings"
	"sync"
	"time"

	"github.com/opossum-go/opossum/internal/notify"
	"github.com/opossum-go/opossum/internal/storeimpl"
	"github.com/opossum-go/opossum/store"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// Options configure a Store. The zero value (and a nil *Options) is safe
// and durable.
type Options struct {
	// NoSync sets synchronous=OFF: commits are not fsynced, so a power loss
	// may lose the last commits. For benchmarks against store's NoSync.
	NoSync bool
	// BusyTimeout bounds the wait for another process's write transaction.
	// Zero means 10 seconds.
	BusyTimeout time.Duration
	// PollInterval is how often subscriptions look for appends made by other
	// processes. Zero means 20 ms.
	PollInterval time.Duration
	// MaxEventSize is the largest accepted event; zero means
	// store.DefaultMaxEventSize.
	MaxEventSize int
	// Now replaces the clock used for zero timestamps. Nil means time.Now.
	Now func() time.Time
}

// Store is an SQLite-backed store.EventStore. All methods are safe for
// concurrent use.
type Store struct {
	db   *sql.DB
	opts Options

	// wmu serialises this process's write transactions, so that they queue
	// in Go rather than in SQLite's sleeping busy handler.
	wmu sync.Mutex

	cmu    sync.RWMutex
	closed bool

	smu   sync.Mutex
	stmts map[string]*sql.Stmt

	note *notify.Notifier
}

var _ store.EventStore = (*Store)(nil)

const schema = `
CREATE TABLE IF NOT EXISTS events (
	position    INTEGER PRIMARY KEY,
	id          BLOB NOT NULL UNIQUE,
	batch_first INTEGER NOT NULL,
	batch_last  INTEGER NOT NULL,
	type        TEXT NOT NULL,
	tags        TEXT NOT NULL,
	data        TEXT NOT NULL,
	ts          TEXT NOT NULL,
	correlation TEXT NOT NULL,
	causation   TEXT NOT NULL,
	extra       TEXT
);
CREATE INDEX IF NOT EXISTS events_by_type ON events (type, position);
CREATE TABLE IF NOT EXISTS tags (
	key      TEXT NOT NULL,
	value    TEXT NOT NULL,
	position INTEGER NOT NULL,
	PRIMARY KEY (key, value, position)
) WITHOUT ROWID;
`

// Open opens (creating when missing) the SQLite database file path.
func Open(path string, opts *Options) (*Store, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.BusyTimeout <= 0 {
		o.BusyTimeout = 10 * time.Second
	}
	if o.PollInterval <= 0 {
		o.PollInterval = 20 * time.Millisecond
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	syncMode := "FULL"
	if o.NoSync {
		syncMode = "OFF"
	}
	dsn := fmt.Sprintf("%s?_txlock=immediate&_pragma=busy_timeout(%d)&_pragma=journal_mode(WAL)&_pragma=synchronous(%s)",
		path, o.BusyTimeout.Milliseconds(), syncMode)
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: open %s: %w", path, err)
	}
	db.SetMaxIdleConns(16)
	db.SetConnMaxIdleTime(0)
	if _, err := db.Exec(schema); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlitestore: create schema in %s: %w", path, err)
	}
	return &Store{db: db, opts: o, stmts: map[string]*sql.Stmt{}, note: notify.New()}, nil
}

func (s *Store) isClosed() bool {
	s.cmu.RLock()
	defer s.cmu.RUnlock()
	return s.closed
}

// stmt returns a prepared statement for query, prepared once per Store.
func (s *Store) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	s.smu.Lock()
	defer s.smu.Unlock()
	if st, ok := s.stmts[query]; ok {
		return st, nil
	}
	st, err := s.db.PrepareContext(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: prepare: %w", err)
	}
	s.stmts[query] = st
	return st, nil
}

// Append implements store.EventStore: validation, then the condition check
// and the inserts in one IMMEDIATE transaction.
func (s *Store) Append(ctx context.Context, events []store.Event, cond *store.AppendCondition) (store.Position, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	batch, err := storeimpl.PrepareBatch(events, s.opts.MaxEventSize, s.opts.Now().UTC())
	if err != nil {
		return 0, err
	}
	if cond != nil {
		if err := cond.FailIfEventsMatch.Validate(); err != nil {
			return 0, err
		}
	}
	rows := make([][]any, len(batch.Events))
	for i := range batch.Events {
		if rows[i], err = encodeRow(&batch.Events[i]); err != nil {
			return 0, err
		}
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if s.isClosed() {
		return 0, store.ErrClosed
	}
	last, wrote, err := s.appendTx(ctx, batch, rows, cond)
	if err != nil {
		return 0, err
	}
	if wrote {
		s.note.Wake()
	}
	return last, nil
}

// appendTx runs the append in one transaction: the retry check, the
// condition, the inserts. wrote is false for a retry, which writes nothing.
func (s *Store) appendTx(ctx context.Context, batch storeimpl.Batch, rows [][]any, cond *store.AppendCondition) (last store.Position, wrote bool, err error) {
	insEvent, err := s.stmt(ctx, `INSERT INTO events (position, id, batch_first, batch_last, type, tags, data, ts, correlation, causation, extra) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return 0, false, err
	}
	insTag, err := s.stmt(ctx, `INSERT OR IGNORE INTO tags (key, value, position) VALUES (?, ?, ?)`)
	if err != nil {
		return 0, false, err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, false, fmt.Errorf("sqlitestore: begin: %w", err)
	}
	defer tx.Rollback()
	// A retry is recognised before the condition, which its own events,
	// stored by the first attempt, would fail.
	var findErr error
	find := func(id store.EventID) (store.Position, bool) {
		var p int64
		err := tx.QueryRowContext(ctx, `SELECT position FROM events WHERE id = ?`, id[:]).Scan(&p)
		if err != nil && !errors.Is(err, sql.ErrNoRows) && findErr == nil {
			findErr = fmt.Errorf("sqlitestore: look up event id %s: %w", id, err)
		}
		return store.Position(p), err == nil
	}
	last, err = batch.ResolveRetry(find, s.loader(ctx, tx))
	if err == nil {
		err = findErr
	}
	if err != nil || last > 0 {
		return last, false, err
	}
	if cond != nil {
		last, err := s.lastPosition(ctx, tx, cond.FailIfEventsMatch)
		if err != nil {
			return 0, false, err
		}
		if last > 0 && last > cond.After {
			return 0, false, &store.ConditionError{Query: cond.FailIfEventsMatch, After: cond.After, Conflict: last}
		}
	}
	var head int64
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(position), 0) FROM events`).Scan(&head); err != nil {
		return 0, false, fmt.Errorf("sqlitestore: head: %w", err)
	}
	n := int64(len(batch.Events))
	ie, it := tx.StmtContext(ctx, insEvent), tx.StmtContext(ctx, insTag)
	for i := range batch.Events {
		p := head + 1 + int64(i)
		args := append([]any{p, batch.Events[i].ID[:], head + 1, head + n}, rows[i]...)
		if _, err := ie.ExecContext(ctx, args...); err != nil {
			return 0, false, fmt.Errorf("sqlitestore: insert event %d: %w", p, err)
		}
		for _, t := range batch.Events[i].Tags {
			if _, err := it.ExecContext(ctx, t.Key, t.Value, p); err != nil {
				return 0, false, fmt.Errorf("sqlitestore: insert tag of event %d: %w", p, err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, false, fmt.Errorf("sqlitestore: commit: %w", err)
	}
	return store.Position(head + n), true, nil
}

// loader returns the stored events at first..last and whether they are
// one whole batch, for storeimpl.Batch.ResolveRetry.
func (s *Store) loader(ctx context.Context, tx *sql.Tx) func(first, last store.Position) ([]store.StoredEvent, bool, error) {
	return func(first, last store.Position) ([]store.StoredEvent, bool, error) {
		rows, err := tx.QueryContext(ctx, `SELECT `+columns+`, batch_first, batch_last FROM events WHERE position BETWEEN ? AND ? ORDER BY position`, int64(first), int64(last))
		if err != nil {
			return nil, false, fmt.Errorf("sqlitestore: read batch %d..%d: %w", first, last, err)
		}
		defer rows.Close()
		var out []store.StoredEvent
		whole := true
		for rows.Next() {
			var bf, bl int64
			e, err := scanEvent(rows, &bf, &bl)
			if err != nil {
				return nil, false, err
			}
			whole = whole && store.Position(bf) == first && store.Position(bl) == last
			out = append(out, e)
		}
		if err := rows.Err(); err != nil {
			return nil, false, fmt.Errorf("sqlitestore: read batch %d..%d: %w", first, last, err)
		}
		return out, whole, nil
	}
}

// encodeRow returns the columns after position for one event.
func encodeRow(e *store.Event) ([]any, error) {
	tags := e.Tags
	if tags == nil {
		tags = []store.Tag{}
	}
	tj, err := json.Marshal(tags)
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: encode tags: %w", err)
	}
	var extra any
	if e.Metadata.Extra != nil {
		b, err := json.Marshal(e.Metadata.Extra)
		if err != nil {
			return nil, fmt.Errorf("sqlitestore: encode metadata: %w", err)
		}
		extra = string(b)
	}
	return []any{e.Type, string(tj), string(e.Data), e.Metadata.Timestamp.Format(time.RFC3339Nano),
		e.Metadata.CorrelationID, e.Metadata.CausationID, extra}, nil
}

const columns = `position, id, type, tags, data, ts, correlation, causation, extra`

// where renders the condition selecting q's matches, appending its
// arguments. All renders an always-true condition.
func where(q store.Query, args *[]any) string {
	if q.IsAll() {
		return "1"
	}
	items := q.QueryItems()
	if len(items) == 1 && len(items[0].Tags) == 0 {
		// Types only: the (type, position) index answers it directly.
		return "type IN (" + placeholders(items[0].Types, args) + ")"
	}
	parts := make([]string, len(items))
	for i, it := range items {
		parts[i] = itemSQL(it, args)
		if len(items) > 1 && len(it.Tags) > 1 {
			// Compound operators bind left to right with equal
			// precedence: an INTERSECT inside a UNION needs its own SELECT.
			parts[i] = "SELECT position FROM (" + parts[i] + ")"
		}
	}
	return "position IN (" + strings.Join(parts, " UNION ") + ")"
}

// itemSQL renders a SELECT of the positions matching one item.
func itemSQL(it store.QueryItem, args *[]any) string {
	if len(it.Tags) == 0 {
		return "SELECT position FROM events WHERE type IN (" + placeholders(it.Types, args) + ")"
	}
	parts := make([]string, 0, len(it.Tags))
	for i, t := range it.Tags {
		*args = append(*args, t.Key, t.Value)
		if i == 0 && len(it.Types) > 0 {
			parts = append(parts, "SELECT t.position FROM tags t JOIN events e ON e.position = t.position WHERE t.key = ? AND t.value = ? AND e.type IN ("+placeholders(it.Types, args)+")")
			continue
		}
		parts = append(parts, "SELECT position FROM tags WHERE key = ? AND value = ?")
	}
	return strings.Join(parts, " INTERSECT ")
}

func placeholders(vals []string, args *[]any) string {
	for _, v := range vals {
		*args = append(*args, v)
	}
	return strings.TrimSuffix(strings.Repeat("?,", len(vals)), ",")
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// lastPosition returns the highest position matching q, or 0.
func (s *Store) lastPosition(ctx context.Context, db querier, q store.Query) (store.Position, error) {
	var args []any
	w := where(q, &args)
	var p int64
	err := db.QueryRowContext(ctx, "SELECT position FROM events WHERE "+w+" ORDER BY position DESC LIMIT 1", args...).Scan(&p)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("sqlitestore: last match of %s: %w", q, err)
	}
	return store.Position(p), nil
}

// Read implements store.EventStore. The sequence is one SELECT, so it sees
// the snapshot taken when iteration begins.
func (s *Store) Read(ctx context.Context, q store.Query, opts ...store.ReadOption) iter.Seq2[store.StoredEvent, error] {
	o, err := storeimpl.ResolveReadOptions(opts...)
	if err != nil {
		return errSeq(err)
	}
	if err := q.Validate(); err != nil {
		return errSeq(err)
	}
	return func(yield func(store.StoredEvent, error) bool) {
		if s.isClosed() {
			yield(store.StoredEvent{}, store.ErrClosed)
			return
		}
		if o.HasLimit && o.Limit == 0 {
			return
		}
		args := []any{int64(o.After)}
		query := "SELECT " + columns + " FROM events WHERE position > ? AND " + where(q, &args) + " ORDER BY position"
		if o.Backwards {
			query += " DESC"
		}
		if o.HasLimit {
			query += " LIMIT ?"
			args = append(args, o.Limit)
		}
		st, err := s.stmt(ctx, query)
		if err != nil {
			yield(store.StoredEvent{}, err)
			return
		}
		rows, err := st.QueryContext(ctx, args...)
		if err != nil {
			yield(store.StoredEvent{}, s.readErr(ctx, err))
			return
		}
		defer rows.Close()
		for rows.Next() {
			e, err := scanEvent(rows)
			if err != nil {
				yield(store.StoredEvent{}, err)
				return
			}
			if !yield(e, nil) {
				return
			}
		}
		if err := rows.Err(); err != nil {
			yield(store.StoredEvent{}, s.readErr(ctx, err))
		}
	}
}

func (s *Store) readErr(ctx context.Context, err error) error {
	if cerr := ctx.Err(); cerr != nil {
		return cerr
	}
	if s.isClosed() {
		return store.ErrClosed
	}
	return fmt.Errorf("sqlitestore: read: %w", err)
}

type scanner interface{ Scan(dest ...any) error }

// scanEvent scans the columns, then more (extra destinations after them).
func scanEvent(r scanner, more ...any) (store.StoredEvent, error) {
	var (
		p                 int64
		id                []byte
		typ, ts, cor, cau string
		tags, data        []byte
		extra             sql.NullString
	)
	if err := r.Scan(append([]any{&p, &id, &typ, &tags, &data, &ts, &cor, &cau, &extra}, more...)...); err != nil {
		return store.StoredEvent{}, fmt.Errorf("sqlitestore: scan: %w", err)
	}
	e := store.StoredEvent{Position: store.Position(p)}
	if len(id) != len(e.ID) {
		return store.StoredEvent{}, fmt.Errorf("sqlitestore: event %d has an id of %d bytes", p, len(id))
	}
	copy(e.ID[:], id)
	e.Type, e.Data = typ, json.RawMessage(data)
	if err := json.Unmarshal(tags, &e.Tags); err != nil {
		return store.StoredEvent{}, fmt.Errorf("sqlitestore: event %d tags: %w", p, err)
	}
	t, err := time.Parse(time.RFC3339Nano, ts)
	if err != nil {
		return store.StoredEvent{}, fmt.Errorf("sqlitestore: event %d timestamp: %w", p, err)
	}
	e.Metadata.Timestamp, e.Metadata.CorrelationID, e.Metadata.CausationID = t, cor, cau
	if extra.Valid {
		if err := json.Unmarshal([]byte(extra.String), &e.Metadata.Extra); err != nil {
			return store.StoredEvent{}, fmt.Errorf("sqlitestore: event %d metadata: %w", p, err)
		}
	}
	return e, nil
}

// ReadLast implements store.EventStore.
func (s *Store) ReadLast(ctx context.Context, q store.Query) (*store.StoredEvent, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := q.Validate(); err != nil {
		return nil, err
	}
	if s.isClosed() {
		return nil, store.ErrClosed
	}
	var args []any
	st, err := s.stmt(ctx, "SELECT "+columns+" FROM events WHERE "+where(q, &args)+" ORDER BY position DESC LIMIT 1")
	if err != nil {
		return nil, err
	}
	e, err := scanEvent(st.QueryRowContext(ctx, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, s.readErr(ctx, err)
	}
	return &e, nil
}

// Head implements store.EventStore.
func (s *Store) Head(ctx context.Context) (store.Position, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if s.isClosed() {
		return 0, store.ErrClosed
	}
	st, err := s.stmt(ctx, `SELECT coalesce(max(position), 0) FROM events`)
	if err != nil {
		return 0, err
	}
	var p int64
	if err := st.QueryRowContext(ctx).Scan(&p); err != nil {
		return 0, s.readErr(ctx, err)
	}
	return store.Position(p), nil
}

// Subscribe implements store.EventStore: stored matches first, then new
// ones, woken at once by appends through s and by a poll for others.
func (s *Store) Subscribe(ctx context.Context, q store.Query, after store.Position) iter.Seq2[store.StoredEvent, error] {
	if err := q.Validate(); err != nil {
		return errSeq(err)
	}
	return func(yield func(store.StoredEvent, error) bool) {
		timer := time.NewTimer(s.opts.PollInterval)
		defer timer.Stop()
		seen := after
		for {
			// Take the wake channel before reading, so that a commit
			// between the read and the wait is not missed.
			ch, closed := s.note.Changed()
			if closed {
				yield(store.StoredEvent{}, store.ErrClosed)
				return
			}
			head, err := s.Head(ctx)
			if err != nil {
				if ctx.Err() == nil {
					yield(store.StoredEvent{}, err)
				}
				return
			}
			if head > seen {
				for e, err := range s.Read(ctx, q, store.After(seen)) {
					if err != nil {
						if ctx.Err() == nil {
							yield(store.StoredEvent{}, err)
						}
						return
					}
					if !yield(e, nil) {
						return
					}
					seen = e.Position
				}
				seen = max(seen, head)
				continue
			}
			timer.Reset(s.opts.PollInterval)
			select {
			case <-ctx.Done():
				return
			case <-ch:
			case <-timer.C:
			}
		}
	}
}

// Close waits for the append in progress, ends subscriptions (they yield
// store.ErrClosed) and closes the database. Later calls of the other
// methods return store.ErrClosed; a second Close returns nil.
func (s *Store) Close() error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	s.cmu.Lock()
	if s.closed {
		s.cmu.Unlock()
		return nil
	}
	s.closed = true
	s.cmu.Unlock()
	s.note.Close()
	s.smu.Lock()
	for _, st := range s.stmts {
		st.Close()
	}
	s.smu.Unlock()
	return s.db.Close()
}

func errSeq(err error) iter.Seq2[store.StoredEvent, error] {
	return func(yield func(store.StoredEvent, error) bool) { yield(store.StoredEvent{}, err) }
}
