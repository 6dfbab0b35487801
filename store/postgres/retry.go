package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/opossum-go/opossum/store"
)

// groupIDs are the ids and batches a group commit accepted so far, so that
// a retry queued behind its original in the same group is recognised.
type groupIDs struct {
	ids     map[store.EventID]store.Position
	batches map[store.Position]store.Position // first position → last, per accepted append
}

func (g *groupIDs) add(r *request) {
	for k := range r.events {
		g.ids[r.events[k].ID] = r.first + store.Position(k)
	}
	g.batches[r.first] = r.first + store.Position(len(r.events)) - 1
}

// retryOf decides, under the head lock, whether r repeats an earlier
// append (storeimpl.Batch.ResolveRetry, the definition every store of this
// module shares): it returns the last position of that append, 0 when r
// is new, or a *store.DuplicateEventIDError. stored holds the positions of
// the group's ids that are committed; the appends accepted before r in
// this group (accepted, their ids in g) count as stored, and a retry of
// one of them is acknowledged with the group.
func (c *committer) retryOf(ctx context.Context, conn *pgx.Conn, r *request, head store.Position, stored map[store.EventID]store.Position, g *groupIDs, accepted []*request) (store.Position, error) {
	find := func(id store.EventID) (store.Position, bool) {
		if p, ok := stored[id]; ok {
			return p, true
		}
		p, ok := g.ids[id]
		return p, ok
	}
	load := func(first, last store.Position) ([]store.StoredEvent, bool, error) {
		if first > head {
			var out []store.StoredEvent
			for _, a := range accepted {
				for k := range a.events {
					if p := a.first + store.Position(k); p >= first && p <= last {
						out = append(out, store.StoredEvent{Position: p, Event: a.events[k]})
					}
				}
			}
			return out, g.batches[first] == last, nil
		}
		if last > head {
			return nil, false, nil
		}
		return c.loadBatch(ctx, conn, first, last)
	}
	return r.batch.ResolveRetry(find, load)
}

// loadBatch reads the committed events first..last and reports whether
// they are one whole append: every one has batch first, and the event
// after last (if any) belongs to another append.
func (c *committer) loadBatch(ctx context.Context, conn *pgx.Conn, first, last store.Position) ([]store.StoredEvent, bool, error) {
	rows, err := conn.Query(ctx, c.s.sql.loadBatch, int64(first), int64(last)+1)
	if err != nil {
		return nil, false, fmt.Errorf("postgres: read the events %d..%d: %w", first, last, err)
	}
	defer rows.Close()
	var out []store.StoredEvent
	whole := true
	for rows.Next() {
		var batch int64
		e, err := scanEvent(rows, &batch)
		if err != nil {
			return nil, false, err
		}
		if e.Position > last {
			whole = whole && store.Position(batch) != first
			continue
		}
		whole = whole && store.Position(batch) == first
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, false, fmt.Errorf("postgres: read the events %d..%d: %w", first, last, err)
	}
	return out, whole, nil
}

// scanIDs reads the (id, position) rows of the findIDs query into stored.
func scanIDs(br pgx.BatchResults, stored map[store.EventID]store.Position) error {
	rows, err := br.Query()
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var p int64
		if err := rows.Scan(&id, &p); err != nil {
			return err
		}
		eid, err := store.ParseEventID(id)
		if err != nil {
			return fmt.Errorf("postgres: stored event id %q: %w", id, err)
		}
		stored[eid] = store.Position(p)
	}
	return rows.Err()
}
