package store_test

// Specs for the store's side paths: catch-ups that fail, handles that do
// and do not sync side by side, file systems without a whole-file-system
// sync, snapshots that outlive their head, cancellation, callbacks that
// read the store, temporary files in old shards, error wrapping, and
// refused Opens. Each one reproduces a way an acknowledged event could be
// lost or a wrong answer returned.

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/gofrs/flock"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/internal/faultfs"
	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/vfs"
)

// writeUnsynced writes a file through fsys without syncing it or its
// folder: what a writer that died before its fsyncs leaves behind.
func writeUnsynced(fsys *faultfs.FS, path string, data []byte) {
	GinkgoHelper()
	Expect(fsys.MkdirAll(filepath.Dir(path), 0o755)).To(Succeed())
	f, err := fsys.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	Expect(err).NotTo(HaveOccurred())
	_, err = f.Write(data)
	Expect(err).NotTo(HaveOccurred())
	Expect(f.Close()).To(Succeed())
}

// leaveUnsyncedBatch lays out the files of the batch id at first..last as
// a writer that died before syncing them left them.
func leaveUnsyncedBatch(fsys *faultfs.FS, dir string, first, last store.Position, id string) {
	GinkgoHelper()
	signLock(dir)
	for p := first; p <= last; p++ {
		writeUnsynced(fsys, eventPath(dir, p), eventFileJSON(p, first, last, id))
	}
}

// noSyncAllFS is a file system without a whole-file-system sync, as on
// operating systems other than Linux.
type noSyncAllFS struct{ *faultfs.FS }

func (noSyncAllFS) SyncAll(string) error { return errors.ErrUnsupported }

// stuckTempFS fails every rename of a temporary file over an event file,
// and every removal of a temporary file: a disk failing under AddTags.
type stuckTempFS struct{ vfs.FS }

var errStuckTemp = errors.New("injected: temporary file stuck")

func (f stuckTempFS) Rename(oldpath, newpath string) error {
	if vfs.IsTemp(filepath.Base(oldpath)) && filepath.Ext(newpath) == ".json" {
		return errStuckTemp
	}
	return f.FS.Rename(oldpath, newpath)
}

func (f stuckTempFS) Remove(name string) error {
	if vfs.IsTemp(filepath.Base(name)) {
		return errStuckTemp
	}
	return f.FS.Remove(name)
}

// doneWatcher is a context that reports, once, when someone first waits on
// its Done channel: a spec cancels it only once Append is waiting.
type doneWatcher struct {
	context.Context
	once    sync.Once
	waiting chan struct{}
}

func newDoneWatcher(parent context.Context) (*doneWatcher, context.CancelFunc) {
	ctx, cancel := context.WithCancel(parent)
	return &doneWatcher{Context: ctx, waiting: make(chan struct{})}, cancel
}

func (w *doneWatcher) Done() <-chan struct{} {
	w.once.Do(func() { close(w.waiting) })
	return w.Context.Done()
}

