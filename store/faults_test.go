package store_test

import (
	"context"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gleak"

	"github.com/opossum-go/opossum/internal/faultfs"
	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/vfs"
)

// faultEnv is one run of a fault scenario: a store folder under a root
// that a faultfs.FS tracks, the open handle, and what was acknowledged.
type faultEnv struct {
	root, dir string
	ffs       *faultfs.FS
	s         *store.FileStore
	acks      ackLog

	mu   sync.Mutex
	errs []error
	seq  int
}

func newFaultEnv() *faultEnv {
	GinkgoHelper()
	root := GinkgoT().TempDir()
	ffs := modelFS(root)
	// The store folder does not exist yet: Open creates it, so the specs
	// also cover the durability of that.
	e := &faultEnv{root: root, dir: filepath.Join(root, "store"), ffs: ffs}
	DeferCleanup(func() {
		if e.s != nil { // a spec failed half way: do not leak the committer
			_ = e.s.Close()
		}
	})
	return e
}

func (e *faultEnv) opts() *store.Options {
	return &store.Options{FS: e.ffs, Logger: specLogger(), LockTimeout: time.Minute}
}

// modelFS returns a faultfs.FS over root without the real sync calls:
// what survives a cut is decided by its model alone, and the real fsyncs
// would cost most of the time of these loops. Every check after a cut
// also opens the store through one, for the same reason.
func modelFS(root string) *faultfs.FS {
	GinkgoHelper()
	ffs, err := faultfs.New(root)
	Expect(err).NotTo(HaveOccurred())
	ffs.SetRealSync(false)
	return ffs
}

// record notes the error of a call made by the scenario.
func (e *faultEnv) record(call string, err error) error {
	if err != nil {
		fmt.Fprintf(GinkgoWriter, "%s: %v\n", call, err)
		e.mu.Lock()
		e.errs = append(e.errs, fmt.Errorf("%s: %w", call, err))
		e.mu.Unlock()
	}
	return err
}

func (e *faultEnv) errors() []error {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]error(nil), e.errs...)
}

func (e *faultEnv) nextID(prefix string) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.seq++
	return fmt.Sprintf("%s%d", prefix, e.seq)
}

func (e *faultEnv) open() error {
	s, err := store.Open(e.dir, e.opts())
	if e.record("Open", err) == nil {
		e.s = s
	}
	return err
}

func (e *faultEnv) append(ctx context.Context, n int) error {
	return e.record("Append", appendBatch(ctx, e.s, &e.acks, e.nextID("b"), n))
}

func (e *faultEnv) close() error {
	s := e.s
	e.s = nil
	return e.record("Close", s.Close())
}

// mustOpenWithHistory opens the store (no fault armed yet) and appends two
// batches: positions 1..2 and 3.
func (e *faultEnv) mustOpenWithHistory(ctx context.Context) {
	GinkgoHelper()
	Expect(e.open()).To(Succeed())
	Expect(e.append(ctx, 2)).To(Succeed())
	Expect(e.append(ctx, 1)).To(Succeed())
}

// writeDurably writes a file through fsys and makes it and its name durable.
func writeDurably(fsys vfs.FS, path string, data []byte) {
	GinkgoHelper()
	Expect(fsys.MkdirAll(filepath.Dir(path), 0o755)).To(Succeed())
	f, err := fsys.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	Expect(err).NotTo(HaveOccurred())
	_, err = f.Write(data)
	Expect(err).NotTo(HaveOccurred())
	Expect(f.Sync()).To(Succeed())
	Expect(f.Close()).To(Succeed())
	// The file's name, and its folder's name in case MkdirAll made it.
	Expect(fsys.SyncDir(filepath.Dir(path))).To(Succeed())
	Expect(fsys.SyncDir(filepath.Dir(filepath.Dir(path)))).To(Succeed())
}

