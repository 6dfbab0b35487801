package store_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/gofrs/flock"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/store"
)

// syncBuffer is a bytes.Buffer safe for a logger and a spec to share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func typesOf(evs []store.StoredEvent) []string {
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = e.Type
	}
	return out
}

func positionsOf(evs []store.StoredEvent) []store.Position {
	out := make([]store.Position, len(evs))
	for i, e := range evs {
		out[i] = e.Position
	}
	return out
}

var _ = Describe("the file store", func() {
	var (
		ctx context.Context
		dir string
	)

	open := func(o *store.Options) *store.FileStore {
		GinkgoHelper()
		s, err := store.Open(dir, o)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(s.Close)
		return s
	}
	appendTypes := func(s store.EventStore, types ...string) store.Position {
		GinkgoHelper()
		evs := make([]store.Event, len(types))
		for i, t := range types {
			evs[i] = store.Event{Type: t, Tags: []store.Tag{store.NewTag("n", fmt.Sprint(i))}}
		}
		p, err := s.Append(ctx, evs, nil)
		Expect(err).NotTo(HaveOccurred())
		return p
	}

	BeforeEach(func() {
		ctx = context.Background()
		dir = GinkgoT().TempDir()
	})

	It("keeps its events across a reopen and continues the positions", func() {
		s := open(nil)
		appendTypes(s, "A", "B")
		Expect(s.Close()).To(Succeed())

		s = open(nil)
		Expect(appendTypes(s, "C")).To(Equal(store.Position(3)))
		all, err := store.ReadAll(ctx, s, store.All())
		Expect(err).NotTo(HaveOccurred())
		Expect(typesOf(all)).To(Equal([]string{"A", "B", "C"}))
	})

	It("writes one readable JSON file per event", func() {
		s := open(nil)
		e := store.MustEvent("CourseCreated", map[string]any{"name": "DCB"}, store.NewTag("courseId", "c-1"))
		e.Metadata.CorrelationID = "corr-1"
		_, err := s.Append(ctx, []store.Event{e}, nil)
		Expect(err).NotTo(HaveOccurred())
		b, err := os.ReadFile(filepath.Join(dir, "events", "000000", "000000000001.json"))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(b)).To(ContainSubstring(`"type": "CourseCreated"`))
		Expect(string(b)).To(ContainSubstring(`{"key":"courseId","value":"c-1"}`))
		Expect(string(b)).To(ContainSubstring(`"data": {"name":"DCB"}`))
		Expect(string(b)).To(ContainSubstring(`"correlationId":"corr-1"`))
		decoded, err := store.DecodeEventFile(b)
		Expect(err).NotTo(HaveOccurred())
		Expect(decoded.Type).To(Equal("CourseCreated"))
	})

	It("shows one handle's appends to another handle's reads and conditions at once", func() {
		a, b := open(nil), open(nil)
		appendTypes(a, "A")
		last, err := b.ReadLast(ctx, store.Types("A"))
		Expect(err).NotTo(HaveOccurred())
		Expect(last).NotTo(BeNil())
		Expect(last.Position).To(Equal(store.Position(1)))

		// b decided on an empty store; a's event must make its append fail.
		_, err = b.Append(ctx, []store.Event{{Type: "B"}}, &store.AppendCondition{FailIfEventsMatch: store.Types("A")})
		Expect(err).To(MatchError(store.ErrAppendConditionFailed))
		Expect(appendTypes(b, "B")).To(Equal(store.Position(2)))
		Expect(a.Head(ctx)).To(Equal(store.Position(2)))
	})

	It("wakes a subscriber on another handle when events are committed", func(sctx SpecContext) {
		a, b := open(nil), open(&store.Options{PollInterval: 5 * time.Millisecond})
		seen := make(chan store.Position, 10)
		subCtx, cancel := context.WithCancel(sctx)
		DeferCleanup(cancel)
		go func() {
			defer GinkgoRecover()
			for e, err := range b.Subscribe(subCtx, store.Types("A"), 0) {
				Expect(err).NotTo(HaveOccurred())
				seen <- e.Position
			}
			close(seen)
		}()
		appendTypes(a, "B", "A")
		Eventually(seen).WithTimeout(5 * time.Second).Should(Receive(Equal(store.Position(2))))
		cancel()
		Eventually(seen).WithTimeout(5 * time.Second).Should(BeClosed())
	}, NodeTimeout(10*time.Second))

	It("reads large results in order, forwards and backwards, across shard folders", func() {
		s := open(&store.Options{NoSync: true})
		const n = store.ShardSize + 150
		batch := make([]store.Event, 0, 1000)
		for i := 1; i <= n; i++ {
			t := "Odd"
			if i%2 == 0 {
				t = "Even"
			}
			batch = append(batch, store.Event{Type: t})
			if len(batch) == cap(batch) || i == n {
				_, err := s.Append(ctx, batch, nil)
				Expect(err).NotTo(HaveOccurred())
				batch = batch[:0]
			}
		}
		Expect(filepath.Join(dir, "events", "000001", fmt.Sprintf("%012d.json", n))).To(BeAnExistingFile())
		even, err := store.ReadAll(ctx, s, store.Types("Even"), store.After(9000))
		Expect(err).NotTo(HaveOccurred())
		Expect(even).To(HaveLen((n - 9000) / 2))
		for i, e := range even {
			Expect(e.Position).To(Equal(store.Position(9002 + 2*i)))
		}
		newest, err := store.ReadAll(ctx, s, store.All(), store.Backwards(), store.Limit(100))
		Expect(err).NotTo(HaveOccurred())
		Expect(newest).To(HaveLen(100))
		Expect(newest[0].Position).To(Equal(store.Position(n)))
		Expect(newest[99].Position).To(Equal(store.Position(n - 99)))
	})

	It("writes an index snapshot on close and rebuilds the index, with a log line, when it is gone", func() {
		s := open(nil)
		appendTypes(s, "A", "B", "A")
		Expect(s.Close()).To(Succeed())
		snapshot := filepath.Join(dir, "index", "snapshot.bin")
		Expect(snapshot).To(BeAnExistingFile())
		Expect(os.Remove(snapshot)).To(Succeed())

		var log syncBuffer
		s = open(&store.Options{Logger: slog.New(slog.NewTextHandler(&log, nil))})
		Expect(log.String()).To(ContainSubstring("index snapshot missing"))
		as, err := store.ReadAll(ctx, s, store.Types("A"))
		Expect(err).NotTo(HaveOccurred())
		Expect(positionsOf(as)).To(Equal([]store.Position{1, 3}))
	})

	It("reports a damaged committed event file as corruption naming the file", func() {
		s := open(nil)
		appendTypes(s, "A", "B")
		damaged := filepath.Join(dir, "events", "000000", "000000000001.json")
		Expect(os.WriteFile(damaged, []byte(`{"position": 1, "ty`), 0o644)).To(Succeed())
		_, err := store.ReadAll(ctx, s, store.All())
		Expect(err).To(MatchError(store.ErrCorrupt))
		Expect(err.Error()).To(ContainSubstring(damaged))
		var ce *store.CorruptionError
		Expect(err).To(BeAssignableToTypeOf(ce))
	})

	It("refuses a folder that is not a store", func() {
		Expect(os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("hello"), 0o644)).To(Succeed())
		_, err := store.Open(dir, nil)
		Expect(err).To(MatchError(store.ErrNotAStore))
		Expect(filepath.Join(dir, "opossum.json")).NotTo(BeAnExistingFile())
	})

	It("refuses a store written by a newer format version", func() {
		s := open(nil)
		Expect(s.Close()).To(Succeed())
		Expect(os.WriteFile(filepath.Join(dir, "opossum.json"), []byte(`{"format": 99}`), 0o644)).To(Succeed())
		_, err := store.Open(dir, nil)
		Expect(err).To(MatchError(store.ErrUnsupportedFormat))
	})

	It("rejects negative options", func() {
		_, err := store.Open(dir, &store.Options{LockTimeout: -time.Second})
		Expect(err).To(MatchError(store.ErrInvalidOption))
	})

	It("gives up waiting for a lock held elsewhere, naming the lock file", func() {
		s := open(&store.Options{LockTimeout: 50 * time.Millisecond})
		held := flock.New(filepath.Join(dir, ".lock"))
		Expect(held.Lock()).To(Succeed())
		DeferCleanup(held.Unlock)

		_, err := s.Append(ctx, []store.Event{{Type: "A"}}, nil)
		Expect(err).To(MatchError(store.ErrLockTimeout))
		Expect(err.Error()).To(ContainSubstring(filepath.Join(dir, ".lock")))
		var le *store.LockError
		Expect(errors.As(err, &le)).To(BeTrue())
		Expect(le.Waited).To(BeNumerically(">=", 50*time.Millisecond), "it waited the whole LockTimeout")
		_, err = store.Open(dir, &store.Options{LockTimeout: 50 * time.Millisecond})
		Expect(err).To(MatchError(store.ErrLockTimeout))

		Expect(held.Unlock()).To(Succeed())
		Expect(appendTypes(s, "A")).To(Equal(store.Position(1)), "a lock timeout does not break the handle")
	})

	It("commits concurrent appends of one handle together and keeps each one's condition", func() {
		s := open(nil)
		var wg sync.WaitGroup
		results := make([]error, 40)
		for i := range results {
			wg.Go(func() {
				defer GinkgoRecover()
				// Every append claims the same unique key: one may win.
				key := store.NewTag("key", "k")
				_, results[i] = s.Append(ctx, []store.Event{{Type: "Claimed", Tags: []store.Tag{key}}},
					&store.AppendCondition{FailIfEventsMatch: store.Tagged(key)})
			})
		}
		wg.Wait()
		won := 0
		for _, err := range results {
			if err == nil {
				won++
			} else {
				Expect(err).To(MatchError(store.ErrAppendConditionFailed))
			}
		}
		Expect(won).To(Equal(1))
		Expect(s.Head(ctx)).To(Equal(store.Position(1)))
	})
})
