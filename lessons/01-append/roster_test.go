package appending_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	appending "github.com/opossum-go/opossum/lessons/01-append"
	"github.com/opossum-go/opossum/specs/steps"
	"github.com/opossum-go/opossum/store"
)

var _ = steps.Describe("Step 4: reading everything back", func() {
	var s *store.FileStore

	BeforeEach(func() {
		s = newStore()
	})

	It("reads the students back in the order they registered", func(ctx SpecContext) {
		appendRaw(ctx, s, ada.Event(), bob.Event())
		appendRaw(ctx, s, cyd.Event())

		Expect(appending.Roster(ctx, s)).To(Equal([]appending.StudentRegistered{ada, bob, cyd}),
			"read with store.All(): events come back oldest first; decode each with store.Decode")
	})

	It("skips the events that are not registrations", func(ctx SpecContext) {
		appendRaw(ctx, s, ada.Event(), courseCreated("c-dcb", "Dynamic Consistency Boundaries", 20), bob.Event())

		Expect(appending.Roster(ctx, s)).To(Equal([]appending.StudentRegistered{ada, bob}),
			"keep only the events whose Type is StudentRegisteredType")
	})

	It("finds no students in an empty store", func(ctx SpecContext) {
		Expect(appending.Roster(ctx, s)).To(BeEmpty())
	})

	It("counts the events with Head: this store's positions have no gaps (DCB allows gaps), so the last position is the number of events", func(ctx SpecContext) {
		Expect(appending.EventCount(ctx, s)).To(BeZero(), "an empty store has Head 0")

		appendRaw(ctx, s, ada.Event(), bob.Event())
		appendRaw(ctx, s, courseCreated("c-dcb", "Dynamic Consistency Boundaries", 20))

		Expect(appending.EventCount(ctx, s)).To(Equal(3),
			"EventCount must return the store's Head, the position of its last event")
	})
})
