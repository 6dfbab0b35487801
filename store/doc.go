// Package store is a durable file-system event store with Dynamic
// Consistency Boundaries (DCB): every event is one human-readable JSON
// file, there is no server and no database, and several processes on one
// machine may share a store folder.
//
// # Overview
//
// An Event has an id (a UUID, EventID), a type, a JSON-object payload, tags
// (key/value pairs such as courseId:c-42) and metadata. Append stores a batch of events at
// consecutive positions, optionally under an AppendCondition: "fail if any
// event matching this query was stored after position N". Read streams the
// events matching a Query (types OR-ed, tags AND-ed within an item, items
// OR-ed), after a position, backwards, or limited; ReadLast returns the
// newest match; Subscribe streams stored matches and then live ones.
//
// Two implementations share the EventStore contract: the file store (Open)
// and an in-memory store (NewMemory) that evaluates queries with
// Query.Matches, the single definition of query semantics.
//
// # Durability
//
// With the default Options an Append that returned nil survives a process
// crash and a power loss: the event files and their folder entries are
// fsynced before Append returns. A batch is all-or-nothing after any crash:
// each event file records the batch it belongs to, and recovery discards a
// batch with a missing or torn file. Concurrent appends through one handle
// share their fsyncs (group commit). Options.NoSync skips every fsync: a
// process crash still loses nothing, a power loss may lose the latest
// batches (never part of one). A durable handle never builds on what is not
// durable: before it acknowledges an append, it makes every earlier event
// durable, whatever handle committed it (the head file records how far
// that holds).
//
// If a write or sync fails during a commit, the outcome of that commit is
// unknown: Append returns an error wrapping ErrBroken and the handle
// refuses further appends until the store is reopened, which runs recovery.
//
// # Event ids and safe retries
//
// Every stored event has an id. Append keeps an id the caller set in
// Event.ID and generates a time-ordered one (NewEventID, a UUID of version
// 7) for an event without one. Ids are unique in a store, and they make a
// retry safe: after ErrBroken, a context error or a lock timeout, append
// the same batch again (reopening first if the handle is broken). If its
// ids are stored already, as that batch, with the same content, Append
// returns the original last position and writes nothing; otherwise it
// appends it. The check runs atomically with the append, across
// processes, and before the append condition, so a conditional retry is not
// refused by its own first attempt. Any other reuse of a stored id fails
// with ErrDuplicateEventID. Set the ids before the first attempt: an event
// left without one gets a new id at every attempt. Events of a format-1
// store, written without ids, report an id made of their position (see
// docs/file-format.md).
//
// # Concurrency
//
// All methods are safe for concurrent use. Writers in different processes
// serialise on an flock(2) of the store's .lock file, waiting at most
// Options.LockTimeout; after taking it a writer first indexes what other
// processes committed, so append conditions see every committed event.
// A read sees every event committed before it began, in any process, and
// never an uncommitted one: the head file is the commit point. A Read
// iterates over the events committed when its iteration began.
//
// # On-disk layout
//
//	opossum.json                      manifest: format version, creation time
//	.lock                             the writer lock (flock)
//	.open                             shared flock of every open handle
//	head                              last committed position, with a checksum
//	events/000000/000000000001.json   one file per event, 10,000 per folder
//	index/snapshot.bin                index snapshot (derived, rebuildable)
//
// An event file is indented JSON with position, id, type, tags, data,
// metadata and the batch it was appended with. The index is derived data: when its
// snapshot is missing, corrupt or behind, Open rebuilds it from the event
// files and logs it. docs/file-format.md in the repository documents the
// format and the commit protocol in full.
//
// # Administration
//
// Options.ReadOnly opens a store without taking a lock, running recovery
// or writing anything, for tools that look at a store other processes
// write. VerifyDir and FileStore.Verify check a store and report each
// problem with its file; Backup and BackupArchive copy a consistent prefix
// of a store while writers run; AddTags adds tags to past events of a type;
// DeleteStore deletes a store nothing has open; Stats counts its events.
// docs/admin.md describes them, and cmd/opossum runs them from a shell.
//
// # Caveats
//
// Each event costs a file, so the store suits low-volume, single-machine
// applications: a store of a million events is a million files. Positions
// are global, so every append takes the same lock; throughput is bounded by
// the disk's fsync latency, shared by concurrent appenders. The in-memory
// index holds a few dozen bytes per event (47 at a million events with two
// tags each), about ten of them to find event ids, of which it keeps a
// 4-byte hash. The file store relies on flock
// and is not meant for network file systems.
package store
