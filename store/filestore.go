package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"iter"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gofrs/flock"

	"github.com/opossum-go/opossum/store/vfs"
)

// FileStore is the file-system event store: one JSON file per event, an
// in-memory index persisted as a snapshot, and a lock file that lets
// several processes share the folder. See the package documentation for its
// guarantees. All methods are safe for concurrent use.
type FileStore struct {
	opts  Options
	l     layout
	fs    vfs.FS
	log   *slog.Logger
	plock *procLock
	headF vfs.File
	// openLock is the shared flock on .open held for the handle's life
	// (see holdOpen); nil for a read-only handle on a store without one.
	openLock *flock.Flock
	// epoch is the tag epoch the index was built at (see epoch.go). It
	// changes under syncMu and mu together with idx.
	epoch atomic.Uint64

	// mu guards idx. Readers take a plan of the index under RLock and
	// read files without it.
	mu  sync.RWMutex
	idx *index
	// syncMu serialises everything that extends idx from disk: the
	// committer and the catch-up of commits made by other processes.
	syncMu sync.Mutex
	// durableShards are the shard folders whose names in events/ this
	// handle has made durable. Guarded by syncMu.
	durableShards map[uint64]bool
	// durable is the durable prefix and headLines the number of lines of
	// the head file, as last read or written under the writer lock (see
	// durable.go). Guarded by syncMu.
	durable   Position
	headLines int

	qmu     sync.RWMutex // guards closed against sends on reqs
	closed  bool
	reqs    chan *request
	stop    chan struct{}
	stopped chan struct{}

	brokenMu sync.Mutex
	broken   error

	note      *notifier
	sinceSnap atomic.Int64
	snapBusy  atomic.Bool
	bg        sync.WaitGroup
	runs      sync.WaitGroup // AddTags runs in progress; Close waits for them
	tel       *telemetry
}

var _ EventStore = (*FileStore)(nil)

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

// Open opens the store in dir, creating the folder and an empty store when
// it does not exist. Open takes the writer lock and runs recovery: it
// removes a torn last batch and temporary files left by a crash, indexes
// committed events the index snapshot does not cover, and logs what it did.
// The handle then holds a shared lock on the store's .open file until
// Close, which tells DeleteStore the store is in use. With
// Options.ReadOnly, Open creates nothing, takes no lock and runs no
// recovery (see there).
//
// Errors: ErrNotAStore (a non-empty folder without a manifest; the folder
// is left as it was),
// ErrUnsupportedFormat, *LockError (another process holds the lock longer
// than Options.LockTimeout), *CorruptionError (a committed event file is
// damaged), ErrStoreInUse (the store is being deleted), ErrInvalidOption,
// and I/O errors.
func Open(dir string, opts *Options) (*FileStore, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	s := &FileStore{
		opts:    o,
		l:       layout{dir: dir},
		fs:      o.FS,
		log:     o.Logger.With("store", dir),
		reqs:    make(chan *request, 256),
		stop:    make(chan struct{}),
		stopped: make(chan struct{}),
		note:    newNotifier(),
	}
	name := o.Name
	if name == "" {
		name = filepath.Base(dir)
	}
	s.tel = newTelemetry(name, o)
	s.plock = newProcLock(s.l.lock(), o.LockTimeout)
	if o.ReadOnly {
		if err := s.openReadOnly(); err != nil {
			s.closeFiles()
			return nil, err
		}
		go s.commitLoop()
		return s, nil
	}
	if err := s.createDir(dir); err != nil {
		return nil, err
	}
	_, err = s.fs.Stat(s.l.lock())
	newLock := errors.Is(err, fs.ErrNotExist)
	if err != nil && !newLock {
		return nil, fmt.Errorf("store: %w", err)
	}
	if err := s.plock.lock(context.Background()); err != nil {
		s.plock.close()
		return nil, err
	}
	err = s.openLocked()
	if uerr := s.plock.unlock(); err == nil && uerr != nil {
		err = fmt.Errorf("store: unlock %s: %w", s.l.lock(), uerr)
	}
	if err != nil {
		s.closeFiles()
		if newLock && errors.Is(err, ErrNotAStore) {
			// Refusing a folder leaves it as it was. No other Open can
			// be waiting on this lock file: every one refuses the folder.
			_ = s.fs.Remove(s.l.lock())
		}
		return nil, err
	}
	go s.commitLoop()
	return s, nil
}

