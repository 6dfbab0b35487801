package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofrs/flock"

	"github.com/opossum-go/opossum/store/vfs"
)

// ProblemKind classifies what Verify found.
type ProblemKind string

// The kinds of problems Verify reports. Those marked "damage" make a
// Report's Damaged true; the others are repaired by the next read-write
// Open or commit, or are harmless.
const (
	// ProblemManifest: the manifest cannot be parsed (damage).
	ProblemManifest ProblemKind = "manifest"
	// ProblemHead: the head file is missing, torn or damaged; recovery
	// recomputes it from the event files.
	ProblemHead ProblemKind = "head"
	// ProblemMissingEvent: a committed position has no event file (damage).
	ProblemMissingEvent ProblemKind = "missing-event"
	// ProblemCorruptEvent: a committed event file does not parse, or holds
	// another position, or breaks the format's rules, or has the id of an
	// earlier event (damage).
	ProblemCorruptEvent ProblemKind = "corrupt-event"
	// ProblemBatch: the batch ranges recorded in committed event files do
	// not fit together, or the head falls inside a batch (damage).
	ProblemBatch ProblemKind = "batch"
	// ProblemTornTail: event files after the head that do not form whole
	// batches, left by a writer that died; the next writer removes them.
	ProblemTornTail ProblemKind = "torn-tail"
	// ProblemUncommitted: whole batches after the head, written by an
	// append that died before moving the head; the next writer keeps them.
	ProblemUncommitted ProblemKind = "uncommitted"
	// ProblemInFlight: files after the head while a writer holds the lock:
	// a commit in progress. Not a problem; reported for completeness.
	ProblemInFlight ProblemKind = "in-flight"
	// ProblemStrayFile: a file or folder the store does not use, among its
	// events, or an event file in the wrong shard folder. The store ignores it.
	ProblemStrayFile ProblemKind = "stray-file"
	// ProblemTempFile: a temporary file of an interrupted atomic write;
	// recovery removes it.
	ProblemTempFile ProblemKind = "temp-file"
	// ProblemSnapshot: the index snapshot is missing, unreadable or ahead
	// of the event files; Open rebuilds the index from the event files.
	ProblemSnapshot ProblemKind = "snapshot"
	// ProblemIndex: the index snapshot, which Open would load, disagrees
	// with the event files (damage: queries would miss events or fail);
	// delete the snapshot to have it rebuilt.
	ProblemIndex ProblemKind = "index"
	// ProblemMemoryIndex: the in-memory index of the verifying handle
	// disagrees with the event files (damage; reopen the store).
	ProblemMemoryIndex ProblemKind = "memory-index"
	// ProblemEpoch: an AddTags run is in progress or was interrupted
	// (an odd tag epoch), or the epoch cannot be read; the next writer
	// rebuilds the index from the event files.
	ProblemEpoch ProblemKind = "tag-epoch"
	// ProblemPack: a pack of the current tag epoch (see FileStore.Pack)
	// holds bytes other than its event files', or positions past the
	// head: reads may return them (damage; remove the pack, and run Pack
	// again). A pack reads set aside (unreadable, of another epoch) is a
	// ProblemStrayFile, its temporary file a ProblemTempFile.
	ProblemPack ProblemKind = "pack"
	// ProblemCheckpoint: a projection checkpoint is ahead of the head: its
	// read models reflect events the store does not have (damage).
	ProblemCheckpoint ProblemKind = "checkpoint"
)

// Damage reports whether problems of kind k mean the store is damaged,
// rather than awaiting the repairs recovery makes by itself.
func (k ProblemKind) Damage() bool {
	switch k {
	case ProblemManifest, ProblemMissingEvent, ProblemCorruptEvent, ProblemBatch, ProblemIndex, ProblemMemoryIndex, ProblemCheckpoint, ProblemPack:
		return true
	}
	return false
}

