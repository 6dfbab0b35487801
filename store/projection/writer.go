package projection

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/vfs"
)

// instance is one read model as the writer sees it during a batch.
type instance struct {
	key, name string
	state     any // *S, or nil when the instance does not exist
	meta      Meta
	diskTags  []store.Tag // the tags its state file carries
	onDisk    bool        // a state file exists
	dirty     bool
}

// writer applies events to the files of one generation. Events are
// applied to in-memory copies of the instances they touch; flush writes
// every changed instance, each to its own file, then the caller writes the
// checkpoint. Each state file records the position of the last event
// applied to it, and a deleted instance leaves a tombstone with that
// position until the checkpoint passes it, so an event delivered again
// after a crash is recognised and skipped: it is never applied twice to
// the same instance.
//
// A writer is used by one goroutine.
type writer struct {
	p       projector
	st      store.EventStore
	fsys    vfs.FS
	log     *slog.Logger
	g       *generation
	noSync  bool
	protect bool // write files read-only (Options.WriteProtect)

	batch  map[string]*instance      // by encoded name
	tombs  map[string]store.Position // tombstones on disk, by encoded name
	dirs   map[string]bool           // tag folders known to exist
	events int                       // events applied since the last flush
}

func newWriter(p projector, st store.EventStore, fsys vfs.FS, log *slog.Logger, g *generation, noSync bool) *writer {
	return &writer{p: p, st: st, fsys: fsys, log: log, g: g, noSync: noSync,
		batch: map[string]*instance{}, tombs: map[string]store.Position{}, dirs: map[string]bool{}}
}

// prepare creates the generation's folders and its readers' lock file.
func (w *writer) prepare() error {
	for _, d := range []string{stateDir, deletedDir, tagsDir} {
		if err := w.fsys.MkdirAll(filepath.Join(w.g.dir, d), 0o755); err != nil {
			return fmt.Errorf("projection: create %s: %w", w.g.dir, err)
		}
	}
	return w.readersLock()
}

// readersLock creates the lock file readers in other processes share.
func (w *writer) readersLock() error {
	if err := createEmpty(w.fsys, w.g.readersPath()); err != nil {
		return fmt.Errorf("projection: create %s: %w", w.g.readersPath(), err)
	}
	return nil
}

// loadTombstones reads the tombstones of the generation.
func (w *writer) loadTombstones() error {
	dir := filepath.Join(w.g.dir, deletedDir)
	ents, err := w.fsys.ReadDir(dir)
	if err != nil {
		if isNotExist(err) {
			return nil
		}
		return err
	}
	for _, e := range ents {
		n := e.Name()
		path := filepath.Join(dir, n)
		if vfs.IsTemp(n) {
			_ = w.fsys.Remove(path)
			continue
		}
		if !strings.HasSuffix(n, fileExt) {
			continue
		}
		t, err := readTombstone(w.fsys, path)
		if err != nil {
			return err
		}
		w.tombs[strings.TrimSuffix(n, fileExt)] = t.Position
	}
	return nil
}

func (w *writer) load(key string) (*instance, error) {
	name := encodeName(key)
	if in, ok := w.batch[name]; ok {
		return in, nil
	}
	in := &instance{key: key, name: name}
	f, err := readState(w.fsys, w.g.statePath(name))
	switch {
	case err == nil:
		if f.Key != key {
			return nil, fmt.Errorf("projection: %s holds key %q, not %q", w.g.statePath(name), f.Key, key)
		}
		s, err := w.p.decode(f.Data)
		if err != nil {
			return nil, &CorruptionError{Path: w.g.statePath(name), Err: err}
		}
		in.state, in.meta, in.diskTags, in.onDisk = s, f.Metadata, f.Tags, true
	case isNotExist(err):
		in.meta.Position = w.tombs[name]
	default:
		return nil, err
	}
	w.batch[name] = in
	return in, nil
}

