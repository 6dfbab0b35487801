package store

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"

	"github.com/opossum-go/opossum/store/vfs"
)

// recover runs under the writer lock at Open. It loads the index snapshot
// (or starts from nothing when it is missing or bad), indexes the committed
// events it does not cover, settles the tail left by a crashed writer, and
// rewrites the head file.
func (s *FileStore) recover() error {
	st, err := s.readHeadFile()
	if err != nil {
		return err
	}
	s.noteHead(st)
	h, headOK := st.head, st.headOK
	if err := s.startEpoch(); err != nil {
		return err
	}
	s.idx = s.loadSnapshot(h)
	if !headOK && h == 0 {
		if fi, err := s.fs.Stat(s.l.head()); err == nil && fi.Size() > 0 {
			s.log.Warn("head file unreadable; recomputing it from the event files", "file", s.l.head())
		}
	}
	_ = s.cleanTemp(s.l.dir) // a leftover is harmless; the next Open retries
	// Other processes write snapshots without the writer lock; their
	// temporary files are left alone unless no snapshot is being written.
	if unlock, ok := s.trySnapshotLock(); ok {
		_ = s.cleanTemp(s.l.index())
		unlock()
	}
	start := s.idx.head
	if err := s.settleTail(h); err != nil {
		return err
	}
	if n := s.idx.head - start; n > 0 {
		s.log.Info("indexed events the index snapshot did not cover", "from", start+1, "to", s.idx.head, "events", n)
	}
	synced, err := s.syncPrefix()
	if err != nil {
		return err
	}
	if !headOK || h != s.idx.head || synced {
		if headOK && h != s.idx.head {
			s.log.Info("moved head after recovery", "was", h, "now", s.idx.head)
		}
		if err := s.commitHead(s.idx.head, !s.opts.NoSync, !s.opts.NoSync); err != nil {
			return err
		}
	}
	repaired, err := s.finishEpoch()
	if err != nil {
		return err
	}
	if s.idx.head-start >= 10000 || repaired {
		if err := s.writeSnapshot(); err != nil {
			s.log.Warn("could not write the index snapshot", "err", err)
		}
	}
	return nil
}

// cleanTemp removes the temporary files in dir. It returns the first
// error, having tried every file.
func (s *FileStore) cleanTemp(dir string) error {
	entries, err := s.fs.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("store: list %s: %w", dir, err)
	}
	var first error
	for _, e := range entries {
		if vfs.IsTemp(e.Name()) {
			p := filepath.Join(dir, e.Name())
			if err := s.fs.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
				first = cmp.Or(first, fmt.Errorf("store: remove %s: %w", p, err))
				continue
			}
			s.log.Info("removed temporary file left by a crash", "file", p)
		}
	}
	return first
}

// catchUpLocked runs under the writer lock before a commit or an AddTags
// run: it indexes what other processes committed and settles a tail left by
// one that crashed. Any failure breaks the handle, whichever path caught up:
// the catch-up may have indexed a batch it then failed to make durable (or
// a torn one it failed to remove), and nothing may be built on that.
func (s *FileStore) catchUpLocked() error {
	if err := s.catchUp(); err != nil {
		return s.breakWith(err)
	}
	return nil
}

func (s *FileStore) catchUp() error {
	// The handle keeps descriptors of the store's files, which outlive a
	// forced DeleteStore: make sure the store is still there.
	if _, err := s.fs.Stat(s.l.manifest()); err != nil {
		return fmt.Errorf("store: %s is gone or unreadable (deleted while open?): %w", s.l.manifest(), err)
	}
	st, err := s.readHeadFile()
	if err != nil {
		return err
	}
	if err := s.followEpoch(st, true); err != nil {
		return err
	}
	s.noteHead(st)
	h, ok := st.head, st.headOK
	s.mu.RLock()
	cur := s.idx.head
	s.mu.RUnlock()
	if ok && h > cur {
		if err := s.indexUpTo(h); err != nil {
			return err
		}
		cur = h
	}
	// Files after the head exist only while a writer holds the lock; we
	// hold it, so any found here were left by a writer that died.
	settled := false
	if _, err := s.fs.Stat(s.l.event(cur + 1)); err == nil || !ok {
		if err := s.settleTail(h); err != nil {
			return err
		}
		settled = true
	}
	// Never build on what is not durable: events a NoSync handle
	// committed, or whole batches a crashed writer left.
	synced, err := s.syncPrefix()
	if err != nil {
		return err
	}
	if settled || synced {
		return s.commitHead(s.idx.head, !s.opts.NoSync, settled && !s.opts.NoSync)
	}
	return nil
}