// Problem is one finding of Verify.
type Problem struct {
	// Kind classifies the problem.
	Kind ProblemKind `json:"kind"`
	// Damage is Kind.Damage().
	Damage bool `json:"damage"`
	// Path is the file concerned (for a projection checkpoint, as given).
	Path string `json:"path,omitempty"`
	// Position is the event position concerned, or 0.
	Position Position `json:"position,omitempty"`
	// Detail says what is wrong.
	Detail string `json:"detail"`
}

func (p Problem) String() string {
	s := string(p.Kind)
	if p.Path != "" {
		s += " " + p.Path
	}
	if p.Position > 0 {
		s += fmt.Sprintf(" (position %d)", p.Position)
	}
	return s + ": " + p.Detail
}

// Checkpoint is the position a projection (or any other follower of the
// store) has processed up to, for Verify to check against the head.
type Checkpoint struct {
	// Name identifies the follower, for the report.
	Name string
	// Path is the file that records the checkpoint, for the report.
	Path string
	// Position is the last position the follower processed.
	Position Position
}

// Report is the result of Verify.
type Report struct {
	// Dir is the store folder.
	Dir string `json:"dir"`
	// Head is the committed head Verify checked up to: the head file's,
	// or, when it is unreadable, the end of the whole batches found.
	Head Position `json:"head"`
	// Epoch is the tag epoch (see AddTags).
	Epoch uint64 `json:"epoch"`
	// EventFiles counts the event files read.
	EventFiles int `json:"eventFiles"`
	// Problems lists what was found, in the order it was found.
	Problems []Problem `json:"problems"`
}

// Damaged reports whether any problem is damage (see ProblemKind.Damage).
func (r Report) Damaged() bool {
	for _, p := range r.Problems {
		if p.Damage {
			return true
		}
	}
	return false
}

func (r *Report) add(k ProblemKind, path string, p Position, format string, args ...any) {
	r.Problems = append(r.Problems, Problem{Kind: k, Damage: k.Damage(), Path: path, Position: p, Detail: fmt.Sprintf(format, args...)})
}

// VerifyDir checks the store in dir without opening it, so that it also
// works on a store Open refuses: it takes no lock (except for an instant,
// see below), runs no recovery and writes nothing, and it may run while
// other processes write to the store. It checks that
//
//   - every event file up to the head parses and holds its position, and
//     positions 1..head are complete, in batches that fit together;
//   - no file is found after the head, except a commit in progress (the
//     writer lock is held) or what a crashed writer left, which is reported
//     as a torn tail or uncommitted batches for recovery to settle; to tell
//     them apart VerifyDir tries the writer lock without waiting, holds it
//     while it reads those files, and releases it;
//   - the index snapshot Open would load agrees with the event files: the
//     same positions for every type and tag (an index is rebuilt from the
//     files to compare);
//   - every checkpoint given is at or below the head.
//
// Problems are returned in the Report, each with its kind and file; the
// error is for what prevents checking at all: ErrNotAStore (no manifest,
// or no such folder), ErrUnsupportedFormat, ctx.Err(), I/O errors
// listing the folders.
func VerifyDir(ctx context.Context, dir string, checkpoints ...Checkpoint) (Report, error) {
	ctx, span := dirTelemetry(dir).start(ctx, "verify")
	v := &verifier{ctx: ctx, fsys: vfs.OSFS(), l: layout{dir: dir}}
	rep, err := v.run(checkpoints)
	span.SetAttributes(AttrProblems.Int(len(rep.Problems)), AttrHead.Int64(int64(rep.Head)))
	end(span, err)
	return rep, err
}

