package postgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/opossum-go/opossum/internal/storeimpl"
	"github.com/opossum-go/opossum/store"
)

// Append implements store.EventStore. The events are validated and
// encoded, then committed by the handle's committer, which writes every
// append waiting at that moment in one transaction (group commit):
//
//  1. BEGIN, lock the head row (SELECT ... FOR UPDATE), look up the ids
//     of the group's events, and the condition query of each append, in
//     one round trip. The lock waits for any append in progress on any
//     connection, process or host; the queries run after it, so they see
//     every committed event.
//  2. Each append, in order, is first checked for being a retry of an
//     earlier append (all of its ids stored as one batch with the same
//     content: it returns that batch's last position and writes nothing;
//     the same check as every store of this module), then its condition
//     is decided against the store and the events of the appends before it
//     in the group; the accepted ones get the next positions.
//  3. INSERT the accepted events, UPDATE the head, NOTIFY, COMMIT, in one
//     round trip.
//
// Append returns once the server acknowledged the commit, durable as the
// server's synchronous_commit makes it (durable by default).
//
// If the connection breaks, Append learns the outcome on a new connection
// before it returns: it returns the positions when the commit happened, an
// error wrapping ErrConnectionLost when it did not (retrying is safe), and
// ErrUnknownOutcome only when it cannot reach the server within
// Options.ReconnectTimeout. If ctx ends while the append waits its turn,
// nothing is written and ctx.Err() is returned; if it ends during the
// commit, the error wraps ctx.Err() and the events may be stored.
//
// Errors besides those: store.ErrEmptyBatch, store.ErrInvalidEvent,
// store.ErrEventTooLarge, store.ErrInvalidQuery (nothing written);
// *store.DuplicateEventIDError; *store.ConditionError; store.ErrClosed;
// store.ErrReadOnly; ErrConnect.
func (s *Store) Append(ctx context.Context, events []store.Event, cond *store.AppendCondition) (store.Position, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if s.isClosed() {
		return 0, store.ErrClosed
	}
	if s.opts.ReadOnly {
		return 0, store.ErrReadOnly
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
	r := &request{batch: batch, events: batch.Events, cond: cond, done: make(chan result, 1)}
	r.rows = make([]row, len(batch.Events))
	for i := range batch.Events {
		if r.rows[i], err = encode(&batch.Events[i]); err != nil {
			return 0, err
		}
	}
	if !s.committer.submit(r) {
		return 0, store.ErrClosed
	}
	select {
	case res := <-r.done:
		return res.last, res.err
	case <-ctx.Done():
		if s.committer.withdraw(r) {
			return 0, ctx.Err()
		}
		return 0, fmt.Errorf("postgres: append abandoned during its commit, it may be stored: %w", ctx.Err())
	}
}

type request struct {
	batch  storeimpl.Batch
	events []store.Event // batch.Events: ids set, data compacted, timestamps set
	rows   []row
	cond   *store.AppendCondition
	done   chan result

	first   store.Position // assigned position of events[0]
	retry   store.Position // last position of the earlier append this one repeats
	refused error          // a duplicate id, or the condition failed
}

type result struct {
	last store.Position
	err  error
}

// committer runs the group commits of one Store on a connection of its own.
type committer struct {
	s *Store

	mu      sync.Mutex
	queue   []*request
	closing bool
	wake    chan struct{}
	stopped chan struct{}

	conn *pgx.Conn // owned by run
}

func newCommitter(s *Store) *committer {
	c := &committer{s: s, wake: make(chan struct{}, 1), stopped: make(chan struct{})}
	go c.run()
	return c
}

// submit queues r; false when the store is closing.
func (c *committer) submit(r *request) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closing {
		return false
	}
	c.queue = append(c.queue, r)
	select {
	case c.wake <- struct{}{}:
	default:
	}
	return true
}

// withdraw removes r from the queue; false when the committer took it.
func (c *committer) withdraw(r *request) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, q := range c.queue {
		if q == r {
			c.queue = append(c.queue[:i], c.queue[i+1:]...)
			return true
		}
	}
	return false
}

// close commits what is queued, then stops the committer.
func (c *committer) close() {
	c.mu.Lock()
	c.closing = true
	c.mu.Unlock()
	select {
	case c.wake <- struct{}{}:
	default:
	}
	<-c.stopped
}

// take returns the next group: queued requests up to MaxBatchEvents
// events (at least one request); nil when closing with nothing queued.
func (c *committer) take() []*request {
	for {
		c.mu.Lock()
		if len(c.queue) > 0 {
			n, events := 0, 0
			for n < len(c.queue) && (n == 0 || events+len(c.queue[n].events) <= c.s.opts.MaxBatchEvents) {
				events += len(c.queue[n].events)
				n++
			}
			group := append([]*request(nil), c.queue[:n]...)
			c.queue = append(c.queue[:0], c.queue[n:]...)
			c.mu.Unlock()
			return group
		}
		closing := c.closing
		c.mu.Unlock()
		if closing {
			return nil
		}
		<-c.wake
	}
}

