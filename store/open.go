package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/gofrs/flock"

	"github.com/opossum-go/opossum/internal/notify"
	"github.com/opossum-go/opossum/store/vfs"
)

// Open opens the store in dir, creating the folder and an empty store when
// it does not exist. Open takes the writer lock and runs recovery: it
// removes a torn last batch and temporary files left by a crash, indexes
// committed events the index snapshot does not cover, and logs what it did.
// The handle then holds a shared lock on the store's .open file until
// Close, which tells DeleteStore the store is in use. With
// Options.ReadOnly, Open creates nothing, takes no lock and runs no
// recovery (see there).
//
// Errors: ErrNotAStore (a non-empty folder without a manifest; the folder
// is left as it was),
// ErrUnsupportedFormat, *LockError (another process holds the lock longer
// than Options.LockTimeout), *CorruptionError (a committed event file is
// damaged), ErrStoreInUse (the store is being deleted), ErrInvalidOption,
// and I/O errors.
func Open(dir string, opts *Options) (*FileStore, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	s := &FileStore{
		opts:    o,
		l:       layout{dir: dir},
		fs:      o.FS,
		log:     o.Logger.With("store", dir),
		reqs:    make(chan *request, 256),
		stop:    make(chan struct{}),
		stopped: make(chan struct{}),
		note:    notify.New(),
	}
	name := o.Name
	if name == "" {
		name = filepath.Base(dir)
	}
	s.tel = newTelemetry(name, o)
	s.plock = newProcLock(s.l.lock(), o.LockTimeout)
	s.idle = time.AfterFunc(time.Hour, s.releaseIdle)
	s.idle.Stop()
	if o.ReadOnly {
		if err := s.openReadOnly(); err != nil {
			s.closeFiles()
			return nil, err
		}
		go s.commitLoop()
		return s, nil
	}
	if err := s.createDir(dir); err != nil {
		return nil, err
	}
	_, err = s.fs.Stat(s.l.lock())
	newLock := errors.Is(err, fs.ErrNotExist)
	if err != nil && !newLock {
		return nil, fmt.Errorf("store: %w", err)
	}
	if _, err := s.plock.lock(context.Background()); err != nil {
		s.plock.close()
		return nil, err
	}
	err = s.openLocked()
	if uerr := s.plock.unlock(); err == nil && uerr != nil {
		err = fmt.Errorf("store: unlock %s: %w", s.l.lock(), uerr)
	}
	if err != nil {
		s.closeFiles()
		if newLock && errors.Is(err, ErrNotAStore) {
			// Refusing a folder leaves it as it was. No other Open can
			// be waiting on this lock file: every one refuses the folder.
			_ = s.fs.Remove(s.l.lock())
		}
		return nil, err
	}
	go s.commitLoop()
	return s, nil
}

func (s *FileStore) openLocked() error {
	if err := s.initManifest(); err != nil {
		return err
	}
	for _, d := range []string{s.l.events(), s.l.index()} {
		if err := s.fs.MkdirAll(d, 0o755); err != nil {
			return fmt.Errorf("store: create %s: %w", d, err)
		}
	}
	f, err := s.fs.OpenFile(s.l.head(), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("store: open %s: %w", s.l.head(), err)
	}
	s.headF = f
	// Make the folder's entries, and its own name, durable before any
	// append relies on them: an earlier Open may have failed after
	// putting the manifest, events/ or index/ in place but before syncing
	// the folder, a NoSync handle of an earlier version may have created
	// the store without syncing, and the head file may be new.
	if !s.opts.NoSync {
		for _, d := range []string{s.l.parent(), s.l.dir} {
			if err := s.fs.SyncDir(d); err != nil {
				return fmt.Errorf("store: sync %s: %w", d, err)
			}
		}
	}
	if err := s.holdOpen(); err != nil {
		return err
	}
	return s.recover()
}

// createDir creates the store folder and its missing parents. The fsync
// of a folder makes the entries in it durable, not the folder's own name,
// so it syncs the parent of each parent folder it created; initManifest
// syncs the parent of the store folder itself when it creates the store
// (also when an earlier Open failed after the mkdir). Both do so even with
// NoSync, once per store: without it a power cut could take a new store
// away with every event acknowledged in it, also those that a NoSync
// handle's snapshots and packs made durable.
func (s *FileStore) createDir(dir string) error {
	var created []string
	for d := filepath.Dir(filepath.Clean(dir)); filepath.Dir(d) != d; d = filepath.Dir(d) {
		if _, err := s.fs.Stat(d); !errors.Is(err, fs.ErrNotExist) {
			break
		}
		created = append(created, d)
	}
	if err := s.fs.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("store: create %s: %w", dir, err)
	}
	for i := len(created) - 1; i >= 0; i-- {
		if err := s.fs.SyncDir(filepath.Dir(created[i])); err != nil {
			return fmt.Errorf("store: sync %s: %w", filepath.Dir(created[i]), err)
		}
	}
	return nil
}