// leaveCrashedBatch lays out what a writer that crashed in the middle of
// an append left: the files of batch first..last except skip, durable.
func leaveCrashedBatch(fsys vfs.FS, dir string, first, last store.Position, id string, skip ...store.Position) {
	GinkgoHelper()
	signLock(dir)
	for p := first; p <= last; p++ {
		if !containsPos(skip, p) {
			writeDurably(fsys, eventPath(dir, p), eventFileJSON(p, first, last, id))
		}
	}
}

// signLock writes the writer token of another writer in the store's lock
// file, as every writer does when it takes the lock (before it writes any
// event file): the helpers that lay out what a crashed writer left call
// it, so that an open handle knows another writer held the lock.
func signLock(dir string) {
	GinkgoHelper()
	Expect(os.WriteFile(filepath.Join(dir, ".lock"), []byte("0123456789abcdef\n"), 0o644)).To(Succeed())
}

func containsPos(l []store.Position, p store.Position) bool {
	for _, q := range l {
		if q == p {
			return true
		}
	}
	return false
}

// faultScenario is something the store does while a fault is armed.
// setup runs before the fault is armed; run makes the calls, recording
// their errors; it stops at the first failing call (later appends would
// only return the sticky error), except for concurrent calls.
type faultScenario struct {
	name  string
	setup func(ctx context.Context, e *faultEnv)
	run   func(ctx context.Context, e *faultEnv)
}

// appendThenClose is the run of a scenario that appends a batch of n
// events and closes the store.
func appendThenClose(n int) func(context.Context, *faultEnv) {
	return func(ctx context.Context, e *faultEnv) {
		if e.append(ctx, n) == nil {
			_ = e.close()
		}
	}
}

var faultScenarios = []faultScenario{
	{
		name:  "a single append",
		setup: func(ctx context.Context, e *faultEnv) { e.mustOpenWithHistory(ctx) },
		run:   appendThenClose(1),
	},
	{
		name:  "an append of a batch of 5",
		setup: func(ctx context.Context, e *faultEnv) { e.mustOpenWithHistory(ctx) },
		run:   appendThenClose(5),
	},
	{
		// More files than the store always syncs one by one: a fresh
		// handle syncs them one by one still.
		name:  "an append of a batch of 12",
		setup: func(ctx context.Context, e *faultEnv) { e.mustOpenWithHistory(ctx) },
		run:   appendThenClose(12),
	},
	{
		name: "an append of a batch of 12 synced with one syncfs",
		setup: func(ctx context.Context, e *faultEnv) {
			e.mustOpenWithHistory(ctx)
			store.PreferSyncfs(e.s)
		},
		run: appendThenClose(12),
	},
	{
		name:  "concurrent appends",
		setup: func(ctx context.Context, e *faultEnv) { e.mustOpenWithHistory(ctx) },
		run: func(ctx context.Context, e *faultEnv) {
			var wg sync.WaitGroup
			for g := range 6 {
				wg.Go(func() {
					defer GinkgoRecover()
					for range 2 {
						_ = e.append(ctx, g%3+1)
					}
				})
			}
			wg.Wait()
			if len(e.errors()) == 0 {
				_ = e.close()
			}
		},
	},
	{
		name: "an append that adopts a whole batch a crashed writer left",
		setup: func(ctx context.Context, e *faultEnv) {
			e.mustOpenWithHistory(ctx)
			leaveCrashedBatch(e.ffs, e.dir, 4, 6, "crashed-whole")
		},
		run: appendThenClose(1),
	},
	{
		name: "an append that removes a torn batch a crashed writer left",
		setup: func(ctx context.Context, e *faultEnv) {
			e.mustOpenWithHistory(ctx)
			leaveCrashedBatch(e.ffs, e.dir, 4, 6, "crashed-torn", 6)
		},
		run: appendThenClose(2),
	},
	{
		name:  "opening a new store",
		setup: func(context.Context, *faultEnv) {},
		run: func(ctx context.Context, e *faultEnv) {
			if e.open() == nil && e.append(ctx, 1) == nil {
				_ = e.close()
			}
		},
	},
	{
		name: "opening a store that needs recovery",
		setup: func(ctx context.Context, e *faultEnv) {
			// Batches 1..2, 3 and 4..6 acknowledged; then the snapshot
			// is lost, the head file is stale (3), a crashed writer left
			// a whole batch 7..8 and a torn one 9..11, and a temp file.
			e.mustOpenWithHistory(ctx)
			Expect(e.append(ctx, 3)).To(Succeed())
			Expect(e.close()).To(Succeed())
			Expect(e.ffs.Remove(filepath.Join(e.dir, "index", "snapshot.bin"))).To(Succeed())
			writeDurably(e.ffs, filepath.Join(e.dir, "head"), headFile(3))
			leaveCrashedBatch(e.ffs, e.dir, 7, 8, "crashed-whole")
			leaveCrashedBatch(e.ffs, e.dir, 9, 11, "crashed-torn", 10)
			writeDurably(e.ffs, filepath.Join(e.dir, "index", ".snapshot.bin.0badf00d.tmp"), []byte("half a snapshot"))
		},
		run: func(ctx context.Context, e *faultEnv) {
			if e.open() == nil && e.append(ctx, 1) == nil {
				_ = e.close()
			}
		},
	},
}

