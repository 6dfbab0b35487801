package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"sync/atomic"
	"time"

	"github.com/opossum-go/opossum/store/vfs"
)

type request struct {
	ctx     context.Context
	events  []Event
	stamped []bool // see preparedBatch
	cond    *AppendCondition
	done    chan result
	// state says who decides the request's fate: the committer, once it
	// holds the writer lock and claims it, or Append, once its context has
	// ended and it withdraws it first.
	state atomic.Int32
}

const (
	queued int32 = iota
	claimed
	withdrawn
)

// claim gives the request to the committer; false means it was withdrawn.
func (r *request) claim() bool { return r.state.CompareAndSwap(queued, claimed) }

// withdraw takes the request back before the committer claims it; false
// means the committer has it.
func (r *request) withdraw() bool { return r.state.CompareAndSwap(queued, withdrawn) }

type result struct {
	last Position
	err  error
}

// Append implements EventStore. Concurrent appends through one handle are
// committed together (group commit): they share the lock and the fsyncs,
// while each keeps its own condition, checked in arrival order. With the
// default sync mode Append returns only after the events and their folder
// entries are durable, and every event before them too, whatever handle
// committed it.
//
// What the caller knows when Append returns an error:
//   - a validation or condition error, ErrClosed, ErrReadOnly or a
//     *LockError (ErrLockTimeout): nothing was stored;
//   - ctx.Err(): nothing was stored. Append returns as soon as ctx ends
//     while the append waits in the queue or for the writer lock; once
//     its group holds the lock and has accepted it, the commit (writing and
//     syncing the files, no more waiting) runs to its end and Append
//     returns its outcome instead;
//   - any other error (ErrBroken, I/O errors): the events may or may not
//     have been stored, and the handle is broken until reopened.
//     Reopening settles the question; see docs/durability.md.
func (s *FileStore) Append(ctx context.Context, events []Event, cond *AppendCondition) (last Position, err error) {
	ctx, span := s.tel.start(ctx, "append", append(s.tel.events(events), AttrConflict.Bool(false))...)
	defer func() {
		if errors.Is(err, ErrAppendConditionFailed) {
			span.SetAttributes(AttrConflict.Bool(true))
			s.tel.conflicts.Add(ctx, 1, s.tel.attrs())
		}
		end(span, err)
	}()
	return s.append(ctx, events, cond)
}

func (s *FileStore) append(ctx context.Context, events []Event, cond *AppendCondition) (Position, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if s.opts.ReadOnly {
		return 0, ErrReadOnly
	}
	batch, err := prepareBatch(events, s.opts.MaxEventSize, s.opts.Now().UTC())
	if err != nil {
		return 0, err
	}
	if err := cond.validate(); err != nil {
		return 0, err
	}
	if err := s.brokenErr(); err != nil {
		return 0, err
	}
	r := &request{ctx: ctx, events: batch.events, stamped: batch.stamped, cond: cond, done: make(chan result, 1)}
	s.qmu.RLock()
	if s.closed {
		s.qmu.RUnlock()
		return 0, ErrClosed
	}
	select {
	case s.reqs <- r:
	case <-ctx.Done():
		s.qmu.RUnlock()
		return 0, ctx.Err()
	}
	s.qmu.RUnlock()
	select {
	case res := <-r.done:
		return res.last, res.err
	case <-ctx.Done():
		if r.withdraw() {
			return 0, ctx.Err() // the committer will skip it: nothing stored
		}
		// The committer holds the lock and is writing the group: its
		// outcome follows in the time of one commit.
		res := <-r.done
		return res.last, res.err
	}
}

func (s *FileStore) brokenErr() error {
	s.brokenMu.Lock()
	defer s.brokenMu.Unlock()
	if s.broken != nil {
		return fmt.Errorf("%w: %w", ErrBroken, s.broken)
	}
	return nil
}

func (s *FileStore) breakWith(err error) error {
	s.brokenMu.Lock()
	if s.broken == nil {
		s.broken = err
		s.log.Error("write failed; refusing further appends until reopened", "err", err)
	}
	s.brokenMu.Unlock()
	return fmt.Errorf("%w: %w (the events may or may not have been stored)", ErrBroken, err)
}

