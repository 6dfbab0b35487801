package conformance

import (
	"context"
	"fmt"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/specs/matchers"
	"github.com/opossum-go/opossum/store"
)

func describeAppend(h *harness) {
	Describe("Append", func() {
		It("gives the first event position 1 and returns it", func(ctx SpecContext) {
			Expect(h.s.Append(ctx, []store.Event{ev("A")}, nil)).To(Equal(store.Position(1)))
			Expect(h.positions(ctx, store.All())).To(Equal([]store.Position{1}))
		})

		It("returns the position of the last event of a batch", func(ctx SpecContext) {
			Expect(h.s.Append(ctx, []store.Event{ev("A"), ev("B"), ev("C")}, nil)).To(Equal(store.Position(3)))
		})

		It("numbers positions contiguously across batches", func(ctx SpecContext) {
			Expect(h.s.Append(ctx, []store.Event{ev("A"), ev("B"), ev("C")}, nil)).To(Equal(store.Position(3)))
			Expect(h.s.Append(ctx, []store.Event{ev("D"), ev("E")}, nil)).To(Equal(store.Position(5)))
			Expect(h.s.Append(ctx, []store.Event{ev("F")}, nil)).To(Equal(store.Position(6)))
			Expect(h.positions(ctx, store.All())).To(Equal(span(1, 6)))
		})

		It("stores the events of a batch in the order given", func(ctx SpecContext) {
			h.append(ctx, ev("A"), ev("B"), ev("C"))
			Expect(h.read(ctx, store.All())).To(matchers.HaveEventTypes("A", "B", "C"))
		})

		It("rejects an empty batch with ErrEmptyBatch and writes nothing", func(ctx SpecContext) {
			_, err := h.s.Append(ctx, nil, nil)
			Expect(err).To(MatchError(store.ErrEmptyBatch))
			_, err = h.s.Append(ctx, []store.Event{}, store.Guard(store.All(), 0))
			Expect(err).To(MatchError(store.ErrEmptyBatch))
			Expect(h.head(ctx)).To(BeZero())
		})

		It("writes nothing when its context is already cancelled", func(ctx SpecContext) {
			cancelled, cancel := context.WithCancel(ctx)
			cancel()
			_, err := h.s.Append(cancelled, []store.Event{ev("A")}, nil)
			Expect(err).To(MatchError(context.Canceled))
			Expect(h.head(ctx)).To(BeZero())
		})
	})

	Describe("Head", func() {
		It("is 0 for an empty store", func(ctx SpecContext) {
			Expect(h.head(ctx)).To(BeZero())
		})

		It("is the position of the last committed event", func(ctx SpecContext) {
			h.append(ctx, ev("A"), ev("B"))
			Expect(h.head(ctx)).To(Equal(store.Position(2)))
			h.append(ctx, ev("C"))
			Expect(h.head(ctx)).To(Equal(store.Position(3)))
		})
	})
}

