package store_test

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gleak"

	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/vfs"
)

// readGateFS counts the event files read through it and can hold the read
// of one of them until released.
type readGateFS struct {
	vfs.FS
	mu      sync.Mutex
	read    map[string]int // event file name → times read
	hold    string         // the name of the event file whose read waits
	held    chan struct{}  // closed when the held read has started
	release chan struct{}  // closed to let the held read go on
}

func newReadGateFS() *readGateFS {
	return &readGateFS{FS: vfs.OSFS(), read: map[string]int{}, held: make(chan struct{}), release: make(chan struct{})}
}

func (f *readGateFS) ReadFile(name string) ([]byte, error) {
	base := filepath.Base(name)
	if strings.HasSuffix(base, ".json") && filepath.Base(filepath.Dir(filepath.Dir(name))) == "events" {
		f.mu.Lock()
		f.read[base]++
		hold := base == f.hold
		f.mu.Unlock()
		if hold {
			close(f.held)
			<-f.release
		}
	}
	return f.FS.ReadFile(name)
}

// holdRead makes the next read of the event file at p wait for release.
func (f *readGateFS) holdRead(p store.Position) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.hold = eventFileName(p)
}

func (f *readGateFS) wasRead(p store.Position) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.read[eventFileName(p)] > 0
}

// filesRead returns the number of event files read so far.
func (f *readGateFS) filesRead() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.read)
}

func eventFileName(p store.Position) string { return fmt.Sprintf("%012d.json", p) }

var _ = Describe("reading a large result", func() {
	const n = 1000
	var (
		dir  string
		fsys *readGateFS
		s    *store.FileStore
	)

	BeforeEach(func(ctx SpecContext) {
		dir = GinkgoT().TempDir()
		w, err := store.Open(dir, &store.Options{NoSync: true})
		Expect(err).NotTo(HaveOccurred())
		evs := make([]store.Event, n)
		for i := range evs {
			evs[i] = store.Event{Type: []string{"Even", "Odd"}[(i+1)%2]}
		}
		_, err = w.Append(ctx, evs, nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(w.Close()).To(Succeed())

		fsys = newReadGateFS()
		s, err = store.Open(dir, &store.Options{FS: fsys})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(s.Close)
		baseline := gleak.Goroutines()
		DeferCleanup(func() {
			Eventually(gleak.Goroutines).WithTimeout(10 * time.Second).ShouldNot(gleak.HaveLeaked(baseline))
		})
	})

	It("reads later event files while an earlier one is still being read, and yields the events in position order", func(ctx SpecContext) {
		fsys.holdRead(20)
		released := make(chan struct{})
		go func() {
			defer GinkgoRecover()
			defer close(released)
			<-fsys.held
			// The read of position 20 waits until files after it were read.
			Eventually(func() bool { return fsys.wasRead(100) }).WithContext(ctx).Should(BeTrue())
			close(fsys.release)
		}()
		evs, err := store.ReadAll(ctx, s, store.All())
		Expect(err).NotTo(HaveOccurred())
		Eventually(released).WithContext(ctx).Should(BeClosed())
		Expect(positionsOf(evs)).To(Equal(positionRange(1, n)))
	}, SpecTimeout(time.Minute))

	It("yields the events of a query backwards in position order", func(ctx SpecContext) {
		evs, err := store.ReadAll(ctx, s, store.Types("Odd"), store.Backwards())
		Expect(err).NotTo(HaveOccurred())
		Expect(evs).To(HaveLen(n / 2))
		for i, e := range evs {
			Expect(e.Position).To(Equal(store.Position(n - 1 - 2*i)))
			Expect(e.Type).To(Equal("Odd"))
		}
	}, SpecTimeout(time.Minute))

	It("reads a bounded number of files ahead of a consumer that stops early, and leaves no goroutine behind", func(ctx SpecContext) {
		got := 0
		for e, err := range s.Read(ctx, store.All()) {
			Expect(err).NotTo(HaveOccurred())
			got++
			if e.Position == 10 {
				break
			}
		}
		Expect(got).To(Equal(10))
		Expect(fsys.filesRead()).To(BeNumerically("<", n/2))
	}, SpecTimeout(time.Minute))

	It("stops at a missing event file with the error naming it, after the events before it, and leaves no goroutine behind", func(ctx SpecContext) {
		missing := eventPath(dir, 500)
		Expect(os.Remove(missing)).To(Succeed())
		evs, errs := drain(s.Read(ctx, store.All()), nil)
		Expect(positionsOf(evs)).To(Equal(positionRange(1, 499)))
		Expect(errs).To(HaveLen(1))
		Expect(errs[0]).To(MatchError(store.ErrCorrupt))
		var ce *store.CorruptionError
		Expect(errors.As(errs[0], &ce)).To(BeTrue())
		Expect(ce.Position).To(Equal(store.Position(500)))
		Expect(ce.Path).To(Equal(missing))
	}, SpecTimeout(time.Minute))

	It("ends with the context's error when the context is cancelled during the read, and yields nothing after it", func(ctx SpecContext) {
		rctx, cancel := context.WithCancel(ctx)
		defer cancel()
		evs, errs := drain(s.Read(rctx, store.All()), func(e store.StoredEvent) {
			if e.Position == 100 {
				cancel()
			}
		})
		Expect(positionsOf(evs)).To(Equal(positionRange(1, 100)))
		Expect(errs).To(ConsistOf(MatchError(context.Canceled)))
	}, SpecTimeout(time.Minute))

	It("returns the context's error at once while a file read hangs, and returns when the read ends", func(ctx SpecContext) {
		fsys.holdRead(300)
		rctx, cancel := context.WithCancel(ctx)
		defer cancel()
		go func() {
			defer GinkgoRecover()
			<-fsys.held
			cancel()
		}()
		var errs []error
		done := make(chan struct{})
		go func() {
			defer GinkgoRecover()
			defer close(done)
			for _, err := range s.Read(rctx, store.All()) {
				if err != nil {
					errs = append(errs, err)
					// The held read still runs: the iterator ends after it.
					close(fsys.release)
				}
			}
		}()
		Eventually(done).WithContext(ctx).Should(BeClosed())
		Expect(errs).To(ConsistOf(MatchError(context.Canceled)))
	}, SpecTimeout(time.Minute))
})

// drain takes a whole read, keeping its events and its errors apart, and
// calls each (when not nil) with every event as it comes.
func drain(seq iter.Seq2[store.StoredEvent, error], each func(store.StoredEvent)) ([]store.StoredEvent, []error) {
	var evs []store.StoredEvent
	var errs []error
	for e, err := range seq {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		evs = append(evs, e)
		if each != nil {
			each(e)
		}
	}
	return evs, errs
}

// positionRange returns the positions from..to, ascending.
func positionRange(from, to store.Position) []store.Position {
	var out []store.Position
	for p := from; p <= to; p++ {
		out = append(out, p)
	}
	return out
}