// apply folds e into its instance, in memory.
func (w *writer) apply(ctx context.Context, e store.StoredEvent) error {
	key, err := w.p.key(e)
	if errors.Is(err, ErrSkip) {
		return nil
	}
	if err != nil {
		return w.foldError(e, "", err)
	}
	in, err := w.load(key)
	if err != nil {
		return err
	}
	if e.Position <= in.meta.Position {
		w.log.Debug("projection: event already applied to its read model; skipped",
			"projection", w.p.name(), "position", e.Position, "key", key)
		return nil
	}
	next, err := w.p.apply(ctx, w.st, in.state, e)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return w.foldError(e, key, err)
	}
	if next != nil {
		if in.state == nil {
			in.meta.Created, in.meta.Version = e.Metadata.Timestamp, 0
		}
		in.meta.Version++
		in.meta.Updated = e.Metadata.Timestamp
	}
	in.state = next
	in.meta.Position = e.Position
	in.dirty = true
	w.events++
	return nil
}

func (w *writer) foldError(e store.StoredEvent, key string, err error) error {
	var fe *FoldError
	if errors.As(err, &fe) && fe.Projection == w.p.name() {
		fe.Key = key
		return fe
	}
	return &FoldError{Projection: w.p.name(), Position: e.Position, Type: e.Type, Key: key, Err: err}
}

// discard forgets the unflushed batch.
func (w *writer) discard() {
	clear(w.batch)
	w.events = 0
}

type pendingWrite struct {
	in   *instance
	tags []store.Tag
	data []byte
}

// flush writes every changed instance of the batch. All tags and encodings
// are computed before the first write, so a failing Tags function or an
// unencodable state leaves the files untouched.
//
// Per instance, the order keeps the tag index a superset of the truth at
// every moment (readers filter by the state file): add new markers, write
// the state file, then remove markers of tags it no longer has. A deletion
// writes the tombstone before removing the state file.
func (w *writer) flush() error {
	var todo []pendingWrite
	for _, in := range w.batch {
		if !in.dirty {
			continue
		}
		pw := pendingWrite{in: in}
		if in.state != nil {
			tags, err := w.p.tags(in.state)
			if err != nil {
				return &FoldError{Projection: w.p.name(), Position: in.meta.Position, Key: in.key, Err: err}
			}
			data, err := w.p.encode(in.state)
			if err != nil {
				return &FoldError{Projection: w.p.name(), Position: in.meta.Position, Key: in.key, Err: fmt.Errorf("encode state: %w", err)}
			}
			if tags == nil {
				tags = []store.Tag{}
			}
			in.meta.Size = len(data)
			doc, err := encodeJSON(stateFile{Key: in.key, Metadata: in.meta, Tags: tags, Data: data})
			if err != nil {
				return &FoldError{Projection: w.p.name(), Position: in.meta.Position, Key: in.key, Err: fmt.Errorf("encode state: %w", err)}
			}
			pw.tags, pw.data = tags, doc
		}
		todo = append(todo, pw)
	}
	slices.SortFunc(todo, func(a, b pendingWrite) int { return strings.Compare(a.in.name, b.in.name) })
	for _, pw := range todo {
		if err := w.write(pw); err != nil {
			return err
		}
	}
	clear(w.batch)
	w.events = 0
	return nil
}

