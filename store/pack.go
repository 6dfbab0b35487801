package store

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/opossum-go/opossum/store/vfs"
)

// Packs.
//
// A pack is a copy of the event files of one whole shard in one file, in
// position order, so that reading many events of a shard costs a few
// large reads of the disk instead of three small ones per event (its
// folder entry, its inode, its data). It is derived data, like the index
// snapshot: the event files stay the truth, a pack can be deleted at any
// time, and a store without packs reads the same events. Pack writes
// them; reads use them; nothing else changes them.
//
//   - Pack packs only whole shards whose every event is committed, and
//     makes those events' files durable first (unless they already are),
//     whatever the handle's sync mode: an event in a pack can never be
//     lost from its file by a power cut and its position reused by a
//     later append.
//   - A pack holds the files' bytes as they are. It is written to a
//     temporary file, synced, and then renamed to its name, whose folder
//     is synced: a pack under its name is whole.
//   - A pack is named after the tag epoch of the files it copied (see
//     epoch.go): AddTags rewrites event files, and a handle reads only
//     the packs of the epoch its index was built at. Pack checks, after
//     it has read a shard's files, that the epoch has not moved, and
//     removes the packs of other epochs.
//   - A handle opens a shard's pack the first time it reads an event of
//     that shard and checks its trailer (magic, count, a CRC-32C of its
//     table of offsets); an event read from it still passes the check
//     that it holds its position. A pack that fails either is set aside
//     for the handle's life (with a warning) and the files are read.
//
// The format: the event files' bytes, one after the other, from the
// shard's first position; then count+1 little-endian uint64 offsets (the
// start of each file's bytes and the end of the last); then a trailer of
// packTrailerSize bytes: the magic "opsmpak1", the first position
// (uint64), count (uint32) and the CRC-32C (Castagnoli) of the offsets
// and of the trailer's first 20 bytes.

const (
	packsDir        = "packs"
	packMagic       = "opsmpak1"
	packTrailerSize = 24
	// packProbeEvery is how long a handle trusts that a shard has no pack
	// before it looks again (Pack may run in another process).
	packProbeEvery = time.Second
	// packReaders is how many files Pack reads at once.
	packReaders = 16
)

var packCRC = crc32.MakeTable(crc32.Castagnoli)

// pack returns the path of shard sh's pack at tag epoch e: <shard>.pack
// for epoch 0, <shard>.<e>.pack after tags were added.
func (l layout) pack(sh, e uint64) string {
	name := fmt.Sprintf("%06d", sh)
	if e != 0 {
		name += "." + strconv.FormatUint(e, 10)
	}
	return filepath.Join(l.packs(), name+".pack")
}

// packShard returns the shard of a pack's file name in packs/, of any tag
// epoch, and false for a name that is not a pack's.
func packShard(name string) (uint64, bool) {
	if !strings.HasSuffix(name, ".pack") {
		return 0, false
	}
	sh, err := strconv.ParseUint(strings.SplitN(name, ".", 2)[0], 10, 64)
	return sh, err == nil
}

// shardRange returns the first and last positions of shard sh.
func shardRange(sh uint64) (first, last Position) {
	return Position(max(sh*ShardSize, 1)), Position(sh*ShardSize + ShardSize - 1)
}

// openPack is a pack a handle reads from.
type openPack struct {
	path  string
	f     vfs.File
	first Position
	off   []uint64 // len = count+1
}

// loadPack opens the pack of shard sh at path and checks its trailer and
// offsets against the size Stat gives. A Pack that renames a new pack
// over it between the two (an identical one, or one replacing a damaged
// pack) can make the size stale; the checks then fail, and the pack is
// set aside like a damaged one.
func loadPack(fsys vfs.FS, path string, sh uint64) (*openPack, error) {
	fi, err := fsys.Stat(path)
	if err != nil {
		return nil, err
	}
	f, err := fsys.OpenFile(path, os.O_RDONLY, 0)
	if err != nil {
		return nil, err
	}
	pk, err := readPackTable(f, path, sh, fi.Size())
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("store: pack %s: %w", path, err)
	}
	return pk, nil
}

