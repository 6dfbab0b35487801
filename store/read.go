package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"iter"
	"sync"
	"sync/atomic"
)

// readEvent reads and decodes the committed event at p: from its shard's
// pack when there is one (see pack.go), else from its file.
func (s *FileStore) readEvent(p Position) (StoredEvent, batchRange, error) {
	if pk := s.packOf(p); pk != nil {
		e, br, err := pk.event(p)
		if err == nil {
			return e, br, nil
		}
		s.setAside(pk, err)
	}
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
	if from > h {
		return nil
	}
	const batch = 1024
	evs := make([]StoredEvent, 0, min(batch, h-from+1))
	flush := func() {
		s.mu.Lock()
		for i := range evs {
			s.idx.add(evs[i].Position, &evs[i].Event)
		}
		s.mu.Unlock()
		s.sinceSnap.Add(int64(len(evs)))
		evs = evs[:0]
	}
	var failed error
	s.readInOrder(context.Background(), positionRange(from, h), func(_ Position, e StoredEvent, err error) bool {
		if err != nil {
			failed = err
			return false
		}
		if evs = append(evs, e); len(evs) == batch {
			flush()
		}
		return true
	})
	flush()
	if failed != nil {
		return failed
	}
	s.note.Wake()
	return nil
}

// positionRange yields the positions from..to, ascending.
func positionRange(from, to Position) iter.Seq[Position] {
	return func(yield func(Position) bool) {
		for p := from; p <= to; p++ {
			if !yield(p) {
				return
			}
		}
	}
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

// fetch reads the events at positions and yields them in order, checking
// that each matches q (the index said it does).
func (s *FileStore) fetch(ctx context.Context, q Query, positions iter.Seq[Position], yield func(StoredEvent, error) bool) {
	s.readInOrder(ctx, positions, func(p Position, e StoredEvent, err error) bool {
		if err == nil && !q.Matches(&e.Event) {
			err = s.mismatch(p, q)
		}
		if err != nil {
			yield(StoredEvent{}, err)
			return false
		}
		return yield(e, nil)
	})
}

// How a read overlaps the I/O of its event files. A read of more than
// readInline events hands its positions to at most readWorkers goroutines,
// which read the files while the consumer takes the events in order; at
// most readWindow events are read ahead of the consumer. A cold read is
// then bound by the disk's parallelism, not by one open, read and close
// at a time; a warm read decodes on several cores.
const (
	readInline  = 8
	readWorkers = 16
	readWindow  = 128
)

// readInOrder reads the events at positions and passes each to each, in
// the order of positions, with the error of reading it, until each returns
// false or an error was passed; it returns ctx's error to each when ctx
// ends first. It starts no goroutine for a read of readInline events or
// fewer, and every goroutine it starts has ended when it returns.
func (s *FileStore) readInOrder(ctx context.Context, positions iter.Seq[Position], each func(Position, StoredEvent, error) bool) {
	deliver := func(p Position, e StoredEvent, err error) bool {
		if err == nil {
			err = ctx.Err()
		}
		return each(p, e, err) && err == nil
	}
	first := make([]Position, 0, readInline)
	var ra *readahead
	defer func() {
		if ra != nil {
			ra.stop()
		}
	}()
	for p := range positions {
		if ra == nil {
			if len(first) < readInline {
				first = append(first, p)
				continue
			}
			ra = s.newReadahead()
			for _, p := range first {
				ra.push(p)
			}
		}
		if ra.full() {
			if !deliver(ra.pop(ctx)) {
				return
			}
		}
		ra.push(p)
	}
	if ra == nil {
		// A small result is read whole, then passed on: its events reach
		// the consumer together, as one batch of a subscriber.
		if len(first) == 0 {
			return
		}
		if err := ctx.Err(); err != nil {
			each(first[0], StoredEvent{}, err)
			return
		}
		var evs [readInline]StoredEvent
		var errs [readInline]error
		for i, p := range first {
			if evs[i], _, errs[i] = s.readEvent(p); errs[i] != nil {
				break
			}
		}
		for i, p := range first {
			if !deliver(p, evs[i], errs[i]) {
				return
			}
		}
		return
	}
	for !ra.empty() {
		if !deliver(ra.pop(ctx)) {
			return
		}
	}
}

// readahead is the pool of one readInOrder: a ring of slots, each read by
// a worker and taken by the consumer in ring order.
type readahead struct {
	s       *FileStore
	slots   []readSlot
	head, n int      // the pending slots are head, head+1, ... (mod len)
	jobs    chan int // slot indices to read; never holds more than len(slots)
	workers int
	stopped atomic.Bool // set by stop: workers skip what is left
	wg      sync.WaitGroup
}

type readSlot struct {
	p     Position
	e     StoredEvent
	err   error
	ready chan struct{} // a worker sends once the slot is read
}

func (s *FileStore) newReadahead() *readahead {
	ra := &readahead{s: s, slots: make([]readSlot, readWindow), jobs: make(chan int, readWindow)}
	for i := range ra.slots {
		ra.slots[i].ready = make(chan struct{}, 1)
	}
	return ra
}

func (ra *readahead) full() bool  { return ra.n == len(ra.slots) }
func (ra *readahead) empty() bool { return ra.n == 0 }

// push queues the read of p; the ring must not be full. A worker is
// started for each push until there are readWorkers.
func (ra *readahead) push(p Position) {
	i := (ra.head + ra.n) % len(ra.slots)
	ra.slots[i].p = p
	ra.n++
	ra.jobs <- i
	if ra.workers < readWorkers {
		ra.workers++
		ra.wg.Add(1)
		go ra.work()
	}
}

func (ra *readahead) work() {
	defer ra.wg.Done()
	for i := range ra.jobs {
		sl := &ra.slots[i]
		if !ra.stopped.Load() {
			sl.e, _, sl.err = ra.s.readEvent(sl.p)
		}
		sl.ready <- struct{}{}
	}
}

// pop waits for the oldest pending read and returns it, or ctx's error
// when ctx ends first.
func (ra *readahead) pop(ctx context.Context) (Position, StoredEvent, error) {
	sl := &ra.slots[ra.head]
	select {
	case <-sl.ready:
	case <-ctx.Done():
		return sl.p, StoredEvent{}, ctx.Err()
	}
	ra.head = (ra.head + 1) % len(ra.slots)
	ra.n--
	e := sl.e
	sl.e = StoredEvent{}
	return sl.p, e, sl.err
}

// stop ends the workers and waits for them; reads not yet started are
// skipped.
func (ra *readahead) stop() {
	ra.stopped.Store(true)
	close(ra.jobs)
	ra.wg.Wait()
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
