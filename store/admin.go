package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"

	"github.com/gofrs/flock"
	"go.opentelemetry.io/otel/attribute"

	"github.com/opossum-go/opossum/store/vfs"
)

// Attribute keys on the spans of the admin operations.
const (
	AttrEventType     = attribute.Key("opossum.event_type")
	AttrEventsChanged = attribute.Key("opossum.admin.events_changed")
	AttrTagsAdded     = attribute.Key("opossum.admin.tags_added")
	AttrProblems      = attribute.Key("opossum.verify.problems")
	AttrHead          = attribute.Key("opossum.head")
	AttrForce         = attribute.Key("opossum.admin.force")
)

// DeleteStore permanently deletes the store in dir: its events, index,
// lock files and everything else in the folder (read models of
// store/projection kept there included). It deletes only a store folder:
// one holding an opossum.json manifest (of any format version); anything
// else fails with ErrNotAStore and is left alone. A dir that does not
// exist is not an error: there is nothing to delete.
//
// Unless force is set, DeleteStore first takes the store's writer lock
// (.lock) and its open lock (.open) exclusively, without waiting, and
// fails with an error wrapping ErrStoreInUse, naming the lock file, when
// either is held: every read-write handle holds .open shared from Open to
// Close, in any process, as do read-only handles of stores that have the
// file. It then renames the folder away in one step, so the store is gone
// as a whole or not at all, and removes the renamed folder (named
// ".<name>.deleted.<random>" beside it, which is left behind only if the
// removal fails).
//
// force skips the locks. Handles still open on the store then fail: their
// appends with I/O errors (and ErrBroken), their reads with
// *CorruptionError or I/O errors; a handle that is opened again in the
// same folder creates a new, empty store. Use it for stores whose
// processes are gone.
//
// What the locks cannot see: a read-only handle on a store without a .open
// file (one never opened read-write by this version), and processes that
// open the folder in other ways.
func DeleteStore(dir string, force bool) (err error) {
	_, span := dirTelemetry(dir).start(context.Background(), "delete_store", AttrForce.Bool(force))
	defer func() { end(span, err) }()

	abs, err := filepath.Abs(dir)
	if err != nil {
		return fmt.Errorf("store: delete %s: %w", dir, err)
	}
	if filepath.Dir(abs) == abs {
		return fmt.Errorf("%w: %s is a file-system root", ErrNotAStore, abs)
	}
	l := layout{dir: abs}
	fi, err := os.Lstat(abs)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("store: delete %s: %w", dir, err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("%w: %s is not a folder", ErrNotAStore, dir)
	}
	if _, err := os.Stat(l.manifest()); errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%w: %s holds no %s; nothing deleted", ErrNotAStore, dir, manifestName)
	} else if err != nil {
		return fmt.Errorf("store: delete %s: %w", dir, err)
	}
	if !force {
		for _, path := range []string{l.lock(), l.open()} {
			fl := flock.New(path)
			ok, err := fl.TryLock()
			if err != nil {
				return fmt.Errorf("store: lock %s: %w", path, err)
			}
			if !ok {
				return fmt.Errorf("%w: %s is locked by an open handle or a writer (in this process or another); close it first, or force the deletion", ErrStoreInUse, path)
			}
			defer fl.Close()
		}
	}
	if force {
		// A handle still open keeps the descriptors of the lock file and
		// of a shard folder: another writer token in the lock file makes
		// its next commit catch up, which finds the store gone and fails.
		_ = os.WriteFile(l.lock(), []byte("deleted-store---\n"), 0o644)
	}
	trash := filepath.Join(filepath.Dir(abs), fmt.Sprintf(".%s.deleted.%08x", filepath.Base(abs), rand.Uint32()))
	if err := os.Rename(abs, trash); err != nil {
		return fmt.Errorf("store: delete %s: %w", dir, err)
	}
	_ = vfs.OSFS().SyncDir(filepath.Dir(abs))
	if err := os.RemoveAll(trash); err != nil {
		return fmt.Errorf("store: delete %s: the store is gone, but removing %s failed: %w", dir, trash, err)
	}
	return nil
}