func (s *FileStore) openLocked() error {
	if err := s.initManifest(); err != nil {
		return err
	}
	for _, d := range []string{s.l.events(), s.l.index()} {
		if err := s.fs.MkdirAll(d, 0o755); err != nil {
			return fmt.Errorf("store: create %s: %w", d, err)
		}
	}
	f, err := s.fs.OpenFile(s.l.head(), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("store: open %s: %w", s.l.head(), err)
	}
	s.headF = f
	// Make the folder's entries, and its own name, durable before any
	// append relies on them: an earlier Open may have failed after
	// putting the manifest, events/ or index/ in place but before syncing
	// the folder, a NoSync handle may have created the store, and the
	// head file may be new.
	if !s.opts.NoSync {
		for _, d := range []string{filepath.Dir(filepath.Clean(s.l.dir)), s.l.dir} {
			if err := s.fs.SyncDir(d); err != nil {
				return fmt.Errorf("store: sync %s: %w", d, err)
			}
		}
	}
	if err := s.holdOpen(); err != nil {
		return err
	}
	return s.recover()
}

// createDir creates the store folder and its missing parents. The fsync
// of a folder makes the entries in it durable, not the folder's own name,
// so unless NoSync it syncs the parent of each parent folder it created;
// initManifest syncs the parent of the store folder itself when it creates
// the store (also when an earlier Open failed after the mkdir). Without
// this a power cut could take a new store away with every event
// acknowledged in it.
func (s *FileStore) createDir(dir string) error {
	var created []string
	for d := filepath.Dir(filepath.Clean(dir)); filepath.Dir(d) != d; d = filepath.Dir(d) {
		if _, err := s.fs.Stat(d); !errors.Is(err, fs.ErrNotExist) {
			break
		}
		created = append(created, d)
	}
	if err := s.fs.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("store: create %s: %w", dir, err)
	}
	for i := len(created) - 1; i >= 0 && !s.opts.NoSync; i-- {
		if err := s.fs.SyncDir(filepath.Dir(created[i])); err != nil {
			return fmt.Errorf("store: sync %s: %w", filepath.Dir(created[i]), err)
		}
	}
	return nil
}

func (s *FileStore) initManifest() error {
	b, err := s.fs.ReadFile(s.l.manifest())
	if err == nil {
		if err := checkManifest(s.l.manifest(), b); err != nil {
			return err
		}
		return s.upgradeManifest(b)
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("store: read %s: %w", s.l.manifest(), err)
	}
	entries, err := s.fs.ReadDir(s.l.dir)
	if err != nil {
		return fmt.Errorf("store: list %s: %w", s.l.dir, err)
	}
	for _, e := range entries {
		if e.Name() == lockName || e.Name() == openName || vfs.IsTemp(e.Name()) {
			continue
		}
		// A creation that failed or crashed before the manifest was in
		// place leaves these folders empty; creating the store again is
		// safe, and refusing would leave a folder no Open accepts.
		if (e.Name() == eventsDir || e.Name() == indexDir) && e.IsDir() {
			if sub, err := s.fs.ReadDir(filepath.Join(s.l.dir, e.Name())); err == nil && len(sub) == 0 {
				continue
			}
		}
		return fmt.Errorf("%w: %s holds %s but no %s", ErrNotAStore, s.l.dir, e.Name(), manifestName)
	}
	m, _ := json.MarshalIndent(manifest{Format: FormatVersion, CreatedAt: s.opts.Now().UTC(), ShardSize: ShardSize}, "", "  ")
	for _, d := range []string{s.l.events(), s.l.index()} {
		if err := s.fs.MkdirAll(d, 0o755); err != nil {
			return fmt.Errorf("store: create %s: %w", d, err)
		}
	}
	if !s.opts.NoSync {
		// The new folder's own name in its parent, then its entries.
		for _, d := range []string{filepath.Dir(filepath.Clean(s.l.dir)), s.l.dir} {
			if err := s.fs.SyncDir(d); err != nil {
				return fmt.Errorf("store: sync %s: %w", d, err)
			}
		}
	}
	// The manifest is written durably even with NoSync (once per store):
	// after a power cut a store must never hold a torn manifest, or
	// events without one, which no Open accepts.
	if err := vfs.WriteFileAtomic(s.fs, s.l.manifest(), append(m, '\n'), false); err != nil {
		return err
	}
	s.log.Info("created store", "format", FormatVersion)
	return nil
}

