package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofrs/flock"
)

// Tag epochs.
//
// AddTags rewrites event files that are committed and indexed, so every
// index built before it lacks the added tags: the in-memory indices of
// other handles and processes, and the persisted snapshot. The head file
// carries a second counter after the head, the tag epoch (absent means 0).
// AddTags makes it odd, durably, before it rewrites the first file, and even
// again, one higher, when it has finished:
//
//   - a handle whose index was built at an older epoch reloads it at its
//     next read or commit (an odd epoch is ignored by readers: the run is
//     not finished; its tags show when it is);
//   - a snapshot is named after the epoch of the index it was written from
//     (snapshot.bin for 0, snapshot.<epoch>.bin after), so a stale one is
//     never loaded;
//   - an odd epoch found under the writer lock means an AddTags run died
//     half way: the index is rebuilt from the event files and the epoch
//     moves on to the next even value.

// headFileSize is the size of a head file with every line: three lines of
// the head encoding (position, checksum): the head, the tag epoch and the
// durable prefix (see durable.go).
const headFileSize = 3 * headSize

// headState is what the head file says.
type headState struct {
	head    Position
	headOK  bool // false: empty, torn or damaged
	epoch   uint64
	epochOK bool // false: the epoch line is torn or damaged
	// durable is the durable prefix: every event up to it is durable. It
	// is the head when the file has no third line (only durable commits
	// wrote the store), and 0 when that line is torn.
	durable Position
	// lines is how many lines the file has (0 to 3).
	lines int
}

func decodeHeadFile(b []byte) headState {
	st := headState{lines: min(len(b)/headSize, 3)}
	st.head, st.headOK = decodeHead(b)
	switch {
	case len(b) <= headSize:
		st.epochOK = true // no epoch line: epoch 0
	default:
		var e Position
		e, st.epochOK = decodeHead(b[headSize:])
		st.epoch = uint64(e)
	}
	switch {
	case st.lines < 3:
		st.durable = st.head // 0 when the head line is bad
	default:
		st.durable, _ = decodeHead(b[2*headSize:]) // 0 when the line is bad
	}
	return st
}

// readHeadFile reads the head file with one pread, retrying briefly when a
// concurrent rewrite was caught half way. A read-only handle on a store
// without a head file sees an empty state.
func (s *FileStore) readHeadFile() (headState, error) {
	if s.headF == nil {
		return headState{epochOK: true}, nil
	}
	var buf [headFileSize]byte
	for try := 0; ; try++ {
		n, err := s.headF.ReadAt(buf[:], 0)
		if n == 0 && err != nil && !errors.Is(err, io.EOF) {
			return headState{}, fmt.Errorf("store: read %s: %w", s.l.head(), err)
		}
		st := decodeHeadFile(buf[:n])
		if (st.headOK && st.epochOK) || n == 0 || try >= 3 {
			return st, nil
		}
		time.Sleep(50 * time.Microsecond)
	}
}

// writeEpoch rewrites the epoch line of the head file in place. The caller
// holds the writer lock.
func (s *FileStore) writeEpoch(e uint64, sync bool) error {
	if _, err := s.headF.WriteAt(encodeHead(Position(e)), headSize); err != nil {
		return fmt.Errorf("store: write %s: %w", s.l.head(), err)
	}
	if sync {
		if err := s.headF.Sync(); err != nil {
			return fmt.Errorf("store: sync %s: %w", s.l.head(), err)
		}
	}
	return nil
}

// unknownEpoch stands for an epoch line that cannot be read: an odd value
// that no index was built at, so every handle rebuilds.
func unknownEpoch() uint64 { return uint64(time.Now().UnixNano())<<1 | 1 }

// startEpoch sets the epoch the index is about to be loaded at (Open).
func (s *FileStore) startEpoch() error {
	st, err := s.readHeadFile()
	if err != nil {
		return err
	}
	e := st.epoch
	if !st.epochOK {
		s.log.Warn("tag epoch unreadable; rebuilding the index from the event files", "file", s.l.head())
		e = unknownEpoch()
	}
	s.epoch.Store(e)
	return nil
}

