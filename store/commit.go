package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
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
	// Nothing queued, no commit running, and the last group was a lone
	// append: commit on this goroutine, without the hand-over to the
	// committer and back. After a group of several appends their writers
	// are about to append again, and the committer gathers them (see
	// commitLoop).
	if !s.grouping.Load() && !s.queueAll && len(s.reqs) == 0 && s.commitMu.TryLock() {
		s.commitGroup(ctx, []*request{r}, nil)
		s.commitMu.Unlock()
		s.qmu.RUnlock()
		res := <-r.done
		return res.last, res.err
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

// commitLoop is the committer of queued appends: it gathers them into a
// group and commits them together, and, while a group's files are being
// synced, gathers and writes the next one (see commitGroup). An append
// that finds nothing queued and no commit running commits itself, on its
// own goroutine (see append); commitMu keeps the two from committing at
// once.
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
					s.commitMu.Lock()
					s.commitGroup(context.Background(), []*request{r}, nil)
					s.commitMu.Unlock()
				default:
					return
				}
			}
		}
		s.commitMu.Lock()
		group := s.gather(first, prev, linger)
		prev = len(group)
		// The next group of a chain: what queues while the group before
		// it syncs, unless a writer elsewhere waits for the lock. The
		// writers of the group that just landed are about to append
		// again: it waits for as many appends, or until the group being
		// synced is durable, whichever comes first.
		groups := 1
		more := func(syncing <-chan struct{}, landed int) []*request {
			if groups >= maxChain || s.plock.othersWaiting() {
				return nil
			}
			var g []*request
			n := 0
		wait:
			for (len(g) == 0 || len(g) < landed) && n < s.opts.MaxBatchEvents {
				select {
				case r := <-s.reqs:
					g = append(g, r)
					n += len(r.events)
				case <-syncing:
					break wait
				}
			}
		drain:
			for n < s.opts.MaxBatchEvents {
				select {
				case r := <-s.reqs:
					g = append(g, r)
					n += len(r.events)
				default:
					break drain
				}
			}
			if len(g) == 0 {
				return nil
			}
			groups++
			prev = len(g)
			return g
		}
		s.commitGroup(context.Background(), group, more)
		s.grouping.Store(prev > 1)
		s.commitMu.Unlock()
	}
}

// maxChain is the most groups one hold of the writer lock commits (see
// commitGroup).
const maxChain = 64

// gather returns a group that starts with first and takes the appends
// queued behind it, up to MaxBatchEvents events. When the previous group
// had several appends (prev), their writers are about to append again: it
// waits up to GroupWait for as many, so that the group does not split into
// halves that alternate. A lone writer never waits.
func (s *FileStore) gather(first *request, prev int, linger *time.Timer) []*request {
	group, n := []*request{first}, len(first.events)
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
	for n < s.opts.MaxBatchEvents {
		select {
		case r := <-s.reqs:
			group = append(group, r)
			n += len(r.events)
		default:
			return group
		}
	}
	return group
}

func failAll(reqs []*request, err error) {
	for _, r := range reqs {
		r.done <- result{err: err}
	}
}

type accepted struct {
	r     *request
	first Position
	retry bool // a retry of an append accepted earlier in the chain: nothing to write
}

// chain is what the groups committed under one hold of the writer lock
// share: the events accepted and not yet indexed (of the group whose
// files are being synced, then of the group being accepted), which follow
// the index head without a gap, and their ids. So a group's conditions and
// retries see the groups before it.
type chain struct {
	pending []StoredEvent
	ids     groupIDs
}

