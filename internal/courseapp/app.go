package courseapp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/decision"
	"github.com/opossum-go/opossum/store/projection"
)

// Options configure an App. The zero value (and a nil *Options) is a
// durable application on the system clock.
type Options struct {
	// NoSync opens the event store and the read models without fsync:
	// faster, and a process crash still loses nothing, but a power loss may
	// lose the latest events. For tests, demos and seeding.
	NoSync bool
	// Now replaces the clock (event timestamps, the price grace period).
	Now func() time.Time
	// Retry replaces DefaultRetry, the policy of the commands that retry.
	Retry *decision.Policy
	// Logger receives the store's, the runner's and the HTTP layer's
	// messages. Nil discards them.
	Logger *slog.Logger
	// ReadWait bounds how long a read waits for its read model to reach
	// the position a client asked for (the Opossum-Min-Position header).
	// Zero means 5 seconds.
	ReadWait time.Duration
	// HealthzLag is how many events a read model may trail the store's
	// head while GET /healthz still answers 200. Zero means
	// DefaultHealthzLag.
	HealthzLag uint64
	// WrapStore, when set, wraps the event store the command handlers
	// read and append through: a seam for instrumentation, and for specs
	// that stage a race by letting a rival write in before each append.
	// The read models follow the store itself.
	WrapStore func(store.EventStore) store.EventStore
	// OpenStore, when set, opens the event store in place of the file
	// store in the folder (a PostgreSQL store, for example); the read
	// models stay in the folder's "projections" subfolder, and
	// DeleteStore refuses to run, since it deletes the folder.
	OpenStore func() (store.EventStore, error)
}

// App is the CourseManagement application on a store folder: the event
// store, the command handlers, the read models and their runner, and the
// HTTP API (Handler). Close it when done.
type App struct {
	dir    string
	domain Domain
	opts   Options
	log    *slog.Logger

	mu     sync.RWMutex // held shared by every request, exclusively by DeleteStore
	cur    *instance
	closed bool
}

// instance is what lives in one store folder; DeleteStore replaces it.
type instance struct {
	store      store.EventStore
	runner     *projection.Runner
	views      *Views
	commands   *Commands
	aggregates Aggregates
}

// Open opens (or creates) the application's store in dir and starts its
// read models; domain decides the commands and folds the read models. The read models live in the store folder's "projections"
// subfolder; on the first start, and after a change of a read model's
// definition, they are built from the events.
func Open(dir string, domain Domain, opts *Options) (*App, error) {
	if domain.Decide == nil || domain.Aggregates == nil {
		return nil, errors.New("courseapp: the domain has no Decide or no Aggregates")
	}
	a := &App{dir: dir, domain: domain}
	if opts != nil {
		a.opts = *opts
	}
	if a.opts.Now == nil {
		a.opts.Now = time.Now
	}
	if a.opts.ReadWait <= 0 {
		a.opts.ReadWait = 5 * time.Second
	}
	if a.opts.HealthzLag == 0 {
		a.opts.HealthzLag = DefaultHealthzLag
	}
	a.log = a.opts.Logger
	if a.log == nil {
		a.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	in, err := a.open()
	if err != nil {
		return nil, err
	}
	a.cur = in
	return a, nil
}

func (a *App) open() (*instance, error) {
	var st store.EventStore
	var err error
	if a.opts.OpenStore != nil {
		st, err = a.opts.OpenStore()
	} else {
		st, err = store.Open(a.dir, &store.Options{NoSync: a.opts.NoSync, Logger: a.opts.Logger, Now: a.opts.Now})
	}
	if err != nil {
		return nil, fmt.Errorf("coursemanagement: open the event store: %w", err)
	}
	// Standby: several instances of the application may share one store;
	// one updates the read models, the others serve them and take over.
	runner, err := projection.NewRunner(st, &projection.Options{Dir: filepath.Join(a.dir, "projections"), NoSync: a.opts.NoSync, Logger: a.opts.Logger, Standby: true})
	if err != nil {
		return nil, errors.Join(fmt.Errorf("coursemanagement: open the read models: %w", err), st.Close())
	}
	views, err := RegisterViews(runner, a.domain.ReadModels)
	if err == nil {
		err = runner.Start()
	}
	if err != nil {
		return nil, errors.Join(fmt.Errorf("coursemanagement: start the read models: %w", err), runner.Close(), st.Close())
	}
	var writes store.EventStore = st
	if a.opts.WrapStore != nil {
		writes = a.opts.WrapStore(st)
	}
	return &instance{
		store:      st,
		runner:     runner,
		views:      views,
		commands:   NewCommands(writes, a.domain.Decide, &CommandOptions{Now: a.opts.Now, Retry: a.opts.Retry}),
		aggregates: a.domain.Aggregates(writes, a.opts.Now),
	}, nil
}

func (in *instance) close() error {
	return errors.Join(in.runner.Close(), in.store.Close())
}

// acquire returns the current instance and holds it until release is
// called: DeleteStore waits for it.
func (a *App) acquire() (*instance, func(), error) {
	a.mu.RLock()
	if a.closed {
		a.mu.RUnlock()
		return nil, nil, store.ErrClosed
	}
	return a.cur, a.mu.RUnlock, nil
}

// Dir returns the store folder.
func (a *App) Dir() string { return a.dir }

// Store returns the event store. After DeleteStore it is a new one.
func (a *App) Store() store.EventStore {
	a.mu.RLock()
	defer a.mu.RUnlock()
	return a.cur.store
}

// Commands returns the command handlers.
func (a *App) Commands() *Commands {
	a.mu.RLock()
	defer a.mu.RUnlock()
	return a.cur.commands
}

// Aggregates returns the aggregate variant's command handlers.
func (a *App) Aggregates() Aggregates {
	a.mu.RLock()
	defer a.mu.RUnlock()
	return a.cur.aggregates
}

// Views returns the read models.
func (a *App) Views() *Views {
	a.mu.RLock()
	defer a.mu.RUnlock()
	return a.cur.views
}

// Runner returns the runner of the read models.
func (a *App) Runner() *projection.Runner {
	a.mu.RLock()
	defer a.mu.RUnlock()
	return a.cur.runner
}

// WaitForViews waits until every read model reflects the store's head:
// read-your-writes for everything appended before the call.
func (a *App) WaitForViews(ctx context.Context) error {
	in, release, err := a.acquire()
	if err != nil {
		return err
	}
	defer release()
	head, err := in.store.Head(ctx)
	if err != nil {
		return err
	}
	return in.runner.WaitForAll(ctx, head)
}

// DeleteStore deletes every event and read model, permanently, and starts
// over with an empty store in the same folder. It waits for the requests
// in progress. Deleting an empty store is not an error.
func (a *App) DeleteStore() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.closed {
		return store.ErrClosed
	}
	if a.opts.OpenStore != nil {
		return errors.New("coursemanagement: DeleteStore deletes a store folder, and the events are not in one (Options.OpenStore)")
	}
	if err := a.cur.close(); err != nil {
		a.log.Warn("coursemanagement: closing the store before deleting it", "err", err)
	}
	if err := os.RemoveAll(a.dir); err != nil {
		return fmt.Errorf("coursemanagement: delete %s: %w", a.dir, err)
	}
	in, err := a.open()
	if err != nil {
		a.closed = true
		return err
	}
	a.cur = in
	a.log.Info("coursemanagement: store deleted", "dir", a.dir)
	return nil
}

// Close stops the read models and closes the store. Calling it again
// returns nil.
func (a *App) Close() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.closed {
		return nil
	}
	a.closed = true
	return a.cur.close()
}