// Dir returns the store's folder.
func (s *FileStore) Dir() string { return s.l.dir }

// checkManifest checks that a manifest names a format this version reads.
func checkManifest(path string, b []byte) error {
	var m manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return &CorruptionError{Path: path, Err: err}
	}
	if m.Format > FormatVersion || m.Format < 1 {
		return fmt.Errorf("%w: %s has format %d, this version reads up to %d", ErrUnsupportedFormat, path, m.Format, FormatVersion)
	}
	if m.ShardSize != 0 && m.ShardSize != ShardSize {
		return fmt.Errorf("%w: %s has shard size %d", ErrUnsupportedFormat, path, m.ShardSize)
	}
	return nil
}

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
	s.note.wake()
	return nil
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
	s.note.wake()
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

// syncEvents makes the event files at positions from..to, their shard
// folders and events/ durable, with vfs.Sync: the catch-up of events this
// handle did not write itself and does not know to be durable.
func (s *FileStore) syncEvents(from, to Position) error {
	if from > to {
		return nil
	}
	paths := make([]string, 0, to-from+1)
	var dirs []string
	for p := from; p <= to; p++ {
		paths = append(paths, s.l.event(p))
		if p == from || shardOf(p) != shardOf(p-1) {
			dirs = append(dirs, s.l.shard(shardOf(p)))
		}
	}
	dirs = append(dirs, s.l.events())
	if err := vfs.Sync(s.fs, s.l.dir, paths, dirs); err != nil {
		return fmt.Errorf("store: make events %d..%d durable: %w", from, to, err)
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

// ReadLast implements EventStore in O(log n) for type and tag queries.
func (s *FileStore) ReadLast(ctx context.Context, q Query) (e *StoredEvent, err error) {
	ctx, span := s.tel.start(ctx, "read_last", s.tel.query(q)...)
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
		ctx, span := s.tel.start(ctx, "read", s.tel.query(q)...)
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

// Close waits for appends and AddTags runs in progress (an AddTags
// callback that reads the store meanwhile gets ErrClosed, and Close does
// not wait for it), writes the index snapshot when
// events were indexed since the last one, and releases the store's files.
// Other methods called later return ErrClosed; closing again is a no-op.
func (s *FileStore) Close() error {
	s.qmu.Lock()
	if s.closed {
		s.qmu.Unlock()
		return nil
	}
	s.closed = true
	s.qmu.Unlock()
	close(s.stop)
	<-s.stopped
	s.runs.Wait()
	s.bg.Wait()
	var errs []error
	if !s.opts.ReadOnly && s.sinceSnap.Load() > 0 && s.brokenErr() == nil {
		if err := s.writeSnapshot(); err != nil {
			errs = append(errs, err)
		}
	}
	s.note.close()
	errs = append(errs, s.closeFiles())
	return errors.Join(errs...)
}