// commitLoop is the single committer: it gathers the queued requests into
// a group and commits them together.
func (s *FileStore) commitLoop() {
	defer close(s.stopped)
	linger := time.NewTimer(time.Hour)
	linger.Stop()
	prev := 0 // appends in the previous group
	for {
		var first *request
		select {
		case first = <-s.reqs:
		case <-s.stop:
			for {
				select {
				case r := <-s.reqs:
					s.commitGroup([]*request{r})
				default:
					return
				}
			}
		}
		group, n := []*request{first}, len(first.events)
		// When the previous group had several appends, their writers are
		// about to append again; wait a moment for them, so the group does
		// not split into halves that alternate. A lone writer never waits.
		if prev > 1 && s.opts.GroupWait > 0 {
			linger.Reset(s.opts.GroupWait)
		wait:
			for len(group) < prev && n < s.opts.MaxBatchEvents {
				select {
				case r := <-s.reqs:
					group = append(group, r)
					n += len(r.events)
				case <-linger.C:
					break wait
				}
			}
			if !linger.Stop() {
				select {
				case <-linger.C:
				default:
				}
			}
		}
	gather:
		for n < s.opts.MaxBatchEvents {
			select {
			case r := <-s.reqs:
				group = append(group, r)
				n += len(r.events)
			default:
				break gather
			}
		}
		prev = len(group)
		s.commitGroup(group)
	}
}

func failAll(reqs []*request, err error) {
	for _, r := range reqs {
		r.done <- result{err: err}
	}
}

type accepted struct {
	r     *request
	first Position
	retry bool // a retry of an append accepted earlier in the group: nothing to write
}

// commitGroup commits a group of appends: it takes the writer lock,
// catches up, accepts the appends whose conditions hold, and writes and
// publishes them.
func (s *FileStore) commitGroup(reqs []*request) {
	if err := s.brokenErr(); err != nil {
		failAll(reqs, err)
		return
	}
	if err := s.plock.lock(context.Background()); err != nil {
		failAll(reqs, err)
		return
	}
	defer func() {
		if err := s.plock.unlock(); err != nil {
			s.log.Error("unlock failed", "lock", s.l.lock(), "err", err)
		}
	}()
	s.syncMu.Lock()
	defer s.syncMu.Unlock()

	// Catch up with commits of other processes, and clean up after one
	// that crashed mid-append. A failure breaks the handle (see there).
	if err := s.catchUpLocked(); err != nil {
		failAll(reqs, err)
		return
	}
	ok, pending := s.accept(reqs)
	if len(ok) > 0 {
		s.publish(ok, pending)
	}
}

// accept claims the requests of a group in arrival order, checks each
// one's condition against the store and the appends accepted before it,
// and assigns positions. Requests that are refused get their answer here.
func (s *FileStore) accept(reqs []*request) (ok []accepted, pending []StoredEvent) {
	s.mu.RLock()
	next := s.idx.head + 1
	s.mu.RUnlock()
	var group groupIDs
	lastMatch := func(q Query) Position {
		for i := len(pending) - 1; i >= 0; i-- {
			if q.Matches(&pending[i].Event) {
				return pending[i].Position
			}
		}
		s.mu.RLock()
		pl := s.idx.plan(q)
		s.mu.RUnlock()
		return pl.last()
	}
	for _, r := range reqs {
		if !r.claim() {
			continue // withdrawn: its Append has returned
		}
		if err := r.ctx.Err(); err != nil {
			r.done <- result{err: err}
			continue
		}
		// A retry is recognised before the condition, which its own
		// events, stored by the first attempt, would fail.
		last, inGroup, err := s.retryOf(r, &group, pending)
		switch {
		case err != nil:
			r.done <- result{err: err}
			continue
		case inGroup:
			ok = append(ok, accepted{r: r, first: last + 1 - Position(len(r.events)), retry: true})
			continue
		case last > 0:
			r.done <- result{last: last}
			continue
		}
		if err := r.cond.check(lastMatch); err != nil {
			r.done <- result{err: err}
			continue
		}
		ok = append(ok, accepted{r: r, first: next})
		group.add(r.events, next)
		for _, e := range r.events {
			pending = append(pending, StoredEvent{Position: next, Event: e})
			next++
		}
	}
	return ok, pending
}