// Verify is VerifyDir on the handle's store, through the handle's file
// system, and also compares the handle's in-memory index with the event
// files (ProblemMemoryIndex). It works on read-only handles.
func (s *FileStore) Verify(ctx context.Context, checkpoints ...Checkpoint) (rep Report, err error) {
	ctx, span := s.tel.start(ctx, "verify")
	defer func() {
		span.SetAttributes(AttrProblems.Int(len(rep.Problems)), AttrHead.Int64(int64(rep.Head)))
		end(span, err)
	}()
	if err := s.ready(); err != nil {
		return Report{}, err
	}
	v := &verifier{ctx: ctx, fsys: s.fs, l: s.l, mem: s}
	return v.run(checkpoints)
}

// verifier holds the state of one verification.
type verifier struct {
	ctx  context.Context
	fsys vfs.FS
	l    layout
	mem  *FileStore // the handle whose index is compared too, or nil
	rep  Report

	present map[Position]bool // event files found in their shard folder
	events  map[Position]verified
	idAt    map[EventID]Position // the first committed event file with each id

	// packs are the packs of the tag epoch the verification began at, by
	// shard; each event file read is compared with its pack as it is read.
	packs map[uint64]*verifiedPack
}

// verifiedPack is a pack under verification and its first difference from
// the event files.
type verifiedPack struct {
	*openPack
	differs Position
	why     error
}

// verified is what Verify keeps of an event file.
type verified struct {
	id    EventID
	typ   string
	tags  []Tag
	batch batchRange
	bad   bool // missing or damaged
}

func (v *verifier) run(checkpoints []Checkpoint) (Report, error) {
	v.rep = Report{Dir: v.l.dir, Problems: []Problem{}}
	v.present = map[Position]bool{}
	v.events = map[Position]verified{}
	v.idAt = map[EventID]Position{}
	if err := v.manifest(); err != nil {
		return v.rep, err
	}
	st, headFile := v.head()
	v.rep.Epoch = st.epoch
	if err := v.openPacks(st.epoch); err != nil {
		return v.rep, err
	}
	defer v.closePacks()
	if err := v.listEvents(); err != nil {
		return v.rep, err
	}
	h := st.head
	if !st.headOK {
		h = v.wholeBatchesEnd()
		if headFile {
			v.rep.add(ProblemHead, v.l.head(), 0, "the head file is torn or damaged; recovery recomputes it (whole batches end at %d)", h)
		} else if h > 0 {
			v.rep.add(ProblemHead, v.l.head(), 0, "no head file; recovery recomputes it (whole batches end at %d)", h)
		}
	}
	if err := v.committed(1, h); err != nil {
		return v.rep, err
	}
	h, err := v.tail(h)
	if err != nil {
		return v.rep, err
	}
	v.rep.Head = h
	v.batches(h)

	last, _ := v.head()
	switch {
	case !st.epochOK || !last.epochOK:
		v.rep.add(ProblemEpoch, v.l.head(), 0, "the tag epoch cannot be read; the next writer rebuilds the index from the event files")
	case last.epoch != st.epoch:
		v.rep.add(ProblemEpoch, v.l.head(), 0, "tags were added during the verification (epoch %d, then %d); the indices were not compared", st.epoch, last.epoch)
	case st.epoch%2 == 1:
		v.rep.add(ProblemEpoch, v.l.head(), 0, "an add-tags run is in progress or was interrupted (epoch %d); the next writer rebuilds the index from the event files", st.epoch)
	default:
		v.snapshot(st.epoch, h)
		if v.mem != nil {
			v.memory(h)
		}
		v.reportPacks(h)
	}
	for _, c := range checkpoints {
		if c.Position > h {
			v.rep.add(ProblemCheckpoint, c.Path, c.Position, "checkpoint of %s is at position %d, ahead of the head %d", c.Name, c.Position, h)
		}
	}
	return v.rep, nil
}