func readPackTable(f vfs.File, path string, sh uint64, size int64) (*openPack, error) {
	if size < packTrailerSize+8 {
		return nil, fmt.Errorf("%d bytes is too short", size)
	}
	var tr [packTrailerSize]byte
	if _, err := f.ReadAt(tr[:], size-packTrailerSize); err != nil {
		return nil, err
	}
	first, want := shardRange(sh)
	count := binary.LittleEndian.Uint32(tr[16:20])
	switch {
	case string(tr[:8]) != packMagic:
		return nil, errors.New("not a pack (bad magic)")
	case Position(binary.LittleEndian.Uint64(tr[8:16])) != first || Position(count) != want-first+1:
		return nil, fmt.Errorf("holds %d events from position %d, not shard %d", count, binary.LittleEndian.Uint64(tr[8:16]), sh)
	}
	table := int64(count+1) * 8
	if size < packTrailerSize+table {
		return nil, fmt.Errorf("%d bytes is too short for %d offsets", size, count+1)
	}
	raw := make([]byte, table)
	if _, err := f.ReadAt(raw, size-packTrailerSize-table); err != nil {
		return nil, err
	}
	sum := crc32.Update(crc32.Checksum(raw, packCRC), packCRC, tr[:20])
	if sum != binary.LittleEndian.Uint32(tr[20:24]) {
		return nil, errors.New("checksum mismatch in the offsets")
	}
	off := make([]uint64, count+1)
	for i := range off {
		off[i] = binary.LittleEndian.Uint64(raw[8*i:])
		if (i > 0 && off[i] < off[i-1]) || off[i] > uint64(size-packTrailerSize-table) {
			return nil, fmt.Errorf("offset %d out of order", i)
		}
	}
	if off[count] != uint64(size-packTrailerSize-table) {
		return nil, fmt.Errorf("the offsets end at %d, the data at %d", off[count], size-packTrailerSize-table)
	}
	return &openPack{path: path, f: f, first: first, off: off}, nil
}

// last returns the last position the pack holds.
func (pk *openPack) last() Position { return pk.first + Position(len(pk.off)) - 2 }

// raw reads the bytes of the event file at p from the pack.
func (pk *openPack) raw(p Position) ([]byte, error) {
	i := p - pk.first
	b := make([]byte, pk.off[i+1]-pk.off[i])
	_, err := pk.f.ReadAt(b, int64(pk.off[i]))
	return b, err
}

// event reads and decodes the event at p from the pack.
func (pk *openPack) event(p Position) (StoredEvent, batchRange, error) {
	b, err := pk.raw(p)
	if err != nil {
		return StoredEvent{}, batchRange{}, err
	}
	return decodeEvent(b, p)
}

// packSet is a handle's open packs, at one tag epoch.
type packSet struct {
	mu     sync.RWMutex
	epoch  uint64
	shards map[uint64]*packSlot
}

type packSlot struct {
	pk     *openPack // nil: none (yet)
	probed time.Time
	bad    bool // the pack failed a check: read the files until the epoch moves
}

// settled reports whether the slot's answer stands: a pack, a pack set
// aside, or none found within the last packProbeEvery.
func (sl *packSlot) settled() bool {
	return sl.pk != nil || sl.bad || time.Since(sl.probed) < packProbeEvery
}

// known returns what the handle knows of shard sh's pack at epoch e: the
// pack or nil, and false when it has to look.
func (ps *packSet) known(sh, e uint64) (*openPack, bool) {
	ps.mu.RLock()
	defer ps.mu.RUnlock()
	if ps.epoch != e || ps.shards == nil {
		return nil, false
	}
	sl := ps.shards[sh]
	if sl == nil {
		return nil, false
	}
	return sl.pk, sl.settled()
}

// packOf returns the pack holding p at the handle's epoch, or nil.
func (s *FileStore) packOf(p Position) *openPack {
	ps := &s.packs
	e, sh := s.epoch.Load(), shardOf(p)
	if pk, ok := ps.known(sh, e); ok {
		return pk
	}
	ps.mu.Lock()
	defer ps.mu.Unlock()
	if ps.shards == nil || ps.epoch != e {
		ps.closeLocked()
		ps.shards, ps.epoch = map[uint64]*packSlot{}, e
	}
	sl := ps.shards[sh]
	if sl == nil {
		sl = &packSlot{}
		ps.shards[sh] = sl
	} else if sl.settled() {
		return sl.pk // another reader looked meanwhile
	}
	sl.probed = time.Now()
	pk, err := loadPack(s.fs, s.l.pack(sh, e), sh)
	switch {
	case err == nil:
		sl.pk = pk
	case !errors.Is(err, fs.ErrNotExist):
		sl.bad = true
		s.log.Warn("pack unusable; reading the event files", "err", err)
	}
	return sl.pk
}

// setAside stops the handle reading from pk after it failed.
func (s *FileStore) setAside(pk *openPack, err error) {
	ps := &s.packs
	ps.mu.Lock()
	defer ps.mu.Unlock()
	for _, sl := range ps.shards {
		if sl.pk == pk {
			sl.pk, sl.bad = nil, true
			s.log.Warn("pack unusable; reading the event files", "file", pk.path, "err", err)
		}
	}
}

