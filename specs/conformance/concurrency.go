package conformance

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/specs/matchers"
	"github.com/opossum-go/opossum/store"
)

// mark is the data of the events the concurrency specs append: who wrote
// an event, in which of its appends, and where in that append's batch.
type mark struct {
	Writer int `json:"writer"`
	N      int `json:"n"`
	Index  int `json:"index"`
}

func markEvent(typ string, m mark, tags ...store.Tag) store.Event {
	data, err := json.Marshal(m)
	if err != nil {
		panic(err)
	}
	return store.Event{Type: typ, Data: data, Tags: tags}
}

func describeConcurrency(h *harness) {
	Describe("concurrent use", func() {
		It("gives 50 goroutines appending 20 events each the unique, contiguous positions 1 to 1000", func(ctx SpecContext) {
			const writers, each = 50, 20
			returned := make([][]store.Position, writers)
			var wg sync.WaitGroup
			for w := range writers {
				wg.Go(func() {
					defer GinkgoRecover()
					for n := range each {
						p, err := h.s.Append(ctx, []store.Event{markEvent("Appended", mark{Writer: w, N: n})}, nil)
						Expect(err).NotTo(HaveOccurred())
						returned[w] = append(returned[w], p)
					}
				})
			}
			wg.Wait()

			var all []store.Position
			for w, ps := range returned {
				Expect(slices.IsSorted(ps)).To(BeTrue(), "writer %d got decreasing positions for its sequential appends: %v", w, ps)
				all = append(all, ps...)
			}
			slices.Sort(all)
			Expect(all).To(Equal(span(1, writers*each)), "Append must return unique, contiguous positions")
			Expect(h.head(ctx)).To(Equal(store.Position(writers * each)))

			events := h.read(ctx, store.All())
			Expect(positionsOf(events)).To(Equal(span(1, writers*each)))
			for _, e := range events {
				m, err := store.Decode[mark](e.Event)
				Expect(err).NotTo(HaveOccurred())
				Expect(returned[m.Writer][m.N]).To(Equal(e.Position),
					"the event of writer %d, append %d is stored at another position than Append returned", m.Writer, m.N)
			}
		}, NodeTimeout(raceTimeout))

		It("lets exactly one of 20 goroutines appending with the same stale condition win", func(ctx SpecContext) {
			const writers = 20
			h.append(ctx, ev(courseDefined, course1))
			q := store.Tagged(course1)
			last, err := h.s.ReadLast(ctx, q)
			Expect(err).NotTo(HaveOccurred())
			Expect(last).NotTo(BeNil())

			start := make(chan struct{})
			errs := make([]error, writers)
			var wg sync.WaitGroup
			for w := range writers {
				wg.Go(func() {
					defer GinkgoRecover()
					<-start
					e := ev(studentSubscribed, course1, store.NewTag("student", fmt.Sprint(w)))
					_, errs[w] = h.s.Append(ctx, []store.Event{e}, store.Guard(q, last.Position))
				})
			}
			close(start)
			wg.Wait()

			winners := 0
			for _, err := range errs {
				if err == nil {
					winners++
					continue
				}
				Expect(err).To(matchers.BeRejectedByConditionAt(2))
			}
			Expect(winners).To(Equal(1), "exactly one append must win")
			Expect(h.head(ctx)).To(Equal(store.Position(2)))
		}, NodeTimeout(raceTimeout))

		It("never lets a reader see part of a batch while writers append", func(ctx SpecContext) {
			const writers, batches, size = 4, 25, 3
			var writing sync.WaitGroup
			var stop atomic.Bool
			for w := range writers {
				writing.Go(func() {
					defer GinkgoRecover()
					for n := range batches {
						batch := make([]store.Event, size)
						for i := range batch {
							batch[i] = markEvent("Batched", mark{Writer: w, N: n, Index: i})
						}
						_, err := h.s.Append(ctx, batch, nil)
						Expect(err).NotTo(HaveOccurred())
					}
				})
			}
			var reading sync.WaitGroup
			for range 2 {
				reading.Go(func() {
					defer GinkgoRecover()
					for !stop.Load() {
						events, err := store.ReadAll(ctx, h.s, store.All())
						Expect(err).NotTo(HaveOccurred())
						Expect(len(events)%size).To(BeZero(), "a reader saw %d events, part of a batch", len(events))
						Expect(positionsOf(events)).To(Equal(span(1, store.Position(len(events)))))
						last, err := h.s.ReadLast(ctx, store.All())
						Expect(err).NotTo(HaveOccurred())
						if last != nil {
							Expect(last.Position%size).To(BeZero(), "ReadLast saw position %d, inside a batch", last.Position)
						}
						head, err := h.s.Head(ctx)
						Expect(err).NotTo(HaveOccurred())
						Expect(head%size).To(BeZero(), "Head is %d, inside a batch", head)
						runtime.Gosched()
					}
				})
			}
			writing.Wait()
			stop.Store(true)
			reading.Wait()

			events := h.read(ctx, store.All())
			Expect(events).To(HaveLen(writers * batches * size))
			for i := 0; i < len(events); i += size {
				first, err := store.Decode[mark](events[i].Event)
				Expect(err).NotTo(HaveOccurred())
				for j := range size {
					m, err := store.Decode[mark](events[i+j].Event)
					Expect(err).NotTo(HaveOccurred())
					Expect(m).To(Equal(mark{Writer: first.Writer, N: first.N, Index: j}),
						"the events of one batch must be stored together and in order")
				}
			}
		}, NodeTimeout(raceTimeout))

		It("never commits an append whose condition was violated, in a randomized race of conditional writers", func(ctx SpecContext) {
			raceConditionalWriters(ctx, h.s, seed())
		}, NodeTimeout(raceTimeout))
	})
}