// beginRun registers a long run that writes (AddTags, Pack), which Close
// waits for. It fails with ErrReadOnly on a read-only handle and with
// ErrClosed once Close has begun. done ends the run.
func (s *FileStore) beginRun() (done func(), err error) {
	if s.opts.ReadOnly {
		return nil, ErrReadOnly
	}
	s.qmu.RLock()
	defer s.qmu.RUnlock()
	if s.closed {
		return nil, ErrClosed
	}
	s.runs.Add(1)
	return s.runs.Done, nil
}

// AddTagsResult counts what AddTags did.
type AddTagsResult struct {
	// EventsProcessed is the number of events of the type that were read
	// and passed to the tag function.
	EventsProcessed int
	// EventsChanged is the number of event files rewritten.
	EventsChanged int
	// TagsAdded is the number of tags added, over all events.
	TagsAdded int
}

// AddTags adds tags to the stored events of type eventType, retroactively:
// for each of them, in position order, tagsFor returns the tags the event
// should carry, and every one it does not carry yet is appended to its
// tags. It is additive only: no tag is ever removed or changed. Tags are
// compared as key/value pairs, exactly, as queries compare them: a tag
// the event already has, or one returned twice, is added once; a new
// value for a key the event already has is added as a further tag with
// that key (Event.TagValue keeps returning the first). Tags are validated
// as Append validates them; an invalid tag stops the run with an error
// wrapping ErrInvalidEvent.
//
// AddTags holds the cross-process writer lock for the whole run, so it
// sees every committed event and no append (from any process) commits
// meanwhile: appends wait, up to their Options.LockTimeout. Each changed
// event file is replaced atomically (and durably, unless NoSync) with
// WriteFileAtomic: position, type, data, metadata and batch stay as they
// were. The new tags become visible to queries and append conditions when
// AddTags returns: in this handle at once, in other handles and processes
// at their next read or commit. An AddTags that dies half way (a crash, a
// power cut) is detected by the next writer, which rebuilds the index from
// the event files: the tags written by then stay, none is half indexed.
//
// tagsFor may read the store through this handle (Head, Read, ReadLast,
// Stats; once Close has begun they return ErrClosed); it must not call
// Append, AddTags or Close on it. Close waits for a run in progress.
//
// If ctx ends or tagsFor's tags are invalid, the events changed so far
// keep their new tags, the result counts them, and the error says why it
// stopped. If catching up with other writers fails before the run starts,
// the handle is broken (ErrBroken), as after a failed commit. Errors: ErrInvalidEvent (empty type, nil tagsFor, invalid tag),
// ErrEventTooLarge, ErrReadOnly, ErrClosed, ErrBroken, *LockError,
// *CorruptionError, ctx.Err(), I/O errors.
func (s *FileStore) AddTags(ctx context.Context, eventType string, tagsFor func(StoredEvent) []Tag) (res AddTagsResult, err error) {
	ctx, span := s.tel.start(ctx, "add_tags", AttrEventType.String(eventType))
	defer func() {
		span.SetAttributes(AttrEventCount.Int(res.EventsProcessed), AttrEventsChanged.Int(res.EventsChanged), AttrTagsAdded.Int(res.TagsAdded))
		end(span, err)
	}()
	if eventType == "" || tagsFor == nil {
		return res, fmt.Errorf("%w: AddTags needs an event type and a tag function", ErrInvalidEvent)
	}
	// Close waits for a run in progress, without holding a lock that
	// tagsFor's reads of the store would need.
	done, err := s.beginRun()
	if err != nil {
		return res, err
	}
	defer done()
	if err := s.brokenErr(); err != nil {
		return res, err
	}
	// A lock of its own: the committer's lock object must not be shared
	// between goroutines, and a second flock on the file excludes this
	// handle's committer like any other writer.
	lk := newProcLock(s.l.lock(), s.opts.LockTimeout)
	defer lk.close()
	if _, err := lk.lock(ctx); err != nil {
		return res, err
	}
	s.syncMu.Lock()
	defer s.syncMu.Unlock()

	base, err := s.beginTagRun(ctx)
	if err != nil {
		return res, err
	}
	run := tagRun{s: s, eventType: eventType, tagsFor: tagsFor, added: map[Tag][]Position{}}
	runErr, writeErr := run.tagEvents(ctx)
	res = run.res
	if writeErr != nil {
		// Whether the file was replaced is unknown: rebuild the index
		// from what the files say; the epoch moves on once the run's
		// temporary files are gone.
		st, rerr := s.readHeadFile()
		if rerr == nil {
			rerr = s.reloadIndex(st, base+1, true)
		}
		return res, errors.Join(writeErr, rerr)
	}
	if err := s.endTagRun(base, run.added); err != nil {
		return res, errors.Join(runErr, err)
	}
	if res.EventsChanged > 0 {
		s.log.Info("added tags to past events", "type", eventType, "events", res.EventsChanged, "tags", res.TagsAdded)
	}
	return res, runErr
}

