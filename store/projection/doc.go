// Package projection keeps persisted read models up to date with an event
// store: the state of each entity (a course, a student, an invoice)
// computed from its events, kept as one human-readable JSON file per
// entity, findable by key and by tags.
//
// # Overview
//
// A Definition names a projection, lists the event types it consumes, says
// which instance (key) an event belongs to and how the instance's state
// evolves: Apply(current, event) returns the new state, or nil to delete
// the instance. Optional Tags computed from a state make instances
// findable with Query; optional Related events give a fold the other
// events it needs, never later ones than the event being applied.
//
// A Runner keeps registered projections up to date:
//
//	r, err := projection.NewRunner(st, nil) // projections inside the store's folder
//	courses, err := projection.Register(r, projection.Definition[Course]{
//		Name:       "courses",
//		Version:    1,
//		EventTypes: []string{"CourseCreated", "StudentEnrolled"},
//		Key:        projection.KeyByTag("courseId"),
//		Apply:      evolveCourse,
//		Tags:       func(c *Course) []store.Tag { return []store.Tag{store.NewTag("full", strconv.FormatBool(c.Full()))} },
//	})
//	err = r.Start()
//	defer r.Close()
//
//	pos, err := st.Append(ctx, events, nil)
//	err = r.WaitFor(ctx, "courses", pos) // read-your-writes
//	c, err := courses.Get("c-42")
//	for c, err := range courses.Query(ctx, store.NewTag("full", "true")) { ... }
//
// Each projection has its own goroutine, subscription and checkpoint: a
// slow, rebuilding or failed projection never holds the others back. Live
// updates are driven by the store's Subscribe, so they are visible
// milliseconds after an append, without a polling delay. After a restart
// a projection catches up from its checkpoint. When a definition's
// Version changes, or a projection has no read models yet, or its files
// are damaged, the runner rebuilds it from the first event, at most
// Options.MaxParallelRebuilds at a time. Status reports each projection's
// state (queued, rebuilding, live, failed), its position, rebuild progress
// and error.
//
// # Control
//
// Options.StartupRebuild chooses what Start rebuilds: what needs it (the
// default), nothing (a projection that needs a rebuild then waits in the
// NeedsRebuild state for Runner.Rebuild) or everything. A projection
// registered with Manual does not follow the store: Runner.Update brings
// it to the head when asked. Runner.SaveCheckpoint moves a projection's
// checkpoint by hand, and ReadModels.Save and ReadModels.Delete correct
// one read model; they run on the projection's goroutine between two
// batches. Runner.RebuildReport returns what each rebuild did (events,
// duration, error); every rebuild logs its progress at each durable
// progress point, with its rate in events per second, and is traced as an
// opossum.projection.rebuild span.
//
// # Delivery semantics
//
// Events reach a fold at least once and in position order; their effect
// on a read model is applied exactly once. Every state file records the
// position of the last event applied to it, a deleted instance leaves a
// tombstone with that position until the checkpoint has passed it, and
// the runner skips any event at or below the position of the instance it
// belongs to. So a crash between writing read models and writing the
// checkpoint (or in the middle of a rebuild) makes the runner deliver some
// events again on the next start, and they are recognised and skipped.
// A fold may therefore be called again for an event whose result was lost
// in a crash, but its result is never persisted twice: folds must be
// deterministic and free of side effects.
//
// A fold that returns an error or panics stops its projection at that
// event (a *FoldError in Status and from WaitFor; a panic value that is an
// error stays reachable with errors.As). The read models keep the state
// before the failing event's batch; the other projections keep going. A
// rebuild (Runner.Rebuild, or a new Version) or a restart tries again.
//
// Related events are read with positions below the event being applied,
// so a rebuild computes exactly what the live run computed.
//
// # Consistency for readers
//
// Reads are eventually consistent: a batch of events is applied in memory
// and then written instance by instance, each instance file replaced
// atomically; Status.Position (and WaitFor) says which events the read
// models reflect. A read never sees a half-written file. During a rebuild
// readers keep seeing the previous read models; the rebuilt ones replace
// them all at once, never a mix.
//
// Tag queries match exactly, letter case included ("full:true" is not
// "full:True"), the same rule as event tags; several tags are AND-ed. The
// tag index is updated by difference when an instance changes; it never
// misses an instance that has a tag (markers are added before and removed
// after the state file is written), and every result is checked against
// the instance's file.
//
// # Durability
//
// With the default options every read-model file, tombstone, checkpoint
// and current pointer is written with the store's durable-write helper
// (temporary file, fsync, rename, folder fsync). Tag markers are not
// synced one by one: a runner that stops cleanly syncs the generation and
// marks its checkpoint clean; after an unclean stop the next start checks
// the tag index and tombstones against the state files and repairs them.
// A rebuild writes its files without fsync and makes them durable with one
// sync of its folder at each progress point (every RebuildFlushEvery
// events) and before the switch. Options.WriteProtect writes these files
// read-only (mode 0444); the runner replaces and removes them as before.
// Options.NoSync skips every fsync, like
// the store's option; a power loss may then lose recent updates, which are
// derived again from the events. A file that cannot be decoded makes the
// runner rebuild the projection, and log why: read models are derived
// data.
//
// # Rebuild protocol
//
// A rebuild fills a new generation folder g<n+1> beside the current one,
// replaying the events from the first (or from the last durable progress
// point when it resumes after a crash) until it has caught up with the
// store's head; its checkpoint says complete=false meanwhile. It then
// syncs the folder, writes its checkpoint complete, and writes the
// projection's current file naming g<n+1>: that write is the single commit
// point. A crash before it leaves the old read models in place and the
// next start resumes the rebuild (or starts it over if its files are
// damaged, or if the definition changed again); a crash after it leaves
// the new ones. The old generation is removed once no reader uses it, or
// on the next start.
//
// # Concurrency
//
// Runner and ReadModels are safe for concurrent use. One runner owns a
// projections folder, locked with a lock file (ErrLocked otherwise), so
// only one process writes read models; any number of goroutines may read
// through ReadModels while the runner writes. The functions of a
// Definition are called from one goroutine per projection.
//
// Other processes read the same read models with OpenReadModels, which
// needs neither the store nor the lock: each call reads the generation
// the current file names under a shared lock (the generation's .readers
// file) that keeps it on disk until the call ends; a runner removes an
// old generation only when it gets that lock exclusively, and otherwise
// later. Several instances of an application share one store and one
// projections folder with Options.Standby: the first runner to lock the
// folder updates the read models, the others stand by and serve reads,
// and one of them takes over when the updating instance stops or dies.
// The take-over catches up from the checkpoints like a restart, so no
// event is applied twice. This relies on flock semantics: use it on a
// local file system, not on a network share.
//
// # On-disk layout
//
//	<dir>/.lock                          the runner's lock
//	<dir>/<name>/current                 {"generation": "g000002", ...}: what readers use
//	<dir>/<name>/g000002/checkpoint.json {"version": 1, "position": 42, "complete": true, "clean": true, ...}
//	<dir>/<name>/g000002/.readers        lock shared by readers in other processes
//	<dir>/<name>/g000002/state/c-42.json {"key", "metadata": {created, updated, version, position, size}, "tags", "data"}
//	<dir>/<name>/g000002/deleted/c-7.json tombstone {"key", "position"} until the checkpoint passes it
//	<dir>/<name>/g000002/tags/full/true/c-42 empty marker: instance c-42 has tag full:true
//
// <dir> defaults to the "projections" folder of the file store. Keys and
// tag texts become file names by an injective encoding that is also safe
// on case-insensitive file systems: lower-case letters, digits, '-', '_'
// and '.' stay, every other byte becomes %XX ("Alice" is "%41lice.json"),
// and very long names are shortened with a digest. The files always hold
// the full key.
//
// # Caveats
//
//   - Keys must be bounded by the number of entities: a key per event (its
//     position, a random id, a timestamp) makes one file per event, which
//     fills the disk and slows List and rebuilds.
//   - List lists the file names of a projection when iteration begins and
//     then reads one file at a time; it does not give a snapshot across
//     instances.
//   - A tag value should have few distinct values per key (true/false, a
//     tier, a status): each one is a folder.
//   - store.FileStore.AddTags changes the tags of past events. Read models
//     computed before it do not see the new tags (a Key or Related query
//     that uses them): rebuild those projections after AddTags.
//   - The runner follows the store's head by subscribing to all events,
//     which reads every new event once, to move the checkpoints of
//     projections that consume none of them.
package projection
