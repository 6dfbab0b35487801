package projection

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"time"

	"github.com/gofrs/flock"

	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/vfs"
)

// Folder administers a projections folder while no runner runs: what an
// operator does with `opossum projections`. It needs no Definition, so it
// works on read models as JSON. OpenFolder takes the runner's lock: while
// a runner (in any process) owns the folder, it fails with ErrLocked, and
// while the Folder is open no runner can start. Changes are durable when
// a method returns, unless noSync.
type Folder struct {
	dir    string
	fsys   vfs.FS
	lock   *flock.Flock
	noSync bool
}

// OpenFolder opens the projections folder dir (a runner's Options.Dir) for
// administration. Errors: ErrLocked while a runner owns it, ErrNotFound
// when dir does not exist, I/O errors.
func OpenFolder(dir string, noSync bool) (*Folder, error) {
	fsys := vfs.OSFS()
	if ok, err := existsDir(fsys, dir); err != nil {
		return nil, err
	} else if !ok {
		return nil, fmt.Errorf("%w: no projections folder %s", ErrNotFound, dir)
	}
	lp := filepath.Join(dir, lockName)
	fl := flock.New(lp)
	ok, err := fl.TryLock()
	if err != nil {
		return nil, fmt.Errorf("projection: lock %s: %w", lp, err)
	}
	if !ok {
		return nil, fmt.Errorf("%w: %s", ErrLocked, lp)
	}
	return &Folder{dir: dir, fsys: fsys, lock: fl, noSync: noSync}, nil
}

// Close releases the folder's lock.
func (f *Folder) Close() error { return f.lock.Unlock() }

// Info describes one projection as its files do: what Inspector finds,
// and whether the generation is complete and how many read models it has.
type Info struct {
	Found
	// Complete is false when the generation waits for a rebuild.
	Complete bool `json:"complete"`
	// ReadModels counts the read-model files of the generation.
	ReadModels int `json:"readModels"`
	// Protected reports that the generation was written read-only
	// (Options.WriteProtect); Unprotected then lists its files (relative
	// to the projection's folder) whose protection was removed.
	Protected   bool     `json:"protected,omitempty"`
	Unprotected []string `json:"unprotected,omitempty"`
}

// Projections describes every projection of the folder, by name.
func (f *Folder) Projections() ([]Info, error) {
	return ListProjections(f.dir)
}

// ListProjections describes every projection kept in the projections
// folder dir, by name, reading only: it may run while a runner updates
// them. A missing folder holds none.
func ListProjections(dir string) ([]Info, error) {
	in := Inspect(dir)
	found, err := in.Projections()
	if err != nil {
		return nil, err
	}
	out := make([]Info, 0, len(found))
	for _, f := range found {
		info := Info{Found: f}
		if f.Problem == "" {
			g := filepath.Join(dir, f.Name, f.Generation)
			if cp, err := readCheckpoint(in.fsys, filepath.Join(g, checkpointName)); err == nil {
				info.Complete, info.Protected = cp.Complete, cp.Protected
			}
			check := func(rel string) {
				if fi, err := in.fsys.Stat(filepath.Join(dir, f.Name, rel)); err == nil && writable(fi.Mode()) {
					info.Unprotected = append(info.Unprotected, filepath.ToSlash(rel))
				}
			}
			if info.Protected {
				check(currentName)
				check(filepath.Join(f.Generation, checkpointName))
			}
			for _, sub := range []string{stateDir, deletedDir} {
				ents, _ := in.fsys.ReadDir(filepath.Join(g, sub))
				for _, e := range ents {
					if vfs.IsTemp(e.Name()) || !strings.HasSuffix(e.Name(), fileExt) {
						continue
					}
					if sub == stateDir {
						info.ReadModels++
					}
					if info.Protected {
						check(filepath.Join(f.Generation, sub, e.Name()))
					}
				}
			}
		}
		out = append(out, info)
	}
	return out, nil
}

// current returns the writer of the named projection's current generation.
func (f *Folder) current(name string) (*writer, checkpointFile, error) {
	if !validName(name) {
		return nil, checkpointFile{}, fmt.Errorf("%w: name %q", ErrUnknownProjection, name)
	}
	h := newHome(name, filepath.Join(f.dir, name), f.fsys, slog.New(slog.DiscardHandler))
	c, err := readCurrent(f.fsys, h.currentPath())
	if isNotExist(err) {
		return nil, checkpointFile{}, fmt.Errorf("%w: %s has no read models in %s", ErrUnknownProjection, name, f.dir)
	}
	if err != nil {
		return nil, checkpointFile{}, err
	}
	n, _ := parseGenName(c.Generation)
	g := h.gen(n)
	cp, err := readCheckpoint(f.fsys, g.checkpointPath())
	if err != nil {
		return nil, cp, err
	}
	wr := &writer{fsys: f.fsys, log: slog.New(slog.DiscardHandler), g: g, noSync: f.noSync, protect: cp.Protected,
		batch: map[string]*instance{}, tombs: map[string]store.Position{}, dirs: map[string]bool{}}
	if err := wr.loadTombstones(); err != nil {
		return nil, cp, err
	}
	return wr, cp, nil
}

