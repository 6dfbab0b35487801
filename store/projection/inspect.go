package projection

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/vfs"
)

// Found describes a projection found in a projections folder by Inspect:
// what its current generation's checkpoint says.
type Found struct {
	// Name is the projection's name (its folder's name).
	Name string `json:"name"`
	// Generation is the folder of the read models readers use.
	Generation string `json:"generation"`
	// Version is the definition version the generation was built with.
	Version int `json:"version"`
	// Position is the checkpoint: the last event the read models reflect.
	Position store.Position `json:"position"`
	// Updated is when the checkpoint was last written.
	Updated time.Time `json:"updated"`
	// Rebuilding names a newer generation being rebuilt, if any.
	Rebuilding string `json:"rebuilding,omitempty"`
	// Problem says why the projection cannot be read, if it cannot (not
	// built yet, damaged current or checkpoint file); the runner rebuilds
	// such a projection on its next start.
	Problem string `json:"problem,omitempty"`
}

// RawItem is one read model as stored: its state is the JSON the
// definition's state type was encoded to.
type RawItem struct {
	Key  string          `json:"key"`
	Tags []store.Tag     `json:"tags"`
	Meta Meta            `json:"metadata"`
	Data json.RawMessage `json:"data"`
}

// Inspector reads the projections kept in a folder without their
// definitions and without a runner, for tools that look into a store: it
// takes no runner lock and writes nothing, so it may run while a runner in
// another process updates the read models. Each call reads the current
// generation afresh, under the readers' shared lock that OpenReadModels
// takes, so a rebuild that switches generations during a List neither
// ends it nor mixes two generations.
type Inspector struct {
	dir  string
	fsys vfs.FS
}

// Inspect returns an Inspector of the projections folder dir (a file
// store's is "projections" inside its folder).
func Inspect(dir string) *Inspector { return &Inspector{dir: dir, fsys: vfs.OSFS()} }

// Projections lists the projections found in the folder, sorted by name.
// A missing folder has none. A projection whose files cannot be read is
// listed with its Problem.
func (in *Inspector) Projections() ([]Found, error) {
	ents, err := in.fsys.ReadDir(in.dir)
	if isNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("projection: list %s: %w", in.dir, err)
	}
	var out []Found
	for _, e := range ents {
		if !e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		out = append(out, in.found(e.Name()))
	}
	slices.SortFunc(out, func(a, b Found) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

func (in *Inspector) found(name string) Found {
	f := Found{Name: name}
	home := filepath.Join(in.dir, name)
	cur, err := readCurrent(in.fsys, filepath.Join(home, currentName))
	if isNotExist(err) {
		f.Problem = "not built yet: no current generation"
	} else if err != nil {
		f.Problem = err.Error()
	} else {
		f.Generation = cur.Generation
		cp, err := readCheckpoint(in.fsys, filepath.Join(home, cur.Generation, checkpointName))
		if err != nil {
			f.Problem = err.Error()
		} else {
			f.Version, f.Position, f.Updated = cp.Version, cp.Position, cp.Updated
		}
	}
	ents, _ := in.fsys.ReadDir(home)
	curNum, _ := parseGenName(f.Generation)
	for _, e := range ents {
		if n, ok := parseGenName(e.Name()); ok && e.IsDir() && n > curNum {
			f.Rebuilding = e.Name()
		}
	}
	return f
}

// lease takes a reader's lease on the current generation of projection
// name, as OpenReadModels does: the generation stays on disk until release.
func (in *Inspector) lease(name string) (*home, lease, error) {
	if !validName(name) {
		return nil, lease{}, fmt.Errorf("%w: no projection %q", ErrUnknownProjection, name)
	}
	h := newHome(name, filepath.Join(in.dir, name), in.fsys, slog.New(slog.DiscardHandler))
	h.follow = true
	l, err := h.acquire()
	if err != nil {
		return nil, lease{}, err
	}
	if l.g == nil {
		return nil, lease{}, fmt.Errorf("%w: no projection %q in %s, or it is not built yet", ErrUnknownProjection, name, in.dir)
	}
	return h, l, nil
}

// Get returns the read model of projection name with key. Errors:
// ErrUnknownProjection, ErrNotFound, *CorruptionError, I/O errors.
func (in *Inspector) Get(name, key string) (RawItem, error) {
	h, l, err := in.lease(name)
	if err != nil {
		return RawItem{}, err
	}
	defer h.release(l)
	f, err := readState(in.fsys, l.g.statePath(encodeName(key)))
	if isNotExist(err) || (err == nil && f.Key != key) {
		return RawItem{}, fmt.Errorf("%w: %s %q", ErrNotFound, name, key)
	}
	if err != nil {
		return RawItem{}, err
	}
	return rawItem(f), nil
}

// List yields the read models of projection name in the order of their
// file names, at most limit of them (limit <= 0: all), starting after the
// file of key after ("" from the first), so that a caller can page through
// a large projection. An error ends the sequence: it is yielded once with
// a zero RawItem.
func (in *Inspector) List(ctx context.Context, name, after string, limit int) iter.Seq2[RawItem, error] {
	return func(yield func(RawItem, error) bool) {
		h, l, err := in.lease(name)
		if err != nil {
			yield(RawItem{}, err)
			return
		}
		defer h.release(l)
		ents, err := in.fsys.ReadDir(filepath.Join(l.g.dir, stateDir))
		if isNotExist(err) {
			return
		}
		if err != nil {
			yield(RawItem{}, fmt.Errorf("projection: list %s: %w", name, err))
			return
		}
		from := ""
		if after != "" {
			from = encodeName(after) + fileExt
		}
		n := 0
		for _, e := range ents {
			fn := e.Name()
			if vfs.IsTemp(fn) || !strings.HasSuffix(fn, fileExt) || fn <= from {
				continue
			}
			if err := ctx.Err(); err != nil {
				yield(RawItem{}, err)
				return
			}
			f, err := readState(in.fsys, filepath.Join(l.g.dir, stateDir, fn))
			if isNotExist(err) {
				continue // deleted meanwhile
			}
			if err != nil {
				yield(RawItem{}, err)
				return
			}
			if !yield(rawItem(f), nil) {
				return
			}
			if n++; limit > 0 && n >= limit {
				return
			}
		}
	}
}

func rawItem(f stateFile) RawItem {
	if f.Tags == nil {
		f.Tags = []store.Tag{}
	}
	return RawItem{Key: f.Key, Tags: f.Tags, Meta: f.Metadata, Data: f.Data}
}
