package projections_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	projections "github.com/opossum-go/opossum/lessons/03-projections"
	"github.com/opossum-go/opossum/specs/steps"
	"github.com/opossum-go/opossum/store"
)

var _ = steps.Describe("Step 2: a checkpoint says what a projection has seen", func() {
	var events []store.StoredEvent
	BeforeEach(func() {
		events = history(dcb, golang, enroll("s-ada", "c-dcb"), enroll("s-bob", "c-dcb"), enroll("s-ada", "c-go"))
	})

	It("counts an enrollment for its course and moves the checkpoint to it", func() {
		c := projections.NewEnrollmentCounter()
		Expect(c.Handle(events[2])).To(BeTrue())
		Expect(c.Counts).To(Equal(map[string]int{"c-dcb": 1}))
		Expect(c.Checkpoint).To(Equal(store.Position(3)))
	})

	It("counts an event delivered twice only once: delivery is at least once, the effect exactly once", func() {
		c := projections.NewEnrollmentCounter()
		for _, e := range []store.StoredEvent{events[2], events[3], events[3], events[2], events[4], events[4]} {
			c.Handle(e)
		}
		Expect(c.Counts).To(Equal(map[string]int{"c-dcb": 2, "c-go": 1}))
		Expect(c.Checkpoint).To(Equal(store.Position(5)))
	})

	It("catches up with the store from nothing", func(ctx SpecContext) {
		s := newStore()
		record(ctx, s, dcb, golang, enroll("s-ada", "c-dcb"), enroll("s-bob", "c-dcb"), enroll("s-ada", "c-go"))
		c := projections.NewEnrollmentCounter()
		Expect(c.CatchUp(ctx, s)).To(Succeed())
		Expect(c.Counts).To(Equal(map[string]int{"c-dcb": 2, "c-go": 1}))
		Expect(c.Checkpoint).To(Equal(store.Position(5)))
	})

	It("reads only what happened after its checkpoint when it catches up", func(ctx SpecContext) {
		s := newStore()
		record(ctx, s, dcb, golang, enroll("s-ada", "c-dcb"), enroll("s-bob", "c-dcb"), enroll("s-ada", "c-go"))
		c := &projections.EnrollmentCounter{Checkpoint: 4, Counts: map[string]int{"saved": 1}}
		Expect(c.CatchUp(ctx, s)).To(Succeed())
		Expect(c.Counts).To(Equal(map[string]int{"saved": 1, "c-go": 1}), "only position 5 is new")
	})

	It("resumes after a restart from its saved checkpoint and counts every enrollment exactly once", func(ctx SpecContext) {
		s := newStore()
		record(ctx, s, dcb, golang, enroll("s-ada", "c-dcb"))
		first := projections.NewEnrollmentCounter()
		Expect(first.CatchUp(ctx, s)).To(Succeed())
		saved := projections.EnrollmentCounter{Checkpoint: first.Checkpoint, Counts: map[string]int{}}
		for k, v := range first.Counts {
			saved.Counts[k] = v
		}

		By("the process stops; more enrollments happen; it starts again from what it saved")
		record(ctx, s, enroll("s-bob", "c-dcb"), enroll("s-ada", "c-go"))
		again := &saved
		Expect(again.CatchUp(ctx, s)).To(Succeed())
		Expect(again.CatchUp(ctx, s)).To(Succeed(), "catching up twice changes nothing")
		Expect(again.Counts).To(Equal(map[string]int{"c-dcb": 2, "c-go": 1}))
	})

	It("THE CRASH: counts saved without their checkpoint are counted again on restart, so state and position are saved together", func(ctx SpecContext) {
		s := newStore()
		record(ctx, s, dcb, golang, enroll("s-ada", "c-dcb"))
		first := projections.NewEnrollmentCounter()
		Expect(first.CatchUp(ctx, s)).To(Succeed())

		By("the process saved its counts, then crashed before it saved its checkpoint")
		torn := &projections.EnrollmentCounter{Checkpoint: 0, Counts: map[string]int{}}
		for k, v := range first.Counts {
			torn.Counts[k] = v
		}
		Expect(torn.CatchUp(ctx, s)).To(Succeed())
		Expect(torn.Counts).To(Equal(map[string]int{"c-dcb": 2}),
			"the checkpoint comparison cannot tell that the saved counts already hold position 3: "+
				"only a state saved with its own position (one write, as the runner does) avoids this")
	})
})
