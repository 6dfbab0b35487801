package store_test

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/vfs"
)

var _ = Describe("The writer lock", func() {
	It("lets a writer that waits for it in before the holder, releasing it, can take it again", SpecTimeout(time.Minute), func(ctx SpecContext) {
		if runtime.GOOS != "linux" {
			Skip("the gate of the writer lock is an open-file-description lock, which only Linux has")
		}
		dir := GinkgoT().TempDir()
		holder, waiter := store.NewWriterLock(dir), store.NewWriterLock(dir)
		DeferCleanup(holder.Close)
		DeferCleanup(waiter.Close)
		Expect(holder.Lock(ctx)).To(Succeed())

		var mu sync.Mutex
		var order []string
		took := func(who string) {
			mu.Lock()
			defer mu.Unlock()
			order = append(order, who)
		}
		waiterDone := make(chan error, 1)
		go func() {
			err := waiter.Lock(ctx)
			took("waiter")
			waiterDone <- err
		}()
		By("the waiter holds the gate while it waits for the lock")
		Eventually(func() bool { return store.GateHeld(dir) }).WithContext(ctx).Should(BeTrue())

		Expect(holder.Unlock()).To(Succeed())
		holderDone := make(chan error, 1)
		go func() {
			err := holder.Lock(context.Background())
			took("holder")
			holderDone <- err
		}()
		Eventually(waiterDone).WithContext(ctx).Should(Receive(Succeed()))
		Expect(waiter.Unlock()).To(Succeed())
		Eventually(holderDone).WithContext(ctx).Should(Receive(Succeed()))
		Expect(holder.Unlock()).To(Succeed())
		Expect(order).To(Equal([]string{"waiter", "holder"}))
	})
})

