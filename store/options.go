package store

import (
	"fmt"
	"log/slog"
	"time"

	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/opossum-go/opossum/store/vfs"
)

// Options configure a file store. The zero value (and a nil *Options) is
// safe and durable.
type Options struct {
	// NoSync skips the fsyncs of appends and backups. Appends become much
	// faster, and a process crash still loses nothing, but a power loss or
	// OS crash may lose the most recently appended events (whole batches:
	// recovery never exposes part of one). A store's creation (once), and
	// index snapshots and packs, which make the events they cover durable
	// first, still sync. For tests, imports and caches. Default false:
	// durable.
	// A durable handle on the same store (in any process) makes the events
	// a NoSync handle committed durable before it acknowledges an append
	// after them (see docs/durability.md).
	NoSync bool

	// ReadOnly opens the store for reading only, for tools that look into
	// a store another process may be writing: Open takes no lock, runs no
	// recovery, creates nothing and writes nothing (no snapshot on Close
	// either); the handle serves the events the head file covers, follows
	// later commits like any reader, and its Append and AddTags return
	// ErrReadOnly. A store that needs recovery (a torn tail after a crash)
	// is shown as the head file describes it, without the torn files.
	// Open fails with ErrNotAStore on a folder without a manifest, even an
	// empty or missing one. Default false.
	ReadOnly bool

	// LockTimeout bounds the wait for the cross-process writer lock taken by
	// Open (for recovery) and by every commit. Zero means 10 seconds. On
	// timeout the call fails with a *LockError naming the lock file.
	LockTimeout time.Duration

	// MaxEventSize is the largest accepted event, in bytes of its encoded
	// form. Zero means DefaultMaxEventSize (1 MiB).
	MaxEventSize int

	// PollInterval is how often subscriptions look for events committed by
	// other processes. Appends made through this handle wake subscribers at
	// once; appends from other processes are seen within about one
	// interval. Zero means 20 ms.
	PollInterval time.Duration

	// SnapshotEvery is how many newly indexed events trigger a background
	// write of the index snapshot, which bounds the work Open does. Zero
	// means 50,000. Close always writes one when events were indexed.
	SnapshotEvery int

	// MaxBatchEvents caps how many events one group commit writes. Zero
	// means 4096.
	MaxBatchEvents int

	// GroupWait is how long the committer waits for more appends after a
	// group of several appends: for as many as that group had, since their
	// writers are about to append again and can share the next group's
	// syncs. A single writer never waits. Zero means 200 µs; negative
	// disables the wait.
	GroupWait time.Duration

	// Logger receives recovery and maintenance messages. Nil discards them.
	Logger *slog.Logger

	// FS replaces the operating system's file system, for tests. Nil means vfs.OSFS().
	FS vfs.FS

	// Now replaces the clock used for zero timestamps. Nil means time.Now.
	Now func() time.Time

	// Name identifies the store in telemetry (the db.namespace attribute).
	// Empty means the folder's base name.
	Name string

	// TracerProvider and MeterProvider receive the store's spans and
	// metrics. Nil means the global providers of go.opentelemetry.io/otel,
	// which do nothing until the application installs an SDK.
	TracerProvider trace.TracerProvider
	MeterProvider  metric.MeterProvider

	// TelemetryTagValues puts tag values in span attributes (queries,
	// appended tags, a failed condition's message). Tag values can be
	// personal data (an email address), so by default spans carry tag keys
	// and counts only, and a query's values read "?". Metrics never carry
	// tags.
	TelemetryTagValues bool
}

func (o *Options) withDefaults() (Options, error) {
	var c Options
	if o != nil {
		c = *o
	}
	if c.GroupWait == 0 {
		c.GroupWait = 200 * time.Microsecond
	}
	if c.LockTimeout < 0 || c.MaxEventSize < 0 || c.PollInterval < 0 || c.SnapshotEvery < 0 || c.MaxBatchEvents < 0 {
		return c, fmt.Errorf("%w: negative value in Options", ErrInvalidOption)
	}
	if c.LockTimeout == 0 {
		c.LockTimeout = 10 * time.Second
	}
	if c.MaxEventSize == 0 {
		c.MaxEventSize = DefaultMaxEventSize
	}
	if c.PollInterval == 0 {
		c.PollInterval = 20 * time.Millisecond
	}
	if c.SnapshotEvery == 0 {
		c.SnapshotEvery = 50000
	}
	if c.MaxBatchEvents == 0 {
		c.MaxBatchEvents = 4096
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.FS == nil {
		c.FS = vfs.OSFS()
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c, nil
}
