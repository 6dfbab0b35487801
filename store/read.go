package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"iter"
	"runtime"
	"sync"
	"sync/atomic"
)

// readEvent reads and decodes the committed event at p.
func (s *FileStore) readEvent(p Position) (StoredEvent, batchRange, error) {
	path := s.l.event(p)
	b, err := s.fs.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return StoredEvent{}, batchRange{}, &CorruptionError{Path: path, Position: p, Err: err}
	}
	if err != nil {
		// An I/O error says nothing about the file's content: it is not
		// reported as corruption, and a later read may succeed.
		return StoredEvent{}, batchRange{}, fmt.Errorf("store: read %s: %w", path, err)
	}
	e, br, err := decodeEvent(b, p)
	if err != nil {
		return StoredEvent{}, batchRange{}, &CorruptionError{Path: path, Position: p, Err: err}
	}
	return e, br, nil
}

// refresh brings the index up to the head committed by any process, and
// reloads it when another process added tags to past events.
func (s *FileStore) refresh() error {
	st, err := s.readHeadFile()
	if err != nil {
		return err
	}
	if err := s.followEpoch(st, false); err != nil {
		return err
	}
	h, ok := st.head, st.headOK
	if !ok {
		return nil
	}
	s.mu.RLock()
	cur := s.idx.head
	s.mu.RUnlock()
	if h <= cur {
		return nil
	}
	s.syncMu.Lock()
	defer s.syncMu.Unlock()
	return s.indexUpTo(h)
}

// indexUpTo indexes the committed events after the index head up to h.
// The caller holds syncMu.
func (s *FileStore) indexUpTo(h Position) error {
	s.mu.RLock()
	from := s.idx.head + 1
	s.mu.RUnlock()
	for from <= h {
		to := min(h, from+1023)
		evs := make([]StoredEvent, 0, to-from+1)
		for p := from; p <= to; p++ {
			e, _, err := s.readEvent(p)
			if err != nil {
				return err
			}
			evs = append(evs, e)
		}
		s.mu.Lock()
		for _, e := range evs {
			s.idx.add(e.Position, &e.Event)
		}
		s.mu.Unlock()
		s.sinceSnap.Add(int64(len(evs)))
		from = to + 1
	}
	s.note.Wake()
	return nil
}

// ReadLast implements EventStore in O(log n) for type and tag queries.
func (s *FileStore) ReadLast(ctx context.Context, q Query) (e *StoredEvent, err error) {
	ctx, span := s.tel.start(ctx, "read_last")
	s.tel.describeQuery(span, q)
	defer func() {
		if e != nil {
			span.SetAttributes(AttrResult.Int(1))
		}
		end(span, err)
	}()
	return s.readLast(ctx, q)
}

