package projection

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gofrs/flock"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/vfs"
)

// Options configure a Runner. The zero value (and a nil *Options) is safe
// and durable, except that Dir is required for stores that have no folder.
type Options struct {
	// Dir is the folder holding one subfolder per projection. Empty means
	// "projections" inside the event store's folder, for stores with a
	// Dir() method (the file store); it is required otherwise.
	Dir string

	// NoSync skips every fsync of read-model files, checkpoints and the
	// current pointer, like the event store's option of the same name: a
	// process crash still loses nothing and never mixes generations, but a
	// power loss may lose the latest updates, which are re-derived from the
	// events on the next start, or (rarely) leave damaged files, which
	// triggers a rebuild. For tests and bulk loads. Default false: durable.
	NoSync bool

	// MaxParallelRebuilds bounds how many projections rebuild at the same
	// time; the others wait in the Queued state. Zero means 4.
	MaxParallelRebuilds int

	// BatchSize caps the events applied between two flushes of live
	// updates. Zero means 1000.
	BatchSize int

	// RebuildFlushEvery is how many events a rebuild applies between two
	// durable progress points; a rebuild interrupted by a crash resumes
	// from the last one. Zero means 10,000.
	RebuildFlushEvery int

	// CheckpointInterval bounds how often a projection writes its
	// checkpoint while it runs; it always writes one when it stops. Read
	// models record the position they reflect themselves, so a checkpoint
	// that lags only makes a restart read (and skip) the events since.
	// Zero means one second.
	CheckpointInterval time.Duration

	// WriteProtect writes the read-model files (state files, tombstones,
	// checkpoints, the current pointer) read-only (mode 0444) once they are
	// written, for deployments where a careless script must not edit them.
	// The runner and Folder still replace and remove them: on POSIX systems
	// that needs the write permission of the folder only, not of the file.
	// ListProjections (opossum projections) reports a file whose protection
	// was removed. A crash between a write and its protection can leave
	// that one file writable until it is written again. Default false.
	WriteProtect bool

	// StartupRebuild says which projections Start rebuilds: the ones that
	// need it (RebuildMissing, the default), none (RebuildNone) or all
	// (RebuildAll).
	StartupRebuild RebuildMode

	// Standby lets several runners, usually in several instances of an
	// application, share one projection folder. The runner that gets the
	// folder's lock first keeps the projections up to date; the others
	// stand by: Start returns at once, their ReadModels serve the read
	// models the updating runner writes (following its rebuilds), and the
	// first of them to get the lock when the updating runner stops (Close,
	// or its process dies) takes over, catching up from the checkpoints
	// without applying an event twice. Without Standby a second runner
	// fails with ErrLocked.
	Standby bool

	// StandbyPoll is how often a standing-by runner tries to take the lock,
	// and how often its WaitFor reads the updating runner's checkpoints.
	// Zero means 100 ms.
	StandbyPoll time.Duration

	// TracerProvider receives a span per rebuild
	// (opossum.projection.rebuild) and per batch of live updates
	// (opossum.projection.update). Nil means the global provider.
	TracerProvider trace.TracerProvider

	// MeterProvider receives the runner's metrics: lag, rebuild progress,
	// update durations (see MetricLag and the others). Nil means the
	// global provider.
	MeterProvider metric.MeterProvider

	// Logger receives progress, recovery and failure messages, among them
	// a rebuild's progress at every durable progress point (events applied,
	// events per second). Nil discards them.
	Logger *slog.Logger

	// FS replaces the operating system's file system, for tests. Nil means
	// vfs.OSFS().
	FS vfs.FS
}

