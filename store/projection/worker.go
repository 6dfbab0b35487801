package projection

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"go.opentelemetry.io/otel/trace"

	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/vfs"
)

// worker runs one projection: it opens its folder, rebuilds when needed,
// then follows the store.
type worker struct {
	r          *Runner
	p          projector
	home       *home
	log        *slog.Logger
	rebuildReq chan string   // a rebuild request and its reason
	headCh     chan struct{} // the store's head moved
	ctl        chan request  // control requests: update, checkpoint, save, delete
	manual     bool          // brought up to date by Runner.Update only

	mu        sync.Mutex
	status    Status
	requested int   // rebuild requests made (Runner.Rebuild's tickets)
	served    int   // requests the finished rebuild attempts covered
	lastErr   error // error of the last rebuild attempt
	covers    int   // requests the running rebuild covers (worker goroutine only)

	// Owned by the worker's goroutine.
	needRebuild string      // why a rebuild is needed; "" when none
	resume      *generation // an interrupted rebuild to continue
	maxGen      uint64      // the highest generation number seen
	crashed     bool        // a failpoint fired: write nothing more
}

var (
	errRebuildRequested = errors.New("projection: rebuild requested")
	errRestart          = errors.New("projection: checkpoint moved; restarting")
)

type delivery struct {
	e   store.StoredEvent
	err error
}

func (w *worker) snapshot() Status {
	w.mu.Lock()
	s := w.status
	w.mu.Unlock()
	if s.State == Standby {
		// Another process updates the read models: report what its files say.
		if c, err := readCurrent(w.r.fsys, w.home.currentPath()); err == nil {
			n, _ := parseGenName(c.Generation)
			if cp, err := readCheckpoint(w.r.fsys, w.home.gen(n).checkpointPath()); err == nil {
				s.Position, s.Generation = cp.Position, c.Generation
			}
		}
	}
	return s
}

func (w *worker) update(f func(s *Status)) {
	w.mu.Lock()
	f(&w.status)
	w.mu.Unlock()
	w.r.notify()
}

// servedRequests returns how many rebuild requests the finished rebuild
// attempts covered, and the error of the last attempt.
func (w *worker) servedRequests() (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.served, w.lastErr
}

// requestRebuild asks for a rebuild and returns its ticket: the request is
// served once servedRequests reaches it. A rebuild covers every request
// made before it starts reading the store (see rebuild), so a request
// that finds one pending already needs nothing more.
func (w *worker) requestRebuild(reason string) int {
	w.mu.Lock()
	w.requested++
	ticket := w.requested
	w.mu.Unlock()
	select {
	case w.rebuildReq <- reason:
	default: // one is pending already
	}
	return ticket
}

func (w *worker) failed(err error) {
	w.log.Error("projection: stopped", "err", err)
	w.update(func(s *Status) { s.State, s.Err = Failed, err })
}

// park waits, after a failure or while a rebuild waits for a request,
// for a rebuild request (true) or the end (false). Control requests get
// the reason the projection is parked.
func (w *worker) park(ctx context.Context) bool {
	for {
		select {
		case <-ctx.Done():
			return false
		case reason := <-w.rebuildReq:
			w.needRebuild = reason
			return true
		case req := <-w.ctl:
			s := w.snapshot()
			err := fmt.Errorf("%w: %s is %s", ErrNotReady, w.p.name(), s.State)
			if s.Err != nil {
				err = fmt.Errorf("%w: %s failed: %w", ErrNotReady, w.p.name(), s.Err)
			}
			req.reply <- reply{err: err}
		}
	}
}

