package store

import (
	"context"
	"iter"
	"sync"
	"time"

	"github.com/opossum-go/opossum/internal/notify"
)

// MemoryStore is an EventStore that keeps events in memory. It evaluates
// every query by scanning with Query.Matches, which makes it the reference
// the file store is compared with. It is meant for tests, examples and
// contrast; nothing survives the process.
type MemoryStore struct {
	mu     sync.RWMutex
	events []StoredEvent
	// batchOf[i] is the batch events[i] was appended with; ids maps every
	// event id to its position.
	batchOf []batchRange
	ids     map[EventID]Position
	closed  bool
	note    *notify.Notifier
	maxSize int
	now     func() time.Time
}

var _ EventStore = (*MemoryStore)(nil)

// NewMemory returns an empty memory store.
func NewMemory() *MemoryStore {
	return &MemoryStore{ids: map[EventID]Position{}, note: notify.New(), now: func() time.Time { return time.Now().UTC() }}
}

// Append implements EventStore.
func (m *MemoryStore) Append(ctx context.Context, events []Event, cond *AppendCondition) (Position, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	batch, err := prepareBatch(events, m.maxSize, m.now())
	if err != nil {
		return 0, err
	}
	if err := cond.validate(); err != nil {
		return 0, err
	}
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return 0, ErrClosed
	}
	// A retry is recognised before the condition, which its own events,
	// stored by the first attempt, would fail.
	if last, err := batch.resolveRetry(m.find, m.load); err != nil || last > 0 {
		m.mu.Unlock()
		return last, err
	}
	if err := cond.check(m.lastMatch); err != nil {
		m.mu.Unlock()
		return 0, err
	}
	br := batchRange{First: Position(len(m.events) + 1), Last: Position(len(m.events) + len(batch.events))}
	for _, e := range batch.events {
		p := Position(len(m.events) + 1)
		m.events = append(m.events, StoredEvent{Position: p, Event: e})
		m.batchOf = append(m.batchOf, br)
		m.ids[e.ID] = p
	}
	head := Position(len(m.events))
	m.mu.Unlock()
	m.note.Wake()
	return head, nil
}

// find and load serve Batch.ResolveRetry; the caller holds m.mu.
func (m *MemoryStore) find(id EventID) (Position, bool) {
	p, ok := m.ids[id]
	return p, ok
}

func (m *MemoryStore) load(first, last Position) ([]StoredEvent, bool, error) {
	whole := true
	for p := first; p <= last; p++ {
		whole = whole && m.batchOf[p-1] == batchRange{First: first, Last: last}
	}
	return m.events[first-1 : last], whole, nil
}

func (m *MemoryStore) lastMatch(q Query) Position {
	for i := len(m.events) - 1; i >= 0; i-- {
		if q.Matches(&m.events[i].Event) {
			return m.events[i].Position
		}
	}
	return 0
}

// Read implements EventStore.
func (m *MemoryStore) Read(ctx context.Context, q Query, opts ...ReadOption) iter.Seq2[StoredEvent, error] {
	o, err := buildReadOptions(opts)
	if err != nil {
		return errSeq(err)
	}
	if err := q.Validate(); err != nil {
		return errSeq(err)
	}
	return func(yield func(StoredEvent, error) bool) {
		m.mu.RLock()
		snap, closed := m.events, m.closed
		m.mu.RUnlock()
		if closed {
			yield(StoredEvent{}, ErrClosed)
			return
		}
		// A cancelled context ends the read even when nothing matches.
		if err := ctx.Err(); err != nil {
			yield(StoredEvent{}, err)
			return
		}
		n := 0
		for k := range snap {
			i := k
			if o.backwards {
				i = len(snap) - 1 - k
			}
			if o.hasLimit && n >= o.limit {
				return
			}
			e := snap[i]
			if e.Position <= o.after {
				if o.backwards {
					return
				}
				continue
			}
			if !q.Matches(&e.Event) {
				continue
			}
			if err := ctx.Err(); err != nil {
				yield(StoredEvent{}, err)
				return
			}
			n++
			if !yield(cloneStored(e), nil) {
				return
			}
		}
	}
}

// ReadLast implements EventStore.
func (m *MemoryStore) ReadLast(ctx context.Context, q Query) (*StoredEvent, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := q.Validate(); err != nil {
		return nil, err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.closed {
		return nil, ErrClosed
	}
	p := m.lastMatch(q)
	if p == 0 {
		return nil, nil
	}
	e := cloneStored(m.events[p-1])
	return &e, nil
}

// Head implements EventStore.
func (m *MemoryStore) Head(ctx context.Context) (Position, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.closed {
		return 0, ErrClosed
	}
	return Position(len(m.events)), nil
}

// Subscribe implements EventStore.
func (m *MemoryStore) Subscribe(ctx context.Context, q Query, after Position) iter.Seq2[StoredEvent, error] {
	return subscription{
		read: func(ctx context.Context, q Query, after Position) iter.Seq2[StoredEvent, error] {
			return m.Read(ctx, q, After(after))
		},
		head: func() (Position, error) { return m.Head(context.Background()) },
		note: m.note,
	}.run(ctx, q, after)
}

// Close implements EventStore; closing again is a no-op.
func (m *MemoryStore) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return nil
	}
	m.closed = true
	m.note.Close()
	return nil
}

// cloneStored copies the slices of e so callers cannot alter stored events.
func cloneStored(e StoredEvent) StoredEvent {
	e.Data = append([]byte(nil), e.Data...)
	e.Tags = append([]Tag(nil), e.Tags...)
	if e.Metadata.Extra != nil {
		x := make(map[string]string, len(e.Metadata.Extra))
		for k, v := range e.Metadata.Extra {
			x[k] = v
		}
		e.Metadata.Extra = x
	}
	return e
}
