package store

import (
	"bytes"
	"fmt"
	"maps"
	"slices"
)

// preparedBatch is a batch of events validated and ready to store, as
// prepareBatch returns it: every event has an id, its data is compacted and
// its timestamp set. It also remembers which timestamps the caller gave,
// which resolveRetry needs to tell a retry from a different batch.
type preparedBatch struct {
	// events are the prepared copies, in the order they were given.
	events []Event
	// stamped[i] reports whether the caller gave events[i] its timestamp.
	stamped []bool
}

// resolveRetry decides, under the lock or transaction that makes an append
// atomic and before its append condition is checked, whether b was stored
// before. Every EventStore of this module calls it (the SQLite peer
// through internal/storeimpl), so that retries have one definition. find
// returns the position of the stored event with an id. load
// returns the stored events at positions first..last, in order, and
// whether they are exactly the events of one earlier append (its whole
// batch and nothing else).
//
// It returns (0, nil) when none of b's ids is stored: append b. It returns
// the position of the last stored event when every id is stored, as one
// batch, in b's order, with the same content: the append is a retry, and
// the store returns that position and writes nothing. Otherwise it returns
// a *DuplicateEventIDError (ErrDuplicateEventID), or load's error.
//
// The same content means: the same type, the same data (compared as
// stored, that is without insignificant whitespace), the same tags in the
// same order, and the same metadata; a timestamp counts only when the
// caller gave one, because the store set it when it was zero. Tags added
// later by AddTags make a stored event differ from its retry.
func (b *preparedBatch) resolveRetry(find func(EventID) (Position, bool), load func(first, last Position) ([]StoredEvent, bool, error)) (Position, error) {
	n := len(b.events)
	if n == 0 {
		return 0, nil
	}
	found := -1 // index of the first event whose id is stored
	var first Position
	missing := -1 // index of the first event whose id is not stored
	for i := range b.events {
		p, ok := find(b.events[i].ID)
		switch {
		case !ok:
			if missing < 0 {
				missing = i
			}
		case found < 0:
			found, first = i, p-Position(i)
		}
		if ok && p != first+Position(i) {
			return 0, b.dupErr(i, p, fmt.Sprintf("the stored events are not in the batch's order: event %d is at position %d, event %d at %d", found, first+Position(found), i, p))
		}
	}
	if found < 0 {
		return 0, nil
	}
	p := first + Position(found)
	if missing >= 0 {
		return 0, b.dupErr(found, p, fmt.Sprintf("event %d of the batch (id %s) is not stored; a retry repeats its batch exactly", missing, b.events[missing].ID))
	}
	last := first + Position(n) - 1
	stored, whole, err := load(first, last)
	if err != nil {
		return 0, err
	}
	if !whole || len(stored) != n {
		return 0, b.dupErr(0, first, fmt.Sprintf("positions %d..%d were not stored by one append of these events alone", first, last))
	}
	for i := range stored {
		if why := differs(&b.events[i], b.stamped[i], &stored[i].Event); why != "" {
			return 0, b.dupErr(i, stored[i].Position, why)
		}
	}
	return last, nil
}

func (b *preparedBatch) dupErr(i int, p Position, reason string) error {
	return &DuplicateEventIDError{ID: b.events[i].ID, Index: i, Position: p, Reason: reason}
}

// differs says how the prepared event e differs in content from the stored
// event s, or "" when it does not; stamped reports whether the caller gave
// e its timestamp.
func differs(e *Event, stamped bool, s *Event) string {
	switch {
	case e.Type != s.Type:
		return fmt.Sprintf("the stored event has the type %q, not %q", s.Type, e.Type)
	case !bytes.Equal(e.Data, s.Data):
		return "the stored event has other data"
	case !slices.Equal(e.Tags, s.Tags):
		return fmt.Sprintf("the stored event has the tags %v, not %v", s.Tags, e.Tags)
	case stamped && !e.Metadata.Timestamp.Equal(s.Metadata.Timestamp):
		return fmt.Sprintf("the stored event has the timestamp %s, not %s", s.Metadata.Timestamp, e.Metadata.Timestamp)
	case e.Metadata.CorrelationID != s.Metadata.CorrelationID:
		return fmt.Sprintf("the stored event has the correlation id %q, not %q", s.Metadata.CorrelationID, e.Metadata.CorrelationID)
	case e.Metadata.CausationID != s.Metadata.CausationID:
		return fmt.Sprintf("the stored event has the causation id %q, not %q", s.Metadata.CausationID, e.Metadata.CausationID)
	case !maps.Equal(e.Metadata.Extra, s.Metadata.Extra):
		return "the stored event has other extra metadata"
	}
	return ""
}

// checkBatchIDs returns a *DuplicateEventIDError when an id occurs twice
// in events.
func checkBatchIDs(events []Event) error {
	if len(events) < 2 {
		return nil
	}
	seen := make(map[EventID]int, len(events))
	for i := range events {
		if j, dup := seen[events[i].ID]; dup {
			return &DuplicateEventIDError{ID: events[i].ID, Index: i, Reason: fmt.Sprintf("has the id of event %d", j)}
		}
		seen[events[i].ID] = i
	}
	return nil
}

// groupIDs are the ids and batches a commit group accepted so far, so that
// a retry queued behind its original in the same group is recognised.
type groupIDs struct {
	ids     map[EventID]Position
	batches map[Position]Position // first position → last, per accepted append
}

func (g *groupIDs) add(events []Event, first Position) {
	if g.ids == nil {
		g.ids, g.batches = map[EventID]Position{}, map[Position]Position{}
	}
	for i := range events {
		g.ids[events[i].ID] = first + Position(i)
	}
	g.batches[first] = first + Position(len(events)) - 1
}

// retryOf resolves r against the committed events and the appends the
// group accepted before it (pending). The caller holds the writer lock and
// syncMu, after the catch-up. inGroup reports a retry of an append of the
// same group, which is acknowledged only when the group is committed.
func (s *FileStore) retryOf(r *request, g *groupIDs, pending []StoredEvent) (last Position, inGroup bool, err error) {
	s.mu.RLock()
	head := s.idx.head
	s.mu.RUnlock()
	stored, err := s.positionsOfIDs(r.events)
	if err != nil {
		return 0, false, err
	}
	find := func(id EventID) (Position, bool) {
		p, ok := stored[id]
		if !ok {
			p, ok = g.ids[id]
		}
		return p, ok
	}
	load := func(first, last Position) ([]StoredEvent, bool, error) {
		if first > head {
			inGroup = true
			return pending[first-head-1 : last-head], g.batches[first] == last, nil
		}
		if last > head {
			return nil, false, nil
		}
		out := make([]StoredEvent, 0, last-first+1)
		whole := true
		for p := first; p <= last; p++ {
			e, br, err := s.readEvent(p)
			if err != nil {
				return nil, false, err
			}
			whole = whole && br == batchRange{First: first, Last: last}
			out = append(out, e)
		}
		return out, whole, nil
	}
	b := preparedBatch{events: r.events, stamped: r.stamped}
	last, err = b.resolveRetry(find, load)
	return last, inGroup && last > 0, err
}
