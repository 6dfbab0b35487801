package projection

import (
	"context"
	"fmt"
	"time"

	"github.com/opossum-go/opossum/store"
)

// RebuildMode says which projections a runner rebuilds when it starts
// (Options.StartupRebuild).
type RebuildMode int

const (
	// RebuildMissing, the default, rebuilds the projections that must be
	// rebuilt before they can follow the store: those with no complete read
	// models yet, those whose definition's Version changed and those whose
	// files are damaged.
	RebuildMissing RebuildMode = iota
	// RebuildNone rebuilds nothing at start. A projection that would need a
	// rebuild waits in the NeedsRebuild state, its readers keeping the read
	// models they have, until Runner.Rebuild names it. A rebuild that a
	// crash interrupted is still completed.
	RebuildNone
	// RebuildAll rebuilds every projection at start, as Runner.Rebuild
	// would, readers keeping the previous read models until each new set is
	// complete.
	RebuildAll
)

func (m RebuildMode) String() string {
	switch m {
	case RebuildMissing:
		return "missing"
	case RebuildNone:
		return "none"
	case RebuildAll:
		return "all"
	}
	return fmt.Sprintf("RebuildMode(%d)", int(m))
}

// RegisterOption changes how the runner drives one projection.
type RegisterOption func(*worker)

// Manual makes the runner leave the projection alone between calls of
// Runner.Update: it does not follow the store, so its read models stay
// as they are (State Idle) until an operator or a job brings them up to
// date. A startup rebuild still applies (Options.StartupRebuild), and
// Runner.Rebuild rebuilds it up to the store's head.
func Manual() RegisterOption { return func(w *worker) { w.manual = true } }

// request is a control request served by a projection's goroutine between
// two batches, so that it never races the runner's own writes.
type request struct {
	op    string // "update", "checkpoint", "save", "delete"
	pos   store.Position
	key   string
	state any // *S for "save"
	reply chan reply
}

type reply struct {
	pos    store.Position
	events int
	err    error
}

// send hands req to the named projection's goroutine and waits for the
// answer.
func (r *Runner) send(ctx context.Context, name string, req request) (reply, error) {
	w, err := r.worker(name)
	if err != nil {
		return reply{}, err
	}
	return w.send(ctx, req)
}

func (w *worker) send(ctx context.Context, req request) (reply, error) {
	r := w.r
	r.mu.Lock()
	closed, started, done := r.closed, r.started, r.done
	r.mu.Unlock()
	switch {
	case closed:
		return reply{}, ErrClosed
	case !started:
		return reply{}, ErrNotStarted
	case !r.leader.Load():
		return reply{}, ErrStandby
	}
	req.reply = make(chan reply, 1)
	select {
	case w.ctl <- req:
	case <-ctx.Done():
		return reply{}, ctx.Err()
	case <-done:
		return reply{}, ErrClosed
	}
	select {
	case rep := <-req.reply:
		return rep, rep.err
	case <-done:
		return reply{}, ErrClosed
	}
}

// Update brings the named projection up to the store's head now and
// returns the position its read models then reflect. It is how a Manual
// projection is updated; for a projection that follows the store it waits
// until the projection has reached the head (WaitFor). Errors:
// ErrUnknownProjection, ErrNotStarted, ErrStandby, ErrClosed, ErrNotReady
// (a failed projection, or one waiting for a rebuild), a *FoldError, or
// ctx.Err().
func (r *Runner) Update(ctx context.Context, name string) (store.Position, error) {
	w, err := r.worker(name)
	if err != nil {
		return 0, err
	}
	if !w.manual {
		h, err := r.st.Head(ctx)
		if err != nil {
			return 0, err
		}
		if err := r.WaitFor(ctx, name, h); err != nil {
			return 0, err
		}
		return w.snapshot().Position, nil
	}
	rep, err := w.send(ctx, request{op: "update"})
	return rep.pos, err
}

// SaveCheckpoint sets the position the named projection's read models are
// taken to reflect, as an operator does to skip events (a position ahead)
// or to have events delivered again (a position behind). The runner then
// continues after that position. Moving it back does not apply an event
// twice to a read model: each read model records the position of the last
// event applied to it, so only instances that have not seen an event get
// it; to recompute everything, Rebuild. The position must not be beyond
// the store's head. Errors: as Update, and ErrInvalidOption for a position
// beyond the head.
func (r *Runner) SaveCheckpoint(ctx context.Context, name string, p store.Position) error {
	h, err := r.st.Head(ctx)
	if err != nil {
		return err
	}
	if p > h {
		return fmt.Errorf("%w: checkpoint %d is beyond the store's head %d", ErrInvalidOption, p, h)
	}
	_, err = r.send(ctx, name, request{op: "checkpoint", pos: p})
	return err
}

// Save replaces the read model with key by state, or creates it, as an
// administrator's correction: its tags are computed from state by the
// definition, its metadata version is incremented, and it keeps the
// position of the last event applied to it (the projection's checkpoint
// for a new one), so that later events are applied to the saved state.
// A rebuild recomputes it from the events. It is served between two
// batches of the runner, never in the middle of one. Errors: ErrReadOnly
// for a reader from OpenReadModels, ErrStandby, ErrNotReady, ErrClosed,
// ErrNotStarted, ErrInvalidTag, ctx.Err().
func (m *ReadModels[S]) Save(ctx context.Context, key string, state S) error {
	if m.w == nil {
		return ErrReadOnly
	}
	if key == "" {
		return fmt.Errorf("%w: empty key", ErrInvalidOption)
	}
	_, err := m.w.send(ctx, request{op: "save", key: key, state: &state})
	return err
}