func (s *FileStore) readLast(ctx context.Context, q Query) (*StoredEvent, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := q.Validate(); err != nil {
		return nil, err
	}
	if err := s.ready(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	pl := s.idx.plan(q)
	s.mu.RUnlock()
	p := pl.last()
	if p == 0 {
		return nil, nil
	}
	e, _, err := s.readEvent(p)
	if err != nil {
		return nil, err
	}
	if !q.Matches(&e.Event) {
		return nil, s.mismatch(p, q)
	}
	return &e, nil
}

func (s *FileStore) mismatch(p Position, q Query) error {
	return &CorruptionError{Path: s.l.event(p), Position: p, Err: fmt.Errorf("the index lists it for %s but the file does not match; remove %s to rebuild the index", q, s.l.snapshotAt(s.epoch.Load()))}
}

// ready refreshes the index from the head file, failing on a closed store.
func (s *FileStore) ready() error {
	s.qmu.RLock()
	closed := s.closed
	s.qmu.RUnlock()
	if closed {
		return ErrClosed
	}
	return s.refresh()
}

// Head implements EventStore.
func (s *FileStore) Head(ctx context.Context) (Position, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if err := s.ready(); err != nil {
		return 0, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.idx.head, nil
}

// Read implements EventStore. Large results are read from disk by several
// goroutines ahead of the consumer, in order.
func (s *FileStore) Read(ctx context.Context, q Query, opts ...ReadOption) iter.Seq2[StoredEvent, error] {
	o, err := buildReadOptions(opts)
	if err != nil {
		return errSeq(err)
	}
	if err := q.Validate(); err != nil {
		return errSeq(err)
	}
	return func(yield func(StoredEvent, error) bool) {
		ctx, span := s.tel.start(ctx, "read")
		s.tel.describeQuery(span, q)
		n := 0
		var failed error
		defer func() {
			span.SetAttributes(AttrResult.Int(n))
			end(span, failed)
		}()
		count := func(e StoredEvent, err error) bool {
			if err != nil {
				failed = err
			} else {
				n++
			}
			return yield(e, err)
		}
		if err := s.ready(); err != nil {
			count(StoredEvent{}, err)
			return
		}
		// A cancelled context ends the read even when nothing matches.
		if err := ctx.Err(); err != nil {
			count(StoredEvent{}, err)
			return
		}
		s.mu.RLock()
		pl := s.idx.plan(q)
		s.mu.RUnlock()
		positions := pl.positionSeq(o)
		s.fetch(ctx, q, positions, count)
	}
}

// positionSeq yields the plan's matches in read order, honouring After,
// Backwards and Limit.
func (pl *plan) positionSeq(o readOptions) iter.Seq[Position] {
	return func(yield func(Position) bool) {
		if o.hasLimit && o.limit == 0 {
			return
		}
		n := 0
		emit := func(p Position) bool {
			n++
			return yield(p) && !(o.hasLimit && n >= o.limit)
		}
		if pl.all {
			if o.backwards {
				for p := pl.head; p > o.after; p-- {
					if !emit(p) {
						return
					}
				}
				return
			}
			for p := o.after + 1; p <= pl.head; p++ {
				if !emit(p) {
					return
				}
			}
			return
		}
		l := pl.matches(o.after)
		if o.backwards {
			for i := len(l) - 1; i >= 0; i-- {
				if !emit(l[i]) {
					return
				}
			}
			return
		}
		for _, p := range l {
			if !emit(p) {
				return
			}
		}
	}
}

const fetchChunk = 64

// fetch reads the events at positions and yields them in order.
func (s *FileStore) fetch(ctx context.Context, q Query, positions iter.Seq[Position], yield func(StoredEvent, error) bool) {
	chunk := make([]Position, 0, fetchChunk)
	out := make([]StoredEvent, fetchChunk)
	errs := make([]error, fetchChunk)
	flush := func() bool {
		if err := ctx.Err(); err != nil {
			yield(StoredEvent{}, err)
			return false
		}
		s.readChunk(chunk, out, errs)
		for i, p := range chunk {
			if errs[i] != nil {
				yield(StoredEvent{}, errs[i])
				return false
			}
			if !q.Matches(&out[i].Event) {
				yield(StoredEvent{}, s.mismatch(p, q))
				return false
			}
			if !yield(out[i], nil) {
				return false
			}
		}
		chunk = chunk[:0]
		return true
	}
	// The first chunk is small, so that a query for a handful of events
	// does not pay for the reading goroutines.
	size := 8
	for p := range positions {
		chunk = append(chunk, p)
		if len(chunk) == size {
			if !flush() {
				return
			}
			size = fetchChunk
		}
	}
	if len(chunk) > 0 {
		flush()
	}
}

func (s *FileStore) readChunk(ps []Position, out []StoredEvent, errs []error) {
	if len(ps) < 16 {
		for i, p := range ps {
			out[i], _, errs[i] = s.readEvent(p)
		}
		return
	}
	workers := min(runtime.GOMAXPROCS(0)*2, 8)
	var wg sync.WaitGroup
	var nextI atomic.Int64
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(nextI.Add(1)) - 1
				if i >= len(ps) {
					return
				}
				out[i], _, errs[i] = s.readEvent(ps[i])
			}
		}()
	}
	wg.Wait()
}

// Subscribe implements EventStore. Appends through this handle wake
// subscribers at once; appends by other processes are noticed within
// Options.PollInterval.
func (s *FileStore) Subscribe(ctx context.Context, q Query, after Position) iter.Seq2[StoredEvent, error] {
	sub := subscription{
		read: func(ctx context.Context, q Query, after Position) iter.Seq2[StoredEvent, error] {
			return s.Read(ctx, q, After(after))
		},
		head: func() (Position, error) { return s.Head(context.Background()) },
		note: s.note,
		poll: s.opts.PollInterval,
	}
	return func(yield func(StoredEvent, error) bool) {
		// The subscribe span marks the start and ends at once: a
		// subscription lives as long as its consumer. Each catch-up is a
		// read span, its child.
		ctx = s.tel.mark(ctx, "subscribe", append(s.tel.query(q), AttrAfter.Int64(int64(after)))...)
		sub.run(ctx, q, after)(yield)
	}
}
