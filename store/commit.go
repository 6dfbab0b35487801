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
	ctx, span := s.tel.start(ctx, "append")
	if span.IsRecording() {
		span.SetAttributes(append(s.tel.events(events), AttrConflict.Bool(false))...)
	}
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
	if !s.grouping.Load() && len(s.reqs) == 0 && s.commitMu.TryLock() {
		s.commitGroup(ctx, []*request{r})
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
// group and commits them together. An append that finds nothing queued and
// no commit running commits itself, on its own goroutine (see append);
// commitMu keeps the two from committing at once.
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
					s.commitGroup(context.Background(), []*request{r})
					s.commitMu.Unlock()
				default:
					return
				}
			}
		}
		s.commitMu.Lock()
		group, n := []*request{first}, len(first.events)
		most := s.opts.MaxBatchEvents
		// When the previous group had several appends, their writers are
		// about to append again; wait a moment for as many, so that they
		// share this group's syncs. A lone writer never waits.
		if prev > 1 && s.opts.GroupWait > 0 {
			linger.Reset(s.opts.GroupWait)
		wait:
			for len(group) < prev && n < most {
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
		for n < most {
			select {
			case r := <-s.reqs:
				group = append(group, r)
				n += len(r.events)
			default:
				break gather
			}
		}
		prev = len(group)
		s.grouping.Store(prev > 1)
		for len(group) > 0 {
			group = s.commitGroup(context.Background(), group)
		}
		s.commitMu.Unlock()
	}
}

// Pacing groups beside another writer. The gate of procLock makes the
// writer lock alternate between processes that want it, so a process
// waiting for the lock waits for the group its holder is committing, and
// not longer. That wait is what a group costs: a group of sixteen appends
// of a busy committer keeps a process that appends one event at a time
// waiting for many times its own append. So a committer that finds, when
// it takes the lock, that other writers appended n events since its last
// commit commits at most paceFactor·n events of its group under that hold
// of the lock, and the rest under the next ones, each paced the same way;
// between two holds the gate lets a waiting writer in first. The cap is
// two events when the other writer appends one event at a time, as many
// as before when the other writer commits large groups too (two busy
// processes keep their group commits), and there is no cap once nobody
// else has written since the last commit. A single append larger than the
// cap still goes whole. BenchmarkWritePathFairness (internal/bench)
// measures both sides: the probe's latencies and the other process's rate
// beside it.
const paceFactor = 2

// paceAfter returns the most events a committer commits under one hold of
// the lock after other writers appended theirs events since its last
// commit; zero is no cap.
func paceAfter(theirs Position) int64 { return paceFactor * int64(min(theirs, 1<<32)) }

// paced splits a group at the cap most (zero: none): the appends up to
// most events, at least one, and the rest.
func paced(reqs []*request, most int64) (now, rest []*request) {
	if most <= 0 {
		return reqs, nil
	}
	n := int64(len(reqs[0].events))
	i := 1
	for ; i < len(reqs) && n+int64(len(reqs[i].events)) <= most; i++ {
		n += int64(len(reqs[i].events))
	}
	return reqs[:i], reqs[i:]
}

// release ends a commit's hold of the writer lock. A NoSync handle that
// is not broken parks it (see procLock) and releases it lockIdle later
// unless it commits again; any other releases it now.
func (s *FileStore) release() {
	var err error
	if s.opts.NoSync && s.brokenErr() == nil {
		var parked bool
		if parked, err = s.plock.park(); parked {
			s.idle.Reset(lockIdle)
		}
	} else {
		err = s.plock.unlock()
	}
	if err != nil {
		s.log.Error("unlock failed", "lock", s.l.lock(), "err", err)
	}
}