// commitGroup commits a group of appends: it takes the writer lock,
// catches up, accepts the appends whose conditions hold, writes their
// files and, once they are durable, moves the head, indexes them and
// acknowledges them.
//
// With more, it commits a chain of groups under the one hold of the lock,
// unless another writer has held the lock since this handle's last commit:
// while a group's files are being synced, more returns the next group (or
// nil, which ends the chain, when nothing queues before the syncs end, or
// another writer waits for the lock), and its files are written at once,
// overlapping the syncs of the group before it. Durability and order are
// those of one group at a time: a group is acknowledged, and the head
// moved over it, only after its own files and those of every group before
// it are durable, in order; a group whose files go to another shard folder
// waits for the group before it first. If a crash takes the files of a
// group and leaves those of the next, recovery removes both as a torn tail
// (neither was acknowledged). The appends of a group whose conditions
// fail are answered once the group before it has landed, so that none is
// refused on events that may yet be lost.
//
// ctx bounds the wait for the writer lock: the caller's context when the
// append commits on its own goroutine (a context error then stores
// nothing), none for the committer, whose appends withdraw themselves.
func (s *FileStore) commitGroup(ctx context.Context, reqs []*request, more func(syncing <-chan struct{}, landed int) []*request) {
	if err := s.brokenErr(); err != nil {
		failAll(reqs, err)
		return
	}
	others, err := s.plock.lock(ctx)
	if err != nil {
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
	// When no other writer has held the lock since this handle's last
	// commit (the writer token, see procLock), there is nothing to catch
	// up with.
	if others {
		if err := s.catchUpLocked(); err != nil {
			failAll(reqs, err)
			return
		}
		// Another writer has held the lock since this handle's last
		// commit: it may be about to wait again, so this hold commits one
		// group and lets the lock go.
		more = nil
	}
	var c chain
	var syncing *flight // the group whose files are being synced
	landed := 0         // appends of the group that landed last
	for len(reqs) > 0 {
		ok, from, refused := s.accept(reqs, &c)
		events := c.pending[from:]
		if syncing != nil {
			syncing.refused = append(syncing.refused, refused...)
		} else {
			refused.answer()
		}
		if syncing != nil && len(events) > 0 && shardOf(events[len(events)-1].Position) != s.shardNum {
			// Entering another shard folder closes the one whose sync
			// may still run: the group before lands first.
			if !s.land(syncing, &c) {
				failAll(requestsOf(ok), s.brokenErr())
				return
			}
			landed, syncing = len(syncing.ok), nil
		}
		if len(ok) > 0 {
			next, err := s.launch(ok, events, more != nil)
			if err != nil {
				failAll(requestsOf(ok), s.breakWith(err))
				if syncing != nil {
					s.land(syncing, &c) // fails: the handle is broken
				}
				return
			}
			if syncing != nil {
				if !s.land(syncing, &c) {
					s.land(next, &c) // fails: the handle is broken
					return
				}
				landed = len(syncing.ok)
			}
			syncing = next
		}
		reqs = nil
		if syncing != nil && more != nil {
			reqs = more(syncing.done, landed)
		}
	}
	if syncing != nil {
		s.land(syncing, &c)
	}
}

// refusalList holds the appends of a group whose conditions failed. Their
// answer waits until the group being synced, whose events the conditions
// saw, has landed: no append is refused on events that may yet be lost.
type refusalList []refusal

type refusal struct {
	r   *request
	err error
}

func (l refusalList) answer() {
	for _, x := range l {
		x.r.done <- result{err: x.err}
	}
}

func (l refusalList) requests() []*request {
	reqs := make([]*request, len(l))
	for i, x := range l {
		reqs[i] = x.r
	}
	return reqs
}

func requestsOf(ok []accepted) []*request {
	reqs := make([]*request, len(ok))
	for i, a := range ok {
		reqs[i] = a.r
	}
	return reqs
}

// accept claims the requests of a group in arrival order, checks each
// one's condition against the store, the groups of the chain before it
// and the appends accepted before it, and assigns positions. It adds the
// accepted events to c.pending, from index from on. Requests that are
// refused get their answer here.
func (s *FileStore) accept(reqs []*request, c *chain) (ok []accepted, from int, refused refusalList) {
	s.mu.RLock()
	next := s.idx.head + 1 + Position(len(c.pending))
	s.mu.RUnlock()
	from = len(c.pending)
	lastMatch := func(q Query) Position {
		for i := len(c.pending) - 1; i >= 0; i-- {
			if q.Matches(&c.pending[i].Event) {
				return c.pending[i].Position
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
		last, inChain, err := s.retryOf(r, &c.ids, c.pending)
		switch {
		case err != nil:
			r.done <- result{err: err}
			continue
		case inChain:
			ok = append(ok, accepted{r: r, first: last + 1 - Position(len(r.events)), retry: true})
			continue
		case last > 0:
			r.done <- result{last: last}
			continue
		}
		if err := r.cond.check(lastMatch); err != nil {
			refused = append(refused, refusal{r, err})
			continue
		}
		ok = append(ok, accepted{r: r, first: next})
		c.ids.add(r.events, next)
		for _, e := range r.events {
			c.pending = append(c.pending, StoredEvent{Position: next, Event: e})
			next++
		}
	}
	return ok, from, refused
}

// flight is a group whose files are written and are being made durable.
type flight struct {
	ok       []accepted
	events   []StoredEvent
	strategy syncStrategy
	touched  []uint64 // shard folders of the group, in order
	start    time.Time
	// Set before done is closed.
	done      chan struct{}
	err       error
	took      time.Duration
	noSyncAll bool // the file system has no SyncAll
	// refused are the appends of later groups whose conditions failed,
	// answered when this group lands.
	refused refusalList
}

// launch writes the event files of a group and, unless NoSync, starts
// making them and their names durable by the strategy groupSync chooses
// for the group: per file (an fdatasync of each file, up to
// vfs.SyncParallel at once on other goroutines when the group has more
// than one file, each handed over as soon as it is written, then an fsync
// of each shard folder it touched, and of events/ when a shard folder is
// new), or one SyncAll (syncfs) of the file system after the files are
// written, which covers the files and the folders alike. The files are
// created in position order, each relative to the kept descriptor of its
// shard folder. With async the syncs end on another goroutine (the chain
// of commitGroup); otherwise on this one, before launch returns. land
// waits for them. A failure to write leaves no sync running.
func (s *FileStore) launch(ok []accepted, events []StoredEvent, async bool) (_ *flight, err error) {
	f := &flight{ok: ok, events: events, strategy: syncPerFile, start: time.Now(), done: make(chan struct{})}
	if len(events) == 0 { // only retries of appends of the chain
		close(f.done)
		return f, nil
	}
	s.tel.groupSize.Record(context.Background(), int64(len(events)), s.tel.attrs())
	var buf bytes.Buffer
	syncing := !s.opts.NoSync
	if syncing {
		f.strategy = s.gsync.choose(len(events))
	}
	perFile := syncing && f.strategy == syncPerFile
	pool := newSyncPool(len(events), perFile, async)
	defer func() {
		if err != nil {
			_ = pool.wait()
		}
	}()
	newShard := false
	i := 0
	for _, a := range ok {
		if a.retry {
			continue
		}
		br := batchRange{First: a.first, Last: a.first + Position(len(a.r.events)) - 1}
		for range a.r.events {
			e := &events[i]
			i++
			sh := shardOf(e.Position)
			if len(f.touched) == 0 || f.touched[len(f.touched)-1] != sh {
				created, err := s.enterShard(sh)
				if err != nil {
					return nil, err
				}
				newShard = newShard || created
				if len(f.touched) > 0 {
					// The previous shard folder holds all its names of
					// the group: sync it before its descriptor goes.
					if err := s.leaveShard(f.touched[len(f.touched)-1], perFile); err != nil {
						return nil, err
					}
				}
				f.touched = append(f.touched, sh)
			}
			buf.Reset()
			if err := encodeEvent(&buf, e.Position, &e.Event, br); err != nil {
				return nil, fmt.Errorf("store: encode event %d: %w", e.Position, err)
			}
			file, err := s.shardDir.Create(eventName(e.Position))
			if err != nil {
				return nil, fmt.Errorf("store: create %s: %w", s.l.event(e.Position), err)
			}
			if _, err := file.Write(buf.Bytes()); err != nil {
				file.Close()
				return nil, fmt.Errorf("store: write %s: %w", s.l.event(e.Position), err)
			}
			if err := pool.add(file, s.l.event(e.Position)); err != nil {
				return nil, err
			}
		}
	}
	dir := s.shardDir
	finish := func() {
		defer close(f.done)
		err := pool.wait()
		if err == nil && syncing && len(f.touched) > 0 {
			err = s.syncFolders(f, dir, newShard)
		}
		f.err, f.took = err, time.Since(f.start)
	}
	if async && syncing {
		go finish()
	} else {
		finish()
	}
	return f, nil
}

// syncFolders completes the durability of a flight whose files are
// written and, per file, synced: the shard folder it ends in (the others
// were synced as it left them) and events/ when a shard folder is new, or
// one SyncAll for the whole group.
func (s *FileStore) syncFolders(f *flight, dir vfs.Dir, newShard bool) error {
	if f.strategy == syncAll {
		synced, err := vfs.TrySyncAll(s.fs, s.l.dir)
		if err != nil {
			return fmt.Errorf("store: %w", err)
		}
		if synced {
			return nil
		}
		// The file system has no SyncAll: this group's files are closed,
		// so they are synced by name; later groups go per file.
		f.noSyncAll, f.strategy = true, syncNone
		return s.syncClosedGroup(f.events, f.touched, newShard)
	}
	if err := dir.Sync(); err != nil {
		return fmt.Errorf("store: sync folder %s: %w", s.l.shard(f.touched[len(f.touched)-1]), err)
	}
	if newShard {
		if err := s.fs.SyncDir(s.l.events()); err != nil {
			return fmt.Errorf("store: sync folder %s: %w", s.l.events(), err)
		}
	}
	return nil
}

// ack answers the appends of a flight that landed.
func (f *flight) ack() {
	for _, a := range f.ok {
		a.r.done <- result{last: a.first + Position(len(a.r.events)) - 1}
	}
}

// land waits for a flight's syncs and, when they succeeded and the handle
// is not broken, commits the head over its events, indexes them,
// acknowledges its appends and drops its events from c.pending. It
// reports whether it did; otherwise it has failed the flight's appends
// and the handle is broken.
func (s *FileStore) land(f *flight, c *chain) bool {
	<-f.done
	if f.noSyncAll {
		s.gsync.unsupported()
	}
	reqs := requestsOf(f.ok)
	err := f.err
	if err != nil {
		err = s.breakWith(err)
	} else {
		err = s.brokenErr()
	}
	if err != nil {
		failAll(append(reqs, f.refused.requests()...), err)
		return false
	}
	if len(f.events) == 0 {
		// Only retries of appends of the groups before it, which have
		// landed.
		f.ack()
		f.refused.answer()
		return true
	}
	s.markShards(f.touched) // durable, or, with NoSync, existing
	if !s.opts.NoSync {
		s.tel.syncDur.Record(context.Background(), f.took.Seconds(), s.tel.attrs())
		s.gsync.observe(f.strategy, len(f.events), f.took)
	}
	last := f.events[len(f.events)-1].Position
	if err := s.commitHead(last, !s.opts.NoSync, false); err != nil {
		failAll(append(reqs, f.refused.requests()...), s.breakWith(err))
		return false
	}
	s.mu.Lock()
	for _, e := range f.events {
		s.idx.add(e.Position, &e.Event)
	}
	s.mu.Unlock()
	c.pending = c.pending[len(f.events):]
	f.ack()
	f.refused.answer()
	s.note.Wake()
	if s.sinceSnap.Add(int64(len(f.events))) >= int64(s.opts.SnapshotEvery) {
		s.snapshotInBackground()
	}
	return true
}

// syncClosedGroup makes the written and closed files of a group durable
// file by file, with their shard folders (and events/ when one is new).
func (s *FileStore) syncClosedGroup(pending []StoredEvent, touched []uint64, newShard bool) error {
	paths := make([]string, len(pending))
	for i, e := range pending {
		paths[i] = s.l.event(e.Position)
	}
	dirs := make([]string, 0, len(touched)+1)
	for _, sh := range touched {
		dirs = append(dirs, s.l.shard(sh))
	}
	if newShard {
		dirs = append(dirs, s.l.events())
	}
	if err := vfs.Sync(s.fs, paths, dirs); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	return nil
}

// The strategies of groupSync.
type syncStrategy int

const (
	syncPerFile syncStrategy = iota // fdatasync each file, fsync each folder
	syncAll                         // one syncfs of the whole file system
	syncNone                        // a group whose cost says nothing
)

const (
	// syncEachMax is the most files a group may have to be always made
	// durable per file.
	syncEachMax = 8
	// syncRetryEvery is how many large groups in a row use one strategy
	// before one tries the other; each try that loses doubles it for the
	// next, up to syncRetryMax.
	syncRetryEvery = 64
	syncRetryMax   = 4096
)

// groupSync chooses how a commit makes its group durable; it is the sync
// policy of commits. Durability is the same either way: both strategies
// make every file's content and every touched folder's entries durable
// before the head moves.
//
//   - A group of up to syncEachMax files is always synced per file, as is
//     every group on a file system without SyncAll (errors.ErrUnsupported,
//     learnt from the first attempt).
//   - For a larger group the handle keeps, per strategy, the cost per file
//     of its large groups (the time from the group's first write to the
//     end of its syncs): an exponentially weighted mean with weight 1/4 for
//     a new observation, except that an observation above the mean, or
//     the first one of a retry (below), replaces it. A handle starts with
//     per-file syncs.
//   - A group synced with syncfs that makes syncfs dearer than per-file
//     syncs (syncfs also flushes whatever other programs wrote to the same
//     file system, so a large writer elsewhere stalls it) turns the handle
//     to per-file syncs from the next group on. Per-file syncs, which no
//     other writer stalls, are left only when a retry of syncfs finds it
//     cheaper.
//   - After syncRetryEvery large groups in a row with one strategy, one
//     group tries the other (the first try of syncfs included); each try
//     that loses doubles the wait for the next, up to syncRetryMax, and a
//     switch resets it. So a stall of syncfs under a large writer costs at
//     most one large commit in syncRetryEvery + 1, fewer the longer the
//     writer lasts, and a quiet file system gets its faster syncfs back
//     within syncRetryMax large groups.
//
// groupSync is guarded by the store's syncMu.
type groupSync struct {
	// cost turns a large group's measured time into the cost observed;
	// the specs replace it to steer the choice without timing.
	cost      func(st syncStrategy, files int, took time.Duration) time.Duration
	mean      [2]time.Duration // per file, by strategy
	stale     [2]bool          // the next observation replaces the mean
	noSyncAll bool
	cur       syncStrategy // the strategy in use; per file at first
	streak    int          // large groups in a row with cur
	wait      int          // large groups before the next try; 0 is syncRetryEvery
}

// choose returns the strategy for a group of files.
func (g *groupSync) choose(files int) syncStrategy {
	if files <= syncEachMax || g.noSyncAll {
		return syncPerFile
	}
	if g.cur == syncAll && g.mean[syncAll] > g.mean[syncPerFile] {
		g.switchTo(syncPerFile)
	}
	if g.wait == 0 {
		g.wait = syncRetryEvery
	}
	if g.streak++; g.streak > g.wait {
		g.streak = 0
		g.wait = min(2*g.wait, syncRetryMax) // unless the try wins
		other := 1 - g.cur
		g.stale[other] = true
		return other
	}
	return g.cur
}

// switchTo makes st the strategy in use, with the shortest wait for a try
// of the other.
func (g *groupSync) switchTo(st syncStrategy) {
	g.cur, g.streak, g.wait = st, 0, syncRetryEvery
}

// observe records that a group of files synced with st took took.
func (g *groupSync) observe(st syncStrategy, files int, took time.Duration) {
	if files <= syncEachMax || st == syncNone {
		return
	}
	if g.cost != nil {
		took = g.cost(st, files, took)
	}
	c := max(took/time.Duration(files), 1)
	m := &g.mean[st]
	if *m == 0 || g.stale[st] || c > *m {
		*m = c
	} else {
		*m += (c - *m) / 4
	}
	g.stale[st] = false
	if st != g.cur && *m < g.mean[g.cur] { // a try of the other won
		g.switchTo(st)
	}
}

// unsupported records that the file system has no SyncAll.
func (g *groupSync) unsupported() { g.noSyncAll = true }

// enterShard makes sh the shard folder new event files are created in,
// keeping its descriptor. A shard folder this handle has not made durable
// yet is created when missing (created then says its name in events/ must
// be synced): it is new, or a commit that failed before syncing events/
// made it, and a power cut would take it away with every event in it. So
// events/ is synced once per shard and handle.
func (s *FileStore) enterShard(sh uint64) (created bool, err error) {
	if s.shardDir != nil && s.shardNum == sh {
		return false, nil
	}
	if !s.durableShards[sh] {
		if err := s.fs.MkdirAll(s.l.shard(sh), 0o755); err != nil {
			return false, fmt.Errorf("store: create %s: %w", s.l.shard(sh), err)
		}
		created = true
	}
	d, err := vfs.OpenDir(s.fs, s.l.shard(sh))
	if err != nil {
		return false, fmt.Errorf("store: open %s: %w", s.l.shard(sh), err)
	}
	s.prevDir = s.shardDir // closed by leaveShard, or by closeFiles after a failure
	s.shardDir, s.shardNum = d, sh
	return created, nil
}

// leaveShard closes the folder of the previous shard sh, syncing it first
// when sync.
func (s *FileStore) leaveShard(sh uint64, sync bool) error {
	d := s.prevDir
	s.prevDir = nil
	var err error
	if sync {
		if err = d.Sync(); err != nil {
			err = fmt.Errorf("store: sync folder %s: %w", s.l.shard(sh), err)
		}
	}
	if cerr := d.Close(); cerr != nil && err == nil {
		err = fmt.Errorf("store: close %s: %w", s.l.shard(sh), cerr)
	}
	return err
}

// markShards records shard folders that exist and, unless NoSync, whose
// names are durable; later commits into them skip the folder work.
func (s *FileStore) markShards(shards []uint64) {
	if s.durableShards == nil {
		s.durableShards = map[uint64]bool{}
	}
	for _, sh := range shards {
		s.durableShards[sh] = true
	}
}

// syncPool makes the files of a group durable and closes them: for a group
// of one file inline, in add (or, with async, in wait, which then runs on
// another goroutine), otherwise on up to vfs.SyncParallel goroutines, so
// that their fdatasyncs overlap while the group's later files are written.
// Without sync it only closes them.
type syncPool struct {
	sync  bool
	files chan pooled
	wg    sync.WaitGroup
	mu    sync.Mutex
	err   error
	done  bool
	hold  bool     // a lone file is synced by wait, not by add
	held  []pooled // what add left to wait
}

type pooled struct {
	f    vfs.File
	path string
}

func newSyncPool(n int, sync, async bool) *syncPool {
	p := &syncPool{sync: sync, hold: sync && async}
	if sync && n > 1 {
		p.files = make(chan pooled, vfs.SyncParallel)
		for range min(n, vfs.SyncParallel) {
			p.wg.Go(func() {
				for f := range p.files {
					p.fail(p.finish(f))
				}
			})
		}
	}
	return p
}

// add hands over a written file; it returns the first failure so far.
func (p *syncPool) add(f vfs.File, path string) error {
	if p.files == nil && p.hold {
		p.held = append(p.held, pooled{f, path})
	} else if p.files == nil {
		p.fail(p.finish(pooled{f, path}))
	} else {
		p.files <- pooled{f, path}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}

func (p *syncPool) finish(f pooled) error {
	var err error
	if p.sync {
		if err = f.f.Sync(); err != nil {
			err = fmt.Errorf("store: sync %s: %w", f.path, err)
		}
	}
	if cerr := f.f.Close(); cerr != nil && err == nil {
		err = fmt.Errorf("store: close %s: %w", f.path, cerr)
	}
	return err
}

func (p *syncPool) fail(err error) {
	if err == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.err == nil {
		p.err = err
	}
}

// wait waits for every file handed over and returns the first failure.
// Calling it again returns the same.
func (p *syncPool) wait() error {
	if !p.done && p.files != nil {
		close(p.files)
		p.wg.Wait()
	}
	if !p.done {
		for _, f := range p.held {
			p.fail(p.finish(f))
		}
	}
	p.done = true
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}