// afterFault is the second half of every run: reopen through the same FS
// (no fault armed, durability still tracked), check, append, close, cut
// the power, and check again from what was durable. The cut proves that
// what recovery and the later append did is durable, not just visible.
func (e *faultEnv) afterFault(ctx context.Context) {
	GinkgoHelper()
	s, err := store.Open(e.dir, e.opts())
	Expect(err).NotTo(HaveOccurred(), "reopening after the fault recovers")
	DeferCleanup(func() { _ = s.Close() }) // in case a check fails; ErrClosed otherwise
	checkStore(ctx, s, e.acks.all())
	Expect(appendBatch(ctx, s, &e.acks, e.nextID("after"), 3)).To(Succeed(), "the reopened store accepts appends")
	Expect(s.Close()).To(Succeed())
	Expect(e.ffs.Cut()).To(Succeed())
	reopenAndCheck(ctx, e.dir, &store.Options{FS: modelFS(e.root), Logger: specLogger()}, e.acks.all())
}

// closeAfterFault closes a handle the scenario left open. If a call
// failed, the handle must be broken: it refuses a later append with
// ErrBroken (sticky) until reopened.
func (e *faultEnv) closeAfterFault(ctx context.Context) {
	GinkgoHelper()
	if e.s == nil {
		return
	}
	if len(e.errors()) > 0 {
		_, err := e.s.Append(ctx, batchEvents("refused", 1), nil)
		Expect(err).To(MatchError(store.ErrBroken), "a failed commit breaks the handle until it is reopened")
		_ = e.s.Close() // the handle is broken; what its Close reports is not the point
	} else {
		Expect(e.s.Close()).To(Succeed())
	}
	e.s = nil
}

// surfaces tells whether a failure of an operation of kind must reach the
// caller. Some failures may be absorbed: a failed Stat or ReadDir where
// the store only looks around, a failed read of the derived index snapshot
// (the index is then rebuilt), a failed removal of a temporary file. The
// spec then still checks that nothing was lost.
var surfaces = map[faultfs.Kind]bool{
	faultfs.OpOpenFile: true,
	faultfs.OpWrite:    true,
	faultfs.OpSync:     true,
	faultfs.OpRename:   true,
	faultfs.OpSyncDir:  true,
	faultfs.OpSyncAll:  true,
	faultfs.OpMkdir:    true,
	faultfs.OpClose:    true,
}

// expectNoLeakedGoroutines checks, after the spec, that every goroutine a
// store started has ended.
func expectNoLeakedGoroutines() {
	baseline := gleak.Goroutines()
	DeferCleanup(func() {
		Eventually(gleak.Goroutines).WithTimeout(10 * time.Second).ShouldNot(gleak.HaveLeaked(baseline))
	})
}