// forgetPack makes the handle look for shard sh's pack again at its next read.
func (s *FileStore) forgetPack(sh uint64) {
	ps := &s.packs
	ps.mu.Lock()
	defer ps.mu.Unlock()
	if sl := ps.shards[sh]; sl != nil && sl.pk == nil {
		delete(ps.shards, sh)
	}
}

func (ps *packSet) closeLocked() {
	for _, sl := range ps.shards {
		if sl.pk != nil {
			sl.pk.f.Close()
		}
	}
	ps.shards = nil
}

func (ps *packSet) close() {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	ps.closeLocked()
}

// PackResult counts what Pack did.
type PackResult struct {
	// Packed is the number of shards packed by this call, Kept the number
	// that already had a valid pack at the current epoch.
	Packed, Kept int
	// Events and Bytes are the events and bytes of the packs written.
	Events int
	Bytes  int64
	// Removed is the number of packs of other tag epochs, and temporary
	// files of interrupted runs, that were removed.
	Removed int
}

// Pack writes a pack for every whole shard of committed events that has
// none at the current tag epoch (see the Packs comment in pack.go): a
// copy of the shard's event files in one file, which later reads of
// those events, in any handle and process, read instead of the files,
// with far fewer reads of the disk when the page cache is cold. A pack is
// derived data: the event files stay the truth, and deleting the packs/
// folder loses nothing. Pack makes the files it packs, and the packs,
// durable, even on a NoSync handle. It takes no lock and may run beside
// appends in any process; it stops at ctx's end, or when Close begins
// (which waits for the shard being packed), leaving the packs written so
// far.
//
// A store of n events has n/ShardSize whole shards at most; each pack
// takes its files' bytes and 8 bytes per event on disk, and 8 bytes per
// event of memory in a handle that reads from it. Errors: ErrClosed,
// ErrReadOnly, an error while a tag run (AddTags) is in progress or when
// one ran meanwhile, *CorruptionError for a damaged event file, ctx.Err(),
// I/O errors.
func (s *FileStore) Pack(ctx context.Context) (res PackResult, err error) {
	ctx, span := s.tel.start(ctx, "pack")
	defer func() { end(span, err) }()
	done, err := s.beginRun()
	if err != nil {
		return res, err
	}
	defer done()
	if err := s.ready(); err != nil {
		return res, err
	}
	st, err := s.readHeadFile()
	if err != nil {
		return res, err
	}
	e := s.epoch.Load()
	if e%2 == 1 || !st.epochOK || st.epoch != e {
		return res, fmt.Errorf("store: pack: tags are being added, or a run of AddTags died and the next append settles it (tag epoch %d, readable: %t); try again later", st.epoch, st.epochOK)
	}
	s.mu.RLock()
	head := s.idx.head
	s.mu.RUnlock()
	whole := uint64(head+1) / ShardSize // shards 0..whole-1 are whole
	if whole == 0 {
		return res, nil
	}
	if err := s.fs.MkdirAll(s.l.packs(), 0o755); err != nil {
		return res, fmt.Errorf("store: %w", err)
	}
	if res.Removed, err = s.removeStalePacks(e); err != nil {
		return res, err
	}
	_, lastWhole := shardRange(whole - 1)
	if st.durable < lastWhole {
		// Committed without fsync by a NoSync handle: make them durable
		// before a pack holds them, even from a NoSync handle, so that a
		// power cut cannot take an event from its file and leave it in a
		// pack.
		if err := s.syncEvents(st.durable+1, lastWhole); err != nil {
			return res, err
		}
	}
	wrote := false
	for sh := range whole {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		select {
		case <-s.stop: // Close has begun and waits for this run
			return res, ErrClosed
		default:
		}
		path := s.l.pack(sh, e)
		if pk, err := loadPack(s.fs, path, sh); err == nil {
			pk.f.Close()
			res.Kept++
			continue
		}
		n, size, err := s.writePack(ctx, sh, e)
		if err != nil {
			return res, err
		}
		wrote = true
		s.forgetPack(sh)
		res.Packed++
		res.Events += n
		res.Bytes += size
	}
	if wrote {
		if err := s.fs.SyncDir(s.l.packs()); err != nil {
			return res, fmt.Errorf("store: %w", err)
		}
		if err := s.fs.SyncDir(s.l.dir); err != nil {
			return res, fmt.Errorf("store: %w", err)
		}
	}
	return res, nil
}