var _ = Describe("The store at its edges", func() {
	var (
		root, dir string
		ffs       *faultfs.FS
		acks      *ackLog
	)
	BeforeEach(func() {
		root = GinkgoT().TempDir()
		dir = filepath.Join(root, "store")
		ffs = modelFS(root)
		acks = &ackLog{}
	})
	openWith := func(o *store.Options) *store.FileStore {
		GinkgoHelper()
		if o.Logger == nil {
			o.Logger = specLogger()
		}
		s, err := store.Open(dir, o)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func() { _ = s.Close() }) // a handle of a machine that lost power may fail to close
		return s
	}

	It("breaks the handle when the catch-up inside AddTags fails, so no append is acknowledged on top of a batch that is not durable", SpecTimeout(time.Minute), func(ctx SpecContext) {
		s := openWith(&store.Options{FS: ffs})
		Expect(appendBatch(ctx, s, acks, "b1", 2)).To(Succeed())
		By("a writer that died before syncing leaves the whole batch 3..12 after the head")
		leaveUnsyncedBatch(ffs, dir, 3, 12, "crashed")
		ffs.FailNth(faultfs.OpSync, 1)

		_, err := s.AddTags(ctx, batchEventType, func(store.StoredEvent) []store.Tag { return nil })
		Expect(err).To(MatchError(store.ErrBroken), "making the adopted batch durable failed, which breaks the handle")
		err = appendBatch(ctx, s, acks, "b2", 1)
		Expect(err).To(MatchError(store.ErrBroken), "the handle refuses to build on the batch it could not make durable")

		Expect(ffs.Cut()).To(Succeed())
		reopenAndCheck(ctx, dir, &store.Options{FS: modelFS(root), Logger: specLogger()}, acks.all())
	})

	It("makes the events a NoSync handle committed durable before a durable handle acknowledges an append after them", SpecTimeout(time.Minute), func(ctx SpecContext) {
		bulk := openWith(&store.Options{FS: ffs, NoSync: true})
		durable := openWith(&store.Options{FS: ffs})
		Expect(appendBatch(ctx, bulk, nil, "imported", 3)).To(Succeed())
		Expect(appendBatch(ctx, durable, acks, "acknowledged", 1)).To(Succeed())

		Expect(ffs.Cut()).To(Succeed())
		batches := reopenAndCheck(ctx, dir, &store.Options{FS: modelFS(root), Logger: specLogger()}, acks.all())
		Expect(batches).To(HaveLen(2), "the imported batch was made durable with the acknowledged one")
	})

	It("makes the whole batches it adopts durable before it moves the head over them, where the file system has no SyncAll", SpecTimeout(time.Minute), func(ctx SpecContext) {
		fsys := noSyncAllFS{ffs}
		s := openWith(&store.Options{FS: fsys})
		Expect(appendBatch(ctx, s, acks, "b1", 2)).To(Succeed())
		Expect(s.Close()).To(Succeed())
		leaveUnsyncedBatch(ffs, dir, 3, 12, "crashed")

		s = openWith(&store.Options{FS: fsys})
		Expect(s.Head(ctx)).To(Equal(store.Position(12)), "Open adopts the whole batch")
		Expect(s.Close()).To(Succeed())

		Expect(ffs.Cut()).To(Succeed())
		batches := reopenAndCheck(ctx, dir, &store.Options{FS: modelFS(root), Logger: specLogger()}, acks.all())
		Expect(batches).To(Equal([]seenBatch{{"b1", 1, 2}, {"crashed", 3, 12}}))
	})

	It("never trusts an index snapshot of an older tag epoch, even when the head file is lost", SpecTimeout(time.Minute), func(ctx SpecContext) {
		course := store.NewTag("course", "c-1")
		s := openWith(&store.Options{})
		for range 3 {
			_, err := s.Append(ctx, []store.Event{{Type: "Enrolled"}}, nil)
			Expect(err).NotTo(HaveOccurred())
		}
		Expect(s.Close()).To(Succeed())

		By("AddTags cannot write the snapshot of the new epoch (its 4th rename)")
		fsys, err := faultfs.New(root)
		Expect(err).NotTo(HaveOccurred())
		fsys.FailNth(faultfs.OpRename, 4)
		s = openWith(&store.Options{FS: fsys})
		res, err := s.AddTags(ctx, "Enrolled", func(store.StoredEvent) []store.Tag { return []store.Tag{course} })
		Expect(err).NotTo(HaveOccurred())
		Expect(res.EventsChanged).To(Equal(3))
		Expect(fsys.Fired()).To(BeTrue())
		Expect(s.Close()).To(Succeed())

		By("the head file, which holds the tag epoch, is lost")
		Expect(os.Remove(filepath.Join(dir, "head"))).To(Succeed())

		s = openWith(&store.Options{})
		evs, err := store.ReadAll(ctx, s, store.Tagged(course))
		Expect(err).NotTo(HaveOccurred())
		Expect(positionsOf(evs)).To(Equal(posSpan(1, 3)), "the tag query finds the tagged events")
		_, err = s.Append(ctx, []store.Event{{Type: "Enrolled", Tags: []store.Tag{course}}},
			&store.AppendCondition{FailIfEventsMatch: store.Tagged(course)})
		Expect(err).To(MatchError(store.ErrAppendConditionFailed), "a condition guarded by the tag sees them")
	})

	It("returns from Append when its context ends while it waits for the writer lock, and stores nothing", SpecTimeout(30*time.Second), func(sctx SpecContext) {
		s := openWith(&store.Options{LockTimeout: time.Hour})
		held := flock.New(filepath.Join(dir, ".lock"))
		Expect(held.Lock()).To(Succeed())
		DeferCleanup(held.Unlock)

		ctx, cancel := newDoneWatcher(sctx)
		DeferCleanup(cancel)
		errc := make(chan error, 1)
		go func() {
			_, err := s.Append(ctx, []store.Event{{Type: "Withdrawn"}}, nil)
			errc <- err
		}()
		select {
		case <-ctx.waiting:
		case <-sctx.Done():
			Fail("Append never waits on its context")
		}
		cancel()
		select {
		case err := <-errc:
			Expect(err).To(MatchError(context.Canceled))
		case <-sctx.Done():
			Fail("Append did not return when its context ended")
		}

		Expect(held.Unlock()).To(Succeed())
		last, err := s.Append(sctx, []store.Event{{Type: "Kept"}}, nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(last).To(Equal(store.Position(1)), "the withdrawn append stored nothing")
		evs, err := store.ReadAll(sctx, s, store.All())
		Expect(err).NotTo(HaveOccurred())
		Expect(typesOf(evs)).To(Equal([]string{"Kept"}))
	})

	It("lets the AddTags callback read the store while Close waits, and Close returns", SpecTimeout(30*time.Second), func(ctx SpecContext) {
		s := openWith(&store.Options{NoSync: true})
		for range 2 {
			_, err := s.Append(ctx, []store.Event{{Type: "Enrolled"}}, nil)
			Expect(err).NotTo(HaveOccurred())
		}
		closed := make(chan error, 1)
		var once sync.Once
		var readErr error
		res, err := s.AddTags(ctx, "Enrolled", func(e store.StoredEvent) []store.Tag {
			once.Do(func() {
				go func() { closed <- s.Close() }()
				// Read until Close has begun: the callback may read, and
				// Close must not wait for a read behind it.
				for {
					if _, readErr = s.Head(ctx); readErr != nil || ctx.Err() != nil {
						return
					}
				}
			})
			return []store.Tag{store.NewTag("course", "c-1")}
		})
		Expect(readErr).To(MatchError(store.ErrClosed), "reads after Close began report it")
		Expect(err).NotTo(HaveOccurred(), "the run Close waits for finishes")
		Expect(res.EventsChanged).To(Equal(2))
		select {
		case err := <-closed:
			Expect(err).NotTo(HaveOccurred())
		case <-ctx.Done():
			Fail("Close did not return")
		}
	})

	It("removes the temporary file an interrupted AddTags left in a shard below the current one", SpecTimeout(2*time.Minute), func(ctx SpecContext) {
		s := openWith(&store.Options{NoSync: true})
		_, err := s.Append(ctx, []store.Event{{Type: "Old"}}, nil)
		Expect(err).NotTo(HaveOccurred())
		bulk := make([]store.Event, store.ShardSize)
		for i := range bulk {
			bulk[i] = store.Event{Type: "Bulk"}
		}
		_, err = s.Append(ctx, bulk, nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(s.Close()).To(Succeed())

		By("AddTags fails to rename its temporary file over event 1, and to remove it")
		s = openWith(&store.Options{FS: stuckTempFS{vfs.OSFS()}, NoSync: true})
		_, err = s.AddTags(ctx, "Old", func(store.StoredEvent) []store.Tag { return []store.Tag{store.NewTag("k", "v")} })
		Expect(err).To(MatchError(errStuckTemp))
		_ = s.Close()

		s = openWith(&store.Options{NoSync: true})
		Expect(s.Close()).To(Succeed())
		Expect(tempFiles(filepath.Dir(eventPath(dir, 1)))).To(BeEmpty(), "the temporary file is gone")
		rep, err := store.VerifyDir(ctx, dir)
		Expect(err).NotTo(HaveOccurred())
		Expect(rep.Problems).To(BeEmpty())
	})

	It("keeps the cause of a broken handle, so errors.Is finds the I/O error as well as ErrBroken", SpecTimeout(time.Minute), func(ctx SpecContext) {
		s := openWith(&store.Options{FS: ffs})
		ffs.FailNth(faultfs.OpSync, 1)
		err := appendBatch(ctx, s, nil, "b1", 1)
		Expect(err).To(MatchError(store.ErrBroken))
		Expect(err).To(MatchError(faultfs.ErrInjected), "the failed write")
		err = appendBatch(ctx, s, nil, "b2", 1)
		Expect(err).To(MatchError(store.ErrBroken))
		Expect(err).To(MatchError(faultfs.ErrInjected), "later appends name the same cause")
	})

	It("leaves nothing behind when it refuses to open a folder that is not a store", func() {
		Expect(os.MkdirAll(dir, 0o755)).To(Succeed())
		Expect(os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o644)).To(Succeed())
		_, err := store.Open(dir, nil)
		Expect(err).To(MatchError(store.ErrNotAStore))
		entries, err := os.ReadDir(dir)
		Expect(err).NotTo(HaveOccurred())
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		Expect(names).To(Equal([]string{"notes.txt"}))
	})
})

// tempFiles lists the temporary files of an atomic write in dir.
func tempFiles(dir string) []string {
	GinkgoHelper()
	entries, err := os.ReadDir(dir)
	Expect(err).NotTo(HaveOccurred())
	var out []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") && strings.HasSuffix(e.Name(), ".tmp") {
			out = append(out, e.Name())
		}
	}
	return out
}