func (c *committer) run() {
	defer close(c.stopped)
	defer func() {
		if c.conn != nil {
			_ = c.conn.Close(context.Background())
		}
	}()
	for {
		group := c.take()
		if group == nil {
			return
		}
		c.commit(context.Background(), group)
	}
}

// commit runs one group commit and answers every request of the group.
// A request refused by its condition hears so only when the group
// committed (the refusal may rest on events of an earlier request of the
// group); when the transaction fails, every request gets its error.
func (c *committer) commit(ctx context.Context, group []*request) {
	head, err := c.tryCommit(ctx, group)
	for _, r := range group {
		switch {
		case err != nil:
			r.done <- result{err: err}
		case r.refused != nil:
			r.done <- result{err: r.refused}
		case r.retry > 0:
			r.done <- result{last: r.retry}
		default:
			r.done <- result{last: r.first + store.Position(len(r.events)) - 1}
		}
	}
	if err == nil && head > 0 {
		c.s.note.Wake()
	}
}

// tryCommit runs the transaction: it sets first on the accepted requests
// and refused on the others, and returns the new head (0 when nothing was
// written).
func (c *committer) tryCommit(ctx context.Context, group []*request) (store.Position, error) {
	q := &c.s.sql
	conn, err := c.connection(ctx)
	if err != nil {
		return 0, fmt.Errorf("%w: %w", ErrConnectionLost, err)
	}

	// Round trip 1: lock the head, then look up the group's ids and run
	// every condition query.
	var ids []string
	for _, r := range group {
		for k := range r.events {
			ids = append(ids, r.events[k].ID.String())
		}
	}
	b := &pgx.Batch{}
	b.Queue("BEGIN")
	b.Queue(q.lockHead)
	b.Queue(q.findIDs, ids)
	for _, r := range group {
		if r.cond != nil {
			sql, args := q.lastMatch(r.cond.FailIfEventsMatch, r.cond.After)
			b.Queue(sql, args...)
		}
	}
	var head int64
	conflicts := make([]store.Position, len(group))
	stored := map[store.EventID]store.Position{}
	br := conn.SendBatch(ctx, b)
	_, err = br.Exec()
	if err == nil {
		err = br.QueryRow().Scan(&head)
	}
	if err == nil {
		err = scanIDs(br, stored)
	}
	for i, r := range group {
		if err != nil || r.cond == nil {
			continue
		}
		var p int64
		if err = br.QueryRow().Scan(&p); errors.Is(err, pgx.ErrNoRows) {
			err = nil
		}
		conflicts[i] = store.Position(p)
	}
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return 0, c.failed(ctx, err, "lock the head and check the conditions")
	}

	// Decide each append, in queue order, against the store and the
	// appends accepted before it in this group: first whether it repeats
	// an earlier append (its own events would fail its condition), then
	// its condition.
	next := store.Position(head)
	var accepted []*request
	g := groupIDs{ids: map[store.EventID]store.Position{}, batches: map[store.Position]store.Position{}}
	for i, r := range group {
		last, err := c.retryOf(ctx, conn, r, store.Position(head), stored, &g, accepted)
		if err != nil && !errors.Is(err, store.ErrDuplicateEventID) {
			return 0, c.failed(ctx, err, "look for an earlier append of the same events")
		}
		if err != nil || last > 0 {
			r.refused, r.retry = err, last
			continue
		}
		if r.cond != nil {
			conflict := conflicts[i]
			for _, a := range accepted {
				for k := range a.events {
					p := a.first + store.Position(k)
					if p > r.cond.After && r.cond.FailIfEventsMatch.Matches(&a.events[k]) {
						conflict = max(conflict, p)
					}
				}
			}
			if conflict > r.cond.After {
				r.refused = &store.ConditionError{Query: r.cond.FailIfEventsMatch, After: r.cond.After, Conflict: conflict}
				continue
			}
		}
		r.first = next + 1
		next += store.Position(len(r.events))
		accepted = append(accepted, r)
		g.add(r)
	}
	if len(accepted) == 0 {
		if _, err := conn.Exec(ctx, "ROLLBACK"); err != nil {
			c.discard()
		}
		return 0, nil
	}

	// Round trip 2: insert, move the head, notify, commit.
	n := int(next) - int(head)
	pos, batches := make([]int64, 0, n), make([]int64, 0, n)
	ids = make([]string, 0, n)
	types, tags, data, md := make([]string, 0, n), make([]string, 0, n), make([]string, 0, n), make([]string, 0, n)
	for _, r := range accepted {
		for k := range r.events {
			pos = append(pos, int64(r.first)+int64(k))
			ids = append(ids, r.events[k].ID.String())
			batches = append(batches, int64(r.first))
			types = append(types, r.events[k].Type)
			tags = append(tags, r.rows[k].tags)
			data = append(data, r.rows[k].data)
			md = append(md, r.rows[k].metadata)
		}
	}
	b = &pgx.Batch{}
	b.Queue(q.insert, pos, ids, batches, types, tags, data, md)
	b.Queue(q.setHead, int64(next))
	b.Queue(q.notify, q.channel, strconv.FormatUint(uint64(next), 10))
	b.Queue("COMMIT")
	err = conn.SendBatch(ctx, b).Close()
	if err != nil {
		var pe *pgconn.PgError
		if errors.As(err, &pe) && !transient(err) {
			// The server refused a statement: the transaction is aborted
			// and nothing was stored.
			if _, rerr := conn.Exec(ctx, "ROLLBACK"); rerr != nil {
				c.discard()
			}
			return 0, fmt.Errorf("postgres: append: %w", err)
		}
		c.discard()
		committed, rerr := c.resolve(ctx, accepted[0].events[0].ID.String())
		if rerr != nil {
			return 0, rerr
		}
		if !committed {
			return 0, fmt.Errorf("%w: %w", ErrConnectionLost, err)
		}
	}
	return next, nil
}