var _ = Describe("Fault injection", Label("faults"), func() {
	BeforeEach(expectNoLeakedGoroutines)

	// failLoop fails the n-th operation (as arm says) for n = 1, 2, ...
	// until the scenario completes without the fault firing, and returns
	// the highest n that fired.
	failLoop := func(ctx context.Context, sc faultScenario, what string, mustSurface bool, arm func(f *faultfs.FS, n int)) int {
		GinkgoHelper()
		for n := 1; ; n++ {
			Expect(n).To(BeNumerically("<", 500), "the scenario never completes")
			e := newFaultEnv()
			sc.setup(ctx, e)
			arm(e.ffs, n)
			sc.run(ctx, e)
			fired := e.ffs.Fired()
			e.ffs.Disarm()
			errs := e.errors()
			ffs := e.ffs
			why := func(what string) func() string {
				return func() string { return what + "\nrecent operations:\n  " + strings.Join(ffs.Trace(), "\n  ") }
			}
			if !fired {
				Expect(errs).To(BeEmpty(), "no fault fired")
				e.closeAfterFault(ctx)
				e.afterFault(ctx)
				return n - 1
			}
			By(fmt.Sprintf("%s #%d failed: %v", what, n, errs))
			if mustSurface {
				Expect(errs).NotTo(BeEmpty(), why("the failing call returns an error"))
			}
			for _, err := range errs {
				Expect(err).To(Or(MatchError(store.ErrBroken), MatchError(faultfs.ErrInjected)),
					why("a failed call reports the I/O error or ErrBroken"))
			}
			e.closeAfterFault(ctx)
			e.afterFault(ctx)
		}
	}

	for _, sc := range faultScenarios {
		Describe(sc.name, func() {
			for _, kind := range faultfs.Kinds {
				It(fmt.Sprintf("fails the N-th %s for N = 1.. : the call errs, the handle stays broken, reopening loses nothing acknowledged and shows no partial batch", kind), func(ctx SpecContext) {
					last := failLoop(ctx, sc, string(kind), surfaces[kind], func(f *faultfs.FS, n int) { f.FailNth(kind, n) })
					AddReportEntry("covered", fmt.Sprintf("%s: failed %s #1..#%d", sc.name, kind, last))
				}, SpecTimeout(3*time.Minute))
			}
			It("makes the N-th write short for N = 1.. : same guarantees", func(ctx SpecContext) {
				last := failLoop(ctx, sc, "short write", true, func(f *faultfs.FS, n int) { f.ShortWriteNth(n) })
				AddReportEntry("covered", fmt.Sprintf("%s: short write #1..#%d", sc.name, last))
			}, SpecTimeout(3*time.Minute))
		})
	}
})

// reboot is what follows a power cut: the machine comes back with what
// was durable. It opens the store through a new FS (which takes the disk
// as it is as durable), checks that every acknowledged batch is there and
// no partial batch is, appends, closes and cuts the power once more, so
// that what recovery did must be durable too, and checks again.
func (e *faultEnv) reboot(ctx context.Context, opts store.Options) []seenBatch {
	GinkgoHelper()
	ffs := modelFS(e.root)
	e.ffs = ffs
	o := opts
	o.FS, o.Logger = ffs, specLogger()
	s, err := store.Open(e.dir, &o)
	Expect(err).NotTo(HaveOccurred(), "the store opens after the power cut")
	DeferCleanup(func() { _ = s.Close() }) // in case a check fails; ErrClosed otherwise
	checkStore(ctx, s, e.acks.all())
	Expect(appendBatch(ctx, s, &e.acks, e.nextID("after"), 2)).To(Succeed())
	Expect(s.Close()).To(Succeed())
	Expect(ffs.Cut()).To(Succeed())
	o.FS = modelFS(e.root)
	return reopenAndCheck(ctx, e.dir, &o, e.acks.all())
}

