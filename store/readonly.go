package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// openReadOnly is Open with Options.ReadOnly: it checks the manifest,
// loads the index of the events the head file covers (from the snapshot
// where it is sound, then from the event files) and writes nothing. It
// never looks at files after the head, which belong to a writer at work or
// to a crashed one, and leaves both to the next read-write Open or commit.
func (s *FileStore) openReadOnly() error {
	b, err := s.fs.ReadFile(s.l.manifest())
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%w: %s holds no %s", ErrNotAStore, s.l.dir, manifestName)
	}
	if err != nil {
		return fmt.Errorf("store: read %s: %w", s.l.manifest(), err)
	}
	if err := checkManifest(s.l.manifest(), b); err != nil {
		return err
	}
	if err := s.holdOpen(); err != nil {
		return err
	}
	f, err := s.fs.OpenFile(s.l.head(), os.O_RDONLY, 0)
	switch {
	case err == nil:
		s.headF = f
	case !errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("store: open %s: %w", s.l.head(), err)
	}
	if err := s.startEpoch(); err != nil {
		return err
	}
	st, err := s.readHeadFile()
	if err != nil {
		return err
	}
	s.idx = s.loadSnapshot(st.head)
	if st.headOK {
		if s.idx.head > st.head {
			s.log.Warn("index snapshot is ahead of the head file; indexing the event files up to the head", "snapshotHead", s.idx.head, "head", st.head)
			s.idx = newIndex()
		}
		return s.indexUpTo(st.head)
	}
	if s.headF != nil {
		s.log.Warn("head file unreadable; serving the whole batches found after the index (a read-write Open recomputes it)", "file", s.l.head())
	} else if s.idx.head > 0 {
		s.log.Warn("head file missing; serving the whole batches found after the index (a read-write Open recomputes it)", "file", s.l.head())
	}
	// The whole batches after the index, stopping silently at the first
	// missing or damaged file, writing nothing: a read-only view of what
	// recovery would keep.
	_, _ = s.indexBatches()
	return nil
}
