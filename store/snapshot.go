package store

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofrs/flock"

	"github.com/opossum-go/opossum/store/vfs"
)

// loadSnapshot returns the persisted index of the handle's tag epoch when
// it is sound, and an empty index otherwise (logging why).
func (s *FileStore) loadSnapshot(head Position) *index {
	return s.loadSnapshotAt(head, s.epoch.Load())
}

// loadSnapshotAt loads the snapshot written at tag epoch e. At an odd
// epoch (an AddTags run not finished) no snapshot is trusted.
func (s *FileStore) loadSnapshotAt(head Position, e uint64) *index {
	if e%2 == 1 {
		s.log.Warn("tags are being added, or an add-tags run was interrupted; rebuilding the index from the event files", "epoch", e)
		return newIndex()
	}
	path := s.l.snapshotAt(e)
	b, err := s.fs.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		if head > 0 {
			s.log.Warn("index snapshot missing; rebuilding the index from the event files", "file", path)
		}
		return newIndex()
	}
	if err != nil {
		s.log.Warn("index snapshot unreadable; rebuilding the index from the event files", "file", path, "err", err)
		return newIndex()
	}
	x, err := decodeSnapshot(b)
	if err != nil {
		s.log.Warn("index snapshot corrupt; rebuilding the index from the event files", "file", path, "err", err)
		return newIndex()
	}
	if x.oldSnapshot() {
		s.log.Info("index snapshot of an older version, without event ids; rebuilding the index from the event files", "file", path)
		return newIndex()
	}
	if x.head > 0 {
		// The snapshot is only written for durable events, but a store
		// folder can be copied or damaged: its last event must exist.
		if _, _, err := s.readEvent(x.head); err != nil {
			s.log.Warn("index snapshot is ahead of the event files; rebuilding the index", "file", path, "snapshotHead", x.head, "err", err)
			return newIndex()
		}
	}
	return x
}

// snapshotInBackground writes the index snapshot on another goroutine
// unless one is being written.
func (s *FileStore) snapshotInBackground() {
	if !s.snapBusy.CompareAndSwap(false, true) {
		return
	}
	s.bg.Add(1)
	go func() {
		defer s.bg.Done()
		defer s.snapBusy.Store(false)
		if err := s.writeSnapshot(); err != nil {
			s.log.Warn("could not write the index snapshot", "err", err)
		}
	}()
}

// writeSnapshot persists the index. It first syncs the events it covers
// after the durable prefix, so a snapshot never covers events that are not
// durable.
func (s *FileStore) writeSnapshot() error { return s.snapshot(false) }

// snapshot writes the index snapshot. wait says whether to wait for a
// snapshot another handle is writing (AddTags, which removed them all)
// or to leave the work to it.
func (s *FileStore) snapshot(wait bool) error {
	s.mu.RLock()
	n := s.sinceSnap.Load()
	b := s.idx.encodeSnapshot()
	covered := s.idx.head
	e := s.epoch.Load()
	s.mu.RUnlock()
	if e%2 == 1 {
		return nil // never persist an index of an unfinished AddTags run
	}
	var unlock func()
	if wait {
		var err error
		if unlock, err = s.lockSnapshots(context.Background()); err != nil {
			return err
		}
	} else {
		var ok bool
		if unlock, ok = s.trySnapshotLock(); !ok {
			return nil // another handle is writing one
		}
	}
	defer unlock()
	// The epoch is read under the snapshot lock: AddTags holds it while it
	// removes the snapshots and makes the epoch odd (see dropSnapshots).
	st, err := s.readHeadFile()
	if err != nil {
		return err
	}
	if st.epochOK && st.epoch > e {
		return nil // tags are being added, or were, since this index was built
	}
	// A snapshot never covers events that are not durable: those after
	// the durable prefix, and after what earlier snapshots of this handle
	// synced, are synced first.
	if err := s.syncEvents(max(st.durable, Position(s.snapSynced.Load()))+1, covered); err != nil {
		return err
	}
	s.snapSynced.Store(uint64(max(Position(s.snapSynced.Load()), covered)))
	if err := vfs.WriteFileAtomic(s.fs, s.l.snapshotAt(e), b, false); err != nil {
		return err
	}
	s.removeOldSnapshots(e)
	s.sinceSnap.Add(-n)
	return nil
}

// lockSnapshots takes index/.snapshot.lock, waiting while a snapshot is
// being written, at most until ctx ends or the lock timeout.
func (s *FileStore) lockSnapshots(ctx context.Context) (unlock func(), err error) {
	fl := flock.New(filepath.Join(s.l.index(), snapshotLockName))
	ctx, cancel := context.WithTimeout(ctx, s.opts.LockTimeout)
	defer cancel()
	ok, err := fl.TryLockContext(ctx, time.Millisecond)
	if !ok {
		fl.Close()
		if err == nil {
			err = ctx.Err()
		}
		return nil, fmt.Errorf("store: lock %s: %w", filepath.Join(s.l.index(), snapshotLockName), err)
	}
	return func() { fl.Unlock(); fl.Close() }, nil
}

