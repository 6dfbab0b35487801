package store_test

// Specs for how a commit makes its group durable: per-file syncs or one
// syncfs, chosen by the cost each was observed to have. The costs are
// injected (store.SetSyncCosts), so no spec depends on timing; which
// strategy a commit used is read from the operations the file system saw.

import (
	"context"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/internal/faultfs"
	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/vfs"
)

const (
	viaSyncfs  = "syncfs"
	viaPerFile = "per file"
)

// settableCost is a cost per file that a spec changes between appends.
type settableCost struct{ ns atomic.Int64 }

func costOf(d time.Duration) *settableCost {
	c := &settableCost{}
	c.set(d)
	return c
}

func (c *settableCost) set(d time.Duration)      { c.ns.Store(int64(d)) }
func (c *settableCost) get() time.Duration       { return time.Duration(c.ns.Load()) }
func (c *settableCost) fn() func() time.Duration { return c.get }

var _ = Describe("A commit's sync", func() {
	var (
		root, dir string
		ffs       *faultfs.FS
		acks      *ackLog
		syncfs    *settableCost
		perFile   *settableCost
		n         int
	)
	large := store.SyncEachMax + 1
	BeforeEach(func() {
		root = GinkgoT().TempDir()
		dir = filepath.Join(root, "store")
		ffs = modelFS(root)
		acks = &ackLog{}
		syncfs, perFile = costOf(time.Millisecond), costOf(2*time.Millisecond)
		n = 0
	})
	open := func(fsys vfs.FS) *store.FileStore {
		GinkgoHelper()
		s, err := store.Open(dir, &store.Options{FS: fsys, Logger: specLogger()})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func() { _ = s.Close() }) // a handle of a machine that lost power may fail to close
		store.SetSyncCosts(s, syncfs.fn(), perFile.fn())
		return s
	}
	// appendVia appends a batch of size events and tells how the file
	// system saw it made durable.
	appendVia := func(ctx context.Context, s *store.FileStore, size int) string {
		GinkgoHelper()
		all, each := ffs.Count(faultfs.OpSyncAll), ffs.Count(faultfs.OpSync)
		n++
		Expect(appendBatch(ctx, s, acks, fmt.Sprintf("b%d", n), size)).To(Succeed())
		all, each = ffs.Count(faultfs.OpSyncAll)-all, ffs.Count(faultfs.OpSync)-each
		switch {
		case all == 1 && each == 0:
			return viaSyncfs
		case all == 0 && each == size:
			return viaPerFile
		}
		return fmt.Sprintf("%d syncfs and %d fdatasyncs for %d files", all, each, size)
	}
	appendsVia := func(ctx context.Context, s *store.FileStore, count, size int) []string {
		GinkgoHelper()
		via := make([]string, count)
		for i := range via {
			via[i] = appendVia(ctx, s, size)
		}
		return via
	}
	repeat := func(via string, count int) []string {
		r := make([]string, count)
		for i := range r {
			r[i] = via
		}
		return r
	}
	expectDurable := func(ctx context.Context) {
		GinkgoHelper()
		Expect(ffs.Cut()).To(Succeed())
		batches := reopenAndCheck(ctx, dir, &store.Options{FS: modelFS(root), Logger: specLogger()}, acks.all())
		Expect(batches).To(HaveLen(len(acks.all())), "every acknowledged batch survives the power cut")
	}

	every := store.SyncRetryEvery + 1
	// toSyncfs commits large groups until the first try of syncfs, which
	// finds it cheaper.
	toSyncfs := func(ctx context.Context, s *store.FileStore) {
		GinkgoHelper()
		Expect(appendsVia(ctx, s, every, large)).To(Equal(append(repeat(viaPerFile, every-1), viaSyncfs)))
	}

	It("syncs large groups with one syncfs once its first try, after SyncRetryEvery large groups, found it cheaper", SpecTimeout(time.Minute), func(ctx SpecContext) {
		s := open(ffs)
		via := appendsVia(ctx, s, every+10, large)
		Expect(via).To(Equal(append(repeat(viaPerFile, every-1), repeat(viaSyncfs, 11)...)))
		expectDurable(ctx)
	})

	It("turns to per-file syncs once a syncfs is observed slow, and tries syncfs again after SyncRetryEvery large groups, twice as many after each try that loses", SpecTimeout(2*time.Minute), func(ctx SpecContext) {
		s := open(ffs)
		toSyncfs(ctx, s)

		By("a large writer elsewhere makes syncfs slow")
		syncfs.set(100 * time.Millisecond)
		Expect(appendVia(ctx, s, large)).To(Equal(viaSyncfs), "the stall is observed on the group that meets it")
		wait := store.SyncRetryEvery
		via := appendsVia(ctx, s, wait+1+2*wait+1, large)
		want := append(repeat(viaPerFile, wait), viaSyncfs)
		want = append(append(want, repeat(viaPerFile, 2*wait)...), viaSyncfs)
		Expect(via).To(Equal(want), "each try finds syncfs still slow")

		By("the large writer stops")
		syncfs.set(time.Millisecond)
		via = appendsVia(ctx, s, 4*wait+3, large)
		want = append(repeat(viaPerFile, 4*wait), repeat(viaSyncfs, 3)...)
		Expect(via).To(Equal(want), "the next try finds syncfs cheap again and keeps it")
		expectDurable(ctx)
	})

	It("stays with per-file syncs while they get dearer than the last syncfs, until a retry finds syncfs cheaper", SpecTimeout(2*time.Minute), func(ctx SpecContext) {
		s := open(ffs)
		toSyncfs(ctx, s)
		syncfs.set(100 * time.Millisecond)
		Expect(appendVia(ctx, s, large)).To(Equal(viaSyncfs), "the stall is observed on the group that meets it")

		By("the machine gets busy: per-file syncs cost more than that stalled syncfs did")
		perFile.set(200 * time.Millisecond)
		via := appendsVia(ctx, s, every+2, large)
		want := append(repeat(viaPerFile, every-1), repeat(viaSyncfs, 3)...)
		Expect(via).To(Equal(want), "syncfs comes back through its retry, not through an old figure")
		expectDurable(ctx)
	})

	It("never syncs a group of up to SyncEachMax files with syncfs, however cheap syncfs was", SpecTimeout(time.Minute), func(ctx SpecContext) {
		s := open(ffs)
		syncfs.set(time.Nanosecond)
		toSyncfs(ctx, s)
		for size := 1; size <= store.SyncEachMax; size++ {
			Expect(appendVia(ctx, s, size)).To(Equal(viaPerFile), "a group of %d files", size)
		}
		expectDurable(ctx)
	})

	It("syncs every group file by file on a file system without SyncAll, the one that tries syncfs included", SpecTimeout(time.Minute), func(ctx SpecContext) {
		s := open(noSyncAllFS{ffs})
		syncfs.set(time.Nanosecond)
		Expect(appendsVia(ctx, s, every+5, large)).To(Equal(repeat(viaPerFile, every+5)))
		Expect(appendVia(ctx, s, 1)).To(Equal(viaPerFile))
		expectDurable(ctx)
	})
})