func (w *worker) run(ctx context.Context) {
	defer w.r.wg.Done()
	w.update(func(s *Status) { s.State, s.Err = Starting, nil })
	if err := w.open(ctx); err != nil {
		if ctx.Err() != nil {
			return
		}
		w.failed(err)
		if !w.park(ctx) {
			return
		}
	}
	switch mode := w.r.opts.StartupRebuild; {
	case mode == RebuildAll && w.needRebuild == "":
		w.needRebuild = "every projection rebuilt at start"
	case mode == RebuildNone && w.needRebuild != "" && w.resume == nil:
		reason := w.needRebuild
		w.needRebuild = ""
		w.log.Warn("projection: needs a rebuild; waiting for Runner.Rebuild", "reason", reason)
		w.update(func(s *Status) { s.State, s.Err, s.Rebuild = NeedsRebuild, nil, Progress{Reason: reason} })
		if !w.park(ctx) {
			return
		}
	}
	for ctx.Err() == nil && !w.crashed {
		if w.needRebuild != "" {
			err := w.rebuild(ctx)
			w.mu.Lock()
			w.served = w.covers
			w.lastErr = err
			w.mu.Unlock()
			w.r.notify()
			if err != nil {
				if w.crashed {
					w.update(func(s *Status) { s.State, s.Err = Failed, err })
				}
				if ctx.Err() != nil || w.crashed {
					return
				}
				w.failed(err)
				if !w.park(ctx) {
					return
				}
				continue
			}
		}
		var err error
		if w.manual {
			err = w.idle(ctx)
		} else {
			err = w.live(ctx)
		}
		switch {
		case w.crashed:
			w.update(func(s *Status) { s.State, s.Err = Failed, err })
			return
		case ctx.Err() != nil:
			return
		case errors.Is(err, errRebuildRequested), errors.Is(err, errRestart):
			continue
		case errors.Is(err, errNeedsRebuild):
			w.log.Warn("projection: read models damaged; rebuilding", "err", err)
			w.needRebuild = "read models damaged"
			continue
		}
		w.failed(err)
		if !w.park(ctx) {
			return
		}
	}
}

// open inspects the projection's folder: which generation readers use,
// whether a rebuild is needed or can be resumed, and which leftover
// generations to remove.
func (w *worker) open(ctx context.Context) error {
	h, fsys := w.home, w.r.fsys
	if err := fsys.MkdirAll(h.dir, 0o755); err != nil {
		return fmt.Errorf("projection: create %s: %w", h.dir, err)
	}
	var curNum uint64
	c, err := readCurrent(fsys, h.currentPath())
	switch {
	case err == nil:
		curNum, _ = parseGenName(c.Generation)
	case isNotExist(err):
	default:
		w.log.Warn("projection: current pointer unreadable; rebuilding", "err", err)
	}
	ents, err := fsys.ReadDir(h.dir)
	if err != nil {
		return fmt.Errorf("projection: list %s: %w", h.dir, err)
	}
	var nums []uint64
	for _, e := range ents {
		if n, ok := parseGenName(e.Name()); ok && e.IsDir() {
			nums = append(nums, n)
			w.maxGen = max(w.maxGen, n)
		}
	}
	if curNum != 0 && !slices.Contains(nums, curNum) {
		w.log.Warn("projection: current pointer names a missing generation; rebuilding", "generation", genName(curNum))
		curNum = 0
	}
	w.maxGen = max(w.maxGen, curNum)
	if curNum == 0 {
		w.needRebuild = "no read models yet"
	} else {
		g := h.gen(curNum)
		h.install(g)
		cp, err := readCheckpoint(fsys, g.checkpointPath())
		switch {
		case err != nil:
			w.log.Warn("projection: checkpoint missing or unreadable; rebuilding", "err", err)
			w.needRebuild = "checkpoint missing or unreadable"
		case cp.Version != w.p.version():
			w.needRebuild = fmt.Sprintf("version changed from %d to %d", cp.Version, w.p.version())
		case !cp.Complete:
			w.needRebuild = "current generation incomplete"
		}
		w.update(func(s *Status) { s.Position, s.Generation = cp.Position, genName(curNum) })
	}
	// Newer generations are rebuilds that did not finish: continue the
	// newest one that fits this definition; remove every other leftover.
	slices.Sort(nums)
	slices.Reverse(nums)
	for _, n := range nums {
		if n == curNum {
			continue
		}
		g := h.gen(n)
		if n > curNum && w.resume == nil {
			rc, err := readCheckpoint(fsys, g.checkpointPath())
			if err == nil && rc.Version == w.p.version() && rc.Projection == w.p.name() {
				if rc.Complete {
					// Crashed between the final checkpoint and the switch.
					if err := w.swap(g, rc.Position, nil); err != nil {
						return err
					}
					w.log.Info("projection: finished an interrupted switch to a rebuilt generation", "generation", genName(n))
					w.needRebuild, curNum = "", n
					continue
				}
				w.resume = g
				if w.needRebuild == "" {
					w.needRebuild = "requested before the last stop"
				}
				continue
			}
		}
		removed, err := removeGeneration(fsys, g)
		if err != nil {
			return fmt.Errorf("projection: remove stale generation: %w", err)
		}
		if !removed {
			w.log.Info("projection: a stale generation is still read by another process; removed later", "generation", genName(n))
			continue
		}
		w.log.Info("projection: removed a stale generation", "generation", genName(n))
	}
	if w.resume != nil && w.resume.num < curNum {
		w.resume = nil
	}
	return ctx.Err()
}

