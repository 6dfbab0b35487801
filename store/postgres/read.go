package postgres

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"strconv"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/opossum-go/opossum/internal/storeimpl"
	"github.com/opossum-go/opossum/store"
)

// Read implements store.EventStore. The sequence is one SELECT, so it sees
// the events committed when iteration begins (one snapshot of the
// database); rows stream from the server as the caller iterates, holding
// one pooled connection until the iteration ends.
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
		sql := "SELECT " + columns + " FROM " + s.sql.events + " WHERE position > $1 AND " + where(q, &args) + orderBy(q, o.Backwards)
		if o.HasLimit {
			sql += " LIMIT " + strconv.Itoa(o.Limit)
		}
		// pgx reports a query that could not be sent at the first Next:
		// the retry covers the query up to its first row.
		var rows pgx.Rows
		var more bool
		err := s.retryRead(ctx, func() (err error) {
			if rows, err = s.pool.Query(ctx, sql, args...); err != nil {
				return err
			}
			if more = rows.Next(); !more {
				rows.Close()
				return rows.Err()
			}
			return nil
		})
		if err != nil {
			yield(store.StoredEvent{}, s.readErr(ctx, err))
			return
		}
		defer rows.Close()
		for ; more; more = rows.Next() {
			e, err := scanEvent(rows)
			if err != nil {
				yield(store.StoredEvent{}, s.readErr(ctx, err))
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

// retryRead runs read, a query that returns no row before it succeeds,
// again when its error says the query never reached the server
// (pgconn.SafeToRetry): a pooled connection the server dropped, after a
// restart for one, is then discarded by the pool and the next attempt
// takes another. It tries once per connection the pool may hold, and once
// more.
func (s *Store) retryRead(ctx context.Context, read func() error) error {
	var err error
	for range s.pool.Config().MaxConns + 1 {
		if err = read(); err == nil || !pgconn.SafeToRetry(err) || ctx.Err() != nil {
			return err
		}
	}
	return err
}

// readErr maps a failed read: the context's error, ErrClosed after Close,
// or the error wrapped with what was read; nil stays nil.
func (s *Store) readErr(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	if cerr := ctx.Err(); cerr != nil {
		return cerr
	}
	if s.isClosed() {
		return store.ErrClosed
	}
	return fmt.Errorf("postgres: read from schema %s: %w", s.opts.Schema, err)
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
	sql := "SELECT " + columns + " FROM " + s.sql.events + " WHERE " + where(q, &args) + orderBy(q, true) + " LIMIT 1"
	var e store.StoredEvent
	err := s.retryRead(ctx, func() (err error) {
		e, err = scanEvent(s.pool.QueryRow(ctx, sql, args...))
		return err
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, s.readErr(ctx, err)
	}
	return &e, nil
}

// Head implements store.EventStore: the position the last committed
// append moved the head row to. Every event up to it is visible to any
// read that starts after Head returned.
func (s *Store) Head(ctx context.Context) (store.Position, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if s.isClosed() {
		return 0, store.ErrClosed
	}
	var p int64
	if err := s.retryRead(ctx, func() error { return s.pool.QueryRow(ctx, s.sql.selectHead).Scan(&p) }); err != nil {
		return 0, s.readErr(ctx, err)
	}
	return store.Position(p), nil
}

func errSeq(err error) iter.Seq2[store.StoredEvent, error] {
	return func(yield func(store.StoredEvent, error) bool) { yield(store.StoredEvent{}, err) }
}