func describeRead(h *harness) {
	Describe("Read", func() {
		It("yields nothing, and no error, from an empty store", func(ctx SpecContext) {
			Expect(h.read(ctx, store.All())).To(BeEmpty())
		})

		It("yields the context's error from an empty store when its context is cancelled", func(ctx SpecContext) {
			cancelled, cancel := context.WithCancel(ctx)
			cancel()
			_, err := store.ReadAll(cancelled, h.s, store.All())
			Expect(err).To(MatchError(context.Canceled))
		})

		Context("over a history of eight events", func() {
			BeforeEach(func(ctx SpecContext) { h.history(ctx) })

			It("yields every event, in position order, with All()", func(ctx SpecContext) {
				Expect(h.read(ctx, store.All())).To(matchers.HaveEventTypes(
					courseDefined, courseDefined, studentRegistered, studentRegistered,
					studentSubscribed, studentSubscribed, studentSubscribed, capacityChanged))
				Expect(h.positions(ctx, store.All())).To(Equal(span(1, 8)))
			})

			It("yields only events after the After position, which is exclusive", func(ctx SpecContext) {
				Expect(h.positions(ctx, store.All(), store.After(3))).To(Equal(span(4, 8)))
			})

			It("yields everything with After(0)", func(ctx SpecContext) {
				Expect(h.positions(ctx, store.All(), store.After(0))).To(Equal(span(1, 8)))
			})

			It("yields nothing after the head", func(ctx SpecContext) {
				Expect(h.read(ctx, store.All(), store.After(8))).To(BeEmpty())
				Expect(h.read(ctx, store.All(), store.After(1000))).To(BeEmpty())
			})

			It("yields at most Limit events, the oldest first", func(ctx SpecContext) {
				Expect(h.positions(ctx, store.All(), store.Limit(3))).To(Equal(span(1, 3)))
			})

			It("yields nothing with Limit(0)", func(ctx SpecContext) {
				Expect(h.read(ctx, store.All(), store.Limit(0))).To(BeEmpty())
			})

			It("yields every event with a Limit above their number", func(ctx SpecContext) {
				Expect(h.positions(ctx, store.All(), store.Limit(100))).To(Equal(span(1, 8)))
			})

			It("fails with ErrInvalidOption, yielding no event, for a negative Limit", func(ctx SpecContext) {
				events, err := store.ReadAll(ctx, h.s, store.All(), store.Limit(-1))
				Expect(err).To(MatchError(store.ErrInvalidOption))
				Expect(events).To(BeEmpty())
			})

			It("yields the newest event first with Backwards", func(ctx SpecContext) {
				Expect(h.positions(ctx, store.All(), store.Backwards())).To(Equal(down(8, 1)))
			})

			It("yields the newest N events, newest first, with Backwards and Limit(N)", func(ctx SpecContext) {
				Expect(h.positions(ctx, store.All(), store.Backwards(), store.Limit(3))).To(Equal(down(8, 6)))
			})

			It("yields the events after a position, newest first, with After and Backwards", func(ctx SpecContext) {
				Expect(h.positions(ctx, store.All(), store.After(5), store.Backwards())).To(Equal(down(8, 6)))
			})

			It("yields the first N events after a position with After and Limit(N)", func(ctx SpecContext) {
				Expect(h.positions(ctx, store.All(), store.After(2), store.Limit(2))).To(Equal(span(3, 4)))
			})

			It("yields the newest N events after a position with After, Backwards and Limit(N)", func(ctx SpecContext) {
				Expect(h.positions(ctx, store.All(), store.After(2), store.Backwards(), store.Limit(2))).To(Equal(down(8, 7)))
				Expect(h.positions(ctx, store.All(), store.After(6), store.Backwards(), store.Limit(5))).To(Equal(down(8, 7)))
			})

			It("counts only matching events towards the Limit", func(ctx SpecContext) {
				Expect(h.positions(ctx, store.Types(studentSubscribed), store.Limit(2))).To(Equal(span(5, 6)))
				Expect(h.positions(ctx, store.Tagged(course1), store.Backwards(), store.Limit(2))).To(Equal(down(8, 7)))
			})

			It("stops when the caller stops iterating", func(ctx SpecContext) {
				var seen []store.Position
				for e, err := range h.s.Read(ctx, store.All()) {
					Expect(err).NotTo(HaveOccurred())
					seen = append(seen, e.Position)
					if len(seen) == 2 {
						break
					}
				}
				Expect(seen).To(Equal(span(1, 2)))
			})

			It("yields the context's error when its context is cancelled", func(ctx SpecContext) {
				cancelled, cancel := context.WithCancel(ctx)
				cancel()
				_, err := store.ReadAll(cancelled, h.s, store.All())
				Expect(err).To(MatchError(context.Canceled))
			})

			It("does not yield events appended while it iterates", func(ctx SpecContext) {
				var seen []store.Position
				for e, err := range h.s.Read(ctx, store.All()) {
					Expect(err).NotTo(HaveOccurred())
					seen = append(seen, e.Position)
					if e.Position == 2 {
						h.append(ctx, ev("LateA"), ev("LateB"))
					}
				}
				Expect(seen).To(Equal(span(1, 8)))
				Expect(h.head(ctx)).To(Equal(store.Position(10)))
			}, NodeTimeout(specTimeout))

			It("does not yield events appended while it iterates backwards", func(ctx SpecContext) {
				var seen []store.Position
				for e, err := range h.s.Read(ctx, store.All(), store.Backwards()) {
					Expect(err).NotTo(HaveOccurred())
					seen = append(seen, e.Position)
					if e.Position == 7 {
						h.append(ctx, ev("Late"))
					}
				}
				Expect(seen).To(Equal(down(8, 1)))
			}, NodeTimeout(specTimeout))
		})
	})
}

