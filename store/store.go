package store

import (
	"context"
	"fmt"
	"iter"
)

// EventStore is the DCB event store contract. The file store (Open) and the
// memory store (NewMemory) implement it with identical semantics, which
// specs/conformance checks.
//
// All methods are safe for concurrent use.
type EventStore interface {
	// Append validates every event, checks cond (when non-nil) and stores
	// the events with consecutive positions, atomically: after any crash
	// either all of them are stored or none. It returns the position of the
	// last event. An event without an id gets a new time-ordered one.
	//
	// A retry is safe: when every id of events is stored already, as one
	// batch appended by one earlier Append, in the same order and with the
	// same content (type, data as stored, tags in order, metadata; the
	// timestamp only where the caller gave one), Append returns the
	// position of that batch's last event and writes nothing. This check
	// is atomic with the append and comes before cond, which the retried
	// events themselves may violate.
	//
	// Errors: ErrEmptyBatch, ErrInvalidEvent, ErrEventTooLarge (nothing
	// written); *DuplicateEventIDError (ErrDuplicateEventID: an id occurs
	// twice in events, or is stored and this is not a retry of its batch;
	// nothing written); ErrInvalidQuery for a bad condition query;
	// *ConditionError (ErrAppendConditionFailed); ErrClosed; ErrBroken;
	// ErrLockTimeout; ctx.Err().
	Append(ctx context.Context, events []Event, cond *AppendCondition) (Position, error)

	// Read returns the events matching q in position order (or reverse
	// order with Backwards), restricted by opts. The sequence sees exactly
	// the events committed when iteration begins; events appended during
	// iteration are not yielded. An error ends the sequence: it is yielded
	// once with a zero StoredEvent.
	Read(ctx context.Context, q Query, opts ...ReadOption) iter.Seq2[StoredEvent, error]

	// ReadLast returns the matching event with the highest position, or nil
	// when no event matches.
	ReadLast(ctx context.Context, q Query) (*StoredEvent, error)

	// Head returns the position of the last committed event (0 when the
	// store is empty). Use it as a safe After for a later condition.
	Head(ctx context.Context) (Position, error)

	// Subscribe yields the events matching q with positions greater than
	// after: first those already stored, then new ones as they are
	// committed, until ctx is cancelled (the sequence then ends without an
	// error) or the store is closed (ErrClosed is yielded).
	Subscribe(ctx context.Context, q Query, after Position) iter.Seq2[StoredEvent, error]

	// Close releases the store's resources. Appends in progress finish
	// first; later calls of the other methods return ErrClosed, and a
	// second Close does nothing and returns nil.
	Close() error
}

// ReadOption restricts a Read.
type ReadOption func(*readOptions)

type readOptions struct {
	after     Position
	backwards bool
	limit     int
	hasLimit  bool
}

// After restricts a read to positions greater than p (exclusive).
func After(p Position) ReadOption { return func(o *readOptions) { o.after = p } }

// Backwards reads from the newest event to the oldest. Combined with Limit
// it yields the newest n events, newest first.
func Backwards() ReadOption { return func(o *readOptions) { o.backwards = true } }

// Limit yields at most n events (n >= 0). Limit(0) yields nothing. A
// negative n makes the read fail with ErrInvalidOption.
func Limit(n int) ReadOption {
	return func(o *readOptions) { o.limit, o.hasLimit = n, true }
}

func buildReadOptions(opts []ReadOption) (readOptions, error) {
	var o readOptions
	for _, f := range opts {
		if f != nil {
			f(&o)
		}
	}
	if o.hasLimit && o.limit < 0 {
		return o, fmt.Errorf("%w: negative limit %d", ErrInvalidOption, o.limit)
	}
	return o, nil
}

// ReadAll collects a Read into a slice.
func ReadAll(ctx context.Context, s EventStore, q Query, opts ...ReadOption) ([]StoredEvent, error) {
	var out []StoredEvent
	for e, err := range s.Read(ctx, q, opts...) {
		if err != nil {
			return out, err
		}
		out = append(out, e)
	}
	return out, nil
}

// AppendOne appends a single event; see EventStore.Append.
func AppendOne(ctx context.Context, s EventStore, e Event, cond *AppendCondition) (Position, error) {
	return s.Append(ctx, []Event{e}, cond)
}

func errSeq(err error) iter.Seq2[StoredEvent, error] {
	return func(yield func(StoredEvent, error) bool) { yield(StoredEvent{}, err) }
}