// snapshotHead returns the head recorded in the store's index snapshot
// (format documented in snapshot.go), or 0 when there is none or it is bad.
func snapshotHead(dir string) store.Position {
	b, err := os.ReadFile(filepath.Join(dir, "index", "snapshot.bin"))
	const magic = "OPOSSUMIDX"
	if err != nil || len(b) < len(magic)+5 || string(b[:len(magic)]) != magic {
		return 0
	}
	body := b[:len(b)-4]
	if crc32.ChecksumIEEE(body) != binary.LittleEndian.Uint32(b[len(b)-4:]) {
		return 0
	}
	h, n := binary.Uvarint(body[len(magic)+1:])
	if n <= 0 {
		return 0
	}
	return store.Position(h)
}

var _ = Describe("Power cuts", Label("faults", "powercut"), func() {
	BeforeEach(expectNoLeakedGoroutines)

	// cutLoop cuts the power instead of doing the n-th file-system
	// operation, for n = 1, 2, ... until the scenario completes before the
	// cut; each time the machine reboots and the store must hold every
	// acknowledged batch and no partial one. It returns the highest n.
	cutLoop := func(ctx context.Context, sc faultScenario, arm func(f *faultfs.FS, n int)) int {
		GinkgoHelper()
		for n := 1; ; n++ {
			Expect(n).To(BeNumerically("<", 1000), "the scenario never completes")
			e := newFaultEnv()
			sc.setup(ctx, e)
			arm(e.ffs, n)
			sc.run(ctx, e)
			fired := e.ffs.Fired()
			if !fired {
				Expect(e.errors()).To(BeEmpty())
				e.closeAfterFault(ctx)
				Expect(e.ffs.Cut()).To(Succeed())
				e.reboot(ctx, store.Options{})
				return n - 1
			}
			Expect(e.ffs.CutErr()).NotTo(HaveOccurred())
			for _, err := range e.errors() {
				Expect(err).To(Or(MatchError(store.ErrBroken), MatchError(faultfs.ErrPoweredOff)))
			}
			if e.s != nil {
				_ = e.s.Close() // the process's last moments, on a dead disk
				e.s = nil
			}
			e.reboot(ctx, store.Options{})
		}
	}

	for _, sc := range faultScenarios {
		Describe(sc.name, func() {
			It("loses nothing acknowledged and shows no partial batch when the power goes before the N-th operation, N = 1..", func(ctx SpecContext) {
				last := cutLoop(ctx, sc, func(f *faultfs.FS, n int) { f.CutAtNth(faultfs.OpAny, n) })
				AddReportEntry("covered", fmt.Sprintf("%s: power cut before operation #1..#%d", sc.name, last))
			}, SpecTimeout(3*time.Minute))

			It("loses nothing acknowledged and shows no partial batch when the power goes before the N-th operation and the disk keeps a random part of the rest", func(ctx SpecContext) {
				seed := uint64(GinkgoRandomSeed())
				last := cutLoop(ctx, sc, func(f *faultfs.FS, n int) { f.CutRandomAtNth(faultfs.OpAny, n, seed+uint64(n)) })
				AddReportEntry("covered", fmt.Sprintf("%s: random power cut before operation #1..#%d (seed %d+N)", sc.name, last, seed))
			}, SpecTimeout(3*time.Minute))
		})
	}

	It("loses nothing acknowledged when the power goes at a random moment during concurrent appends", func(ctx SpecContext) {
		seed := uint64(GinkgoRandomSeed())
		rng := rand.New(rand.NewPCG(seed, 1))
		for round := range 8 {
			By(fmt.Sprintf("round %d (seed %d)", round, seed))
			e := newFaultEnv()
			Expect(e.open()).To(Succeed())
			var wg sync.WaitGroup
			for g := range 4 {
				wg.Go(func() {
					defer GinkgoRecover()
					for i := 0; ; i++ {
						err := appendBatch(ctx, e.s, &e.acks, e.nextID(fmt.Sprintf("g%d-", g)), 1+(g+i)%5)
						if err != nil {
							Expect(err).To(Or(MatchError(store.ErrBroken), MatchError(faultfs.ErrPoweredOff)))
							return
						}
					}
				})
			}
			// Wait for a random number of acknowledged batches, then cut.
			want := rng.IntN(25)
			Eventually(func() int { return len(e.acks.all()) }).WithContext(ctx).WithTimeout(time.Minute).Should(BeNumerically(">=", want))
			if round%2 == 0 {
				Expect(e.ffs.Cut()).To(Succeed())
			} else {
				Expect(e.ffs.CutRandom(seed + uint64(round))).To(Succeed())
			}
			wg.Wait()
			_ = e.s.Close()
			e.s = nil
			e.reboot(ctx, store.Options{})
		}
	}, SpecTimeout(3*time.Minute))

	It("keeps a store NoSync created, in new parent folders, when the power goes right after Open", func(ctx SpecContext) {
		e := newFaultEnv()
		dir := filepath.Join(e.root, "a", "b", "store")
		opts := e.opts()
		opts.NoSync = true
		s, err := store.Open(dir, opts)
		Expect(err).NotTo(HaveOccurred())
		Expect(e.ffs.Cut()).To(Succeed())
		_ = s.Close()
		Expect(filepath.Join(dir, "opossum.json")).To(BeAnExistingFile(), "creating a store is durable even with NoSync")
		reopenAndCheck(ctx, dir, &store.Options{NoSync: true, FS: modelFS(e.root), Logger: specLogger()}, nil)
	})

	It("with NoSync loses at most the whole batches after the last sync, never part of one", func(ctx SpecContext) {
		seed := uint64(GinkgoRandomSeed())
		rng := rand.New(rand.NewPCG(seed, 2))
		for round := range 10 {
			cutAt := 1 + rng.IntN(400)
			By(fmt.Sprintf("round %d: power cut at operation %d (seed %d)", round, cutAt, seed))
			e := newFaultEnv()
			opts := e.opts()
			opts.NoSync, opts.SnapshotEvery = true, 10 // a background snapshot (with a sync) every 10 events
			s, err := store.Open(e.dir, opts)
			Expect(err).NotTo(HaveOccurred())
			if round%2 == 0 {
				e.ffs.CutAtNth(faultfs.OpAny, cutAt)
			} else {
				e.ffs.CutRandomAtNth(faultfs.OpAny, cutAt, seed+uint64(round))
			}
			for i := 0; !e.ffs.Dead(); i++ {
				Expect(i).To(BeNumerically("<", 1000))
				if err := appendBatch(ctx, s, &e.acks, e.nextID("b"), 1+i%4); err != nil {
					Expect(err).To(Or(MatchError(store.ErrBroken), MatchError(faultfs.ErrPoweredOff)))
					break
				}
			}
			_ = s.Close()
			durable := snapshotHead(e.dir)
			survivors := reopenAndCheck(ctx, e.dir, &store.Options{NoSync: true, FS: modelFS(e.root), Logger: specLogger()}, nil)
			acked := e.acks.all()
			Expect(len(survivors)).To(BeNumerically("<=", len(acked)+1), "at most the batch in flight besides the acknowledged ones")
			for i, b := range survivors {
				if i < len(acked) {
					Expect(b).To(Equal(seenBatch(acked[i])), "the survivors are the first acknowledged batches")
				}
			}
			var last store.Position
			if len(survivors) > 0 {
				last = survivors[len(survivors)-1].Last
			}
			Expect(last).To(BeNumerically(">=", durable), "every event the last durable snapshot covers survives")
			AddReportEntry("NoSync cut", fmt.Sprintf("round %d: %d batches acknowledged, %d survived, snapshot covered position %d", round, len(acked), len(survivors), durable))
		}
	}, SpecTimeout(3*time.Minute))
})