// swap makes g the generation readers use: the current file is the
// commit point of a rebuild. The previous generation is removed once its
// last reader is done.
func (w *worker) swap(g *generation, pos store.Position, also func(s *Status)) error {
	c := currentFile{Format: formatVersion, Generation: genName(g.num), Version: w.p.version(), Switched: time.Now().UTC()}
	if err := writeJSONAtomic(w.r.fsys, w.home.currentPath(), c, w.r.opts.NoSync, w.r.opts.WriteProtect); err != nil {
		return err
	}
	w.home.install(g)
	w.update(func(s *Status) {
		s.Position, s.Generation = pos, genName(g.num)
		if also != nil {
			also(s)
		}
	})
	return nil
}

// openCurrent prepares the writer of the current generation for live
// updates: it checks the generation, repairs it after an unclean stop and
// marks its checkpoint as in use (not clean).
func (w *worker) openCurrent(ctx context.Context) (*writer, checkpointFile, error) {
	r, g := w.r, w.home.current()
	wr := newWriter(w.p, r.st, r.fsys, w.log, g, r.opts.NoSync)
	wr.protect = r.opts.WriteProtect
	cp, err := readCheckpoint(r.fsys, g.checkpointPath())
	if err != nil {
		return nil, cp, fmt.Errorf("%w: %v", errNeedsRebuild, err)
	}
	if ok, err := existsDir(r.fsys, filepath.Join(g.dir, stateDir)); err != nil {
		return nil, cp, err
	} else if !ok {
		return nil, cp, fmt.Errorf("%w: %s is missing", errNeedsRebuild, filepath.Join(g.dir, stateDir))
	}
	if err := wr.readersLock(); err != nil {
		return nil, cp, err
	}
	if !cp.Clean {
		n, err := wr.repair(ctx)
		if err != nil {
			return nil, cp, err
		}
		w.log.Info("projection: checked read models after an unclean stop", "fixes", n)
	} else if err := wr.loadTombstones(); err != nil {
		if errors.Is(err, ErrCorrupt) {
			return nil, cp, fmt.Errorf("%w: %v", errNeedsRebuild, err)
		}
		return nil, cp, err
	}
	if err := wr.writeCheckpoint(cp.Position, true, false, r.opts.NoSync); err != nil {
		return nil, cp, err
	}
	return wr, cp, nil
}

// stopClean makes the generation durable and marks its checkpoint clean,
// so that the next start needs no repair.
func (w *worker) stopClean(wr *writer, applied store.Position) {
	r := w.r
	if !r.opts.NoSync {
		if serr := vfs.SyncTree(r.fsys, wr.g.dir); serr != nil {
			w.log.Warn("projection: sync on stop failed", "err", serr)
			return
		}
	}
	if cerr := wr.writeCheckpoint(applied, true, true, r.opts.NoSync); cerr != nil {
		w.log.Warn("projection: checkpoint on stop failed", "err", cerr)
		return
	}
	wr.collectTombstones(applied)
}

// live catches up from the current generation's checkpoint and follows the
// store until ctx ends, a rebuild is requested or an error stops it.
func (w *worker) live(ctx context.Context) (err error) {
	wr, cp, err := w.openCurrent(ctx)
	if err != nil {
		return err
	}
	l := &liveRun{w: w, wr: wr, applied: cp.Position, lastWrite: time.Now(), clean: true}
	w.update(func(s *Status) { s.State, s.Err, s.Position = Live, nil, l.applied })
	stop := l.subscribe(ctx)
	defer func() {
		stop()
		if w.crashed || !l.clean {
			return
		}
		w.stopClean(wr, l.applied)
	}()
	return l.loop(ctx)
}

