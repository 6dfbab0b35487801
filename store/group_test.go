package store_test

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/vfs"
)

// createGateFS holds the creation of one event file until released.
type createGateFS struct {
	vfs.FS
	mu      sync.Mutex
	hold    string        // the name of the event file whose creation waits
	held    chan struct{} // closed when the held creation has started
	release chan struct{} // closed to let it go on
}

func (f *createGateFS) OpenFile(name string, flag int, perm os.FileMode) (vfs.File, error) {
	f.mu.Lock()
	hold := flag&os.O_CREATE != 0 && filepath.Base(name) == f.hold
	held, release := f.held, f.release
	f.mu.Unlock()
	if hold {
		close(held)
		<-release
	}
	return f.FS.OpenFile(name, flag, perm)
}

// holdCreate makes the creation of the event file at p wait; it returns
// the channel closed when it waits and the function that releases it.
func (f *createGateFS) holdCreate(p store.Position) (held <-chan struct{}, release func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	h, r := make(chan struct{}), make(chan struct{})
	f.hold, f.held, f.release = eventFileName(p), h, r
	return h, sync.OnceFunc(func() { close(r) })
}

// groupSizes returns the count, sum and max of the group-size histogram.
func groupSizes(ctx SpecContext, reader *sdkmetric.ManualReader) (count uint64, sum, max int64) {
	var rm metricdata.ResourceMetrics
	Expect(reader.Collect(ctx, &rm)).To(Succeed())
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if m.Name == store.MetricGroupSize {
				dp := m.Data.(metricdata.Histogram[int64]).DataPoints[0]
				max, _ = dp.Max.Value()
				return dp.Count, dp.Sum, max
			}
		}
	}
	Fail("no group sizes recorded")
	return 0, 0, 0
}

var _ = Describe("A committer with many writers", func() {
	It("gathers the writers that queued while it committed into one group with the writers of that commit, instead of alternating halves", SpecTimeout(time.Minute), func(ctx SpecContext) {
		const half, rounds = 8, 5
		fsys := &createGateFS{FS: vfs.OSFS()}
		reader := sdkmetric.NewManualReader()
		s, err := store.Open(GinkgoT().TempDir(), &store.Options{
			FS: fsys, NoSync: true, GroupWait: 10 * time.Second,
			MeterProvider: sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader)),
		})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(s.Close)
		one := []store.Event{{Type: "A"}}
		var wg sync.WaitGroup
		writer := func(appends int) {
			wg.Go(func() {
				defer GinkgoRecover()
				for range appends {
					_, err := s.Append(ctx, one, nil)
					Expect(err).NotTo(HaveOccurred())
				}
			})
		}

		By("a lone append holds the commit while the first half queues")
		held, release := fsys.holdCreate(1)
		wg.Go(func() {
			defer GinkgoRecover()
			_, err := s.Append(ctx, one, nil)
			Expect(err).NotTo(HaveOccurred())
		})
		Eventually(ctx, held).Should(BeClosed())
		for range half {
			writer(rounds)
		}
		// The committer has taken one and waits for the lone commit.
		Eventually(func() int { return store.Queued(s) }).WithContext(ctx).Should(Equal(half - 1))

		By("the first half commits as one group while the second half queues")
		held2, release2 := fsys.holdCreate(2)
		release()
		Eventually(ctx, held2).Should(BeClosed())
		for range half {
			writer(rounds - 1)
		}
		Eventually(func() int { return store.Queued(s) }).WithContext(ctx).Should(Equal(half))
		release2()
		wg.Wait()

		By("then every group holds both halves")
		count, sum, max := groupSizes(ctx, reader)
		Expect(sum).To(Equal(int64(1 + half*rounds + half*(rounds-1))))
		Expect(max).To(Equal(int64(2 * half)))
		Expect(count).To(Equal(uint64(2+rounds-1)), "the lone append, the first half, then %d groups of both halves", rounds-1)
	})
})

// writebackFS records, in order, the write-backs started and the syncs of
// the event files created through it.
type writebackFS struct {
	vfs.FS
	mu  sync.Mutex
	ops []string // "writeback <name>" or "sync <name>"
}

func (f *writebackFS) OpenFile(name string, flag int, perm os.FileMode) (vfs.File, error) {
	file, err := f.FS.OpenFile(name, flag, perm)
	if err != nil || flag&os.O_CREATE == 0 || filepath.Base(filepath.Dir(filepath.Dir(name))) != "events" {
		return file, err
	}
	return &writebackFile{File: file, fs: f, name: filepath.Base(name)}, nil
}

func (f *writebackFS) record(op string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.ops = append(f.ops, op)
}

type writebackFile struct {
	vfs.File
	fs   *writebackFS
	name string
}

func (f *writebackFile) StartWriteback() error {
	f.fs.record("writeback " + f.name)
	return nil
}

func (f *writebackFile) Sync() error {
	f.fs.record("sync " + f.name)
	return f.File.Sync()
}

var _ = Describe("A commit of several event files", func() {
	It("starts the write-back of every file before the first of their syncs, and syncs each", func(ctx SpecContext) {
		fsys := &writebackFS{FS: vfs.OSFS()}
		s, err := store.Open(GinkgoT().TempDir(), &store.Options{FS: fsys})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(s.Close)
		_, err = s.Append(ctx, []store.Event{{Type: "A"}, {Type: "A"}, {Type: "A"}, {Type: "A"}}, nil)
		Expect(err).NotTo(HaveOccurred())

		fsys.mu.Lock()
		defer fsys.mu.Unlock()
		Expect(fsys.ops).To(HaveLen(8))
		var writebacks, syncs []string
		for i, op := range fsys.ops {
			name, isSync := strings.CutPrefix(op, "sync ")
			if !isSync {
				Expect(i).To(BeNumerically("<", 4), "a write-back after a sync: %v", fsys.ops)
				writebacks = append(writebacks, strings.TrimPrefix(op, "writeback "))
				continue
			}
			syncs = append(syncs, name)
		}
		names := []string{eventFileName(1), eventFileName(2), eventFileName(3), eventFileName(4)}
		Expect(writebacks).To(Equal(names))
		Expect(syncs).To(ConsistOf(names))
	})
})