// finishEpoch ends an AddTags run that died half way (an odd epoch found
// under the writer lock, after the index was rebuilt from the files): it
// moves the epoch to the next even value. It reports whether it did.
func (s *FileStore) finishEpoch() (bool, error) {
	e := s.epoch.Load()
	if e%2 == 0 {
		return false, nil
	}
	// The epoch stays odd until the run's temporary files are gone, so
	// that an even epoch means there are none below the last shard.
	if err := s.cleanShardTemps(); err != nil {
		return false, err
	}
	if err := s.writeEpoch(e+1, !s.opts.NoSync); err != nil {
		return false, err
	}
	s.mu.Lock()
	s.epoch.Store(e + 1)
	s.mu.Unlock()
	s.log.Warn("an add-tags run was interrupted; rebuilt the index from the event files", "epoch", e+1)
	return true, nil
}

// cleanShardTemps removes the temporary files in every shard folder. Only
// AddTags leaves them below the last shard (recovery's removeAfter sees
// the last one): a run that died, or failed to remove its own. It runs
// before every run and when an interrupted one is repaired, which leaves
// the epoch odd until it succeeds.
func (s *FileStore) cleanShardTemps() error {
	shards, err := s.fs.ReadDir(s.l.events())
	if err != nil {
		return fmt.Errorf("store: list %s: %w", s.l.events(), err)
	}
	for _, sh := range shards {
		if sh.IsDir() {
			if err := s.cleanTemp(filepath.Join(s.l.events(), sh.Name())); err != nil {
				return err
			}
		}
	}
	return nil
}

// followEpoch reloads the index when the head file names another tag
// epoch than the one it was built at. held means the caller holds the
// writer lock and syncMu (a commit or AddTags); only then is an odd epoch
// (an AddTags run that died) repaired rather than ignored.
func (s *FileStore) followEpoch(st headState, held bool) error {
	if held && st.epochOK && st.epoch == s.epoch.Load() && st.epoch%2 == 1 {
		// This handle rebuilt its index from the files at the odd epoch
		// but could not move the epoch on then (an I/O error): retry.
		repaired, err := s.finishEpoch()
		if repaired {
			if err := s.writeSnapshot(); err != nil {
				s.log.Warn("could not write the index snapshot", "err", err)
			}
		}
		return err
	}
	if (!st.epochOK && !held) || (st.epochOK && st.epoch == s.epoch.Load()) {
		return nil
	}
	if st.epochOK && st.epoch%2 == 1 && !held {
		return nil // an AddTags run is rewriting files; its tags show when it ends
	}
	if !held {
		s.syncMu.Lock()
		defer s.syncMu.Unlock()
		var err error
		if st, err = s.readHeadFile(); err != nil {
			return err
		}
		if !st.epochOK || st.epoch == s.epoch.Load() || st.epoch%2 == 1 {
			return nil
		}
	}
	e := st.epoch
	if !st.epochOK {
		e = unknownEpoch()
	}
	return s.reloadIndex(st, e, held)
}

// reloadIndex replaces the index with one built at epoch e: from the
// snapshot of that epoch when there is a sound one, then from the event
// files up to the head. The caller holds syncMu.
func (s *FileStore) reloadIndex(st headState, e uint64, held bool) error {
	s.mu.RLock()
	cur := s.idx.head
	s.mu.RUnlock()
	h := st.head
	if !st.headOK || h < cur {
		h = cur
	}
	x := s.loadSnapshotAt(h, e)
	if x.head > h {
		x = newIndex()
	}
	from := x.head
	for p := from + 1; p <= h; p++ {
		ev, _, err := s.readEvent(p)
		if err != nil {
			return err
		}
		x.add(p, &ev.Event)
	}
	s.mu.Lock()
	s.idx = x
	s.epoch.Store(e)
	s.mu.Unlock()
	s.sinceSnap.Store(int64(h - from))
	s.log.Info("tags were added to past events; reloaded the index", "epoch", e, "fromSnapshot", from, "head", h)
	if !held {
		return nil
	}
	repaired, err := s.finishEpoch()
	if err != nil {
		return err
	}
	if repaired {
		if err := s.writeSnapshot(); err != nil {
			s.log.Warn("could not write the index snapshot", "err", err)
		}
	}
	return nil
}

