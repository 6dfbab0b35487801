package projection

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"

	"github.com/gofrs/flock"

	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/vfs"
)

// generation is one complete set of read models of a projection: a folder
// g<number> holding state files, tombstones, the tag index and the
// checkpoint. Readers use the generation named by the projection's current
// file; a rebuild fills the next one and then switches current to it.
type generation struct {
	num uint64
	dir string
}

func (g *generation) statePath(name string) string {
	return filepath.Join(g.dir, stateDir, name+fileExt)
}

func (g *generation) tombPath(name string) string {
	return filepath.Join(g.dir, deletedDir, name+fileExt)
}

func (g *generation) checkpointPath() string { return filepath.Join(g.dir, checkpointName) }

// readersPath is the lock file readers in other processes share while they
// read the generation.
func (g *generation) readersPath() string { return filepath.Join(g.dir, readersName) }

func (g *generation) tagDir(t store.Tag) string {
	return filepath.Join(g.dir, tagsDir, encodeName(t.Key), encodeName(t.Value))
}

func (g *generation) markerPath(t store.Tag, name string) string {
	return filepath.Join(g.tagDir(t), name)
}

// home is the folder of one projection and the generation its readers use.
// Readers take a lease on the current generation for the length of a call
// or an iteration, so that a reader never sees files vanish under it:
//
//   - In this process, a lease is a reference count: a generation replaced
//     by a rebuild is removed when its last reader lets go.
//   - Across processes (a home that follows the disk: a reader opened with
//     OpenReadModels, or a runner standing by), a lease is a shared lock on
//     the generation's reader lock file, taken after reading the current
//     file and kept only if current still names that generation. Whoever
//     removes a generation takes the exclusive lock first and leaves the
//     generation in place while any reader holds it; it is removed later
//     (sweep) or on the next start.
type home struct {
	name   string
	dir    string
	fsys   vfs.FS
	log    *slog.Logger
	follow bool // readers follow the current file on disk

	mu      sync.Mutex
	cur     *generation
	refs    map[*generation]int
	retired map[*generation]bool
	pending []*generation // replaced, but a reader in another process held them
}

func newHome(name, dir string, fsys vfs.FS, log *slog.Logger) *home {
	return &home{name: name, dir: dir, fsys: fsys, log: log, refs: map[*generation]int{}, retired: map[*generation]bool{}}
}

func (h *home) currentPath() string { return filepath.Join(h.dir, currentName) }

func (h *home) gen(n uint64) *generation {
	return &generation{num: n, dir: filepath.Join(h.dir, genName(n))}
}

// lease is a reader's hold on a generation.
type lease struct {
	g  *generation
	fl *flock.Flock // the shared lock of a reader following the disk
}

// acquire returns the current generation with a lease held; its g is nil
// when the projection has no complete generation yet.
func (h *home) acquire() (lease, error) {
	if h.follow {
		return h.acquireShared()
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.cur != nil {
		h.refs[h.cur]++
	}
	return lease{g: h.cur}, nil
}

// acquireShared reads the current file and locks the generation it names
// for reading, retrying when a rebuild switched generations meanwhile.
func (h *home) acquireShared() (lease, error) {
	for range 100 {
		c, err := readCurrent(h.fsys, h.currentPath())
		if isNotExist(err) {
			return lease{}, nil
		}
		if err != nil {
			return lease{}, err
		}
		n, _ := parseGenName(c.Generation)
		g := h.gen(n)
		fl := flock.New(g.readersPath(), flock.SetFlag(os.O_RDONLY))
		if err := fl.RLock(); err != nil {
			_ = fl.Close()
			if !isNotExist(err) {
				return lease{}, fmt.Errorf("projection: lock %s: %w", g.readersPath(), err)
			}
			fl = nil // removed meanwhile, or written before reader locks existed
		}
		again, err := readCurrent(h.fsys, h.currentPath())
		if err == nil && again.Generation == c.Generation {
			if ok, _ := existsDir(h.fsys, g.dir); ok {
				return lease{g: g, fl: fl}, nil
			}
		}
		if fl != nil {
			_ = fl.Close()
		}
	}
	return lease{}, fmt.Errorf("projection: %s: the current generation kept changing while a reader tried to lock it", h.name)
}

// release drops a lease taken by acquire.
func (h *home) release(l lease) {
	if l.fl != nil {
		_ = l.fl.Close()
		return
	}
	g := l.g
	if g == nil || h.follow {
		return
	}
	h.mu.Lock()
	h.refs[g]--
	drop := h.refs[g] == 0 && h.retired[g]
	if h.refs[g] == 0 {
		delete(h.refs, g)
	}
	if drop {
		delete(h.retired, g)
	}
	h.mu.Unlock()
	if drop {
		h.remove(g)
	}
}

// install makes g the generation readers use (its current file must
// already be written) and retires the previous one.
func (h *home) install(g *generation) {
	h.mu.Lock()
	old := h.cur
	if old != nil && old.num == g.num {
		h.mu.Unlock()
		return
	}
	h.cur = g
	drop := false
	if old != nil && old != g {
		if h.refs[old] == 0 {
			drop = true
		} else {
			h.retired[old] = true
		}
	}
	h.mu.Unlock()
	if drop {
		h.remove(old)
	}
}

func (h *home) current() *generation {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.cur
}

// remove removes a generation no reader of this process uses, unless a
// reader in another process holds it: then it is left for sweep.
func (h *home) remove(g *generation) {
	removed, err := removeGeneration(h.fsys, g)
	switch {
	case err != nil:
		h.log.Warn("projection: could not remove an old generation; it is removed on the next start",
			"projection", h.name, "dir", g.dir, "err", err)
	case !removed:
		h.mu.Lock()
		h.pending = append(h.pending, g)
		h.mu.Unlock()
		h.log.Debug("projection: old generation still read by another process; removed later", "projection", h.name, "dir", g.dir)
	default:
		h.log.Debug("projection: removed old generation", "projection", h.name, "dir", g.dir)
	}
}

// sweep tries again to remove the generations that readers in other
// processes held when they were replaced.
func (h *home) sweep() {
	h.mu.Lock()
	gs := h.pending
	h.pending = nil
	h.mu.Unlock()
	for _, g := range gs {
		h.remove(g)
	}
}

// removeGeneration removes g's folder under the exclusive reader lock. It
// returns false, and removes nothing, while a reader holds the lock.
func removeGeneration(fsys vfs.FS, g *generation) (bool, error) {
	if ok, err := existsDir(fsys, g.dir); err != nil || !ok {
		return err == nil, err
	}
	fl := flock.New(g.readersPath())
	ok, err := fl.TryLock()
	if err != nil {
		return false, fmt.Errorf("projection: lock %s: %w", g.readersPath(), err)
	}
	if !ok {
		return false, nil
	}
	defer fl.Close()
	return true, removeAll(fsys, g.dir)
}