func (o *Options) withDefaults(st store.EventStore) (Options, error) {
	var c Options
	if o != nil {
		c = *o
	}
	if c.StartupRebuild < RebuildMissing || c.StartupRebuild > RebuildAll {
		return c, fmt.Errorf("%w: StartupRebuild %v", ErrInvalidOption, c.StartupRebuild)
	}
	if c.MaxParallelRebuilds < 0 || c.BatchSize < 0 || c.RebuildFlushEvery < 0 || c.CheckpointInterval < 0 || c.StandbyPoll < 0 {
		return c, fmt.Errorf("%w: negative value in Options", ErrInvalidOption)
	}
	if c.Dir == "" {
		d, ok := st.(interface{ Dir() string })
		if !ok {
			return c, fmt.Errorf("%w: Options.Dir is required for a store without a folder", ErrInvalidOption)
		}
		c.Dir = filepath.Join(d.Dir(), "projections")
	}
	if c.MaxParallelRebuilds == 0 {
		c.MaxParallelRebuilds = 4
	}
	if c.BatchSize == 0 {
		c.BatchSize = 1000
	}
	if c.RebuildFlushEvery == 0 {
		c.RebuildFlushEvery = 10000
	}
	if c.CheckpointInterval == 0 {
		c.CheckpointInterval = time.Second
	}
	if c.StandbyPoll == 0 {
		c.StandbyPoll = 100 * time.Millisecond
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.FS == nil {
		c.FS = vfs.OSFS()
	}
	if c.TracerProvider == nil {
		c.TracerProvider = otel.GetTracerProvider()
	}
	if c.MeterProvider == nil {
		c.MeterProvider = otel.GetMeterProvider()
	}
	return c, nil
}

// State is the phase a projection is in.
type State string

// The states of a projection, as Status reports them.
const (
	// Stopped: the runner is not started, or was closed.
	Stopped State = "stopped"
	// Standby: another runner holds the folder and updates the read
	// models (Options.Standby); this one takes over when it stops.
	Standby State = "standby"
	// Starting: the runner is checking the projection's folder.
	Starting State = "starting"
	// Queued: a rebuild waits for one of the MaxParallelRebuilds slots.
	Queued State = "queued"
	// Rebuilding: the read models are being rebuilt into a new generation;
	// readers still see the previous one.
	Rebuilding State = "rebuilding"
	// NeedsRebuild: the projection needs a rebuild (see Progress.Reason)
	// and Options.StartupRebuild is RebuildNone: Runner.Rebuild starts it.
	NeedsRebuild State = "needs rebuild"
	// Idle: a Manual projection between two Runner.Update calls.
	Idle State = "idle"
	// Live: the projection follows the store.
	Live State = "live"
	// Failed: the projection stopped at an event it could not apply, or on
	// an I/O error; Err says why. The others keep going. A rebuild (after
	// fixing the definition and bumping its version, or by Runner.Rebuild)
	// or a restart tries again.
	Failed State = "failed"
)

// Status describes one projection.
type Status struct {
	// Name and Version are the definition's.
	Name    string
	Version int
	// State is the current phase.
	State State
	// Position is the checkpoint readers can rely on: every event up to it
	// is reflected in the read models that reads return. During a rebuild it
	// is the previous generation's.
	Position store.Position
	// Generation names the folder readers use ("g000002"); empty before the
	// first build completes.
	Generation string
	// Err is why the projection failed, when State is Failed. A fold error
	// is a *FoldError.
	Err error
	// Rebuild describes the rebuild that is queued or running, or the last
	// one.
	Rebuild Progress
	// Rebuilds counts the rebuilds completed since Start.
	Rebuilds int
}

// Progress describes a rebuild.
type Progress struct {
	// Reason says why the rebuild runs: "no read models yet", "version
	// changed from 1 to 2", "requested", "resuming after a restart", ...
	Reason string
	// Resumed reports that the rebuild continues an interrupted one.
	Resumed bool
	// From is the position the rebuild started or resumed after.
	From store.Position
	// Position is the last event position the rebuild has covered.
	Position store.Position
	// Target is the store's head when the current pass began.
	Target store.Position
	// Events counts the events applied by this rebuild.
	Events int
	// Started is when the rebuild started running (zero while queued).
	Started time.Time
	// Finished is when it completed (zero while it runs).
	Finished time.Time
}

// Runner keeps registered projections up to date with an event store.
//
// Register every projection, then Start. Each projection has its own
// goroutine, its own subscription to the store and its own checkpoint, so
// a slow, rebuilding or failed projection never holds the others back.
// Close stops them and waits. All methods are safe for concurrent use.
//
// One Runner owns its folder: a second one (in this process or another)
// fails with ErrLocked until the first is closed.
type Runner struct {
	st     store.EventStore
	opts   Options
	log    *slog.Logger
	fsys   vfs.FS
	lock   *flock.Flock
	tracer trace.Tracer
	tel    *telemetry

	mu      sync.Mutex
	workers map[string]*worker
	started bool
	closed  bool
	cancel  context.CancelFunc
	done    <-chan struct{} // closed when the runner stops
	wg      sync.WaitGroup
	changed chan struct{} // closed and replaced on every status change

	sem    chan struct{} // rebuild slots
	head   atomic.Uint64 // latest head seen by the watcher
	leader atomic.Bool   // this runner holds the folder's lock

	// failpoint, when set (by tests), is called at named points of the
	// write protocol; an error makes the projection stop at once as if
	// the process had crashed there.
	failpoint func(projection, point string) error
}

// NewRunner returns a runner for st that keeps its read models under
// opts.Dir, which it creates and locks. Errors: ErrInvalidOption,
// ErrLocked, I/O errors.
func NewRunner(st store.EventStore, opts *Options) (*Runner, error) {
	o, err := opts.withDefaults(st)
	if err != nil {
		return nil, err
	}
	if err := o.FS.MkdirAll(o.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("projection: create %s: %w", o.Dir, err)
	}
	lp := filepath.Join(o.Dir, lockName)
	fl := flock.New(lp)
	ok, err := fl.TryLock()
	if err != nil {
		return nil, fmt.Errorf("projection: lock %s: %w", lp, err)
	}
	if !ok && !o.Standby {
		return nil, fmt.Errorf("%w: %s", ErrLocked, lp)
	}
	topts, _ := store.InstrumentationOptions()
	r := &Runner{
		st: st, opts: o, log: o.Logger, fsys: o.FS, lock: fl, tracer: o.TracerProvider.Tracer(store.InstrumentationName, topts...),
		workers: map[string]*worker{},
		changed: make(chan struct{}),
		sem:     make(chan struct{}, o.MaxParallelRebuilds),
	}
	r.leader.Store(ok)
	r.tel = newTelemetry(r)
	return r, nil
}

// Leader reports whether r holds the projection folder and updates the
// read models; false for a runner standing by (Options.Standby).
func (r *Runner) Leader() bool { return r.leader.Load() }

// Dir returns the folder holding the projections.
func (r *Runner) Dir() string { return r.opts.Dir }

// Register adds a projection to r and returns the reader of its read
// models, which serves the read models already on disk at once. Call it
// before Start. Errors: ErrInvalidDefinition, ErrDuplicateName,
// ErrStarted, ErrClosed.
func Register[S any](r *Runner, def Definition[S], opts ...RegisterOption) (*ReadModels[S], error) {
	if err := def.validate(); err != nil {
		return nil, err
	}
	def.EventTypes = slices.Clone(def.EventTypes)
	p := typed[S]{d: def}
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case r.closed:
		return nil, ErrClosed
	case r.started:
		return nil, fmt.Errorf("%w: register %s before Start", ErrStarted, def.Name)
	case r.workers[def.Name] != nil:
		return nil, fmt.Errorf("%w: %s", ErrDuplicateName, def.Name)
	}
	h := newHome(def.Name, filepath.Join(r.opts.Dir, def.Name), r.fsys, r.log)
	h.follow = r.opts.Standby
	if c, err := readCurrent(r.fsys, h.currentPath()); err == nil {
		if ok, _ := existsDir(r.fsys, filepath.Join(h.dir, c.Generation)); ok {
			n, _ := parseGenName(c.Generation)
			h.install(h.gen(n))
		}
	}
	w := &worker{r: r, p: p, home: h, log: r.log.With("projection", def.Name),
		rebuildReq: make(chan string, 1), headCh: make(chan struct{}, 1), ctl: make(chan request)}
	for _, o := range opts {
		if o != nil {
			o(w)
		}
	}
	w.status = Status{Name: def.Name, Version: def.Version, State: Stopped}
	if g := h.current(); g != nil {
		w.status.Generation = genName(g.num)
	}
	r.workers[def.Name] = w
	return &ReadModels[S]{home: h, def: p, w: w}, nil
}