func (w *writer) write(pw pendingWrite) error {
	in := pw.in
	if in.state != nil {
		for _, t := range pw.tags {
			if !slices.Contains(in.diskTags, t) {
				if err := w.addMarker(t, in.name); err != nil {
					return err
				}
			}
		}
		if err := writeFile(w.fsys, w.g.statePath(in.name), pw.data, w.noSync, w.protect); err != nil {
			return err
		}
		if _, ok := w.tombs[in.name]; ok {
			// The state file now carries a higher position than the tombstone.
			if err := w.fsys.Remove(w.g.tombPath(in.name)); err != nil && !isNotExist(err) {
				return err
			}
			delete(w.tombs, in.name)
		}
		for _, t := range in.diskTags {
			if !slices.Contains(pw.tags, t) {
				if err := w.removeMarker(t, in.name); err != nil {
					return err
				}
			}
		}
		in.diskTags, in.onDisk, in.dirty = pw.tags, true, false
		return nil
	}
	_, hadTomb := w.tombs[in.name]
	if !in.onDisk && !hadTomb {
		in.dirty = false
		return nil // created and deleted within the batch: nothing on disk
	}
	tb := tombstone{Key: in.key, Position: in.meta.Position, Deleted: time.Now().UTC()}
	if err := writeJSONAtomic(w.fsys, w.g.tombPath(in.name), tb, w.noSync, w.protect); err != nil {
		return err
	}
	w.tombs[in.name] = in.meta.Position
	if in.onDisk {
		if err := w.fsys.Remove(w.g.statePath(in.name)); err != nil && !isNotExist(err) {
			return err
		}
		for _, t := range in.diskTags {
			if err := w.removeMarker(t, in.name); err != nil {
				return err
			}
		}
	}
	in.diskTags, in.onDisk, in.dirty = nil, false, false
	return nil
}

// Tag markers are not synced one by one: a generation whose writer did not
// stop cleanly has its tag index checked against the state files on the
// next start (repair), and a clean stop syncs the tree first.
func (w *writer) addMarker(t store.Tag, name string) error {
	dir := w.g.tagDir(t)
	if !w.dirs[dir] {
		if err := w.fsys.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		w.dirs[dir] = true
	}
	return createEmpty(w.fsys, filepath.Join(dir, name))
}

func (w *writer) removeMarker(t store.Tag, name string) error {
	err := w.fsys.Remove(w.g.markerPath(t, name))
	if err != nil && !isNotExist(err) {
		return err
	}
	return nil
}

// collectTombstones removes the tombstones at or below a durable
// checkpoint: no event at or below it is delivered again.
func (w *writer) collectTombstones(checkpoint store.Position) {
	for name, p := range w.tombs {
		if p > checkpoint {
			continue
		}
		if err := w.fsys.Remove(w.g.tombPath(name)); err != nil && !isNotExist(err) {
			w.log.Warn("projection: could not remove a tombstone", "projection", w.p.name(), "err", err)
			continue
		}
		delete(w.tombs, name)
	}
}

// writeCheckpoint writes the generation's checkpoint with the store's
// durable-write helper.
func (w *writer) writeCheckpoint(pos store.Position, complete, clean bool, noSync bool) error {
	c := checkpointFile{Format: formatVersion, Projection: w.p.name(), Version: w.p.version(),
		Position: pos, Complete: complete, Clean: clean, Updated: time.Now().UTC(), Protected: w.protect}
	return writeJSONAtomic(w.fsys, w.g.checkpointPath(), c, noSync, w.protect)
}

// errNeedsRebuild means a generation cannot be repaired from its own files.
var errNeedsRebuild = errors.New("projection: read models damaged")

// repair makes a generation consistent after an unclean stop: it removes
// temporary files, resolves state files left beside a newer tombstone,
// and rebuilds the tag index from the state files (adding missing markers,
// removing stale ones). A state file that cannot be decoded, or a missing
// state folder, cannot be repaired: the result wraps errNeedsRebuild. It returns the number of
// fixes made.
func (w *writer) repair(ctx context.Context) (int, error) {
	if err := w.loadTombstones(); err != nil {
		if errors.Is(err, ErrCorrupt) {
			return 0, fmt.Errorf("%w: %v", errNeedsRebuild, err)
		}
		return 0, err
	}
	want, fixes, err := w.repairStates(ctx)
	if err != nil {
		return fixes, err
	}
	n, err := w.repairMarkers(want)
	fixes += n
	if err != nil {
		return fixes, err
	}
	return fixes + w.removeTemps(), nil
}