// settleTail scans the event files after the index head. Whole batches are
// indexed (they were written completely; their writer may or may not have
// reported success); the first batch with a missing or damaged file, and
// everything after it, is a torn tail and is removed. A damaged file at or
// below the committed head h and within the durable prefix is corruption
// instead; after the prefix, or with NoSync, a power loss may have dropped
// committed events, and they are dropped with a warning.
// The caller holds the writer lock and syncMu (or is Open).
func (s *FileStore) settleTail(h Position) error {
	good, stop := s.indexBatches()
	var problem error
	if stop != nil {
		// A file that could not be read, as opposed to one that is
		// missing or does not decode, says nothing about its batch:
		// taking it for a torn tail would delete a batch that may be
		// whole and acknowledged (a stale head file, after a power cut,
		// sits below acknowledged batches). Fail; a later Open or commit
		// retries.
		var pe *fs.PathError
		if errors.As(stop, &pe) && !errors.Is(stop, fs.ErrNotExist) {
			return stop
		}
		problem = stop
		var tb *tornBatch
		if errors.As(stop, &tb) && !errors.As(stop, new(*CorruptionError)) { // a batch that does not fit
			problem = &CorruptionError{Path: s.l.event(tb.At), Position: tb.At, Err: stop}
		}
	}
	if problem == nil && good < h {
		problem = &CorruptionError{Path: s.l.event(good + 1), Position: good + 1, Err: fmt.Errorf("committed event file missing (head is %d)", h)}
	}
	if problem != nil && good+1 <= h {
		// A committed event that was durable is damage; one after the
		// durable prefix was committed without fsync and may be lost in
		// a power cut (with NoSync, any may).
		if !s.opts.NoSync && good+1 <= s.durable {
			return problem
		}
		s.log.Warn("committed events lost (the store ran without fsync); dropping them", "from", good+1, "to", h, "durable", s.durable, "err", problem)
	}
	if problem != nil {
		s.log.Warn("discarding a torn batch left by a crashed append", "from", good+1, "err", problem)
	}
	if err := s.removeAfter(good); err != nil {
		return err
	}
	if good > h {
		// The caller makes them durable (syncPrefix) before the head
		// moves over them.
		s.log.Info("kept whole batches written by an append that did not finish", "after", h, "to", good)
	}
	return nil
}

// removeAfter deletes every event file with a position above good.
func (s *FileStore) removeAfter(good Position) error {
	shards, err := s.fs.ReadDir(s.l.events())
	if err != nil {
		return fmt.Errorf("store: list %s: %w", s.l.events(), err)
	}
	var removed []string
	for _, sh := range shards {
		var n uint64
		if _, err := fmt.Sscanf(sh.Name(), "%d", &n); err != nil || !sh.IsDir() || n < shardOf(good) {
			continue
		}
		dir := filepath.Join(s.l.events(), sh.Name())
		entries, err := s.fs.ReadDir(dir)
		if err != nil {
			return fmt.Errorf("store: list %s: %w", dir, err)
		}
		for _, e := range entries {
			p, ok := parseEventName(e.Name())
			if (ok && p > good) || vfs.IsTemp(e.Name()) {
				path := filepath.Join(dir, e.Name())
				if err := s.fs.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
					return fmt.Errorf("store: remove %s: %w", path, err)
				}
				removed = append(removed, e.Name())
			}
		}
		if len(removed) > 0 && !s.opts.NoSync {
			if err := s.fs.SyncDir(dir); err != nil {
				return fmt.Errorf("store: sync folder %s: %w", dir, err)
			}
		}
	}
	if len(removed) > 0 {
		slices.Sort(removed)
		s.log.Warn("removed event files after the last whole batch", "files", removed)
	}
	return nil
}
