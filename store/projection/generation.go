package projection

import (
	"log/slog"
	"path/filepath"
	"sync"

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

func (g *generation) tagDir(t store.Tag) string {
	return filepath.Join(g.dir, tagsDir, encodeName(t.Key), encodeName(t.Value))
}

func (g *generation) markerPath(t store.Tag, name string) string {
	return filepath.Join(g.tagDir(t), name)
}

// home is the folder of one projection and the generation its readers use.
// Readers take a reference on the current generation for the length of a
// call or an iteration; a generation replaced by a rebuild is removed when
// its last reader lets go, so a reader never sees files vanish under it.
type home struct {
	name string
	dir  string
	fsys vfs.FS
	log  *slog.Logger

	mu      sync.Mutex
	cur     *generation
	refs    map[*generation]int
	retired map[*generation]bool
}

func newHome(name, dir string, fsys vfs.FS, log *slog.Logger) *home {
	return &home{name: name, dir: dir, fsys: fsys, log: log, refs: map[*generation]int{}, retired: map[*generation]bool{}}
}

func (h *home) currentPath() string { return filepath.Join(h.dir, currentName) }

func (h *home) gen(n uint64) *generation {
	return &generation{num: n, dir: filepath.Join(h.dir, genName(n))}
}

// acquire returns the current generation with a reference held, or nil
// when the projection has no complete generation yet.
func (h *home) acquire() *generation {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.cur != nil {
		h.refs[h.cur]++
	}
	return h.cur
}

// release drops a reference taken by acquire.
func (h *home) release(g *generation) {
	if g == nil {
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

func (h *home) remove(g *generation) {
	if err := removeAll(h.fsys, g.dir); err != nil {
		h.log.Warn("projection: could not remove an old generation; it is removed on the next start",
			"projection", h.name, "dir", g.dir, "err", err)
		return
	}
	h.log.Debug("projection: removed old generation", "projection", h.name, "dir", g.dir)
}