// SaveCheckpoint sets the checkpoint of the named projection: the next
// runner continues after p. See Runner.SaveCheckpoint for what moving it
// means; the caller checks p against the store's head.
func (f *Folder) SaveCheckpoint(name string, p store.Position) error {
	wr, cp, err := f.current(name)
	if err != nil {
		return err
	}
	cp.Position, cp.Updated = p, time.Now().UTC()
	return writeJSONAtomic(f.fsys, wr.g.checkpointPath(), cp, f.noSync, cp.Protected)
}

// RequestRebuild marks the named projection's read models as incomplete:
// the next runner rebuilds them (or, with RebuildNone, waits for a
// Rebuild), and readers keep them until then.
func (f *Folder) RequestRebuild(name string) error {
	wr, cp, err := f.current(name)
	if err != nil {
		return err
	}
	cp.Complete, cp.Updated = false, time.Now().UTC()
	return writeJSONAtomic(f.fsys, wr.g.checkpointPath(), cp, f.noSync, cp.Protected)
}

// SaveReadModel replaces or creates the read model with key of the named
// projection by data, a JSON value of the projection's state type, with
// tags (nil keeps the tags it has). As with ReadModels.Save, its version
// is incremented and it keeps its position (the checkpoint for a new
// one); the next runner applies later events to it.
func (f *Folder) SaveReadModel(name, key string, data json.RawMessage, tags []store.Tag) error {
	if key == "" {
		return fmt.Errorf("%w: empty key", ErrInvalidOption)
	}
	if !json.Valid(data) {
		return fmt.Errorf("%w: the read model is not valid JSON", ErrInvalidOption)
	}
	wr, cp, err := f.current(name)
	if err != nil {
		return err
	}
	in, err := f.load(wr, key)
	if err != nil {
		return err
	}
	if tags == nil {
		tags = in.diskTags
	}
	if tags, err = normalizeTags(tags); err != nil {
		return err
	}
	now := time.Now().UTC()
	if !in.onDisk {
		in.meta.Created, in.meta.Version = now, 0
	}
	in.meta.Version++
	in.meta.Updated = now
	in.meta.Position = max(in.meta.Position, cp.Position)
	if in.meta.Position == 0 {
		return fmt.Errorf("%w: %s has applied no event yet", ErrNotReady, name)
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, data); err != nil {
		return fmt.Errorf("%w: %v", ErrInvalidOption, err)
	}
	data = compact.Bytes()
	in.meta.Size = len(data)
	doc, err := encodeJSON(stateFile{Key: key, Metadata: in.meta, Tags: tags, Data: data})
	if err != nil {
		return err
	}
	in.state = data
	if err := wr.write(pendingWrite{in: in, tags: tags, data: doc}); err != nil {
		return err
	}
	return f.sync(wr)
}

// DeleteReadModel removes the read model with key of the named
// projection; ErrNotFound when there is none.
func (f *Folder) DeleteReadModel(name, key string) error {
	wr, _, err := f.current(name)
	if err != nil {
		return err
	}
	in, err := f.load(wr, key)
	if err != nil {
		return err
	}
	if !in.onDisk {
		return fmt.Errorf("%w: %s %q", ErrNotFound, name, key)
	}
	in.state = nil
	if err := wr.write(pendingWrite{in: in}); err != nil {
		return err
	}
	return f.sync(wr)
}

// load reads an instance without decoding its state.
func (f *Folder) load(wr *writer, key string) (*instance, error) {
	name := encodeName(key)
	in := &instance{key: key, name: name}
	sf, err := readState(f.fsys, wr.g.statePath(name))
	switch {
	case err == nil:
		if sf.Key != key {
			return nil, fmt.Errorf("projection: %s holds key %q, not %q", wr.g.statePath(name), sf.Key, key)
		}
		in.state, in.meta, in.diskTags, in.onDisk = sf.Data, sf.Metadata, sf.Tags, true
	case errors.Is(err, ErrCorrupt), !isNotExist(err):
		return nil, err
	default:
		in.meta.Position = wr.tombs[name]
	}
	return in, nil
}

// sync makes the tag markers durable (the state file and tombstones are
// written durably already).
func (f *Folder) sync(wr *writer) error {
	if f.noSync {
		return nil
	}
	return vfs.SyncTree(f.fsys, wr.g.dir)
}
