package store

import (
	"bytes"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gofrs/flock"

	"github.com/opossum-go/opossum/internal/notify"
	"github.com/opossum-go/opossum/store/vfs"
)

// FileStore is the file-system event store: one JSON file per event, an
// in-memory index persisted as a snapshot, and a lock file that lets
// several processes share the folder. See the package documentation for its
// guarantees. All methods are safe for concurrent use.
type FileStore struct {
	opts  Options
	l     layout
	fs    vfs.FS
	log   *slog.Logger
	plock *procLock
	headF vfs.File
	// openLock is the shared flock on .open held for the handle's life
	// (see holdOpen); nil for a read-only handle on a store without one.
	openLock *flock.Flock
	// epoch is the tag epoch the index was built at (see epoch.go). It
	// changes under syncMu and mu together with idx.
	epoch atomic.Uint64

	// mu guards idx. Readers take a plan of the index under RLock and
	// read files without it.
	mu  sync.RWMutex
	idx *index
	// syncMu serialises everything that extends idx from disk: the
	// committer and the catch-up of commits made by other processes.
	syncMu sync.Mutex
	// durableShards are the shard folders whose names in events/ this
	// handle has made durable. Guarded by syncMu.
	durableShards map[uint64]bool
	// gsync chooses how commits sync large groups. Guarded by syncMu.
	gsync groupSync
	// shardDir is the folder of shard shardNum, the last one this handle
	// wrote into, kept open for the handle's life; prevDir is the one
	// before it while a group spans two. Guarded by syncMu.
	shardDir, prevDir vfs.Dir
	shardNum          uint64
	// commitMu is held by whoever commits a group: the committer
	// goroutine, or an append committing on its own goroutine.
	commitMu sync.Mutex
	// encodeBuf is writeGroup's buffer for encoding event files. Guarded
	// by syncMu.
	encodeBuf bytes.Buffer
	// idle releases a parked writer lock (see release).
	idle *time.Timer
	// grouping says the committer's last group had several appends: an
	// append then queues for the committer rather than commit alone.
	grouping atomic.Bool
	// durable is the durable prefix and headLines the number of lines of
	// the head file, as last read or written under the writer lock (see
	// head.go). Guarded by syncMu.
	durable   Position
	headLines int
	// headMap is the head file's first line mapped into memory, once
	// writeHead has mapped it; headMapTried says it tried. Guarded by
	// syncMu.
	headMap      []byte
	headMapTried bool

	qmu     sync.RWMutex // guards closed against sends on reqs
	closed  bool
	reqs    chan *request
	stop    chan struct{}
	stopped chan struct{}

	brokenMu sync.Mutex
	broken   error

	note      *notify.Notifier
	sinceSnap atomic.Int64
	// snapSynced is the position up to which this handle's snapshots have
	// synced the event files; AddTags, which rewrites them, resets it.
	snapSynced atomic.Uint64
	snapBusy   atomic.Bool
	bg         sync.WaitGroup
	runs       sync.WaitGroup // AddTags and Pack runs in progress; Close waits for them
	packs      packSet        // the packs this handle reads from (pack.go)
	tel        *telemetry
}

var _ EventStore = (*FileStore)(nil)