// failed handles an error of the first round trip, before any COMMIT was
// sent: nothing was stored.
func (c *committer) failed(ctx context.Context, err error, doing string) error {
	if transient(err) || c.conn.IsClosed() {
		c.discard()
		return fmt.Errorf("%w: %w", ErrConnectionLost, err)
	}
	if _, rerr := c.conn.Exec(ctx, "ROLLBACK"); rerr != nil {
		c.discard()
	}
	return fmt.Errorf("postgres: append: %s: %w", doing, err)
}

// resolve learns whether the transaction that wrote the event with id
// committed, on a new connection: it takes the head lock first, so that a
// commit still in progress on the broken connection finishes (or is
// aborted by the server) before it looks.
func (c *committer) resolve(ctx context.Context, id string) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, c.s.opts.ReconnectTimeout)
	defer cancel()
	var last error
	for delay := 10 * time.Millisecond; ; delay = min(2*delay, time.Second) {
		committed, err := c.lookup(ctx, id)
		if err == nil {
			return committed, nil
		}
		last = err
		c.s.opts.Logger.Warn("postgres: reconnecting to learn the outcome of an append", "err", err)
		select {
		case <-ctx.Done():
			return false, fmt.Errorf("%w: %w", ErrUnknownOutcome, last)
		case <-time.After(delay):
		}
	}
}

func (c *committer) lookup(ctx context.Context, id string) (bool, error) {
	conn, err := c.connection(ctx)
	if err != nil {
		return false, err
	}
	q := &c.s.sql
	b := &pgx.Batch{}
	b.Queue("BEGIN")
	b.Queue(q.lockHead)
	b.Queue(q.byID, id)
	b.Queue("ROLLBACK")
	br := conn.SendBatch(ctx, b)
	var head, p int64
	_, err = br.Exec()
	if err == nil {
		err = br.QueryRow().Scan(&head)
	}
	found := false
	if err == nil {
		err = br.QueryRow().Scan(&p)
		found = err == nil
		if errors.Is(err, pgx.ErrNoRows) {
			err = nil
		}
	}
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		c.discard()
		return false, err
	}
	return found, nil
}

// connection returns the committer's connection, connecting when needed.
func (c *committer) connection(ctx context.Context) (*pgx.Conn, error) {
	if c.conn != nil && !c.conn.IsClosed() {
		return c.conn, nil
	}
	conn, err := pgx.ConnectConfig(ctx, c.s.config)
	if err != nil {
		return nil, c.s.connectError(err)
	}
	c.conn = conn
	return conn, nil
}

// discard closes the connection after an error that leaves its state unknown.
func (c *committer) discard() {
	if c.conn != nil {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		_ = c.conn.Close(ctx)
		cancel()
		c.conn = nil
	}
}

// transient reports whether err is a broken connection or a server going
// away, as opposed to the server refusing a statement.
func transient(err error) bool {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return !errors.Is(err, pgx.ErrNoRows) && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded)
	}
	switch {
	case pe.Code[:2] == "08": // connection exception
		return true
	case pe.Code == "57P01", pe.Code == "57P02", pe.Code == "57P03": // admin shutdown, crash shutdown, cannot connect now
		return true
	}
	return false
}
