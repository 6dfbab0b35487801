package projection

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"path/filepath"
	"slices"
	"strings"

	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/vfs"
)

// Item is one read model: the state of one instance of a projection, with
// its key, tags and metadata.
type Item[S any] struct {
	// Key is the instance's key, as the definition's Key returned it.
	Key string
	// State is the instance's state.
	State S
	// Tags are the tags the definition's Tags returned for State, sorted.
	Tags []store.Tag
	// Meta is the instance's metadata.
	Meta Meta
}

// ReadModels reads the persisted read models of one projection. It is
// returned by Register and is safe for concurrent use by any number of
// goroutines, also while the runner updates or rebuilds the projection.
//
// Reads are eventually consistent: they see the read models as of the
// projection's last flushed batch (Runner.WaitFor waits for a position).
// While a rebuild runs, reads keep seeing the previous read models, until
// the rebuilt ones replace them all at once. An instance is read from one
// file written atomically, so a read never sees a half-written state.
type ReadModels[S any] struct {
	home *home
	def  typed[S]
	w    *worker // the projection's goroutine; nil for a read-only reader
}

// Name returns the projection's name.
func (m *ReadModels[S]) Name() string { return m.def.d.Name }

// Get returns the read model with key. It returns an error wrapping
// ErrNotFound when there is none (also before the projection's first build
// completes), and a *CorruptionError when its file cannot be decoded.
func (m *ReadModels[S]) Get(key string) (Item[S], error) {
	l, err := m.home.acquire()
	if err != nil {
		return Item[S]{}, err
	}
	defer m.home.release(l)
	g := l.g
	if g == nil {
		return Item[S]{}, fmt.Errorf("%w: %s %q (not built yet)", ErrNotFound, m.Name(), key)
	}
	it, ok, err := m.read(g, encodeName(key))
	if err != nil {
		return Item[S]{}, err
	}
	if !ok || it.Key != key {
		return Item[S]{}, fmt.Errorf("%w: %s %q", ErrNotFound, m.Name(), key)
	}
	return it, nil
}

// read loads the state file with the given encoded name; ok is false when
// it does not exist.
func (m *ReadModels[S]) read(g *generation, name string) (Item[S], bool, error) {
	path := g.statePath(name)
	f, err := readState(m.home.fsys, path)
	if err != nil {
		if isNotExist(err) {
			return Item[S]{}, false, nil
		}
		return Item[S]{}, false, err
	}
	it := Item[S]{Key: f.Key, Tags: f.Tags, Meta: f.Metadata}
	if err := json.Unmarshal(f.Data, &it.State); err != nil {
		return Item[S]{}, false, &CorruptionError{Path: path, Err: err}
	}
	if it.Tags == nil {
		it.Tags = []store.Tag{}
	}
	return it, true, nil
}

// List yields every read model of the projection, one file at a time, in
// the order of their file names (not necessarily the order of keys). The
// file names are listed when iteration begins; a read model deleted
// meanwhile is left out, one created meanwhile may be left out. An error
// ends the sequence: it is yielded once with a zero Item. The sequence
// holds the generation it reads from until iteration ends; break out of
// the loop rather than abandoning a pulled iterator.
func (m *ReadModels[S]) List(ctx context.Context) iter.Seq2[Item[S], error] {
	return func(yield func(Item[S], error) bool) {
		l, err := m.home.acquire()
		if err != nil {
			yield(Item[S]{}, err)
			return
		}
		defer m.home.release(l)
		g := l.g
		if g == nil {
			return
		}
		ents, err := m.home.fsys.ReadDir(filepath.Join(g.dir, stateDir))
		if err != nil {
			if !isNotExist(err) {
				yield(Item[S]{}, fmt.Errorf("projection: list %s: %w", m.Name(), err))
			}
			return
		}
		for _, e := range ents {
			n := e.Name()
			if vfs.IsTemp(n) || !strings.HasSuffix(n, fileExt) {
				continue
			}
			if err := ctx.Err(); err != nil {
				yield(Item[S]{}, err)
				return
			}
			it, ok, err := m.read(g, strings.TrimSuffix(n, fileExt))
			if err != nil {
				yield(Item[S]{}, err)
				return
			}
			if ok && !yield(it, nil) {
				return
			}
		}
	}
}

// Query yields the read models carrying every one of tags (AND), in the
// order of their file names. A tag matches when key and value are equal to
// a tag of the read model, compared exactly: "Full" and "full" are
// different values, as with event tags. At least one tag is required
// (ErrNoTags); a malformed tag yields ErrInvalidTag. Results come from the
// tag index and are checked against each read model's file, so a read
// model always matches its current tags. Errors end the sequence as in List.
func (m *ReadModels[S]) Query(ctx context.Context, tags ...store.Tag) iter.Seq2[Item[S], error] {
	return func(yield func(Item[S], error) bool) {
		if len(tags) == 0 {
			yield(Item[S]{}, ErrNoTags)
			return
		}
		want, err := normalizeTags(tags)
		if err != nil {
			yield(Item[S]{}, err)
			return
		}
		l, err := m.home.acquire()
		if err != nil {
			yield(Item[S]{}, err)
			return
		}
		defer m.home.release(l)
		g := l.g
		if g == nil {
			return
		}
		names, err := m.candidates(g, want)
		if err != nil {
			yield(Item[S]{}, fmt.Errorf("projection: query %s: %w", m.Name(), err))
			return
		}
		for _, n := range names {
			if err := ctx.Err(); err != nil {
				yield(Item[S]{}, err)
				return
			}
			it, ok, err := m.read(g, n)
			if err != nil {
				yield(Item[S]{}, err)
				return
			}
			if !ok || !hasAll(it.Tags, want) {
				continue // a marker not yet removed, or a model deleted meanwhile
			}
			if !yield(it, nil) {
				return
			}
		}
	}
}

// candidates intersects the marker folders of tags, smallest first.
func (m *ReadModels[S]) candidates(g *generation, tags []store.Tag) ([]string, error) {
	sets := make([][]string, 0, len(tags))
	for _, t := range tags {
		ents, err := m.home.fsys.ReadDir(g.tagDir(t))
		if err != nil {
			if isNotExist(err) {
				return nil, nil
			}
			return nil, err
		}
		names := make([]string, 0, len(ents))
		for _, e := range ents {
			if !vfs.IsTemp(e.Name()) {
				names = append(names, e.Name())
			}
		}
		sets = append(sets, names) // ReadDir sorts by name
	}
	slices.SortFunc(sets, func(a, b []string) int { return len(a) - len(b) })
	out := sets[0]
	for _, s := range sets[1:] {
		out = intersectSorted(out, s)
	}
	return out, nil
}

func intersectSorted(a, b []string) []string {
	var out []string
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch c := strings.Compare(a[i], b[j]); {
		case c == 0:
			out = append(out, a[i])
			i++
			j++
		case c < 0:
			i++
		default:
			j++
		}
	}
	return out
}

func hasAll(have, want []store.Tag) bool {
	for _, w := range want {
		if !slices.Contains(have, w) {
			return false
		}
	}
	return true
}