func (v *verifier) manifest() error {
	b, err := v.fsys.ReadFile(v.l.manifest())
	if errors.Is(err, fs.ErrNotExist) {
		if _, derr := v.fsys.Stat(v.l.dir); derr != nil {
			return fmt.Errorf("%w: %s: %v", ErrNotAStore, v.l.dir, derr)
		}
		return fmt.Errorf("%w: %s holds no %s", ErrNotAStore, v.l.dir, manifestName)
	}
	if err != nil {
		return fmt.Errorf("store: read %s: %w", v.l.manifest(), err)
	}
	err = checkManifest(v.l.manifest(), b)
	if errors.Is(err, ErrUnsupportedFormat) {
		return err
	}
	if err != nil {
		v.rep.add(ProblemManifest, v.l.manifest(), 0, "%v", errors.Unwrap(err))
	}
	return nil
}

// head reads the head file, retrying while a writer may be rewriting it.
// headFile is false when there is none.
func (v *verifier) head() (st headState, headFile bool) {
	for try := 0; ; try++ {
		b, err := v.fsys.ReadFile(v.l.head())
		if err != nil {
			return headState{epochOK: true}, !errors.Is(err, fs.ErrNotExist)
		}
		st = decodeHeadFile(b)
		if (st.headOK && st.epochOK) || try >= 3 {
			return st, true
		}
		time.Sleep(time.Millisecond)
	}
}

// listEvents lists the shard folders: event files in their right place,
// temporary files and strays.
func (v *verifier) listEvents() error {
	for _, dir := range []string{v.l.dir, v.l.index()} {
		entries, _ := v.fsys.ReadDir(dir)
		for _, e := range entries {
			if vfs.IsTemp(e.Name()) {
				v.rep.add(ProblemTempFile, filepath.Join(dir, e.Name()), 0, "temporary file of an interrupted write; recovery removes it")
			}
		}
	}
	shards, err := v.fsys.ReadDir(v.l.events())
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("store: list %s: %w", v.l.events(), err)
	}
	for _, sh := range shards {
		path := filepath.Join(v.l.events(), sh.Name())
		n, err := strconv.ParseUint(sh.Name(), 10, 64)
		if !sh.IsDir() || err != nil || fmt.Sprintf("%06d", n) != sh.Name() {
			v.rep.add(ProblemStrayFile, path, 0, "not a shard folder; the store ignores it")
			continue
		}
		entries, err := v.fsys.ReadDir(path)
		if err != nil {
			return fmt.Errorf("store: list %s: %w", path, err)
		}
		for _, e := range entries {
			fp := filepath.Join(path, e.Name())
			p, ok := parseEventName(e.Name())
			switch {
			case vfs.IsTemp(e.Name()):
				v.rep.add(ProblemTempFile, fp, 0, "temporary file of an interrupted write; recovery removes it")
			case !ok || e.IsDir():
				v.rep.add(ProblemStrayFile, fp, 0, "not an event file; the store ignores it")
			case shardOf(p) != n:
				v.rep.add(ProblemStrayFile, fp, p, "event file in the wrong shard folder; the store never reads it")
			default:
				v.present[p] = true
			}
		}
	}
	return nil
}

// read decodes the event file at p, recording it.
func (v *verifier) read(p Position) (verified, error) {
	b, err := v.fsys.ReadFile(v.l.event(p))
	if err != nil {
		return verified{bad: true}, err
	}
	v.comparePack(p, b)
	e, br, err := decodeEvent(b, p)
	if err != nil {
		return verified{bad: true}, err
	}
	return verified{id: e.ID, typ: e.Type, tags: e.Tags, batch: br}, nil
}

// committed checks the event files of positions from..to, committed.
func (v *verifier) committed(from, to Position) error {
	for p := from; p <= to; p++ {
		if p%256 == 0 {
			if err := v.ctx.Err(); err != nil {
				return err
			}
		}
		ev, err := v.read(p)
		if err == nil {
			if q, dup := v.idAt[ev.id]; dup && q != p {
				ev.bad, err = true, fmt.Errorf("the id %s is the id of event %d too", ev.id, q)
			} else {
				v.idAt[ev.id] = p
			}
		}
		v.events[p] = ev
		if !errors.Is(err, fs.ErrNotExist) {
			v.rep.EventFiles++
		}
		switch {
		case errors.Is(err, fs.ErrNotExist):
			v.rep.add(ProblemMissingEvent, v.l.event(p), p, "committed event file missing (head is %d)", to)
		case err != nil:
			v.rep.add(ProblemCorruptEvent, v.l.event(p), p, "%v", err)
		}
	}
	return nil
}

