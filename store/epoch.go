package store

import (
	"fmt"
	"path/filepath"
	"slices"
	"time"
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

// mergePositions returns a new sorted list of the positions of a and b,
// without duplicates. Neither input is modified: readers may hold them.
func mergePositions(a, b []Position) []Position {
	out := make([]Position, 0, len(a)+len(b))
	out = append(out, a...)
	out = append(out, b...)
	slices.Sort(out)
	return slices.Compact(out)
}