// Delete removes the read model with key, as an administrator's
// correction; ErrNotFound when there is none. The next event for the key
// starts a new instance; a rebuild recomputes it from the events. Errors
// as Save.
func (m *ReadModels[S]) Delete(ctx context.Context, key string) error {
	if m.w == nil {
		return ErrReadOnly
	}
	_, err := m.w.send(ctx, request{op: "delete", key: key})
	return err
}

// serve runs a control request on the projection's goroutine, with the
// writer of its current generation; applied is the position the read
// models reflect. restart asks the caller to follow the store again from
// the checkpoint.
func (w *worker) serve(ctx context.Context, req request, wr *writer, applied *store.Position) (restart bool, err error) {
	rep := reply{}
	defer func() {
		if err != nil && rep.err == nil {
			rep.err = err
		}
		req.reply <- rep
	}()
	r := w.r
	switch req.op {
	case "update":
		pos, n, err := w.catchUp(ctx, wr, *applied)
		if err != nil {
			rep.err = err
			var fe *FoldError
			if asFold(err, &fe) {
				return false, nil // nothing written; the read models stay as they were
			}
			return false, err
		}
		*applied = pos
		if err := wr.writeCheckpoint(pos, true, false, r.opts.NoSync); err != nil {
			return false, err
		}
		wr.collectTombstones(pos)
		w.update(func(s *Status) { s.Position = pos })
		rep.pos, rep.events = pos, n
		return false, nil
	case "checkpoint":
		if err := wr.writeCheckpoint(req.pos, true, false, r.opts.NoSync); err != nil {
			return false, err
		}
		w.log.Info("projection: checkpoint saved by hand", "from", *applied, "to", req.pos)
		*applied = req.pos
		w.update(func(s *Status) { s.Position = req.pos })
		rep.pos = req.pos
		return true, nil
	case "save", "delete":
		in, err := wr.load(req.key)
		if err != nil {
			return false, err
		}
		if req.op == "delete" {
			if in.state == nil {
				rep.err = fmt.Errorf("%w: %s %q", ErrNotFound, w.p.name(), req.key)
				return false, nil
			}
			in.state = nil
		} else {
			now := time.Now().UTC()
			if in.state == nil {
				in.meta.Created, in.meta.Version = now, 0
			}
			in.meta.Version++
			in.meta.Updated = now
			in.meta.Position = max(in.meta.Position, *applied)
			if in.meta.Position == 0 {
				wr.discard()
				rep.err = fmt.Errorf("%w: %s has applied no event yet", ErrNotReady, w.p.name())
				return false, nil
			}
			in.state = req.state
		}
		in.dirty = true
		if err := wr.flush(); err != nil {
			wr.discard()
			var fe *FoldError
			if asFold(err, &fe) {
				rep.err = fe.Err // an invalid tag or an unencodable state: nothing written
				return false, nil
			}
			return false, err
		}
		w.log.Info("projection: read model "+req.op+"d by hand", "key", req.key)
		rep.pos = *applied
		return false, nil
	}
	return false, fmt.Errorf("projection: unknown request %q", req.op)
}

// catchUp applies the events after from up to the store's head, flushing
// every BatchSize events, and returns the position reached.
func (w *worker) catchUp(ctx context.Context, wr *writer, from store.Position) (store.Position, int, error) {
	r := w.r
	head, err := r.st.Head(ctx)
	if err != nil {
		return from, 0, err
	}
	pos, n := from, 0
	for e, err := range r.st.Read(ctx, w.p.query(), store.After(from)) {
		if err != nil {
			wr.discard()
			return from, 0, err
		}
		if e.Position > head {
			break
		}
		if err := wr.apply(ctx, e); err != nil {
			wr.discard()
			return pos, n, err
		}
		pos = e.Position
		n++
		if wr.events >= r.opts.BatchSize {
			if err := wr.flush(); err != nil {
				return pos, n, err
			}
		}
	}
	if err := wr.flush(); err != nil {
		return pos, n, err
	}
	return max(pos, head), n, nil
}

// idle serves a Manual projection: it waits for control requests, rebuild
// requests or the end, and never follows the store by itself.
func (w *worker) idle(ctx context.Context) error {
	wr, cp, err := w.openCurrent(ctx)
	if err != nil {
		return err
	}
	applied := cp.Position
	w.update(func(s *Status) { s.State, s.Err, s.Position = Idle, nil, applied })
	clean := true
	defer func() {
		if clean && !w.crashed {
			w.stopClean(wr, applied)
		}
	}()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case reason := <-w.rebuildReq:
			w.needRebuild = reason
			return errRebuildRequested
		case req := <-w.ctl:
			if _, err := w.serve(ctx, req, wr, &applied); err != nil {
				clean = false
				return err
			}
		}
	}
}