var _ = Describe("The writer lock of a NoSync handle", func() {
	BeforeEach(func() {
		if runtime.GOOS != "linux" {
			Skip("a lock parks only where a waiter at the gate can be seen: Linux")
		}
	})
	one := []store.Event{{Type: "A"}}
	// appended opens a NoSync handle on a new store and appends an event.
	appended := func(ctx context.Context) (*store.FileStore, string) {
		dir := GinkgoT().TempDir()
		s, err := store.Open(dir, &store.Options{NoSync: true})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(s.Close)
		Expect(store.LockHeld(dir)).To(BeFalse(), "Open releases it")
		_, err = s.Append(ctx, one, nil)
		Expect(err).NotTo(HaveOccurred())
		return s, dir
	}

	It("stays held between appends, and Close releases it", func(ctx SpecContext) {
		DeferCleanup(store.SetLockIdle(time.Hour)) // no release for idleness here
		s, dir := appended(ctx)
		for range 3 {
			Expect(store.LockHeld(dir)).To(BeTrue(), "parked after the append")
			_, err := s.Append(ctx, one, nil)
			Expect(err).NotTo(HaveOccurred())
		}
		Expect(s.Close()).To(Succeed())
		Expect(store.LockHeld(dir)).To(BeFalse(), "released by Close")
	})

	It("is released soon after the last append", SpecTimeout(time.Minute), func(ctx SpecContext) {
		_, dir := appended(ctx)
		Eventually(func() bool { return store.LockHeld(dir) }).WithContext(ctx).Should(BeFalse())
	})

	It("is released by a durable handle at once", func(ctx SpecContext) {
		dir := GinkgoT().TempDir()
		s, err := store.Open(dir, nil)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(s.Close)
		_, err = s.Append(ctx, one, nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(store.LockHeld(dir)).To(BeFalse())
	})

	It("closes while its idle release may be running", func(ctx SpecContext) {
		// Close meets the release of the idle lock at every point of it
		// in some of these rounds; the race detector sees a conflict.
		for i := range 100 {
			s, dir := appended(ctx)
			time.Sleep(time.Duration(800+4*i) * time.Microsecond)
			Expect(s.Close()).To(Succeed())
			Expect(store.LockHeld(dir)).To(BeFalse())
		}
	})

	It("lets a writer that waits at the gate in at its next commit, before committing", SpecTimeout(time.Minute), func(ctx SpecContext) {
		DeferCleanup(store.SetLockIdle(time.Hour)) // no release for idleness here
		s, dir := appended(ctx)
		Expect(store.LockHeld(dir)).To(BeTrue(), "parked")

		w := store.NewWriterLock(dir)
		DeferCleanup(w.Close)
		waiterDone := make(chan error, 1)
		go func() { waiterDone <- w.Lock(ctx) }()
		Eventually(func() bool { return store.GateHeld(dir) }).WithContext(ctx).Should(BeTrue())

		appended := make(chan error, 1)
		go func() {
			_, err := s.Append(ctx, one, nil)
			appended <- err
		}()
		Eventually(waiterDone).WithContext(ctx).Should(Receive(Succeed()), "the parked handle let the waiter in")
		Consistently(appended, "50ms").ShouldNot(Receive(), "the append waits for the waiter")
		Expect(w.Unlock()).To(Succeed())
		Eventually(appended).WithContext(ctx).Should(Receive(Succeed()))
		Expect(store.LockHeld(dir)).To(BeTrue(), "parked again")
	})
})

// createGateFS can hold the creation of one event file until released.
type createGateFS struct {
	vfs.FS
	hold    string        // the name of the event file whose creation waits
	held    chan struct{} // closed when the held creation has started
	release chan struct{} // closed to let it go on
}

func (f *createGateFS) OpenFile(name string, flag int, perm os.FileMode) (vfs.File, error) {
	if flag&os.O_CREATE != 0 && filepath.Base(name) == f.hold {
		close(f.held)
		<-f.release
	}
	return f.FS.OpenFile(name, flag, perm)
}

var _ = Describe("A committer beside another writer", func() {
	It("commits at most twice the events the other appended since its last commit under one hold of the lock, and the rest under the next", SpecTimeout(time.Minute), func(ctx SpecContext) {
		if runtime.GOOS != "linux" {
			Skip("the order of the writers is the gate's, an open-file-description lock, which only Linux has")
		}
		dir := GinkgoT().TempDir()
		reader := sdkmetric.NewManualReader()
		gate := &createGateFS{FS: vfs.OSFS(), hold: eventFileName(2), held: make(chan struct{}), release: make(chan struct{})}
		busy, err := store.Open(dir, &store.Options{NoSync: true, FS: gate, MeterProvider: sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(busy.Close)
		lone, err := store.Open(dir, &store.Options{NoSync: true})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(lone.Close)
		one := []store.Event{{Type: "A"}}
		_, err = busy.Append(ctx, one, nil)
		Expect(err).NotTo(HaveOccurred())

		By("the busy handle commits one append, held while it writes, and gathers eleven behind it")
		var wg sync.WaitGroup
		for range 12 {
			wg.Go(func() {
				defer GinkgoRecover()
				_, err := busy.Append(ctx, one, nil)
				Expect(err).NotTo(HaveOccurred())
			})
		}
		Eventually(gate.held).WithContext(ctx).Should(BeClosed())
		// The committer has taken the next append and waits; ten are queued.
		Eventually(func() int { return store.Queued(busy) }).WithContext(ctx).Should(Equal(10))

		By("another handle appends one event meanwhile: it waits for the lock at the gate's head")
		lonePos := make(chan store.Position, 1)
		go func() {
			defer GinkgoRecover()
			p, err := lone.Append(ctx, one, nil)
			Expect(err).NotTo(HaveOccurred())
			lonePos <- p
		}()
		Eventually(func() bool { return store.GateHeld(dir) }).WithContext(ctx).Should(BeTrue())
		close(gate.release)
		wg.Wait()
		var p store.Position
		Eventually(lonePos).WithContext(ctx).Should(Receive(&p))
		Expect(p).To(Equal(store.Position(3)), "after the held append, before the eleven")

		By("the groups: the first append, the held one, then the eleven as two (the other appended one event) and nine (nobody else wrote since)")
		var rm metricdata.ResourceMetrics
		Expect(reader.Collect(ctx, &rm)).To(Succeed())
		var groups *metricdata.HistogramDataPoint[int64]
		for _, sm := range rm.ScopeMetrics {
			for _, m := range sm.Metrics {
				if m.Name == store.MetricGroupSize {
					groups = &m.Data.(metricdata.Histogram[int64]).DataPoints[0]
				}
			}
		}
		Expect(groups).NotTo(BeNil())
		Expect(groups.Sum).To(Equal(int64(13)))
		Expect(groups.Count).To(Equal(uint64(4)), "groups of 1, 1, 2 and 9")
		max, _ := groups.Max.Value()
		Expect(max).To(Equal(int64(9)))
	})
})