// attempt is one conditional append of the randomized race.
type attempt struct {
	writer int
	query  store.Query
	after  store.Position // 0: no After
	events []store.Event
	last   store.Position // what Append returned
	err    error
}

// raceConditionalWriters runs writers that each, many times, read the last
// event matching a random query, then append random events guarded by
// that query and position (store.Guard), as a decision would. It then
// replays the log and checks every append against its condition:
//
//   - a committed append: no event matching its query lies between its
//     After and its own first position, and its events are where Append
//     said;
//   - a rejected append: the store named a conflicting event that matches
//     the query and lies after After.
func raceConditionalWriters(ctx context.Context, s store.EventStore, seed int64) {
	GinkgoHelper()
	const writers, attempts = 8, 40
	vocab := raceVocabulary()
	results := make([][]attempt, writers)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			defer GinkgoRecover()
			rng := rand.New(rand.NewPCG(uint64(seed), uint64(w)))
			<-start
			for range attempts {
				a := attempt{writer: w, query: vocab.query(rng)}
				last, err := s.ReadLast(ctx, a.query)
				Expect(err).NotTo(HaveOccurred())
				if last != nil {
					a.after = last.Position
				}
				for range 1 + rng.IntN(2) {
					a.events = append(a.events, vocab.event(rng))
				}
				runtime.Gosched() // give other writers a chance to interfere
				a.last, a.err = s.Append(ctx, a.events, store.Guard(a.query, a.after))
				if a.err != nil && !errors.Is(a.err, store.ErrAppendConditionFailed) {
					Expect(a.err).NotTo(HaveOccurred(), "writer %d: append failed for a reason other than its condition", w)
				}
				results[w] = append(results[w], a)
			}
		})
	}
	close(start)
	wg.Wait()

	log, err := store.ReadAll(ctx, s, store.All())
	Expect(err).NotTo(HaveOccurred())
	Expect(positionsOf(log)).To(Equal(span(1, store.Position(len(log)))), "positions must be contiguous")

	committed, rejected, written := 0, 0, 0
	for _, as := range results {
		for _, a := range as {
			if a.err == nil {
				committed++
				written += len(a.events)
				checkCommitted(log, a)
			} else {
				rejected++
				checkRejected(log, a)
			}
		}
	}
	Expect(written).To(Equal(len(log)), "the log must hold exactly the events of the committed appends")
	GinkgoWriter.Printf("seed %d: %d appends committed, %d rejected by their condition, %d events\n", seed, committed, rejected, len(log))
}

func checkCommitted(log []store.StoredEvent, a attempt) {
	GinkgoHelper()
	first := a.last - store.Position(len(a.events)) + 1
	Expect(first).To(BeNumerically(">=", 1), "Append returned position %d for a batch of %d", a.last, len(a.events))
	Expect(int(a.last)).To(BeNumerically("<=", len(log)), "Append returned position %d beyond the log", a.last)
	for i, e := range a.events {
		got := log[int(first)-1+i]
		Expect(got.Type == e.Type && slices.Equal(got.Tags, e.Tags)).To(BeTrue(),
			"writer %d: the event at position %d is %s %v, but Append said it wrote %s %v there",
			a.writer, got.Position, got.Type, got.Tags, e.Type, e.Tags)
	}
	for p := a.after + 1; p < first; p++ {
		Expect(a.query.Matches(&log[p-1].Event)).To(BeFalse(),
			"writer %d committed positions %d..%d guarded by %s after %d, but the event at %d (%s %v) matches that query",
			a.writer, first, a.last, a.query, a.after, p, log[p-1].Type, log[p-1].Tags)
	}
}

func checkRejected(log []store.StoredEvent, a attempt) {
	GinkgoHelper()
	var ce *store.ConditionError
	Expect(errors.As(a.err, &ce)).To(BeTrue(), "writer %d: a rejection must be a *store.ConditionError, got %v", a.writer, a.err)
	Expect(ce.Conflict).To(BeNumerically(">", a.after),
		"writer %d: rejected %s after %d because of position %d, which is not after After", a.writer, a.query, a.after, ce.Conflict)
	Expect(int(ce.Conflict)).To(BeNumerically("<=", len(log)), "writer %d: the conflict %d is not in the log", a.writer, ce.Conflict)
	Expect(a.query.Matches(&log[ce.Conflict-1].Event)).To(BeTrue(),
		"writer %d: rejected %s after %d because of position %d, which does not match the query", a.writer, a.query, a.after, ce.Conflict)
}