// liveRun is one run of a projection's live loop: the subscription's
// deliveries, the position the read models reflect (applied) and when the
// checkpoint was last written.
type liveRun struct {
	w         *worker
	wr        *writer
	events    chan delivery
	applied   store.Position
	lastWrite time.Time
	// tick fires when a checkpoint held back by CheckpointInterval is due.
	tick <-chan time.Time
	// clean is false once the files may be inconsistent: a stop must not
	// mark them clean.
	clean bool
	batch []store.StoredEvent
}

// subscribe starts delivering the events the projection consumes after
// l.applied; the function it returns stops the subscription and waits for
// it.
func (l *liveRun) subscribe(ctx context.Context) (stop func()) {
	r := l.w.r
	subCtx, cancel := context.WithCancel(ctx)
	l.events = make(chan delivery, r.opts.BatchSize)
	subDone := make(chan struct{})
	from := l.applied
	go func() {
		defer close(subDone)
		for e, err := range r.st.Subscribe(subCtx, l.w.p.query(), from) {
			select {
			case l.events <- delivery{e, err}:
			case <-subCtx.Done():
				return
			}
			if err != nil {
				return
			}
		}
	}()
	return func() {
		cancel()
		<-subDone
	}
}

// loop serves the live projection until its context ends, a rebuild or a
// restart is asked for, or an error stops it.
func (l *liveRun) loop(ctx context.Context) error {
	w := l.w
	l.batch = make([]store.StoredEvent, 0, w.r.opts.BatchSize)
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case reason := <-w.rebuildReq:
			w.needRebuild = reason
			return errRebuildRequested
		case <-w.headCh:
			if err := l.advance(ctx); err != nil {
				return err
			}
		case <-l.tick:
			l.tick = nil
			if err := l.show(l.applied); err != nil {
				return err
			}
		case req := <-w.ctl:
			restart, err := w.serve(ctx, req, l.wr, &l.applied)
			if err != nil {
				l.clean = false
				return err
			}
			if restart {
				return errRestart
			}
		case d := <-l.events:
			stop := l.gather(d)
			if err := l.applyBatch(ctx); err != nil {
				return err
			}
			if stop != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				return fmt.Errorf("projection: subscription: %w", stop)
			}
			// The head signal may have come before these events.
			if err := l.advance(ctx); err != nil {
				return err
			}
		}
	}
}

// show makes the read models' position p visible (Status, WaitFor). The
// checkpoint only bounds what a restart delivers again (each read model
// records its own position), so it is written at most once per
// CheckpointInterval, and on stop. A checkpoint not written for that
// reason is written when the interval has passed (tick), also if no event
// comes meanwhile: readers in other processes (and standing-by runners)
// learn from it which events the read models reflect.
func (l *liveRun) show(p store.Position) error {
	r := l.w.r
	l.applied = p
	l.w.update(func(s *Status) { s.Position = l.applied })
	if wait := r.opts.CheckpointInterval - time.Since(l.lastWrite); wait > 0 {
		if l.tick == nil {
			l.tick = time.After(wait)
		}
		return nil
	}
	l.tick = nil
	if err := l.wr.writeCheckpoint(l.applied, true, false, r.opts.NoSync); err != nil {
		l.clean = false
		return err
	}
	l.lastWrite = time.Now()
	l.wr.collectTombstones(l.applied)
	l.w.home.sweep()
	return nil
}

// advance moves the checkpoint to the store's head when no event this
// projection consumes is pending: every event up to the head seen by the
// watcher is committed, so if the newest matching event is applied
// already, none of the others up to the head concern this projection.
func (l *liveRun) advance(ctx context.Context) error {
	r := l.w.r
	h := store.Position(r.head.Load())
	if h <= l.applied || len(l.events) > 0 {
		return nil
	}
	last, err := r.st.ReadLast(ctx, l.w.p.query())
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		l.w.log.Warn("projection: read last failed", "err", err)
		return nil
	}
	if last != nil && last.Position > l.applied {
		return nil // on its way through the subscription
	}
	return l.show(h)
}

// gather fills l.batch with the delivery d and the deliveries already
// waiting, up to BatchSize. It returns the subscription's error, if one
// ended the batch.
func (l *liveRun) gather(d delivery) (stop error) {
	l.batch = l.batch[:0]
	if d.err != nil {
		return d.err
	}
	l.batch = append(l.batch, d.e)
	for len(l.batch) < l.w.r.opts.BatchSize {
		select {
		case d := <-l.events:
			if d.err != nil {
				return d.err
			}
			l.batch = append(l.batch, d.e)
		default:
			return nil
		}
	}
	return nil
}