// Start starts a goroutine per projection and returns. Each one first
// checks its folder: it resumes an interrupted rebuild, rebuilds when the
// projection has no read models yet or its definition's Version changed,
// repairs the tag index after an unclean stop, and then catches up from
// its checkpoint and follows the store's subscription. Errors: ErrStarted,
// ErrClosed, and errors of the store's Head.
func (r *Runner) Start() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case r.closed:
		return ErrClosed
	case r.started:
		return ErrStarted
	}
	ctx, cancel := context.WithCancel(context.Background())
	r.done = ctx.Done()
	if !r.leader.Load() {
		r.started, r.cancel = true, cancel
		for _, w := range r.workers {
			w.mu.Lock()
			w.status.State = Standby
			w.mu.Unlock()
		}
		r.wg.Add(1)
		go r.standBy(ctx)
		return nil
	}
	h, err := r.st.Head(ctx)
	if err != nil {
		cancel()
		return fmt.Errorf("projection: start: %w", err)
	}
	r.started, r.cancel = true, cancel
	r.run(ctx, h)
	return nil
}

// run starts the head watcher and a goroutine per projection.
func (r *Runner) run(ctx context.Context, head store.Position) {
	r.head.Store(uint64(head))
	r.wg.Add(1)
	go r.watchHead(ctx, head)
	for _, w := range r.workers {
		r.wg.Add(1)
		go w.run(ctx)
	}
}

