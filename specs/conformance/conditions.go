package conformance

import (
	"errors"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/specs/matchers"
	"github.com/opossum-go/opossum/store"
)

func describeConditions(h *harness) {
	Describe("append conditions", func() {
		// subscribe is the event the conditional appends try to write.
		subscribe := ev(studentSubscribed, course2, student2)

		Context("on an empty store", func() {
			It("let an append with All() and no After through", func(ctx SpecContext) {
				Expect(h.s.Append(ctx, []store.Event{subscribe}, store.Guard(store.All(), 0))).To(Equal(store.Position(1)))
			})

			It("do not see the events of their own batch", func(ctx SpecContext) {
				_, err := h.s.Append(ctx, []store.Event{ev("A"), ev("A")},
					&store.AppendCondition{FailIfEventsMatch: store.Types("A")})
				Expect(err).NotTo(HaveOccurred())
				Expect(h.head(ctx)).To(Equal(store.Position(2)))
			})
		})

		Context("over a history of eight events", func() {
			BeforeEach(func(ctx SpecContext) { h.history(ctx) })

			// conditional appends subscribe under cond and returns the error.
			conditional := func(ctx SpecContext, cond *store.AppendCondition) error {
				GinkgoHelper()
				_, err := h.s.Append(ctx, []store.Event{subscribe}, cond)
				return err
			}
			// rejected asserts that the append was refused and wrote nothing.
			rejected := func(ctx SpecContext, cond *store.AppendCondition) {
				GinkgoHelper()
				Expect(conditional(ctx, cond)).To(matchers.BeRejectedByCondition())
				Expect(h.head(ctx)).To(Equal(store.Position(8)), "a rejected append must write nothing")
			}
			// accepted asserts that the append was written after the head.
			accepted := func(ctx SpecContext, cond *store.AppendCondition) {
				GinkgoHelper()
				head := h.head(ctx)
				Expect(conditional(ctx, cond)).To(Succeed())
				Expect(h.read(ctx, store.All(), store.After(head))).To(matchers.HaveEventTypes(studentSubscribed))
			}

			It("do not restrict an append without a condition", func(ctx SpecContext) {
				accepted(ctx, nil)
			})

			It("let an append through when no event matches the query and there is no After", func(ctx SpecContext) {
				accepted(ctx, store.Guard(store.Tagged(course2, student2), 0))
			})

			It("reject an append when an event matches the query and there is no After", func(ctx SpecContext) {
				rejected(ctx, store.Guard(store.Tagged(student2), 0))
			})

			It("treat After = 0 like no After", func(ctx SpecContext) {
				rejected(ctx, &store.AppendCondition{FailIfEventsMatch: store.Tagged(student2), After: 0})
			})

			It("let an append through when After is the position of the last matching event", func(ctx SpecContext) {
				accepted(ctx, store.Guard(store.Tagged(student2), 7))
			})

			It("reject an append when a matching event comes after After", func(ctx SpecContext) {
				rejected(ctx, store.Guard(store.Tagged(student2), 6))
				rejected(ctx, store.Guard(store.Tagged(student2), 4))
			})

			It("let an append through when After is higher than the last matching event", func(ctx SpecContext) {
				accepted(ctx, store.Guard(store.Tagged(student2), 8))
			})

			It("let an append through when After is beyond the head", func(ctx SpecContext) {
				accepted(ctx, store.Guard(store.All(), 100))
			})

			It("reject an append with All() and no After when any event exists", func(ctx SpecContext) {
				rejected(ctx, store.Guard(store.All(), 0))
			})

			It("let an append with All() through only when After is the head", func(ctx SpecContext) {
				rejected(ctx, store.Guard(store.All(), 7))
				accepted(ctx, store.Guard(store.All(), 8))
			})

			It("are not violated by a later event of another type", func(ctx SpecContext) {
				q := store.Types(studentRegistered)
				h.append(ctx, ev(courseDefined, store.NewTag("course", "c3")))
				accepted(ctx, store.Guard(q, 8))
			})

			It("are not violated by a later event of the same type with other tags", func(ctx SpecContext) {
				q := store.TypesTagged([]string{studentSubscribed}, course2)
				h.append(ctx, ev(studentSubscribed, course1, store.NewTag("student", "s3")))
				accepted(ctx, store.Guard(q, 8))
			})

			It("are violated by a later event matching any item of the query", func(ctx SpecContext) {
				q := store.Items(
					store.QueryItem{Types: []string{courseDefined}, Tags: []store.Tag{course2}},
					store.QueryItem{Types: []string{studentSubscribed}, Tags: []store.Tag{student2}},
				)
				h.append(ctx, ev(studentSubscribed, student2, store.NewTag("course", "c3")))
				_, err := h.s.Append(ctx, []store.Event{subscribe}, store.Guard(q, 8))
				Expect(err).To(matchers.BeRejectedByConditionAt(9))
			})

			It("reject the second of two appends made with the same stale condition", func(ctx SpecContext) {
				cond := store.Guard(store.Tagged(course2), 6)
				accepted(ctx, cond)
				Expect(conditional(ctx, cond)).To(matchers.BeRejectedByConditionAt(9))
				Expect(h.head(ctx)).To(Equal(store.Position(9)))
			})

			It("reject a whole batch, writing none of its events", func(ctx SpecContext) {
				_, err := h.s.Append(ctx, []store.Event{ev("A"), ev("B"), ev("C")}, store.Guard(store.Types(courseDefined), 1))
				Expect(err).To(matchers.BeRejectedByCondition())
				Expect(h.head(ctx)).To(Equal(store.Position(8)))
				Expect(h.read(ctx, store.Types("A", "B", "C"))).To(BeEmpty())
			})

			It("fail with a *ConditionError naming the query, the After and the conflicting position", func(ctx SpecContext) {
				q := store.Tagged(course2)
				err := conditional(ctx, store.Guard(q, 3))
				var ce *store.ConditionError
				Expect(errors.As(err, &ce)).To(BeTrue(), "the error must be a *store.ConditionError, got %v", err)
				Expect(ce.Conflict).To(Equal(store.Position(6)))
				Expect(ce.Query.String()).To(Equal(q.String()))
				Expect(ce.After).To(Equal(store.Position(3)))
				Expect(err).To(MatchError(store.ErrAppendConditionFailed))
			})

			It("fail with a *ConditionError without After when the condition had none", func(ctx SpecContext) {
				err := conditional(ctx, store.Guard(store.Types(courseDefined), 0))
				var ce *store.ConditionError
				Expect(errors.As(err, &ce)).To(BeTrue(), "the error must be a *store.ConditionError, got %v", err)
				Expect(ce.After).To(BeZero())
				Expect(ce.Conflict).To(Equal(store.Position(2)))
			})

			It("name the newest conflicting position when several events conflict", func(ctx SpecContext) {
				Expect(conditional(ctx, store.Guard(store.Tagged(course1), 1))).To(matchers.BeRejectedByConditionAt(8))
				Expect(conditional(ctx, store.Guard(store.Types(studentSubscribed), 0))).To(matchers.BeRejectedByConditionAt(7))
			})
		})
	})
}