// applyBatch folds the events of l.batch not applied yet, writes the read
// models and shows their new position.
func (l *liveRun) applyBatch(ctx context.Context) error {
	w := l.w
	last := l.applied
	upd := w.r.tel.startUpdate(ctx, w.p.name(), len(l.batch))
	for _, e := range l.batch {
		if e.Position <= l.applied {
			continue
		}
		if err := l.wr.apply(ctx, e); err != nil {
			l.wr.discard()
			upd.end(err)
			return err
		}
		last = e.Position
	}
	if last > l.applied {
		if err := l.wr.flush(); err != nil {
			var fe *FoldError
			if !errors.As(err, &fe) {
				l.clean = false // some files may be written
			}
			upd.end(err)
			return err
		}
		if err := w.r.fail(w.p.name(), "live:after-state"); err != nil {
			w.crashed = true
			upd.end(err)
			return err
		}
		if err := l.show(last); err != nil {
			upd.end(err)
			return err
		}
	}
	upd.end(nil)
	return nil
}

// rebuild builds the read models from the first event (or resumes an
// interrupted rebuild) into a new generation, then swaps it in, in a span
// named opossum.projection.rebuild.
func (w *worker) rebuild(ctx context.Context) (err error) {
	r := w.r
	reason := w.needRebuild
	ctx, span := r.tracer.Start(ctx, "opossum.projection.rebuild", trace.WithAttributes(
		attrProjection.String(w.p.name()), attrReason.String(reason)))
	defer func() {
		s := w.snapshot()
		span.SetAttributes(attrResumed.Bool(s.Rebuild.Resumed), attrFrom.Int64(int64(s.Rebuild.From)),
			attrEvents.Int(s.Rebuild.Events))
		finish(span, err) // error.type only: a fold error names a key
	}()
	w.update(func(s *Status) {
		s.State, s.Err = Queued, nil
		s.Rebuild = Progress{Reason: reason}
	})
	select {
	case r.sem <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-r.sem }()
	// A request that arrived while queued is served by this rebuild, and
	// so is every request made before it reads the store: those are its
	// tickets. One made after the channel was drained stays in it, or is
	// counted here, or both (then one rebuild more runs): none is lost.
	select {
	case <-w.rebuildReq:
	default:
	}
	w.mu.Lock()
	w.covers = w.requested
	w.mu.Unlock()
	g, wr, from, resumed, err := w.rebuildGeneration(ctx)
	if err != nil {
		return err
	}
	started := time.Now()
	w.update(func(s *Status) {
		s.State = Rebuilding
		s.Rebuild = Progress{Reason: reason, Resumed: resumed, From: from, Position: from, Started: started}
	})
	w.log.Info("projection: rebuilding", "reason", reason, "generation", genName(g.num), "from", from)
	pos, events, err := w.replay(ctx, wr, from, started)
	if err != nil {
		return err
	}
	if err := w.completeRebuild(g, wr, pos, events); err != nil {
		return err
	}
	w.needRebuild = ""
	took := time.Since(started)
	w.log.Info("projection: rebuild complete", "generation", genName(g.num), "position", pos,
		"events", events, "events_per_second", rate(events, took), "took", took.Round(time.Millisecond))
	return nil
}

// rebuildGeneration returns the generation a rebuild writes into: the
// interrupted rebuild's, repaired, to resume from its checkpoint, or a new
// empty one.
func (w *worker) rebuildGeneration(ctx context.Context) (g *generation, wr *writer, from store.Position, resumed bool, err error) {
	r := w.r
	if w.resume != nil {
		g, w.resume = w.resume, nil
		wr = newWriter(w.p, r.st, r.fsys, w.log, g, true)
		wr.protect = r.opts.WriteProtect
		cp, err := readCheckpoint(r.fsys, g.checkpointPath())
		if err == nil {
			var n int
			n, err = wr.repair(ctx)
			if err == nil {
				w.log.Info("projection: resuming an interrupted rebuild", "generation", genName(g.num), "from", cp.Position, "fixes", n)
				return g, wr, cp.Position, true, nil
			}
		}
		if ctx.Err() != nil {
			return nil, nil, 0, false, ctx.Err()
		}
		w.log.Warn("projection: cannot resume the interrupted rebuild; starting over", "err", err)
		if err := removeAll(r.fsys, g.dir); err != nil {
			return nil, nil, 0, false, err
		}
	}
	w.maxGen++
	g = w.home.gen(w.maxGen)
	if err := removeAll(r.fsys, g.dir); err != nil {
		return nil, nil, 0, false, err
	}
	wr = newWriter(w.p, r.st, r.fsys, w.log, g, true)
	wr.protect = r.opts.WriteProtect
	if err := wr.prepare(); err != nil {
		return nil, nil, 0, false, err
	}
	if err := wr.writeCheckpoint(0, false, false, r.opts.NoSync); err != nil {
		return nil, nil, 0, false, err
	}
	return g, wr, 0, false, nil
}