func describeQueries(h *harness) {
	Describe("queries", func() {
		BeforeEach(func(ctx SpecContext) { h.history(ctx) })

		It("select events of any of an item's types (types are OR-ed)", func(ctx SpecContext) {
			Expect(h.positions(ctx, store.Types(courseDefined, studentRegistered))).To(Equal(span(1, 4)))
		})

		It("select events carrying an item's tag", func(ctx SpecContext) {
			Expect(h.positions(ctx, store.Tagged(student1))).To(Equal([]store.Position{3, 5, 6}))
		})

		It("select only events carrying all of an item's tags (tags are AND-ed)", func(ctx SpecContext) {
			Expect(h.positions(ctx, store.Tagged(course1, student1))).To(Equal([]store.Position{5}))
		})

		It("match an event's tags in any order", func(ctx SpecContext) {
			Expect(h.positions(ctx, store.Tagged(course1, student2))).To(Equal([]store.Position{7}))
			Expect(h.positions(ctx, store.Tagged(student2, course1))).To(Equal([]store.Position{7}))
		})

		It("select events of one of an item's types that carry all its tags", func(ctx SpecContext) {
			Expect(h.positions(ctx, store.TypesTagged([]string{studentSubscribed}, course1))).To(Equal([]store.Position{5, 7}))
			Expect(h.positions(ctx, store.TypesTagged([]string{studentSubscribed, capacityChanged}, course1))).To(Equal([]store.Position{5, 7, 8}))
			Expect(h.positions(ctx, store.TypesTagged([]string{studentSubscribed}, course1, student2))).To(Equal([]store.Position{7}))
		})

		It("select the events matching any of their items (items are OR-ed), each once", func(ctx SpecContext) {
			q := store.Items(
				store.QueryItem{Types: []string{courseDefined}},
				store.QueryItem{Tags: []store.Tag{student2}},
			)
			Expect(h.positions(ctx, q)).To(Equal([]store.Position{1, 2, 4, 7}))
		})

		It("yield an event matched by several items only once, in position order", func(ctx SpecContext) {
			q := store.Items(
				store.QueryItem{Tags: []store.Tag{course1}},
				store.QueryItem{Types: []string{courseDefined}},
				store.QueryItem{Types: []string{studentSubscribed}, Tags: []store.Tag{course1}},
			)
			Expect(h.positions(ctx, q)).To(Equal([]store.Position{1, 2, 5, 7, 8}))
		})

		It("select nothing for a type no event has", func(ctx SpecContext) {
			Expect(h.read(ctx, store.Types("CourseCancelled"))).To(BeEmpty())
		})

		It("compare tag values exactly and case-sensitively, never by prefix", func(ctx SpecContext) {
			Expect(h.read(ctx, store.Tagged(store.NewTag("course", "C1")))).To(BeEmpty())
			Expect(h.read(ctx, store.Tagged(store.NewTag("course", "c")))).To(BeEmpty())
			Expect(h.read(ctx, store.Tagged(store.NewTag("Course", "c1")))).To(BeEmpty())
		})

		It("compare types exactly and case-sensitively", func(ctx SpecContext) {
			Expect(h.read(ctx, store.Types("coursedefined"))).To(BeEmpty())
			Expect(h.read(ctx, store.Types("Course"))).To(BeEmpty())
		})

		It("tell a tag's key from its value even when the value contains ':'", func(ctx SpecContext) {
			p := h.append(ctx, ev("Noted", store.NewTag("a", "b:c")))
			Expect(h.positions(ctx, store.Tagged(store.NewTag("a", "b:c")))).To(Equal([]store.Position{p}))
			Expect(h.read(ctx, store.Tagged(store.NewTag("a:b", "c")))).To(BeEmpty())
			Expect(h.read(ctx, store.Tagged(store.NewTag("a", "b")))).To(BeEmpty())
		})

		It("apply After, Backwards and Limit to the matching events", func(ctx SpecContext) {
			q := store.Tagged(course1)
			Expect(h.positions(ctx, q)).To(Equal([]store.Position{1, 5, 7, 8}))
			Expect(h.positions(ctx, q, store.After(1), store.Limit(2))).To(Equal([]store.Position{5, 7}))
			Expect(h.positions(ctx, q, store.After(5), store.Backwards())).To(Equal([]store.Position{8, 7}))
		})
	})
}

// invalidQueries are queries every operation that takes one must refuse
// with ErrInvalidQuery.
var invalidQueries = []struct {
	name string
	q    store.Query
}{
	{"the zero Query", store.Query{}},
	{"a query built from no items", store.Items()},
	{"an item with neither types nor tags", store.Items(store.QueryItem{})},
	{"a valid item OR-ed with an item with neither types nor tags", store.Types("A").Or(store.QueryItem{})},
	{"an item with an empty type", store.Types("")},
	{"an item with a tag whose key is empty", store.Tagged(store.NewTag("", "x"))},
	{"a union with an invalid part", store.Union(store.Types("A"), store.Query{})},
}