func (s *FileStore) initManifest() error {
	b, err := s.fs.ReadFile(s.l.manifest())
	if err == nil {
		if err := checkManifest(s.l.manifest(), b); err != nil {
			return err
		}
		return s.upgradeManifest(b)
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("store: read %s: %w", s.l.manifest(), err)
	}
	entries, err := s.fs.ReadDir(s.l.dir)
	if err != nil {
		return fmt.Errorf("store: list %s: %w", s.l.dir, err)
	}
	for _, e := range entries {
		if e.Name() == lockName || e.Name() == openName || vfs.IsTemp(e.Name()) {
			continue
		}
		// A creation that failed or crashed before the manifest was in
		// place leaves these folders empty; creating the store again is
		// safe, and refusing would leave a folder no Open accepts.
		if (e.Name() == eventsDir || e.Name() == indexDir) && e.IsDir() {
			if sub, err := s.fs.ReadDir(filepath.Join(s.l.dir, e.Name())); err == nil && len(sub) == 0 {
				continue
			}
		}
		return fmt.Errorf("%w: %s holds %s but no %s", ErrNotAStore, s.l.dir, e.Name(), manifestName)
	}
	m, _ := json.MarshalIndent(manifest{Format: FormatVersion, CreatedAt: s.opts.Now().UTC(), ShardSize: ShardSize}, "", "  ")
	for _, d := range []string{s.l.events(), s.l.index()} {
		if err := s.fs.MkdirAll(d, 0o755); err != nil {
			return fmt.Errorf("store: create %s: %w", d, err)
		}
	}
	// The new folder's own name in its parent, then its entries, and the
	// manifest, durably even with NoSync (see createDir): after a power
	// cut a store must never hold a torn manifest, or events without one,
	// which no Open accepts.
	if err := s.fs.SyncDir(s.l.parent()); err != nil {
		return fmt.Errorf("store: sync %s: %w", s.l.parent(), err)
	}
	if err := vfs.WriteFileAtomic(s.fs, s.l.manifest(), append(m, '\n'), false); err != nil {
		return err
	}
	s.log.Info("created store", "format", FormatVersion)
	return nil
}

// Dir returns the store's folder.
func (s *FileStore) Dir() string { return s.l.dir }

// checkManifest checks that a manifest names a format this version reads.
func checkManifest(path string, b []byte) error {
	var m manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return &CorruptionError{Path: path, Err: err}
	}
	if m.Format > FormatVersion || m.Format < 1 {
		return fmt.Errorf("%w: %s has format %d, this version reads up to %d", ErrUnsupportedFormat, path, m.Format, FormatVersion)
	}
	if m.ShardSize != 0 && m.ShardSize != ShardSize {
		return fmt.Errorf("%w: %s has shard size %d", ErrUnsupportedFormat, path, m.ShardSize)
	}
	return nil
}

// Close waits for appends and AddTags runs in progress (an AddTags
// callback that reads the store meanwhile gets ErrClosed, and Close does
// not wait for it), writes the index snapshot when
// events were indexed since the last one, and releases the store's files.
// Other methods called later return ErrClosed; closing again is a no-op.
func (s *FileStore) Close() error {
	s.qmu.Lock()
	if s.closed {
		s.qmu.Unlock()
		return nil
	}
	s.closed = true
	s.qmu.Unlock()
	close(s.stop)
	<-s.stopped
	// The idle release may be running: it takes commitMu, and finds the
	// lock closed after this.
	s.commitMu.Lock()
	s.idle.Stop()
	perr := s.plock.close()
	s.commitMu.Unlock()
	s.runs.Wait()
	s.bg.Wait()
	errs := []error{perr}
	if !s.opts.ReadOnly && s.sinceSnap.Load() > 0 && s.brokenErr() == nil {
		if err := s.writeSnapshot(); err != nil {
			errs = append(errs, err)
		}
	}
	s.note.Close()
	s.packs.close()
	errs = append(errs, s.closeFiles())
	return errors.Join(errs...)
}