// wholeBatchesEnd returns the end of the whole batches from position 1,
// as recovery computes the head when the head file is unusable.
func (v *verifier) wholeBatchesEnd() Position {
	good, _ := walkBatches(1, func(p Position) (batchRange, error) {
		if !v.present[p] {
			return batchRange{}, fs.ErrNotExist
		}
		ev, err := v.read(p)
		return ev.batch, err
	}, everyBatch)
	return good
}

// everyBatch lets a walk over whole batches go on to the end.
func everyBatch(batchRange) bool { return true }

// tail looks at the files after the committed head h. It returns the head
// to check up to, which may have moved meanwhile.
func (v *verifier) tail(h Position) (Position, error) {
	var after []Position
	for p := range v.present {
		if p > h {
			after = append(after, p)
		}
	}
	if len(after) == 0 {
		return h, nil
	}
	slices.Sort(after)
	fl := flock.New(v.l.lock(), flock.SetFlag(os.O_RDONLY))
	ok, err := fl.TryLock()
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return h, fmt.Errorf("store: lock %s: %w", v.l.lock(), err)
	}
	if err == nil && !ok {
		v.rep.add(ProblemInFlight, v.l.event(after[0]), after[0], "%d event files after the head %d belong to a commit in progress (the writer lock is held)", len(after), h)
		return h, nil
	}
	defer fl.Close()
	// Under the lock nothing moves. The head may have moved before we
	// took it: check what was committed meanwhile.
	if st, _ := v.head(); st.headOK && st.head > h {
		if err := v.committed(h+1, st.head); err != nil {
			return h, err
		}
		h = st.head
	}
	good, torn := walkBatches(h+1, func(p Position) (batchRange, error) {
		ev, err := v.read(p)
		return ev.batch, err
	}, everyBatch)
	if good > h {
		v.rep.add(ProblemUncommitted, v.l.event(h+1), h+1, "whole batches %d..%d after the head %d, written by an append that did not finish; the next writer keeps them", h+1, good, h)
	}
	var rest []Position
	for _, q := range after {
		if q > good {
			rest = append(rest, q)
		}
	}
	if len(rest) > 0 {
		why := "a gap before them"
		if torn != nil {
			why = torn.Error()
		}
		v.rep.add(ProblemTornTail, v.l.event(rest[0]), rest[0], "%d event file(s) from position %d on: a torn batch left by a crashed append (%s); the next writer removes them", len(rest), rest[0], why)
	}
	return h, nil
}

// batches checks that the batches of the committed events fit together,
// walking them as recovery does and starting again after each problem.
// Missing and damaged files were reported by committed.
func (v *verifier) batches(h Position) {
	read := func(p Position) (batchRange, error) {
		switch {
		case p > h:
			return batchRange{}, errPastHead
		case v.events[p].bad:
			return batchRange{}, ErrCorrupt
		}
		return v.events[p].batch, nil
	}
	for from := Position(1); from <= h; {
		_, stop := walkBatches(from, read, everyBatch)
		var tb *tornBatch
		if !errors.As(stop, &tb) {
			return
		}
		switch {
		case errors.Is(tb.Err, errPastHead):
			if tb.Open.First != 0 {
				v.rep.add(ProblemBatch, v.l.head(), h, "the head %d falls inside batch %d..%d: readers would see part of a batch", h, tb.Open.First, tb.Open.Last)
			}
			return
		case tb.Err == nil:
			v.rep.add(ProblemBatch, v.l.event(tb.At), tb.At, "%s", tb.Error())
		}
		from = tb.At + 1
	}
}