// replay applies the projection's events after from to the generation,
// flushing every RebuildFlushEvery events, until a pass finds no more than
// a batch to do (the rest is caught up live). It returns the position
// reached and the number of events applied.
func (w *worker) replay(ctx context.Context, wr *writer, from store.Position, started time.Time) (pos store.Position, events int, err error) {
	r := w.r
	pos = from
	for {
		target, err := r.st.Head(ctx)
		if err != nil {
			return pos, events, err
		}
		w.update(func(s *Status) { s.Rebuild.Target = target })
		n := 0
		for e, err := range r.st.Read(ctx, w.p.query(), store.After(pos)) {
			if err != nil {
				return pos, events, err
			}
			if err := wr.apply(ctx, e); err != nil {
				return pos, events, err
			}
			pos = e.Position
			n++
			events++
			if wr.events >= r.opts.RebuildFlushEvery {
				if err := w.flushRebuild(wr, pos); err != nil {
					return pos, events, err
				}
				took := time.Since(started)
				w.log.Info("projection: rebuild progress", "events", events, "position", pos, "target", target,
					"events_per_second", rate(events, took), "elapsed", took.Round(time.Millisecond))
			}
			if events%512 == 0 {
				w.update(func(s *Status) { s.Rebuild.Position, s.Rebuild.Events = pos, events })
			}
		}
		pos = max(pos, target)
		if n <= r.opts.BatchSize {
			return pos, events, nil
		}
	}
}

// completeRebuild flushes the generation, marks its checkpoint complete
// and swaps it in.
func (w *worker) completeRebuild(g *generation, wr *writer, pos store.Position, events int) error {
	r := w.r
	if err := w.flushRebuild(wr, pos); err != nil {
		return err
	}
	if err := r.fail(w.p.name(), "rebuild:before-complete"); err != nil {
		w.crashed = true
		return err
	}
	if err := wr.writeCheckpoint(pos, true, true, r.opts.NoSync); err != nil {
		return err
	}
	if err := r.fail(w.p.name(), "rebuild:before-swap"); err != nil {
		w.crashed = true
		return err
	}
	if err := w.swap(g, pos, func(s *Status) {
		s.Rebuild.Position, s.Rebuild.Events, s.Rebuild.Finished = pos, events, time.Now()
		s.Rebuilds++
		s.State = Live
	}); err != nil {
		return err
	}
	return r.fail(w.p.name(), "rebuild:after-swap")
}

// rate is events per second, rounded.
func rate(events int, d time.Duration) int64 {
	if d <= 0 {
		return 0
	}
	return int64(float64(events) / d.Seconds())
}

// flushRebuild writes a rebuild's batch and a durable progress point: the
// files first (unsynced), then one sync of the generation, then its
// checkpoint. A crash resumes from the last progress point; instances
// written after it carry their own positions, so nothing is applied twice.
func (w *worker) flushRebuild(wr *writer, pos store.Position) error {
	if err := wr.flush(); err != nil {
		return err
	}
	if !w.r.opts.NoSync {
		if err := vfs.SyncTree(w.r.fsys, wr.g.dir); err != nil {
			return err
		}
	}
	if err := w.r.fail(w.p.name(), "rebuild:before-progress"); err != nil {
		w.crashed = true
		return err
	}
	if err := wr.writeCheckpoint(pos, false, false, w.r.opts.NoSync); err != nil {
		return err
	}
	wr.collectTombstones(pos)
	w.update(func(s *Status) { s.Rebuild.Position = pos })
	return nil
}
