package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"iter"
)

// EventFile is one committed event file as it is stored, for tools that
// show a store's files (cmd/opossum's explorer).
type EventFile struct {
	// Path is the file's path.
	Path string
	// Raw is the file's content, byte for byte; nil when it is missing.
	Raw []byte
	// Event is the decoded event; zero when the file is damaged.
	Event StoredEvent
	// BatchFirst and BatchLast are the positions of the first and the last
	// event of the batch the event was appended with; zero when the file is
	// damaged.
	BatchFirst, BatchLast Position
}

// ReadEventFile reads the committed event file at position p (1 <= p <=
// Head). It reads the file once and writes nothing. A missing or damaged
// file returns the EventFile with Path and whatever Raw was read, and a
// *CorruptionError (ErrCorrupt). Other errors: ErrInvalidOption for a
// position outside 1..Head, ErrClosed, ctx.Err(), I/O errors.
func (s *FileStore) ReadEventFile(ctx context.Context, p Position) (EventFile, error) {
	if err := ctx.Err(); err != nil {
		return EventFile{}, err
	}
	if err := s.ready(); err != nil {
		return EventFile{}, err
	}
	s.mu.RLock()
	h := s.idx.head
	s.mu.RUnlock()
	if p == 0 || p > h {
		return EventFile{}, fmt.Errorf("%w: no event at position %d (the head is %d)", ErrInvalidOption, p, h)
	}
	f := EventFile{Path: s.l.event(p)}
	b, err := s.fs.ReadFile(f.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return f, &CorruptionError{Path: f.Path, Position: p, Err: err}
	}
	if err != nil {
		return f, fmt.Errorf("store: read %s: %w", f.Path, err)
	}
	f.Raw = b
	e, br, err := decodeEvent(b, p)
	if err != nil {
		return f, &CorruptionError{Path: f.Path, Position: p, Err: err}
	}
	f.Event, f.BatchFirst, f.BatchLast = e, br.First, br.Last
	return f, nil
}

// Positions yields the positions of the events matching q, in the order and
// within the bounds Read would yield them with the same options, from the
// index alone: it reads no event file, so paging through a large store
// costs the page, not the store. Like Read, it sees the events committed
// when iteration begins. An error (ErrInvalidQuery, ErrInvalidOption,
// ErrClosed) is yielded once with a zero position and ends the sequence.
func (s *FileStore) Positions(ctx context.Context, q Query, opts ...ReadOption) iter.Seq2[Position, error] {
	return func(yield func(Position, error) bool) {
		o, err := buildReadOptions(opts)
		if err == nil {
			err = q.Validate()
		}
		if err == nil {
			err = s.ready()
		}
		if err != nil {
			yield(0, err)
			return
		}
		s.mu.RLock()
		pl := s.idx.plan(q)
		s.mu.RUnlock()
		for p := range pl.positionSeq(o) {
			if err := ctx.Err(); err != nil {
				yield(0, err)
				return
			}
			if !yield(p, nil) {
				return
			}
		}
	}
}