// errPastHead ends the verifier's walk over the committed batches.
var errPastHead = errors.New("past the head")

// postings are the posting lists of an index, by type and tag.
type postings struct {
	types map[string][]Position
	tags  map[Tag][]Position
	ids   map[Position]uint32 // the idHash of each position's id; nil: not compared (a snapshot of version 1)
}

// filePostings builds the posting lists of the sound event files up to lim.
func (v *verifier) filePostings(lim Position) postings {
	ps := postings{types: map[string][]Position{}, tags: map[Tag][]Position{}, ids: map[Position]uint32{}}
	for p := Position(1); p <= lim; p++ {
		ev := v.events[p]
		if ev.bad {
			continue
		}
		ps.ids[p] = idHash(ev.id)
		ps.types[ev.typ] = append(ps.types[ev.typ], p)
		for i, t := range ev.tags {
			if !slices.Contains(ev.tags[:i], t) {
				ps.tags[t] = append(ps.tags[t], p)
			}
		}
	}
	return ps
}

func indexPostings(x *index, lim Position) postings {
	ps := postings{types: map[string][]Position{}, tags: map[Tag][]Position{}}
	if !x.oldSnapshot() {
		ps.ids = map[Position]uint32{}
		for p := Position(1); p <= lim; p++ {
			ps.ids[p] = x.ids.hashes[p-1]
		}
	}
	for id, name := range x.typeName {
		if l := bound(x.types[id], 0, lim); len(l) > 0 {
			ps.types[name] = l
		}
	}
	for t, l := range x.tags {
		if l := bound(l, 0, lim); len(l) > 0 {
			ps.tags[t] = l
		}
	}
	return ps
}

// compare reports how an index's postings differ from the files'. It skips
// positions whose file is bad (reported already) and reports at most a
// few differences in detail.
func (v *verifier) compare(kind ProblemKind, path, what string, idx, files postings) {
	const maxDetails = 10
	n := 0
	report := func(p Position, format string, args ...any) {
		if v.events[p].bad {
			return
		}
		n++
		if n <= maxDetails {
			v.rep.add(kind, path, p, format, args...)
		}
	}
	diff := func(name string, inIdx, inFiles []Position) {
		for _, p := range inIdx {
			if _, ok := slices.BinarySearch(inFiles, p); !ok {
				report(p, "%s lists position %d for %s, but its event file does not match", what, p, name)
			}
		}
		for _, p := range inFiles {
			if _, ok := slices.BinarySearch(inIdx, p); !ok {
				report(p, "%s misses position %d for %s", what, p, name)
			}
		}
	}
	for name, l := range idx.types {
		diff("type "+name, l, files.types[name])
	}
	for name, l := range files.types {
		if _, ok := idx.types[name]; !ok {
			diff("type "+name, nil, l)
		}
	}
	for t, l := range idx.tags {
		diff("tag "+t.String(), l, files.tags[t])
	}
	for t, l := range files.tags {
		if _, ok := idx.tags[t]; !ok {
			diff("tag "+t.String(), nil, l)
		}
	}
	if idx.ids != nil {
		for p, h := range files.ids {
			if q, ok := idx.ids[p]; !ok {
				report(p, "%s misses the id %s of position %d", what, v.events[p].id, p)
			} else if q != h {
				report(p, "%s has another id for position %d than its event file's %s", what, p, v.events[p].id)
			}
		}
	}
	if n > maxDetails {
		v.rep.add(kind, path, 0, "%d more differences between the %s and the event files", n-maxDetails, what)
	}
}

