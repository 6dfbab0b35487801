package sqlitestore_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/internal/sqlitestore"
	"github.com/opossum-go/opossum/specs/matchers"
	"github.com/opossum-go/opossum/store"
)

// The conformance suite (specs/conformance) is the full specification; these
// specs are a smoke test of the peer, and a differential check against the
// memory store, which evaluates every query with store.Query.Matches.
var _ = Describe("The SQLite peer store", func() {
	var (
		s   *sqlitestore.Store
		ctx context.Context
	)

	BeforeEach(func() {
		ctx = context.Background()
		var err error
		s, err = sqlitestore.Open(filepath.Join(GinkgoT().TempDir(), "events.db"), &sqlitestore.Options{PollInterval: 5 * time.Millisecond})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func() { _ = s.Close() })
	})

	ev := func(typ string, tags ...store.Tag) store.Event {
		return store.Event{Type: typ, Data: []byte(`{"n": 1}`), Tags: tags}
	}
	course := store.NewTag("courseId", "c-1")
	student := store.NewTag("studentId", "s-1")

	It("assigns contiguous positions from 1 and reads them back in order", func() {
		last, err := s.Append(ctx, []store.Event{ev("A", course), ev("B", course, student)}, nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(last).To(Equal(store.Position(2)))
		events, err := store.ReadAll(ctx, s, store.All())
		Expect(err).NotTo(HaveOccurred())
		Expect(events).To(matchers.HaveEventTypes("A", "B"))
		Expect(events).To(matchers.HavePositions(1, 2))
		Expect(string(events[0].Data)).To(Equal(`{"n":1}`))
		Expect(events[1].Tags).To(Equal([]store.Tag{course, student}))
		Expect(events[0].Metadata.Timestamp).NotTo(BeZero())
	})

	It("rejects an append whose condition matches an event after After, and accepts it otherwise", func() {
		_, err := s.Append(ctx, []store.Event{ev("A", course)}, nil)
		Expect(err).NotTo(HaveOccurred())
		_, err = s.Append(ctx, []store.Event{ev("B", course)}, store.Guard(store.Tagged(course), 0))
		Expect(err).To(matchers.BeRejectedByConditionAt(1))
		_, err = s.Append(ctx, []store.Event{ev("B", course)}, store.Guard(store.Tagged(course), 1))
		Expect(err).NotTo(HaveOccurred())
		Expect(s).To(matchers.HaveAppended("A", "B"))
	})

	It("writes nothing when one event of a batch is invalid", func() {
		_, err := s.Append(ctx, []store.Event{ev("A"), {Type: ""}}, nil)
		Expect(err).To(MatchError(store.ErrInvalidEvent))
		_, err = s.Append(ctx, nil, nil)
		Expect(err).To(MatchError(store.ErrEmptyBatch))
		Expect(s.Head(ctx)).To(Equal(store.Position(0)))
	})

	It("reads backwards with a limit and after a position", func() {
		for i := range 5 {
			_, err := s.Append(ctx, []store.Event{ev(fmt.Sprint("T", i%2), course)}, nil)
			Expect(err).NotTo(HaveOccurred())
		}
		events, err := store.ReadAll(ctx, s, store.Types("T0"), store.Backwards(), store.Limit(2))
		Expect(err).NotTo(HaveOccurred())
		Expect(events).To(matchers.HavePositions(5, 3))
		events, err = store.ReadAll(ctx, s, store.Tagged(course), store.After(3))
		Expect(err).NotTo(HaveOccurred())
		Expect(events).To(matchers.HavePositions(4, 5))
		_, err = store.ReadAll(ctx, s, store.All(), store.Limit(-1))
		Expect(err).To(MatchError(store.ErrInvalidOption))
	})

	It("delivers stored events, then live ones, to a subscriber", func(sctx SpecContext) {
		_, err := s.Append(ctx, []store.Event{ev("A", course)}, nil)
		Expect(err).NotTo(HaveOccurred())
		got := make(chan store.Position, 4)
		subCtx, cancel := context.WithCancel(sctx)
		DeferCleanup(cancel)
		go func() {
			defer GinkgoRecover()
			for e, err := range s.Subscribe(subCtx, store.Tagged(course), 0) {
				if err != nil {
					return
				}
				got <- e.Position
			}
		}()
		Eventually(got).WithContext(sctx).Should(Receive(Equal(store.Position(1))))
		_, err = s.Append(ctx, []store.Event{ev("B"), ev("C", course)}, nil)
		Expect(err).NotTo(HaveOccurred())
		Eventually(got).WithContext(sctx).Should(Receive(Equal(store.Position(3))))
	}, SpecTimeout(10*time.Second))

	It("sees appends made through another handle on the same file", func() {
		other, err := sqlitestore.Open(filepath.Join(GinkgoT().TempDir(), "x.db"), nil)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func() { _ = other.Close() })
		path := filepath.Join(GinkgoT().TempDir(), "shared.db")
		a, err := sqlitestore.Open(path, nil)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func() { _ = a.Close() })
		b, err := sqlitestore.Open(path, nil)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func() { _ = b.Close() })
		_, err = a.Append(ctx, []store.Event{ev("A", course)}, nil)
		Expect(err).NotTo(HaveOccurred())
		last, err := b.ReadLast(ctx, store.Tagged(course))
		Expect(err).NotTo(HaveOccurred())
		Expect(last.Position).To(Equal(store.Position(1)))
	})

	It("returns ErrClosed after Close", func() {
		Expect(s.Close()).To(Succeed())
		_, err := s.Append(ctx, []store.Event{ev("A")}, nil)
		Expect(err).To(MatchError(store.ErrClosed))
		_, err = s.Head(ctx)
		Expect(err).To(MatchError(store.ErrClosed))
		Expect(s.Close()).To(Succeed())
	})

	It("selects exactly what the memory store selects, for random queries", func() {
		seed := GinkgoRandomSeed()
		GinkgoWriter.Printf("seed %d\n", seed)
		rng := rand.New(rand.NewPCG(uint64(seed), 7))
		mem := store.NewMemory()
		types := []string{"A", "B", "C"}
		tag := func() store.Tag { return store.NewTag(fmt.Sprint("k", rng.IntN(2)), fmt.Sprint(rng.IntN(3))) }
		for range 60 {
			var batch []store.Event
			for range 1 + rng.IntN(3) {
				var tags []store.Tag
				for range rng.IntN(3) {
					tags = append(tags, tag())
				}
				batch = append(batch, ev(types[rng.IntN(3)], tags...))
			}
			_, err := mem.Append(ctx, batch, nil)
			Expect(err).NotTo(HaveOccurred())
			_, err = s.Append(ctx, batch, nil)
			Expect(err).NotTo(HaveOccurred())
		}
		for range 200 {
			var items []store.QueryItem
			for range 1 + rng.IntN(2) {
				var it store.QueryItem
				for range rng.IntN(3) {
					it.Types = append(it.Types, types[rng.IntN(3)])
				}
				for range rng.IntN(3) {
					it.Tags = append(it.Tags, tag())
				}
				if len(it.Types)+len(it.Tags) == 0 {
					it.Types = []string{"A"}
				}
				items = append(items, it)
			}
			q := store.Items(items...)
			opts := []store.ReadOption{store.After(store.Position(rng.IntN(40)))}
			if rng.IntN(2) == 0 {
				opts = append(opts, store.Backwards(), store.Limit(rng.IntN(5)))
			}
			want, err := store.ReadAll(ctx, mem, q, opts...)
			Expect(err).NotTo(HaveOccurred())
			got, err := store.ReadAll(ctx, s, q, opts...)
			Expect(err).NotTo(HaveOccurred())
			Expect(positions(got)).To(Equal(positions(want)), "query %s", q)
			wl, err := mem.ReadLast(ctx, q)
			Expect(err).NotTo(HaveOccurred())
			gl, err := s.ReadLast(ctx, q)
			Expect(err).NotTo(HaveOccurred())
			Expect(gl == nil).To(Equal(wl == nil), "ReadLast %s", q)
			if wl != nil {
				Expect(gl.Position).To(Equal(wl.Position), "ReadLast %s", q)
			}
		}
	})
})

func positions(es []store.StoredEvent) []store.Position {
	out := []store.Position{}
	for _, e := range es {
		out = append(out, e.Position)
	}
	return out
}