// repairStates checks every state file against its name and the
// tombstones, removing temporary files, states deleted after they were
// written and tombstones of states written again. It returns the tag
// markers the states call for (their paths).
func (w *writer) repairStates(ctx context.Context) (want map[string]bool, fixes int, err error) {
	sdir := filepath.Join(w.g.dir, stateDir)
	ents, err := w.fsys.ReadDir(sdir)
	if isNotExist(err) {
		// The position the checkpoint records is worth nothing without
		// the read models it describes.
		return nil, 0, fmt.Errorf("%w: %s is missing", errNeedsRebuild, sdir)
	}
	if err != nil {
		return nil, 0, err
	}
	want = map[string]bool{}
	for _, e := range ents {
		if err := ctx.Err(); err != nil {
			return nil, fixes, err
		}
		n := e.Name()
		path := filepath.Join(sdir, n)
		if vfs.IsTemp(n) {
			_ = w.fsys.Remove(path)
			fixes++
			continue
		}
		if !strings.HasSuffix(n, fileExt) {
			continue
		}
		name := strings.TrimSuffix(n, fileExt)
		f, err := readState(w.fsys, path)
		if err != nil {
			if errors.Is(err, ErrCorrupt) {
				return nil, fixes, fmt.Errorf("%w: %v", errNeedsRebuild, err)
			}
			return nil, fixes, err
		}
		if encodeName(f.Key) != name {
			return nil, fixes, fmt.Errorf("%w: %s holds key %q", errNeedsRebuild, path, f.Key)
		}
		if tp, ok := w.tombs[name]; ok {
			if tp > f.Metadata.Position {
				// Deleted after this state was written; the removal was lost.
				if err := w.fsys.Remove(path); err != nil {
					return nil, fixes, err
				}
				fixes++
				continue
			}
			if err := w.fsys.Remove(w.g.tombPath(name)); err != nil && !isNotExist(err) {
				return nil, fixes, err
			}
			delete(w.tombs, name)
			fixes++
		}
		for _, t := range f.Tags {
			want[w.g.markerPath(t, name)] = true
		}
	}
	return want, fixes, nil
}

// repairMarkers removes stale tag markers and empty tag folders, then adds
// the missing markers of want.
func (w *writer) repairMarkers(want map[string]bool) (fixes int, err error) {
	tdir := filepath.Join(w.g.dir, tagsDir)
	keys, err := w.fsys.ReadDir(tdir)
	if err != nil && !isNotExist(err) {
		return fixes, err
	}
	for _, k := range keys {
		kdir := filepath.Join(tdir, k.Name())
		vals, err := w.fsys.ReadDir(kdir)
		if err != nil {
			return fixes, err
		}
		for _, v := range vals {
			vdir := filepath.Join(kdir, v.Name())
			marks, err := w.fsys.ReadDir(vdir)
			if err != nil {
				return fixes, err
			}
			left := len(marks)
			for _, m := range marks {
				p := filepath.Join(vdir, m.Name())
				if want[p] {
					delete(want, p)
					continue
				}
				if err := w.fsys.Remove(p); err != nil && !isNotExist(err) {
					return fixes, err
				}
				left--
				fixes++
			}
			if left == 0 {
				_ = w.fsys.Remove(vdir)
			}
		}
		_ = w.fsys.Remove(kdir) // fails unless empty
	}
	for p := range want {
		if err := w.fsys.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return fixes, err
		}
		if err := createEmpty(w.fsys, p); err != nil {
			return fixes, err
		}
		fixes++
	}
	return fixes, nil
}

// removeTemps removes the temporary files of tombstones and the
// checkpoint, and counts them.
func (w *writer) removeTemps() (fixes int) {
	for _, d := range []string{filepath.Join(w.g.dir, deletedDir), w.g.dir} {
		ents, err := w.fsys.ReadDir(d)
		if err != nil {
			continue
		}
		for _, e := range ents {
			if vfs.IsTemp(e.Name()) {
				_ = w.fsys.Remove(filepath.Join(d, e.Name()))
				fixes++
			}
		}
	}
	return fixes
}

// existsDir reports whether path is a folder.
func existsDir(fsys vfs.FS, path string) (bool, error) {
	st, err := fsys.Stat(path)
	if err != nil {
		if isNotExist(err) {
			return false, nil
		}
		return false, err
	}
	return st.IsDir(), nil
}