// beginTagRun prepares an AddTags run under the writer lock: it catches
// up, removes temporary files and every index snapshot, and makes the tag
// epoch odd, durably. It returns the epoch the run started from.
func (s *FileStore) beginTagRun(ctx context.Context) (base uint64, err error) {
	if err := s.catchUpLocked(); err != nil {
		return 0, err
	}
	base = s.epoch.Load()
	if !s.opts.NoSync {
		// The head file's own name must be durable before its epoch matters.
		if err := s.fs.SyncDir(s.l.dir); err != nil {
			return 0, fmt.Errorf("store: sync folder %s: %w", s.l.dir, err)
		}
	}
	if err := s.cleanShardTemps(); err != nil {
		return 0, err
	}
	unlockSnapshots, err := s.dropSnapshots(ctx)
	if err != nil {
		return 0, err
	}
	defer unlockSnapshots()
	return base, s.writeEpoch(base+1, !s.opts.NoSync)
}

// endTagRun adds the new tags to the index, writes the snapshot of the new
// epoch and then moves the epoch on, so that other processes find the
// snapshot when they see the epoch move.
func (s *FileStore) endTagRun(base uint64, added map[Tag][]Position) error {
	s.mu.Lock()
	for t, ps := range added {
		s.idx.tags[t] = mergePositions(s.idx.tags[t], ps)
	}
	s.epoch.Store(base + 2)
	s.mu.Unlock()
	s.snapSynced.Store(0) // the rewritten files may not be durable
	if err := s.snapshot(true); err != nil {
		s.log.Warn("could not write the index snapshot", "err", err)
	}
	return s.writeEpoch(base+2, !s.opts.NoSync)
}

// tagRun is the rewriting part of one AddTags run.
type tagRun struct {
	s         *FileStore
	eventType string
	tagsFor   func(StoredEvent) []Tag
	res       AddTagsResult
	added     map[Tag][]Position // the events each new tag went to
	buf       bytes.Buffer
}

// tagEvents rewrites the events of the type that gain tags, in position
// order. runErr stops the run and leaves what was done (ctx, invalid tags,
// an unreadable event); writeErr is a failed rewrite, whose outcome is
// unknown.
func (r *tagRun) tagEvents(ctx context.Context) (runErr, writeErr error) {
	r.s.mu.RLock()
	var positions []Position
	if id, ok := r.s.idx.typeID[r.eventType]; ok {
		positions = r.s.idx.types[id] // never modified in place; safe to keep
	}
	r.s.mu.RUnlock()
	for _, p := range positions {
		if err := ctx.Err(); err != nil {
			return err, nil
		}
		if runErr, writeErr = r.tagEvent(p); runErr != nil || writeErr != nil {
			return runErr, writeErr
		}
	}
	return nil, nil
}