// trySnapshotLock takes index/.snapshot.lock without waiting. Whoever
// writes a snapshot, or removes temporary files from index/, holds it, so
// recovery in one process never deletes the temporary file of a snapshot
// another process is writing.
func (s *FileStore) trySnapshotLock() (unlock func(), ok bool) {
	fl := flock.New(filepath.Join(s.l.index(), snapshotLockName))
	got, err := fl.TryLock()
	if err != nil || !got {
		fl.Close()
		return nil, false
	}
	return func() { fl.Unlock(); fl.Close() }, true
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

// Snapshot format (derived data, binary, little endian):
//
//	"OPOSSUMIDX" version(u8) head(uvarint)
//	ntypes(uvarint) { name(uvarint len + bytes) count(uvarint) deltas(uvarint...) }
//	ntags(uvarint) { key value count deltas }
//	ids: head × 4 bytes, the idHash of the id of each position from 1 up   (version 3)
//	crc32 (IEEE, 4 bytes) of everything before it
//
// Version 2 kept each id whole (head × 16 bytes): it still loads, its ids
// hashed as it is decoded, and the next snapshot is written as version 3.
// A snapshot of version 1 (no ids) decodes with noIDs set (oldSnapshot):
// Open does not load it but rebuilds the index from the event files once;
// Verify still compares its posting lists.
const snapshotMagic = "OPOSSUMIDX"

const snapshotVersion = 3

func (x *index) encodeSnapshot() []byte {
	var buf bytes.Buffer
	buf.WriteString(snapshotMagic)
	buf.WriteByte(snapshotVersion)
	var tmp [binary.MaxVarintLen64]byte
	uv := func(v uint64) { buf.Write(tmp[:binary.PutUvarint(tmp[:], v)]) }
	str := func(s string) { uv(uint64(len(s))); buf.WriteString(s) }
	list := func(l []Position) {
		uv(uint64(len(l)))
		var prev Position
		for _, p := range l {
			uv(uint64(p - prev))
			prev = p
		}
	}
	uv(uint64(x.head))
	uv(uint64(len(x.typeName)))
	for id, name := range x.typeName {
		str(name)
		list(x.types[id])
	}
	uv(uint64(len(x.tags)))
	keys := make([]Tag, 0, len(x.tags))
	for t := range x.tags {
		keys = append(keys, t)
	}
	slices.SortFunc(keys, func(a, b Tag) int {
		if a.Key != b.Key {
			if a.Key < b.Key {
				return -1
			}
			return 1
		}
		if a.Value < b.Value {
			return -1
		} else if a.Value > b.Value {
			return 1
		}
		return 0
	})
	for _, t := range keys {
		str(t.Key)
		str(t.Value)
		list(x.tags[t])
	}
	for _, h := range x.ids.hashes[:x.head] {
		binary.LittleEndian.PutUint32(tmp[:4], h)
		buf.Write(tmp[:4])
	}
	binary.LittleEndian.PutUint32(tmp[:4], crc32.ChecksumIEEE(buf.Bytes()))
	buf.Write(tmp[:4])
	return buf.Bytes()
}

var errBadSnapshot = errors.New("bad index snapshot")

// oldSnapshot reports whether x was decoded from a snapshot of version 1,
// which has no ids.
func (x *index) oldSnapshot() bool { return x.noIDs }

func decodeSnapshot(b []byte) (*index, error) {
	body, version, err := snapshotBody(b)
	if err != nil {
		return nil, err
	}
	d := &snapshotDecoder{r: bufio.NewReader(bytes.NewReader(body[len(snapshotMagic)+1:])), size: len(b)}
	x := newIndex()
	d.head(x)
	d.types(x)
	d.tags(x)
	if d.err == nil && version == 1 {
		x.noIDs = true // see oldSnapshot
	} else if d.err == nil {
		d.err = decodeSnapshotIDs(d.r, x, version)
	}
	if d.err != nil {
		return nil, fmt.Errorf("%w: %v", errBadSnapshot, d.err)
	}
	return x, nil
}

// snapshotBody checks a snapshot's header and checksum and returns the
// checksummed body and the format version.
func snapshotBody(b []byte) (body []byte, version byte, err error) {
	if len(b) < len(snapshotMagic)+5 || string(b[:len(snapshotMagic)]) != snapshotMagic {
		return nil, 0, fmt.Errorf("%w: no header", errBadSnapshot)
	}
	body, sum := b[:len(b)-4], binary.LittleEndian.Uint32(b[len(b)-4:])
	if crc32.ChecksumIEEE(body) != sum {
		return nil, 0, fmt.Errorf("%w: checksum mismatch", errBadSnapshot)
	}
	version = body[len(snapshotMagic)]
	if version < 1 || version > snapshotVersion {
		return nil, 0, fmt.Errorf("%w: version %d", errBadSnapshot, version)
	}
	return body, version, nil
}

// snapshotDecoder reads the sections of a snapshot body. The first error
// sticks: later reads return zero values.
type snapshotDecoder struct {
	r    *bufio.Reader
	size int // of the whole snapshot, to bound what a count may claim
	err  error
}

func (d *snapshotDecoder) uv() uint64 {
	if d.err != nil {
		return 0
	}
	var v uint64
	v, d.err = binary.ReadUvarint(d.r)
	return v
}

func (d *snapshotDecoder) str() string {
	n := d.uv()
	if d.err != nil || n > uint64(d.size) {
		d.err = errors.Join(d.err, io.ErrUnexpectedEOF)
		return ""
	}
	s := make([]byte, n)
	_, d.err = io.ReadFull(d.r, s)
	return string(s)
}

// list reads a posting list: a count, then increasing positions as deltas,
// none beyond head.
func (d *snapshotDecoder) list(head Position) []Position {
	n := d.uv()
	if d.err != nil || n > uint64(head) {
		d.err = errors.Join(d.err, fmt.Errorf("list of %d entries", n))
		return nil
	}
	l := make([]Position, n)
	var prev Position
	for i := range l {
		v := d.uv()
		if (v == 0 || v > uint64(head)) && d.err == nil {
			// v > head would also wrap prev around and hide a
			// decreasing list from the check below.
			d.err = fmt.Errorf("non-increasing list")
		}
		prev += Position(v)
		l[i] = prev
		if prev > head && d.err == nil {
			d.err = fmt.Errorf("position %d beyond head %d", prev, head)
		}
	}
	return l
}

// head reads the index head.
func (d *snapshotDecoder) head(x *index) {
	x.head = Position(d.uv())
	// Every position takes at least one byte in a type list, so a head
	// beyond the snapshot's size is damage, not a reason to allocate
	// (without this bound a few damaged bytes could ask for terabytes).
	if d.err == nil && uint64(x.head) > uint64(d.size) {
		d.err = fmt.Errorf("implausible head %d for %d bytes", x.head, d.size)
	}
}

// types reads the type lists: every position in exactly one of them.
func (d *snapshotDecoder) types(x *index) {
	nt := d.uv()
	if d.err == nil && nt > uint64(x.head)+1 {
		d.err = fmt.Errorf("implausible type count %d", nt)
	}
	// Mark every position unassigned, and refuse one listed twice.
	const unassigned = ^uint32(0)
	var typeOf []uint32
	if d.err == nil {
		typeOf = make([]uint32, x.head)
		for i := range typeOf {
			typeOf[i] = unassigned
		}
	}
	var seen Position
	for i := uint64(0); i < nt && d.err == nil; i++ {
		name := d.str()
		l := d.list(x.head)
		if d.err != nil {
			return
		}
		if _, dup := x.typeID[name]; dup {
			d.err = fmt.Errorf("type %q listed twice", name)
			return
		}
		id := uint32(len(x.typeName))
		x.typeID[name] = id
		x.typeName = append(x.typeName, name)
		x.types = append(x.types, l)
		for _, p := range l {
			if typeOf[p-1] != unassigned {
				d.err = fmt.Errorf("position %d in two type lists", p)
				return
			}
			typeOf[p-1] = id
		}
		seen += Position(len(l))
	}
	if d.err == nil && seen != x.head {
		d.err = fmt.Errorf("type lists cover %d of %d positions", seen, x.head)
	}
	if d.err == nil {
		x.typeOf = typeTableOf(typeOf)
	}
}

// tags reads the tag lists.
func (d *snapshotDecoder) tags(x *index) {
	ng := d.uv()
	for i := uint64(0); i < ng && d.err == nil; i++ {
		k, v := d.str(), d.str()
		l := d.list(x.head)
		if _, dup := x.tags[Tag{Key: k, Value: v}]; dup && d.err == nil {
			d.err = fmt.Errorf("tag %s:%s listed twice", k, v)
		}
		if d.err == nil {
			x.tags[Tag{Key: k, Value: v}] = l
		}
	}
}

// decodeSnapshotIDs reads the ids section: a hash per position (version
// 3) or a whole id per position (version 2), and builds the id table.
func decodeSnapshotIDs(r *bufio.Reader, x *index, version byte) error {
	rest, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	size := uint64(4)
	if version == 2 {
		size = 16
	}
	if uint64(len(rest)) != uint64(x.head)*size {
		return fmt.Errorf("%d bytes of ids for %d positions", len(rest), x.head)
	}
	x.ids.hashes = make([]uint32, x.head)
	for i := range x.ids.hashes {
		if version == 2 {
			id := EventID(rest[i*16 : (i+1)*16])
			if id.IsZero() {
				return fmt.Errorf("position %d has no id", i+1)
			}
			x.ids.hashes[i] = idHash(id)
			continue
		}
		x.ids.hashes[i] = binary.LittleEndian.Uint32(rest[i*4:])
	}
	x.ids.build()
	return nil
}