// snapshot compares the snapshot Open would load with the event files.
func (v *verifier) snapshot(epoch uint64, h Position) {
	path := v.l.snapshotAt(epoch)
	b, err := v.fsys.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		if h > 0 {
			v.rep.add(ProblemSnapshot, path, 0, "no index snapshot; Open rebuilds the index from the event files")
		}
		return
	}
	if err != nil {
		v.rep.add(ProblemSnapshot, path, 0, "unreadable (%v); Open rebuilds the index from the event files", err)
		return
	}
	x, err := decodeSnapshot(b)
	if err != nil {
		v.rep.add(ProblemSnapshot, path, 0, "%v; Open rebuilds the index from the event files", err)
		return
	}
	if x.head > h {
		if _, err := v.fsys.Stat(v.l.event(x.head)); err != nil {
			v.rep.add(ProblemSnapshot, path, x.head, "the snapshot covers position %d, beyond the event files; Open rebuilds the index from the event files", x.head)
			return
		}
	}
	lim := min(x.head, h)
	v.compare(ProblemIndex, path, "the index snapshot", indexPostings(x, lim), v.filePostings(lim))
}

// memory compares the verifying handle's index with the event files.
func (v *verifier) memory(h Position) {
	s := v.mem
	s.mu.RLock()
	lim := min(s.idx.head, h)
	ps := indexPostings(s.idx, lim)
	e := s.epoch.Load()
	s.mu.RUnlock()
	if st, _ := v.head(); !st.epochOK || st.epoch != e {
		return // the handle reloads at its next read
	}
	v.compare(ProblemMemoryIndex, v.l.dir, "the handle's index", ps, v.filePostings(lim))
}

// openPacks opens the packs of tag epoch e, and notes the other files of
// packs/: temporary files, packs of other epochs, unreadable packs.
func (v *verifier) openPacks(e uint64) error {
	v.packs = map[uint64]*verifiedPack{}
	dir := v.l.packs()
	entries, err := v.fsys.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, de := range entries {
		path := filepath.Join(dir, de.Name())
		sh, isPack := packShard(de.Name())
		switch {
		case strings.HasSuffix(de.Name(), ".tmp"):
			v.rep.add(ProblemTempFile, path, 0, "temporary file of an interrupted Pack; a later Pack removes it")
			continue
		case !isPack:
			v.rep.add(ProblemStrayFile, path, 0, "not a pack; the store ignores it")
			continue
		case v.l.pack(sh, e) != path:
			v.rep.add(ProblemStrayFile, path, 0, "a pack of another tag epoch; reads ignore it, and the next Pack removes it")
			continue
		}
		pk, err := loadPack(v.fsys, path, sh)
		if err != nil {
			v.rep.add(ProblemStrayFile, path, 0, "%v; reads use the event files, and the next Pack replaces it", err)
			continue
		}
		v.packs[sh] = &verifiedPack{openPack: pk}
	}
	return nil
}

func (v *verifier) closePacks() {
	for _, pk := range v.packs {
		pk.f.Close()
	}
}

// comparePack compares b, the event file at p, with p's pack, byte for
// byte, and keeps the pack's first difference.
func (v *verifier) comparePack(p Position, b []byte) {
	pk := v.packs[shardOf(p)]
	if pk == nil || pk.why != nil {
		return
	}
	in, err := pk.raw(p)
	if err == nil && !bytes.Equal(in, b) {
		err = errors.New("its bytes differ from the event file's")
	}
	if err != nil {
		pk.differs, pk.why = p, err
	}
}

// reportPacks reports the packs that differ from the event files read, or
// hold positions past the head h.
func (v *verifier) reportPacks(h Position) {
	for _, sh := range slices.Sorted(maps.Keys(v.packs)) {
		pk := v.packs[sh]
		last := pk.last()
		switch {
		case last > h:
			v.rep.add(ProblemPack, pk.path, last, "holds positions up to %d, past the head %d; remove it", last, h)
		case pk.why != nil:
			v.rep.add(ProblemPack, pk.path, pk.differs, "position %d: %v; remove the pack and run Pack again", pk.differs, pk.why)
		}
	}
}
