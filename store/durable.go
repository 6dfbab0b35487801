package store

import "fmt"

// The durable prefix.
//
// A NoSync handle commits events without syncing them, and a durable handle
// beside it (in this process or another) must not acknowledge an append
// that a power cut could take away with them: recovery would find the first
// of them torn and remove everything after it. So the head file records the
// durable prefix D, every event up to which is durable, in a third line:
//
//   - a NoSync commit (or recovery or catch-up without sync) that moves the
//     head beyond D writes the line, before it moves the head;
//   - a durable committer whose catch-up finds D below the head syncs the
//     events after D first (one vfs.Sync), then moves D with the head;
//   - a head file without the line has D equal to its head: only durable
//     commits wrote it, as with every store of earlier versions;
//   - recovery reports a damaged or missing committed event at or below D as
//     corruption, and drops one after D, which only a NoSync commit made,
//     with a warning;
//   - an index snapshot never covers events after D without syncing them.
//
// D only moves up after a sync, and the line is written before the head
// when it moves down, so a stale or half-written head file errs on the side
// of syncing again.

// noteHead records what the head file said, under the writer lock.
func (s *FileStore) noteHead(st headState) {
	s.durable, s.headLines = st.durable, st.lines
}

// commitHead rewrites the head file with the head p. durable says every
// event up to p is durable (a durable commit, or a catch-up that synced
// them); otherwise the durable prefix stays where it was, or comes down to
// p. sync fsyncs the head file. The caller holds the writer lock and
// syncMu, or is Open.
func (s *FileStore) commitHead(p Position, durable, sync bool) error {
	d := min(s.durable, p)
	if durable {
		d = p
	}
	// The third line is needed when D differs from the head; once there,
	// it is kept up to date.
	line := s.headLines >= 3 || d != p
	first := line && d <= s.durable // D comes down: before the head moves
	if first {
		if err := s.writeDurable(d); err != nil {
			return err
		}
	}
	if _, err := s.headF.WriteAt(encodeHead(p), 0); err != nil {
		return fmt.Errorf("store: write %s: %w", s.l.head(), err)
	}
	if line && !first {
		if err := s.writeDurable(d); err != nil {
			return err
		}
	}
	if sync {
		if err := s.headF.Sync(); err != nil {
			return fmt.Errorf("store: sync %s: %w", s.l.head(), err)
		}
	}
	s.durable = d
	return nil
}

// writeDurable writes the durable-prefix line of the head file, with the
// epoch line 0 before it when the file has none.
func (s *FileStore) writeDurable(d Position) error {
	b, off := encodeHead(d), int64(2*headSize)
	if s.headLines < 2 {
		b, off = append(encodeHead(0), b...), headSize
	}
	if _, err := s.headF.WriteAt(b, off); err != nil {
		return fmt.Errorf("store: write %s: %w", s.l.head(), err)
	}
	s.headLines = 3
	return nil
}

// syncPrefix makes the events after the durable prefix, up to the index
// head, durable, when this handle syncs at all. It reports whether it
// synced anything. The caller holds the writer lock and syncMu, or is Open.
func (s *FileStore) syncPrefix() (bool, error) {
	s.mu.RLock()
	h := s.idx.head
	s.mu.RUnlock()
	if s.opts.NoSync || s.durable >= h {
		return false, nil
	}
	if err := s.syncEvents(s.durable+1, h); err != nil {
		return false, err
	}
	s.log.Debug("made events committed without fsync durable before building on them", "from", s.durable+1, "to", h)
	return true, nil
}