// publish writes the accepted appends, commits them (the head), indexes
// them and acknowledges them. A failure breaks the handle.
func (s *FileStore) publish(ok []accepted, pending []StoredEvent) {
	reqs := make([]*request, len(ok))
	for i, a := range ok {
		reqs[i] = a.r
	}
	s.tel.groupSize.Record(context.Background(), int64(len(pending)), s.tel.attrs())
	if err := s.writeGroup(ok, pending); err != nil {
		failAll(reqs, s.breakWith(err))
		return
	}
	last := pending[len(pending)-1].Position
	if err := s.commitHead(last, !s.opts.NoSync, false); err != nil {
		failAll(reqs, s.breakWith(err))
		return
	}
	s.mu.Lock()
	for _, e := range pending {
		s.idx.add(e.Position, &e.Event)
	}
	s.mu.Unlock()
	for _, a := range ok {
		a.r.done <- result{last: a.first + Position(len(a.r.events)) - 1}
	}
	s.note.Wake()
	if s.sinceSnap.Add(int64(len(pending))) >= int64(s.opts.SnapshotEvery) {
		s.snapshotInBackground()
	}
}

// writeGroup writes the event files of a group and, unless NoSync, makes
// them and their names durable with vfs.Sync.
func (s *FileStore) writeGroup(ok []accepted, pending []StoredEvent) error {
	var buf bytes.Buffer
	var written []string
	shards := map[uint64]bool{}
	newShard := false
	i := 0
	for _, a := range ok {
		if a.retry {
			continue
		}
		br := batchRange{First: a.first, Last: a.first + Position(len(a.r.events)) - 1}
		for range a.r.events {
			e := &pending[i]
			i++
			sh := shardOf(e.Position)
			if !shards[sh] {
				shards[sh] = true
				// The shard folder's name in events/ must be durable too.
				// It is not when the folder is new, nor when a commit that
				// failed before syncing events/ made it (the folder then
				// exists, but a power cut takes it away with every event
				// in it), so events/ is synced once per shard and handle.
				// A shard known durable exists: no file-system call then.
				if !s.durableShards[sh] {
					if err := s.fs.MkdirAll(s.l.shard(sh), 0o755); err != nil {
						return fmt.Errorf("store: create %s: %w", s.l.shard(sh), err)
					}
					newShard = true
				}
			}
			buf.Reset()
			if err := encodeEvent(&buf, e.Position, &e.Event, br); err != nil {
				return fmt.Errorf("store: encode event %d: %w", e.Position, err)
			}
			path := s.l.event(e.Position)
			if err := s.createFile(path, buf.Bytes()); err != nil {
				return err
			}
			written = append(written, path)
		}
	}
	if s.opts.NoSync {
		s.markShards(shards) // nothing is durable without fsync; they exist
		return nil
	}
	syncStart := time.Now()
	defer func() {
		s.tel.syncDur.Record(context.Background(), time.Since(syncStart).Seconds(), s.tel.attrs())
	}()
	dirs := make([]string, 0, len(shards)+1)
	for _, sh := range slices.Sorted(maps.Keys(shards)) {
		dirs = append(dirs, s.l.shard(sh))
	}
	if newShard {
		dirs = append(dirs, s.l.events())
	}
	if err := vfs.Sync(s.fs, s.l.dir, written, dirs); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	s.markShards(shards)
	return nil
}

// createFile creates a new file at path holding data, without syncing it.
func (s *FileStore) createFile(path string, data []byte) error {
	f, err := s.fs.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return fmt.Errorf("store: create %s: %w", path, err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("store: write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("store: close %s: %w", path, err)
	}
	return nil
}

// markShards records shard folders that exist and, unless NoSync, whose
// names are durable; later commits into them skip the folder work.
func (s *FileStore) markShards(shards map[uint64]bool) {
	if s.durableShards == nil {
		s.durableShards = map[uint64]bool{}
	}
	for sh := range shards {
		s.durableShards[sh] = true
	}
}
