package postgres

import (
	"context"
	"fmt"

	"github.com/opossum-go/opossum/store"
)

// Stats describes a store, as store.Stats does for the file store.
type Stats struct {
	// Head is the last committed position; also the number of events.
	Head store.Position `json:"head"`
	// Types counts the events of each type.
	Types map[string]int `json:"types"`
	// Tags counts the events carrying each tag.
	Tags map[store.Tag]int `json:"-"`
	// Schema is the store's schema and SchemaVersion its migration version.
	Schema        string `json:"schema"`
	SchemaVersion int    `json:"schemaVersion"`
	// TableBytes is the size of the events table with its indexes and
	// TOAST data, as pg_total_relation_size reports it.
	TableBytes int64 `json:"tableBytes"`
}

// Stats counts the store's events by type and by tag, in one snapshot
// (it reads every event's type and tags: it takes a while on a large
// store). It writes nothing. Errors: store.ErrClosed, ctx.Err(), errors
// of the server.
func (s *Store) Stats(ctx context.Context) (Stats, error) {
	if s.isClosed() {
		return Stats{}, store.ErrClosed
	}
	st := Stats{Types: map[string]int{}, Tags: map[store.Tag]int{}, Schema: s.opts.Schema}
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return st, s.readErr(ctx, err)
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	// One snapshot for every count.
	if _, err := tx.Exec(ctx, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY"); err != nil {
		return st, s.readErr(ctx, err)
	}
	var head int64
	if err := tx.QueryRow(ctx, s.sql.selectHead).Scan(&head); err != nil {
		return st, s.readErr(ctx, err)
	}
	st.Head = store.Position(head)
	if st.SchemaVersion, err = s.version(ctx, tx); err != nil {
		return st, err
	}
	if err := tx.QueryRow(ctx, `SELECT pg_total_relation_size($1::regclass)`, s.sql.events).Scan(&st.TableBytes); err != nil {
		return st, s.readErr(ctx, err)
	}
	rows, err := tx.Query(ctx, `SELECT type, count(*) FROM `+s.sql.events+` GROUP BY type`)
	if err != nil {
		return st, s.readErr(ctx, err)
	}
	for rows.Next() {
		var t string
		var n int
		if err := rows.Scan(&t, &n); err != nil {
			return st, s.readErr(ctx, err)
		}
		st.Types[t] = n
	}
	if err := rows.Err(); err != nil {
		return st, s.readErr(ctx, err)
	}
	rows, err = tx.Query(ctx, `SELECT t, count(*) FROM `+s.sql.events+`, unnest(tags) AS t GROUP BY t`)
	if err != nil {
		return st, s.readErr(ctx, err)
	}
	for rows.Next() {
		var t string
		var n int
		if err := rows.Scan(&t, &n); err != nil {
			return st, s.readErr(ctx, err)
		}
		tag, err := store.ParseTag(t)
		if err != nil {
			return st, fmt.Errorf("postgres: stored tag %q: %w", t, err)
		}
		st.Tags[tag] = n
	}
	return st, s.readErr(ctx, rows.Err())
}
