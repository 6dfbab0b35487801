package projection

import (
	"fmt"
	"log/slog"
	"path/filepath"

	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/vfs"
)

// OpenReadModels returns a read-only reader of the read models of the
// projection named name, kept in dir: the Options.Dir of the runner that
// writes them ("projections" in the file store's folder by default).
//
// The reader works from any process, also while a runner in another
// process updates or rebuilds the projection, and needs neither the event
// store nor the runner's lock. Every Get, List and Query reads the
// generation the projection's current file names, under a shared lock
// that keeps that generation on disk until the call (or the iteration)
// ends, so one List or Query never mixes generations; each read model is
// read from one file written atomically, so a read never sees a
// half-written model. Reads are as fresh as the runner's last flushed
// batch; Position says which events they reflect.
//
// S is the projection's state type; json.RawMessage reads any projection.
// The reader writes nothing. Before the projection's first build, Get
// returns ErrNotFound and List and Query yield nothing. Errors:
// ErrInvalidDefinition for a name a Definition could not have.
func OpenReadModels[S any](dir, name string) (*ReadModels[S], error) {
	if !validName(name) {
		return nil, fmt.Errorf("%w: name %q", ErrInvalidDefinition, name)
	}
	h := newHome(name, filepath.Join(dir, name), vfs.OSFS(), slog.New(slog.DiscardHandler))
	h.follow = true
	return &ReadModels[S]{home: h, def: typed[S]{d: Definition[S]{Name: name}}}, nil
}

// Position returns the position of the last event the read models that
// reads return reflect: the checkpoint of the projection's current
// generation, as last written. The runner writes it at least once per
// Options.CheckpointInterval while it runs, so it may lag behind the read
// models by that much, never run ahead of them. It is 0 before the first
// build.
func (m *ReadModels[S]) Position() (store.Position, error) {
	l, err := m.home.acquire()
	if err != nil {
		return 0, err
	}
	defer m.home.release(l)
	if l.g == nil {
		return 0, nil
	}
	cp, err := readCheckpoint(m.home.fsys, l.g.checkpointPath())
	if err != nil {
		return 0, fmt.Errorf("projection: %s: %w", m.Name(), err)
	}
	return cp.Position, nil
}