// standBy waits for the folder's lock, then runs the projections.
func (r *Runner) standBy(ctx context.Context) {
	defer r.wg.Done()
	r.log.Info("projection: another runner updates the read models; standing by", "dir", r.opts.Dir)
	for {
		ok, err := r.lock.TryLockContext(ctx, r.opts.StandbyPoll)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			r.log.Warn("projection: standby could not try the lock", "err", err)
			select {
			case <-ctx.Done():
				return
			case <-time.After(r.opts.StandbyPoll):
			}
			continue
		}
		if !ok {
			continue
		}
		h, err := r.st.Head(ctx)
		for err != nil {
			if ctx.Err() != nil {
				return
			}
			r.log.Warn("projection: standby could not read the head; retrying", "err", err)
			time.Sleep(r.opts.StandbyPoll)
			h, err = r.st.Head(ctx)
		}
		r.log.Info("projection: taking over the read models", "dir", r.opts.Dir)
		r.mu.Lock()
		r.leader.Store(true)
		r.run(ctx, h)
		r.mu.Unlock()
		r.notify()
		return
	}
}

// watchHead follows the store's head, so that projections that consume
// none of the newest events can still move their checkpoint to it.
func (r *Runner) watchHead(ctx context.Context, from store.Position) {
	defer r.wg.Done()
	for e, err := range r.st.Subscribe(ctx, store.All(), from) {
		if err != nil {
			if ctx.Err() == nil {
				r.log.Warn("projection: head watcher stopped", "err", err)
			}
			return
		}
		r.head.Store(uint64(e.Position))
		r.mu.Lock()
		for _, w := range r.workers {
			select {
			case w.headCh <- struct{}{}:
			default:
			}
		}
		r.mu.Unlock()
	}
}

// Close stops every projection and waits for its goroutines. A batch being
// applied is finished or dropped (its events are applied again on the
// next start); each projection writes its checkpoint. Close releases the
// folder's lock. Readers (ReadModels) keep working on the files. Calling
// Close again returns ErrClosed.
func (r *Runner) Close() error {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return ErrClosed
	}
	r.closed = true
	cancel := r.cancel
	r.mu.Unlock()
	if cancel != nil {
		cancel()
	}
	r.wg.Wait()
	r.mu.Lock()
	for _, w := range r.workers {
		w.mu.Lock()
		if w.status.State != Failed {
			w.status.State = Stopped
		}
		w.mu.Unlock()
	}
	r.mu.Unlock()
	r.notify()
	r.tel.close()
	return r.lock.Unlock()
}

// Status returns the status of every projection, sorted by name.
func (r *Runner) Status() []Status {
	r.mu.Lock()
	ws := make([]*worker, 0, len(r.workers))
	for _, w := range r.workers {
		ws = append(ws, w)
	}
	r.mu.Unlock()
	out := make([]Status, 0, len(ws))
	for _, w := range ws {
		out = append(out, w.snapshot())
	}
	slices.SortFunc(out, func(a, b Status) int {
		switch {
		case a.Name < b.Name:
			return -1
		case a.Name > b.Name:
			return 1
		}
		return 0
	})
	return out
}

// StatusOf returns the status of one projection, or ErrUnknownProjection.
func (r *Runner) StatusOf(name string) (Status, error) {
	w, err := r.worker(name)
	if err != nil {
		return Status{}, err
	}
	return w.snapshot(), nil
}

