package store

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"strconv"
	"time"

	"github.com/opossum-go/opossum/store/vfs"
)

// The head file is the commit point: its first line is the last committed
// position, the second the tag epoch (see epoch.go), the third the durable
// prefix (below). See docs/file-format.md.

// headFileSize is the size of a head file with every line: three lines of
// the head encoding (position, checksum): the head, the tag epoch and the
// durable prefix (below).
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

// The head file holds the last committed position as text with a checksum:
// "00000000000000000042 1b2c3d4e\n" (30 bytes). It is rewritten in place
// after each commit. Readers in every process trust only events at or below
// it; a torn or unreadable head file is recomputed by recovery.
const headSize = 30

func encodeHead(p Position) []byte {
	b := appendPadded(make([]byte, 0, headSize), uint64(p), 20)
	var sum [4]byte
	binary.BigEndian.PutUint32(sum[:], crc32.ChecksumIEEE(b))
	b = hex.AppendEncode(append(b, ' '), sum[:])
	return append(b, '\n')
}

func decodeHead(b []byte) (Position, bool) {
	if len(b) < headSize || b[20] != ' ' || b[29] != '\n' {
		return 0, false
	}
	n, err := strconv.ParseUint(string(b[:20]), 10, 64)
	if err != nil {
		return 0, false
	}
	sum, err := strconv.ParseUint(string(b[21:29]), 16, 32)
	if err != nil || uint32(sum) != crc32.ChecksumIEEE(b[:20]) {
		return 0, false
	}
	return Position(n), true
}

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
	// it is kept up to date. It is rewritten only when it is missing or
	// says another D: a NoSync commit leaves D where it was.
	line := s.headLines >= 3 || d != p
	stale := line && (s.headLines < 3 || d != s.durable)
	first := stale && d <= s.durable // D comes down: before the head moves
	if first {
		if err := s.writeDurable(d); err != nil {
			return err
		}
	}
	if err := s.writeHead(p); err != nil {
		return err
	}
	if stale && !first {
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

// writeHead writes the head line, the first of the head file, which every
// commit rewrites: through the file's shared mapping once there is one
// (see vfs.MapShared), else with WriteAt. The mapping saves a commit the
// write's system call and, on a journaling file system, the journal update
// of the file's modification time that every write makes; other processes
// read the line as they would a written one. The file is mapped after its
// first write of the line, which makes it long enough. Should the file be
// cut shorter behind the store's back, the store falls back to WriteAt.
// The caller holds the writer lock and syncMu, or is Open.
func (s *FileStore) writeHead(p Position) error {
	line := encodeHead(p)
	if s.headMap != nil {
		if vfs.StoreMapped(s.headMap, line) {
			return nil
		}
		s.log.Warn("head file cut shorter while open; writing it instead of storing into its mapping", "file", s.l.head())
		_ = vfs.Unmap(s.headMap)
		s.headMap = nil
	}
	if _, err := s.headF.WriteAt(line, 0); err != nil {
		return fmt.Errorf("store: write %s: %w", s.l.head(), err)
	}
	if !s.headMapTried {
		s.headMapTried = true
		m, ok, err := vfs.MapShared(s.headF, headSize)
		switch {
		case err != nil:
			s.log.Debug("head file not mapped; writing it", "file", s.l.head(), "err", err)
		case ok:
			s.headMap = m
		}
	}
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

// bulkSyncEvents is the number of events from which syncEvents makes them
// durable with one sync of the whole file system (syncfs) instead of file
// by file. Such a catch-up follows a NoSync writer's bulk work (an import,
// a seeded store) and runs in Open or, rarely, once before a commit: one
// flush of the file system there costs less than a million fdatasyncs,
// and no commit of a group of its own ever takes this path.
const bulkSyncEvents = 256

// syncEvents makes the event files at positions from..to, their shard
// folders and events/ durable: the catch-up of events this handle did not
// write itself and does not know to be durable. Up to bulkSyncEvents
// events it uses vfs.Sync, file by file; more take one SyncAll where the
// file system has it.
func (s *FileStore) syncEvents(from, to Position) error {
	if from > to {
		return nil
	}
	if to-from+1 >= bulkSyncEvents {
		synced, err := vfs.TrySyncAll(s.fs, s.l.events())
		if err != nil {
			return fmt.Errorf("store: make events %d..%d durable: %w", from, to, err)
		}
		if synced {
			return nil
		}
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
	if err := vfs.Sync(s.fs, paths, dirs); err != nil {
		return fmt.Errorf("store: make events %d..%d durable: %w", from, to, err)
	}
	return nil
}