func describeInvalidQueries(h *harness) {
	operations := []struct {
		name string
		run  func(ctx context.Context, q store.Query) error
	}{
		{"Read", func(ctx context.Context, q store.Query) error {
			events, err := store.ReadAll(ctx, h.s, q)
			Expect(events).To(BeEmpty())
			return err
		}},
		{"ReadLast", func(ctx context.Context, q store.Query) error {
			e, err := h.s.ReadLast(ctx, q)
			Expect(e).To(BeNil())
			return err
		}},
		{"an append condition", func(ctx context.Context, q store.Query) error {
			_, err := h.s.Append(ctx, []store.Event{ev("A")}, &store.AppendCondition{FailIfEventsMatch: q})
			Expect(h.head(ctx)).To(Equal(store.Position(1)), "the append must write nothing")
			return err
		}},
		{"Subscribe", func(ctx context.Context, q store.Query) error {
			for e, err := range h.s.Subscribe(ctx, q, 0) {
				Expect(e.Position).To(BeZero())
				return err
			}
			return fmt.Errorf("the subscription ended without an error")
		}},
	}
	Describe("invalid queries", func() {
		for _, op := range operations {
			Context(op.name, func() {
				for _, iq := range invalidQueries {
					It(fmt.Sprintf("refuses %s with ErrInvalidQuery", iq.name), func(ctx SpecContext) {
						h.append(ctx, ev("A", store.NewTag("k", "v")))
						Expect(op.run(ctx, iq.q)).To(MatchError(store.ErrInvalidQuery))
					}, NodeTimeout(specTimeout))
				}
			})
		}
	})
}

func describeReadLast(h *harness) {
	Describe("ReadLast", func() {
		It("returns nil, and no error, on an empty store", func(ctx SpecContext) {
			Expect(h.s.ReadLast(ctx, store.All())).To(BeNil())
		})

		Context("over a history of eight events", func() {
			BeforeEach(func(ctx SpecContext) { h.history(ctx) })

			It("returns the newest event of a type", func(ctx SpecContext) {
				e, err := h.s.ReadLast(ctx, store.Types(studentRegistered))
				Expect(err).NotTo(HaveOccurred())
				Expect(e).NotTo(BeNil())
				Expect(e.Position).To(Equal(store.Position(4)))
				Expect(e.Type).To(Equal(studentRegistered))
				Expect(e.Tags).To(Equal([]store.Tag{student2}))
			})

			It("returns the newest event carrying a tag", func(ctx SpecContext) {
				e, err := h.s.ReadLast(ctx, store.Tagged(student1))
				Expect(err).NotTo(HaveOccurred())
				Expect(e).NotTo(BeNil())
				Expect(e.Position).To(Equal(store.Position(6)))
			})

			It("returns the newest event of all with All()", func(ctx SpecContext) {
				e, err := h.s.ReadLast(ctx, store.All())
				Expect(err).NotTo(HaveOccurred())
				Expect(e).NotTo(BeNil())
				Expect(e.Position).To(Equal(store.Position(8)))
				Expect(e.Type).To(Equal(capacityChanged))
			})

			It("returns the newest event matching any item of a query", func(ctx SpecContext) {
				e, err := h.s.ReadLast(ctx, store.Items(
					store.QueryItem{Types: []string{courseDefined}},
					store.QueryItem{Tags: []store.Tag{student1}, Types: []string{studentRegistered}},
				))
				Expect(err).NotTo(HaveOccurred())
				Expect(e).NotTo(BeNil())
				Expect(e.Position).To(Equal(store.Position(3)))
			})

			It("returns nil, and no error, when no event matches", func(ctx SpecContext) {
				Expect(h.s.ReadLast(ctx, store.Types("CourseCancelled"))).To(BeNil())
				Expect(h.s.ReadLast(ctx, store.Tagged(course2, student2))).To(BeNil())
			})

			It("sees an event as soon as its append returned", func(ctx SpecContext) {
				p := h.append(ctx, ev(courseDefined, store.NewTag("course", "c3")))
				e, err := h.s.ReadLast(ctx, store.Types(courseDefined))
				Expect(err).NotTo(HaveOccurred())
				Expect(e).NotTo(BeNil())
				Expect(e.Position).To(Equal(p))
			})
		})
	})
}