func (r *Runner) worker(name string) (*worker, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	w := r.workers[name]
	if w == nil {
		return nil, fmt.Errorf("%w: %s", ErrUnknownProjection, name)
	}
	return w, nil
}

// notify wakes everyone waiting for a status change.
func (r *Runner) notify() {
	r.mu.Lock()
	close(r.changed)
	r.changed = make(chan struct{})
	r.mu.Unlock()
}

func (r *Runner) changes() <-chan struct{} {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.changed
}

// WaitFor waits until the read models of the named projection reflect
// every event up to position p (its Status.Position reaches p), which
// gives read-your-writes: append, then WaitFor the returned position, then
// read. During a rebuild the previous read models count: WaitFor returns
// for a position they cover, and waits for the rebuilt ones beyond. It
// returns the projection's error as soon as it is Failed below p,
// ErrClosed when the runner is closed first, and ctx.Err() when ctx ends.
func (r *Runner) WaitFor(ctx context.Context, name string, p store.Position) error {
	w, err := r.worker(name)
	if err != nil {
		return err
	}
	for {
		ch := r.changes()
		s := w.snapshot()
		if s.Position >= p {
			return nil
		}
		if s.State == Failed {
			return s.Err
		}
		r.mu.Lock()
		closed, started := r.closed, r.started
		r.mu.Unlock()
		if closed {
			return ErrClosed
		}
		if !started {
			return ErrNotStarted
		}
		var poll <-chan time.Time
		if s.State == Standby {
			// The updating runner is in another process: read its checkpoint.
			poll = time.After(r.opts.StandbyPoll)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-ch:
		case <-poll:
		}
	}
}

// WaitForAll is WaitFor for every registered projection; it returns the
// first error.
func (r *Runner) WaitForAll(ctx context.Context, p store.Position) error {
	for _, s := range r.Status() {
		if err := r.WaitFor(ctx, s.Name, p); err != nil {
			return err
		}
	}
	return nil
}

// Rebuild rebuilds the named projections (all of them when names is
// empty) from the first event, MaxParallelRebuilds at a time, and waits
// until each has finished. Readers keep seeing the previous read models
// until a projection's new ones are complete and swapped in. A Failed
// projection is given a new chance. It returns the first rebuild error,
// ErrUnknownProjection, ErrNotStarted, ErrStandby, ErrClosed, or
// ctx.Err() (the rebuilds go on in the background).
func (r *Runner) Rebuild(ctx context.Context, names ...string) error {
	r.mu.Lock()
	closed, started := r.closed, r.started
	if len(names) == 0 {
		for n := range r.workers {
			names = append(names, n)
		}
	}
	r.mu.Unlock()
	if closed {
		return ErrClosed
	}
	if !started {
		return ErrNotStarted
	}
	if !r.leader.Load() {
		return ErrStandby
	}
	ws := make([]*worker, len(names))
	for i, n := range names {
		w, err := r.worker(n)
		if err != nil {
			return err
		}
		ws[i] = w
	}
	tickets := make([]int, len(ws))
	for i, w := range ws {
		tickets[i] = w.requestRebuild("requested")
	}
	var first error
	for i, w := range ws {
		for {
			ch := r.changes()
			if n, err := w.servedRequests(); n >= tickets[i] {
				if err != nil && first == nil {
					first = err
				}
				break
			}
			r.mu.Lock()
			closed := r.closed
			r.mu.Unlock()
			if closed {
				return ErrClosed
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-ch:
			}
		}
	}
	return first
}

// fail runs the failpoint hook, if any.
func (r *Runner) fail(projection, point string) error {
	if r.failpoint == nil {
		return nil
	}
	return r.failpoint(projection, point)
}

// Checkpoints returns the position each projection's read models reflect,
// in the form the store's Verify checks against the head.
func (r *Runner) Checkpoints() []store.Checkpoint {
	var out []store.Checkpoint
	for _, s := range r.Status() {
		path := ""
		if s.Generation != "" {
			path = filepath.Join(r.opts.Dir, s.Name, s.Generation, checkpointName)
		}
		out = append(out, store.Checkpoint{Name: s.Name, Path: path, Position: s.Position})
	}
	return out
}