// holdOpen takes a shared flock on the store's .open file for the life of
// the handle, so that DeleteStore, which needs it exclusively, can tell
// that the store is in use. A read-only handle never creates the file:
// where it does not exist, the handle holds nothing.
func (s *FileStore) holdOpen() error {
	var fl *flock.Flock
	if s.opts.ReadOnly {
		fl = flock.New(s.l.open(), flock.SetFlag(os.O_RDONLY))
	} else {
		fl = flock.New(s.l.open(), flock.SetPermissions(0o644))
	}
	ok, err := fl.TryRLock()
	if err != nil {
		if s.opts.ReadOnly && (errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission)) {
			return nil
		}
		return fmt.Errorf("store: lock %s: %w", s.l.open(), err)
	}
	if !ok {
		return fmt.Errorf("%w: %s is being deleted (%s is locked)", ErrStoreInUse, s.l.dir, s.l.open())
	}
	s.openLock = fl
	return nil
}

// closeFiles releases the files a handle keeps open.
func (s *FileStore) closeFiles() error {
	var errs []error
	if s.headMap != nil {
		errs = append(errs, vfs.Unmap(s.headMap))
		s.headMap = nil
	}
	if s.headF != nil {
		errs = append(errs, s.headF.Close())
	}
	if s.openLock != nil {
		errs = append(errs, s.openLock.Close())
	}
	for _, d := range []vfs.Dir{s.shardDir, s.prevDir} {
		if d != nil {
			errs = append(errs, d.Close())
		}
	}
	s.shardDir, s.prevDir = nil, nil
	errs = append(errs, s.plock.close())
	return errors.Join(errs...)
}

// upgradeManifest moves the manifest b of an older format to FormatVersion,
// durably (even with NoSync, as its creation is), keeping its other fields.
// It runs at a read-write Open, under the writer lock, before anything is
// written in the new format. Version 1 to 2 changes nothing else: event
// files without an id keep reporting legacyEventID. Once moved, older
// versions of the package refuse the store, so they cannot write events
// without ids into it nor drop ids when they add tags.
func (s *FileStore) upgradeManifest(b []byte) error {
	var m manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return &CorruptionError{Path: s.l.manifest(), Err: err}
	}
	if m.Format >= FormatVersion {
		return nil
	}
	was := m.Format
	m.Format = FormatVersion
	out, _ := json.MarshalIndent(m, "", "  ")
	if err := vfs.WriteFileAtomic(s.fs, s.l.manifest(), append(out, '\n'), false); err != nil {
		return err
	}
	s.log.Info("upgraded the store format", "from", was, "to", FormatVersion)
	return nil
}

// openReadOnly is Open with Options.ReadOnly: it checks the manifest,
// loads the index of the events the head file covers (from the snapshot
// where it is sound, then from the event files) and writes nothing. It
// never looks at files after the head, which belong to a writer at work or
// to a crashed one, and leaves both to the next read-write Open or commit.
func (s *FileStore) openReadOnly() error {
	b, err := s.fs.ReadFile(s.l.manifest())
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%w: %s holds no %s", ErrNotAStore, s.l.dir, manifestName)
	}
	if err != nil {
		return fmt.Errorf("store: read %s: %w", s.l.manifest(), err)
	}
	if err := checkManifest(s.l.manifest(), b); err != nil {
		return err
	}
	if err := s.holdOpen(); err != nil {
		return err
	}
	f, err := s.fs.OpenFile(s.l.head(), os.O_RDONLY, 0)
	switch {
	case err == nil:
		s.headF = f
	case !errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("store: open %s: %w", s.l.head(), err)
	}
	if err := s.startEpoch(); err != nil {
		return err
	}
	st, err := s.readHeadFile()
	if err != nil {
		return err
	}
	s.idx = s.loadSnapshot(st.head)
	if st.headOK {
		if s.idx.head > st.head {
			s.log.Warn("index snapshot is ahead of the head file; indexing the event files up to the head", "snapshotHead", s.idx.head, "head", st.head)
			s.idx = newIndex()
		}
		return s.indexUpTo(st.head)
	}
	if s.headF != nil {
		s.log.Warn("head file unreadable; serving the whole batches found after the index (a read-write Open recomputes it)", "file", s.l.head())
	} else if s.idx.head > 0 {
		s.log.Warn("head file missing; serving the whole batches found after the index (a read-write Open recomputes it)", "file", s.l.head())
	}
	// The whole batches after the index, stopping silently at the first
	// missing or damaged file, writing nothing: a read-only view of what
	// recovery would keep.
	_, _ = s.indexBatches()
	return nil
}