// writePack writes shard sh's pack at epoch e: it reads the shard's
// files, several at once, checks each, writes them with the offsets and
// the trailer to a temporary file, syncs it, checks that the epoch is
// still e, and renames it to its name.
func (s *FileStore) writePack(ctx context.Context, sh, e uint64) (n int, size int64, err error) {
	first, last := shardRange(sh)
	final := s.l.pack(sh, e)
	tmp := filepath.Join(filepath.Dir(final), fmt.Sprintf(".%s.%d.tmp", filepath.Base(final), time.Now().UnixNano()))
	f, err := s.fs.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return 0, 0, fmt.Errorf("store: %w", err)
	}
	defer func() {
		if f != nil {
			f.Close()
		}
		if err != nil {
			_ = s.fs.Remove(tmp)
		}
	}()
	count := int(last - first + 1)
	off := make([]byte, 0, (count+1)*8)
	var pos uint64
	const chunk = 256
	files := make([][]byte, chunk)
	for from := first; from <= last; from += chunk {
		to := min(from+chunk-1, last)
		if err := s.readRaw(ctx, from, to, files); err != nil {
			return 0, 0, err
		}
		var buf []byte
		for i := range int(to - from + 1) {
			off = binary.LittleEndian.AppendUint64(off, pos)
			pos += uint64(len(files[i]))
			buf = append(buf, files[i]...)
		}
		if _, err := f.Write(buf); err != nil {
			return 0, 0, fmt.Errorf("store: write %s: %w", tmp, err)
		}
	}
	off = binary.LittleEndian.AppendUint64(off, pos)
	var tr [packTrailerSize]byte
	copy(tr[:8], packMagic)
	binary.LittleEndian.PutUint64(tr[8:16], uint64(first))
	binary.LittleEndian.PutUint32(tr[16:20], uint32(count))
	binary.LittleEndian.PutUint32(tr[20:24], crc32.Update(crc32.Checksum(off, packCRC), packCRC, tr[:20]))
	if _, err := f.Write(append(off, tr[:]...)); err != nil {
		return 0, 0, fmt.Errorf("store: write %s: %w", tmp, err)
	}
	if err := f.Sync(); err != nil {
		return 0, 0, fmt.Errorf("store: sync %s: %w", tmp, err)
	}
	cerr := f.Close()
	f = nil
	if cerr != nil {
		return 0, 0, fmt.Errorf("store: close %s: %w", tmp, cerr)
	}
	// The files were read at epoch e: AddTags makes the epoch odd before
	// it rewrites the first one, so an unchanged epoch means none was.
	st, err := s.readHeadFile()
	if err != nil {
		return 0, 0, err
	}
	if !st.epochOK || st.epoch != e {
		return 0, 0, fmt.Errorf("store: pack: tags were added while shard %d was packed (tag epoch %d, then %d); run Pack again", sh, e, st.epoch)
	}
	if err := s.fs.Rename(tmp, final); err != nil {
		return 0, 0, fmt.Errorf("store: %w", err)
	}
	return count, int64(pos) + int64(len(off)) + packTrailerSize, nil
}

// readRaw reads the event files from..to into files[0:to-from+1],
// packReaders at a time, and checks that each holds its position.
func (s *FileStore) readRaw(ctx context.Context, from, to Position, files [][]byte) error {
	var wg sync.WaitGroup
	errs := make([]error, to-from+1)
	next := make(chan int, len(errs))
	for i := range errs {
		next <- i
	}
	close(next)
	for range min(packReaders, len(errs)) {
		wg.Go(func() {
			for i := range next {
				if ctx.Err() != nil {
					errs[i] = ctx.Err()
					continue
				}
				p := from + Position(i)
				path := s.l.event(p)
				b, err := s.fs.ReadFile(path)
				switch {
				case errors.Is(err, fs.ErrNotExist):
					errs[i] = &CorruptionError{Path: path, Position: p, Err: err}
				case err != nil:
					errs[i] = fmt.Errorf("store: read %s: %w", path, err)
				default:
					if _, _, err := decodeEvent(b, p); err != nil {
						errs[i] = &CorruptionError{Path: path, Position: p, Err: err}
					}
				}
				files[i] = b
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// removeStalePacks removes the packs of tag epochs other than e, and the
// temporary files of Pack runs that stopped more than an hour ago.
func (s *FileStore) removeStalePacks(e uint64) (int, error) {
	dir := s.l.packs()
	entries, err := s.fs.ReadDir(dir)
	if err != nil {
		return 0, fmt.Errorf("store: %w", err)
	}
	n := 0
	for _, de := range entries {
		name := de.Name()
		stale := false
		switch {
		case strings.HasSuffix(name, ".tmp"):
			fi, err := de.Info()
			stale = err == nil && time.Since(fi.ModTime()) > time.Hour
		default:
			sh, ok := packShard(name)
			stale = ok && filepath.Base(s.l.pack(sh, e)) != name
		}
		if stale {
			if err := s.fs.Remove(filepath.Join(dir, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return n, fmt.Errorf("store: %w", err)
			}
			n++
		}
	}
	return n, nil
}