// snapshotEpoch parses the epoch out of a snapshot file name.
func snapshotEpoch(name string) (uint64, bool) {
	if name == snapshotName {
		return 0, true
	}
	mid, ok := strings.CutPrefix(name, "snapshot.")
	if !ok {
		return 0, false
	}
	mid, ok = strings.CutSuffix(mid, ".bin")
	if !ok {
		return 0, false
	}
	e, err := strconv.ParseUint(mid, 10, 64)
	if err != nil || e == 0 || strconv.FormatUint(e, 10) != mid {
		return 0, false
	}
	return e, true
}

// dropSnapshots removes every index snapshot, durably, before AddTags
// makes the epoch odd, and holds the snapshot lock until the caller has
// done so (it calls unlock): no snapshot written before the run survives
// it, and none is written from an index of an older epoch after it.
// Without this, a snapshot the run could not replace at its end would be
// loaded again, stale, should the head file (which holds the epoch) be
// lost. The index is then rebuilt from the event files.
func (s *FileStore) dropSnapshots(ctx context.Context) (unlock func(), err error) {
	unlock, err = s.lockSnapshots(ctx)
	if err != nil {
		return nil, err
	}
	entries, err := s.fs.ReadDir(s.l.index())
	if err != nil {
		unlock()
		return nil, fmt.Errorf("store: list %s: %w", s.l.index(), err)
	}
	removed := false
	for _, en := range entries {
		if _, ok := snapshotEpoch(en.Name()); ok {
			p := filepath.Join(s.l.index(), en.Name())
			if err := s.fs.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
				unlock()
				return nil, fmt.Errorf("store: remove %s: %w", p, err)
			}
			removed = true
		}
	}
	if removed && !s.opts.NoSync {
		if err := s.fs.SyncDir(s.l.index()); err != nil {
			unlock()
			return nil, fmt.Errorf("store: sync folder %s: %w", s.l.index(), err)
		}
	}
	return unlock, nil
}

// removeOldSnapshots removes the snapshots of epochs before e, which no
// handle loads any more.
func (s *FileStore) removeOldSnapshots(e uint64) {
	if e == 0 {
		return
	}
	entries, err := s.fs.ReadDir(s.l.index())
	if err != nil {
		return
	}
	for _, en := range entries {
		if old, ok := snapshotEpoch(en.Name()); ok && old < e {
			_ = s.fs.Remove(filepath.Join(s.l.index(), en.Name()))
		}
	}
}

// holdOpen takes a shared flock on the store's .open file for the life of
// the handle, so that DeleteStore, which needs it exclusively, can tell
// that the store is in use. A read-only handle never creates the file:
// where it does not exist, the handle holds nothing.
func (s *FileStore) holdOpen() error {
	var fl *flock.Flock
	if s.opts.ReadOnly {
		fl = flock.New(s.l.open(), flock.SetFlag(os.O_RDONLY))
	} else {
		fl = flock.New(s.l.open(), flock.SetPermissions(0o644))
	}
	ok, err := fl.TryRLock()
	if err != nil {
		if s.opts.ReadOnly && (errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission)) {
			return nil
		}
		return fmt.Errorf("store: lock %s: %w", s.l.open(), err)
	}
	if !ok {
		return fmt.Errorf("%w: %s is being deleted (%s is locked)", ErrStoreInUse, s.l.dir, s.l.open())
	}
	s.openLock = fl
	return nil
}

// closeFiles releases the files a handle keeps open.
func (s *FileStore) closeFiles() error {
	var errs []error
	if s.headF != nil {
		errs = append(errs, s.headF.Close())
	}
	if s.openLock != nil {
		errs = append(errs, s.openLock.Close())
	}
	errs = append(errs, s.plock.close())
	return errors.Join(errs...)
}

// mergePositions returns a new sorted list of the positions of a and b,
// without duplicates. Neither input is modified: readers may hold them.
func mergePositions(a, b []Position) []Position {
	out := make([]Position, 0, len(a)+len(b))
	out = append(out, a...)
	out = append(out, b...)
	slices.Sort(out)
	return slices.Compact(out)
}
