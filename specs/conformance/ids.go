package conformance

import (
	"encoding/json"
	"errors"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/store"
)

// withID returns e with the id id.
func withID(e store.Event, id store.EventID) store.Event {
	e.ID = id
	return e
}

// identified returns n events of type typ, each with a new id.
func identified(typ string, n int, tags ...store.Tag) []store.Event {
	out := make([]store.Event, n)
	for i := range out {
		out[i] = withID(ev(typ, tags...), store.NewEventID())
	}
	return out
}

func describeIDs(h *harness) {
	Describe("event ids", func() {
		It("gives every event appended without an id a new one: unique, of version 7, increasing in append order, carrying the append time", func(ctx SpecContext) {
			before := time.Now().Add(-time.Second)
			h.history(ctx)
			h.append(ctx, ev("A"), ev("A"), ev("A"))
			events := h.read(ctx, store.All())
			Expect(events).To(HaveLen(11))
			for i, e := range events {
				Expect(e.ID.IsZero()).To(BeFalse(), "event %d has an id", e.Position)
				Expect(e.ID.Version()).To(Equal(7), "event %d has a time-ordered id", e.Position)
				Expect(e.ID.Time()).To(BeTemporally(">=", before.Truncate(time.Millisecond)))
				Expect(e.ID.Time()).To(BeTemporally("<=", time.Now()))
				if i > 0 {
					Expect(e.ID.Compare(events[i-1].ID)).To(Equal(1), "the id of event %d sorts after the id of event %d", e.Position, events[i-1].Position)
					Expect(e.ID.String() > events[i-1].ID.String()).To(BeTrue(), "and so does its text")
				}
			}
		})

		It("keeps the ids the caller set, in Read, ReadLast and Subscribe", func(ctx SpecContext) {
			batch := identified("A", 3)
			h.append(ctx, ev("B"), batch[0], batch[1], batch[2])
			want := []store.EventID{batch[0].ID, batch[1].ID, batch[2].ID}
			Expect(storedIDs(h.read(ctx, store.Types("A")))).To(Equal(want))
			last, err := h.s.ReadLast(ctx, store.Types("A"))
			Expect(err).NotTo(HaveOccurred())
			Expect(last.ID).To(Equal(batch[2].ID))
			sub := h.subscribe(ctx, store.Types("A"), 0)
			Eventually(func() []store.EventID {
				sub.mu.Lock()
				defer sub.mu.Unlock()
				return storedIDs(sub.events)
			}).WithTimeout(waitTimeout).Should(Equal(want))
		}, SpecTimeout(specTimeout))

		It("keeps an id of any UUID version, given as text", func(ctx SpecContext) {
			id, err := store.ParseEventID("F81D4FAE-7DEC-11D0-A765-00A0C91E6BF6")
			Expect(err).NotTo(HaveOccurred())
			h.append(ctx, withID(ev("A"), id))
			Expect(h.read(ctx, store.All())[0].ID.String()).To(Equal("f81d4fae-7dec-11d0-a765-00a0c91e6bf6"))
		})

		Describe("an append of a batch whose ids are already stored, as that batch", func() {
			var batch []store.Event

			BeforeEach(func(ctx SpecContext) {
				h.append(ctx, ev("Before"))
				batch = []store.Event{
					withID(store.Event{Type: "A", Data: json.RawMessage(`{"n": 1, "m": 2}`), Tags: []store.Tag{course1, student1},
						Metadata: store.Metadata{CorrelationID: "c", CausationID: "k", Extra: map[string]string{"user": "ada"}}}, store.NewEventID()),
					withID(ev("B", course1), store.NewEventID()),
					withID(ev("C"), store.NewEventID()),
				}
				Expect(h.s.Append(ctx, batch, nil)).To(Equal(store.Position(4)))
			})

			It("returns the original last position and appends nothing", func(ctx SpecContext) {
				before := h.read(ctx, store.All())
				Expect(h.s.Append(ctx, batch, nil)).To(Equal(store.Position(4)))
				Expect(h.s.Append(ctx, batch, nil)).To(Equal(store.Position(4)))
				Expect(h.read(ctx, store.All())).To(Equal(before))
			})

			It("returns the original positions after other events were appended", func(ctx SpecContext) {
				h.append(ctx, ev("After"), ev("After"))
				Expect(h.s.Append(ctx, batch, nil)).To(Equal(store.Position(4)))
				Expect(h.head(ctx)).To(Equal(store.Position(6)))
			})

			It("succeeds with the condition of the first attempt, which its own stored events now violate", func(ctx SpecContext) {
				unique := store.Guard(store.Tagged(course2), 0)
				enrol := identified("A", 1, course2)
				Expect(h.s.Append(ctx, enrol, unique)).To(Equal(store.Position(5)))
				Expect(h.s.Append(ctx, enrol, unique)).To(Equal(store.Position(5)))
				Expect(h.s.Append(ctx, batch, store.Guard(store.Tagged(course1), 1))).To(Equal(store.Position(4)))
				Expect(h.head(ctx)).To(Equal(store.Position(5)))
			})

			It("is a retry when the data differs only in insignificant whitespace and the timestamp was left to the store", func(ctx SpecContext) {
				retry := append([]store.Event(nil), batch...)
				retry[0].Data = json.RawMessage("{ \"n\" :\n 1,\t\"m\": 2 }")
				Expect(h.s.Append(ctx, retry, nil)).To(Equal(store.Position(4)))
				Expect(h.head(ctx)).To(Equal(store.Position(4)))
			})

			It("is a retry when the caller gave the same timestamp both times", func(ctx SpecContext) {
				at := time.Date(2025, 3, 4, 5, 6, 7, 8, time.UTC)
				e := withID(store.Event{Type: "T", Metadata: store.Metadata{Timestamp: at}}, store.NewEventID())
				p := h.append(ctx, e)
				e.Metadata.Timestamp = at.In(time.FixedZone("x", 3600))
				Expect(h.s.Append(ctx, []store.Event{e}, nil)).To(Equal(p))
			})

			It("stores exactly one copy when the same batch is appended by many goroutines at once", func(ctx SpecContext) {
				racing := identified("R", 3)
				const n = 8
				results := make([]store.Position, n)
				errs := make([]error, n)
				var wg sync.WaitGroup
				for i := range n {
					wg.Go(func() {
						defer GinkgoRecover()
						results[i], errs[i] = h.s.Append(ctx, racing, nil)
					})
				}
				wg.Wait()
				for i := range n {
					Expect(errs[i]).NotTo(HaveOccurred())
					Expect(results[i]).To(Equal(store.Position(7)))
				}
				Expect(h.head(ctx)).To(Equal(store.Position(7)))
			}, SpecTimeout(specTimeout))

			// Each entry turns the stored batch into an append that reuses
			// its ids but is not a retry of it.
			DescribeTable("is refused with ErrDuplicateEventID, naming the id and its position, and writes nothing, when",
				func(ctx SpecContext, change func(batch []store.Event) []store.Event, index int, id func(batch []store.Event) store.EventID, pos store.Position) {
					changed := change(cloneEvents(batch))
					_, err := h.s.Append(ctx, changed, nil)
					Expect(err).To(MatchError(store.ErrDuplicateEventID))
					var de *store.DuplicateEventIDError
					Expect(errors.As(err, &de)).To(BeTrue(), "the error is a *store.DuplicateEventIDError: %v", err)
					Expect(de.ID).To(Equal(id(batch)))
					Expect(de.Index).To(Equal(index))
					Expect(de.Position).To(Equal(pos))
					Expect(h.head(ctx)).To(Equal(store.Position(4)), "a refused append writes nothing")
				},
				Entry("the events come in another order", func(b []store.Event) []store.Event {
					return []store.Event{b[1], b[0], b[2]}
				}, 1, nthID(0), store.Position(2)),
				Entry("only some of the batch's events come again", func(b []store.Event) []store.Event {
					return b[:2]
				}, 0, nthID(0), store.Position(2)),
				Entry("the batch comes again with a new event after it", func(b []store.Event) []store.Event {
					return append(b, withID(ev("New"), store.NewEventID()))
				}, 0, nthID(0), store.Position(2)),
				Entry("a new event comes before the batch", func(b []store.Event) []store.Event {
					return append([]store.Event{withID(ev("New"), store.NewEventID())}, b...)
				}, 1, nthID(0), store.Position(2)),
				Entry("one of the batch's events comes alone", func(b []store.Event) []store.Event {
					return b[1:2]
				}, 0, nthID(1), store.Position(3)),
				Entry("the type differs", func(b []store.Event) []store.Event {
					b[1].Type = "Other"
					return b
				}, 1, nthID(1), store.Position(3)),
				Entry("the data differs", func(b []store.Event) []store.Event {
					b[0].Data = json.RawMessage(`{"n": 2}`)
					return b
				}, 0, nthID(0), store.Position(2)),
				Entry("the data has its keys in another order", func(b []store.Event) []store.Event {
					b[0].Data = json.RawMessage(`{"m": 2, "n": 1}`)
					return b
				}, 0, nthID(0), store.Position(2)),
				Entry("a tag is missing", func(b []store.Event) []store.Event {
					b[0].Tags = b[0].Tags[:1]
					return b
				}, 0, nthID(0), store.Position(2)),
				Entry("the tags come in another order", func(b []store.Event) []store.Event {
					b[0].Tags = []store.Tag{student1, course1}
					return b
				}, 0, nthID(0), store.Position(2)),
				Entry("the correlation id differs", func(b []store.Event) []store.Event {
					b[0].Metadata.CorrelationID = "other"
					return b
				}, 0, nthID(0), store.Position(2)),
				Entry("the causation id differs", func(b []store.Event) []store.Event {
					b[0].Metadata.CausationID = ""
					return b
				}, 0, nthID(0), store.Position(2)),
				Entry("the extra metadata differs", func(b []store.Event) []store.Event {
					b[0].Metadata.Extra = map[string]string{"user": "grace"}
					return b
				}, 0, nthID(0), store.Position(2)),
				Entry("the caller now gives a timestamp that is not the stored one", func(b []store.Event) []store.Event {
					b[2].Metadata.Timestamp = time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC)
					return b
				}, 2, nthID(2), store.Position(4)),
			)

			It("refuses an id that the first event of the store has, for an event with other content", func(ctx SpecContext) {
				stored := h.read(ctx, store.All())[0]
				_, err := h.s.Append(ctx, []store.Event{withID(ev("Other"), stored.ID)}, nil)
				Expect(err).To(MatchError(store.ErrDuplicateEventID))
				Expect(h.head(ctx)).To(Equal(store.Position(4)))
			})

			It("refuses ids of two stored batches put together", func(ctx SpecContext) {
				before := h.read(ctx, store.All())[0]
				_, err := h.s.Append(ctx, append([]store.Event{before.Event}, batch...), nil)
				Expect(err).To(MatchError(store.ErrDuplicateEventID))
				Expect(h.head(ctx)).To(Equal(store.Position(4)))
			})
		})

		It("refuses a batch in which an id occurs twice, writing nothing", func(ctx SpecContext) {
			id := store.NewEventID()
			_, err := h.s.Append(ctx, []store.Event{withID(ev("A"), id), ev("B"), withID(ev("C"), id)}, nil)
			Expect(err).To(MatchError(store.ErrDuplicateEventID))
			var de *store.DuplicateEventIDError
			Expect(errors.As(err, &de)).To(BeTrue())
			Expect(de.ID).To(Equal(id))
			Expect(de.Index).To(Equal(2))
			Expect(de.Position).To(BeZero())
			Expect(h.head(ctx)).To(BeZero())
		})
	})
}

// nthID returns a function that picks the id of a batch's i-th event.
func nthID(i int) func([]store.Event) store.EventID {
	return func(b []store.Event) store.EventID { return b[i].ID }
}

// cloneEvents copies the events and their tags, so an entry can change them.
func cloneEvents(b []store.Event) []store.Event {
	out := make([]store.Event, len(b))
	for i, e := range b {
		e.Tags = append([]store.Tag(nil), e.Tags...)
		out[i] = e
	}
	return out
}

// storedIDs returns the id of each event.
func storedIDs(events []store.StoredEvent) []store.EventID {
	out := make([]store.EventID, len(events))
	for i, e := range events {
		out[i] = e.ID
	}
	return out
}