// tagEvent reads the event at p, asks tagsFor for its tags and rewrites
// the file when some are new.
func (r *tagRun) tagEvent(p Position) (runErr, writeErr error) {
	s := r.s
	e, br, err := s.readEvent(p)
	if err != nil {
		return err, nil
	}
	if e.Type != r.eventType {
		return s.mismatch(p, Types(r.eventType)), nil
	}
	r.res.EventsProcessed++
	var fresh []Tag
	for _, t := range r.tagsFor(e) {
		if err := t.validate(); err != nil {
			return fmt.Errorf("add tags to event %d (%s): %w", p, r.eventType, err), nil
		}
		if !e.HasTag(t) && !slices.Contains(fresh, t) {
			fresh = append(fresh, t)
		}
	}
	if len(fresh) == 0 {
		return nil, nil
	}
	e.Tags = append(slices.Clip(e.Tags), fresh...)
	if size := eventSize(&e.Event); size > s.opts.MaxEventSize {
		return fmt.Errorf("%w: event %d (%s) would be %d bytes with its new tags, the limit is %d", ErrEventTooLarge, p, r.eventType, size, s.opts.MaxEventSize), nil
	}
	r.buf.Reset()
	if err := encodeEvent(&r.buf, p, &e.Event, br); err != nil {
		return fmt.Errorf("store: encode event %d: %w", p, err), nil
	}
	if err := vfs.WriteFileAtomic(s.fs, s.l.event(p), r.buf.Bytes(), s.opts.NoSync); err != nil {
		return nil, err
	}
	r.res.EventsChanged++
	r.res.TagsAdded += len(fresh)
	for _, t := range fresh {
		r.added[t] = append(r.added[t], p)
	}
	return nil, nil
}

// Stats describes the content of a store.
type Stats struct {
	// Head is the last committed position; also the number of events.
	Head Position `json:"head"`
	// Types counts the events of each type.
	Types map[string]int `json:"types"`
	// Tags counts the events carrying each tag.
	Tags map[Tag]int `json:"-"`
	// EventFiles and EventBytes count the committed event files and their
	// size on disk; ShardFolders the folders they are in.
	EventFiles   int   `json:"eventFiles"`
	EventBytes   int64 `json:"eventBytes"`
	ShardFolders int   `json:"shardFolders"`
	// SnapshotBytes is the size of the index snapshot; 0 when there is none.
	SnapshotBytes int64 `json:"snapshotBytes"`
	// Packs and PackBytes count the packs of the current tag epoch (see
	// Pack) and their size.
	Packs     int   `json:"packs"`
	PackBytes int64 `json:"packBytes"`
}

// Stats counts the store's events by type and by tag (from the index) and
// measures its event files (listing every shard folder: it takes a while
// on a large store). It writes nothing. Errors: ErrClosed, ctx.Err(), I/O
// errors.
func (s *FileStore) Stats(ctx context.Context) (Stats, error) {
	if err := ctx.Err(); err != nil {
		return Stats{}, err
	}
	if err := s.ready(); err != nil {
		return Stats{}, err
	}
	st := Stats{Types: map[string]int{}, Tags: map[Tag]int{}}
	s.mu.RLock()
	h := s.idx.head
	st.Head = h
	for id, name := range s.idx.typeName {
		if n := len(bound(s.idx.types[id], 0, h)); n > 0 {
			st.Types[name] = n
		}
	}
	for t, l := range s.idx.tags {
		if n := len(bound(l, 0, h)); n > 0 {
			st.Tags[t] = n
		}
	}
	e := s.epoch.Load()
	s.mu.RUnlock()
	if fi, err := s.fs.Stat(s.l.snapshotAt(e)); err == nil {
		st.SnapshotBytes = fi.Size()
	}
	for sh := range uint64(h+1) / ShardSize {
		if fi, err := s.fs.Stat(s.l.pack(sh, e)); err == nil {
			st.Packs++
			st.PackBytes += fi.Size()
		}
	}
	shards, err := s.fs.ReadDir(s.l.events())
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return st, fmt.Errorf("store: list %s: %w", s.l.events(), err)
	}
	for _, sh := range shards {
		if err := ctx.Err(); err != nil {
			return st, err
		}
		if !sh.IsDir() {
			continue
		}
		dir := filepath.Join(s.l.events(), sh.Name())
		entries, err := s.fs.ReadDir(dir)
		if err != nil {
			return st, fmt.Errorf("store: list %s: %w", dir, err)
		}
		counted := false
		for _, en := range entries {
			p, ok := parseEventName(en.Name())
			if !ok || p > h {
				continue
			}
			fi, err := en.Info()
			if err != nil {
				continue // removed meanwhile
			}
			st.EventFiles++
			st.EventBytes += fi.Size()
			counted = true
		}
		if counted {
			st.ShardFolders++
		}
	}
	return st, nil
}