// releaseIdle releases a parked writer lock when no commit runs: one that
// runs parks it again or releases it when it ends.
func (s *FileStore) releaseIdle() {
	if !s.commitMu.TryLock() {
		return
	}
	defer s.commitMu.Unlock()
	if err := s.plock.unlock(); err != nil {
		s.log.Error("unlock failed", "lock", s.l.lock(), "err", err)
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
// publishes them. Beside another writer it commits only as many as the
// pace allows (see paceAfter) and returns the rest, for the caller to
// commit next, under a new hold of the lock. ctx bounds the wait for the
// writer lock: the caller's context when the append commits on its own
// goroutine (a context error then stores nothing), none for the
// committer, whose appends withdraw themselves.
func (s *FileStore) commitGroup(ctx context.Context, reqs []*request) (rest []*request) {
	if err := s.brokenErr(); err != nil {
		failAll(reqs, err)
		return nil
	}
	others, err := s.plock.lock(ctx)
	if err != nil {
		failAll(reqs, err)
		return nil
	}
	defer s.release()
	s.syncMu.Lock()
	defer s.syncMu.Unlock()

	// Catch up with commits of other processes, and clean up after one
	// that crashed mid-append. A failure breaks the handle (see there).
	// When no other writer has held the lock since this handle's last
	// commit (the writer token, see procLock), there is nothing to catch
	// up with.
	if others {
		s.mu.RLock()
		ours := s.idx.head
		s.mu.RUnlock()
		if err := s.catchUpLocked(); err != nil {
			failAll(reqs, err)
			return nil
		}
		var theirs Position
		s.mu.RLock()
		if s.idx.head > ours {
			theirs = s.idx.head - ours
		}
		s.mu.RUnlock()
		reqs, rest = paced(reqs, paceAfter(theirs))
	}
	ok, pending := s.accept(reqs)
	if len(ok) > 0 {
		s.publish(ok, pending)
	}
	return rest
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
	for i, r := range reqs {
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
		if i < len(reqs)-1 { // only the appends after it look into the group
			group.add(r.events, next)
		}
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
// them and their names durable by the strategy groupSync chooses for the
// group: per file (an fdatasync of each file, up to vfs.SyncParallel at
// once on other goroutines when the group has more than one file, then an
// fsync of each shard folder it touched, and of events/ when a shard
// folder is new), or one SyncAll (syncfs) of the file system after the
// files are written, which covers the files and the folders alike. The
// files are created in position order, each relative to the kept
// descriptor of its shard folder.
func (s *FileStore) writeGroup(ok []accepted, pending []StoredEvent) (err error) {
	buf := &s.encodeBuf
	defer func() {
		if buf.Cap() > maxEncodeBuf {
			*buf = bytes.Buffer{} // a large event's buffer is not kept
		}
	}()
	syncing := !s.opts.NoSync
	strategy := syncPerFile
	if syncing {
		strategy = s.gsync.choose(len(pending))
	}
	perFile := syncing && strategy == syncPerFile
	pool := newSyncPool(len(pending), perFile)
	defer func() {
		if perr := pool.wait(); err == nil {
			err = perr
		}
	}()
	// The files written and not yet handed to the pool, which syncs and
	// closes them: with per-file syncs, up to writebackMax files at a
	// time, whose write-back starts before the first of their syncs, so
	// that a journaling file system allocates their blocks in one
	// transaction and commits it once for them all, instead of once per
	// sync; otherwise each file as soon as it is written.
	var written []pooled
	defer func() {
		for _, w := range written {
			w.f.Close()
		}
	}()
	handOver := func() error {
		if len(written) > 1 {
			for _, w := range written {
				vfs.StartWriteback(w.f)
			}
		}
		for i, w := range written {
			if err := pool.add(w); err != nil {
				written = written[i+1:]
				return err
			}
		}
		written = written[:0]
		return nil
	}
	var touched []uint64 // shard folders of the group, in order
	newShard := false
	syncStart := time.Now()
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
			if len(touched) == 0 || touched[len(touched)-1] != sh {
				created, err := s.enterShard(sh)
				if err != nil {
					return err
				}
				newShard = newShard || created
				if len(touched) > 0 {
					// The previous shard folder holds all its names of
					// the group: sync it before its descriptor goes.
					if err := s.leaveShard(touched[len(touched)-1], perFile); err != nil {
						return err
					}
				}
				touched = append(touched, sh)
			}
			buf.Reset()
			if err := encodeEvent(buf, e.Position, &e.Event, br); err != nil {
				return fmt.Errorf("store: encode event %d: %w", e.Position, err)
			}
			f, err := s.shardDir.Create(eventName(e.Position))
			if err != nil {
				return fmt.Errorf("store: create %s: %w", s.l.event(e.Position), err)
			}
			if _, err := f.Write(buf.Bytes()); err != nil {
				f.Close()
				return fmt.Errorf("store: write %s: %w", s.l.event(e.Position), err)
			}
			written = append(written, pooled{f, e.Position, s.l})
			if !perFile || len(written) == writebackMax {
				if err := handOver(); err != nil {
					return err
				}
			}
		}
	}
	if err := handOver(); err != nil {
		return err
	}
	if !syncing || len(touched) == 0 {
		s.markShards(touched) // nothing is durable without fsync; they exist
		return nil
	}
	defer func() {
		took := time.Since(syncStart)
		s.tel.syncDur.Record(context.Background(), took.Seconds(), s.tel.attrs())
		if err == nil {
			s.gsync.observe(strategy, len(pending), took)
		}
	}()
	if err := pool.wait(); err != nil {
		return err
	}
	if strategy == syncAll {
		synced, err := vfs.TrySyncAll(s.fs, s.l.dir)
		if err != nil {
			return fmt.Errorf("store: %w", err)
		}
		if synced {
			s.markShards(touched)
			return nil
		}
		// The file system has no SyncAll: this group's files are closed,
		// so they are synced by name; later groups go per file.
		s.gsync.unsupported()
		strategy = syncNone
		return s.syncClosedGroup(pending, touched, newShard)
	}
	if err := s.shardDir.Sync(); err != nil {
		return fmt.Errorf("store: sync folder %s: %w", s.l.shard(s.shardNum), err)
	}
	if newShard {
		if err := s.fs.SyncDir(s.l.events()); err != nil {
			return fmt.Errorf("store: sync folder %s: %w", s.l.events(), err)
		}
	}
	s.markShards(touched)
	return nil
}

// maxEncodeBuf is the largest capacity of the encoding buffer a handle
// keeps between groups.
const maxEncodeBuf = 64 << 10

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
	s.markShards(touched)
	return nil
}

// writebackMax is the most written files a commit keeps open before it
// hands them to its syncs.
const writebackMax = 256

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

// syncPool makes the files of a group durable and closes them: inline for a
// group of one file, otherwise on up to vfs.SyncParallel goroutines, so
// that their fdatasyncs overlap. Without sync it only closes them.
type syncPool struct {
	sync  bool
	files chan pooled
	wg    sync.WaitGroup
	mu    sync.Mutex
	err   error
	done  bool
}

// pooled is a written event file: its position names it in errors.
type pooled struct {
	f vfs.File
	p Position
	l layout
}

func newSyncPool(n int, sync bool) *syncPool {
	p := &syncPool{sync: sync}
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
func (p *syncPool) add(f pooled) error {
	if p.files == nil {
		p.fail(p.finish(f))
	} else {
		p.files <- f
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}

func (p *syncPool) finish(f pooled) error {
	var err error
	if p.sync {
		if err = f.f.Sync(); err != nil {
			err = fmt.Errorf("store: sync %s: %w", f.l.event(f.p), err)
		}
	}
	if cerr := f.f.Close(); cerr != nil && err == nil {
		err = fmt.Errorf("store: close %s: %w", f.l.event(f.p), cerr)
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
	p.done = true
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}
