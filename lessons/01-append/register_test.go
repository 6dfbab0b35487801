package appending_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	appending "github.com/opossum-go/opossum/lessons/01-append"
	"github.com/opossum-go/opossum/specs/matchers"
	"github.com/opossum-go/opossum/specs/steps"
	"github.com/opossum-go/opossum/store"
)

var _ = steps.Describe("Step 2: appending one event", func() {
	var s *store.FileStore

	BeforeEach(func() {
		s = newStore()
	})

	It("appends one StudentRegistered event holding the student's details", func(ctx SpecContext) {
		_, err := appending.RegisterStudent(ctx, s, ada)
		Expect(err).NotTo(HaveOccurred())

		Expect(s).To(matchers.HaveAppended("StudentRegistered"),
			"RegisterStudent must append exactly one event: ada.Event()")
		events := readAll(ctx, s)
		Expect(store.Decode[appending.StudentRegistered](events[0].Event)).To(Equal(ada),
			"the event's data must be the student that was passed in")
	})

	It("gives the first event of a store position 1, and the next one position 2", func(ctx SpecContext) {
		first, err := appending.RegisterStudent(ctx, s, ada)
		Expect(err).NotTo(HaveOccurred())
		second, err := appending.RegisterStudent(ctx, s, bob)
		Expect(err).NotTo(HaveOccurred())

		Expect([]store.Position{first, second}).To(Equal([]store.Position{1, 2}),
			"RegisterStudent must return the position that Append returned")
	})

	It("counts positions across the whole store, whatever the type of the event", func(ctx SpecContext) {
		appendRaw(ctx, s, courseCreated("c-dcb", "Dynamic Consistency Boundaries", 20))

		pos, err := appending.RegisterStudent(ctx, s, ada)
		Expect(err).NotTo(HaveOccurred())
		Expect(pos).To(Equal(store.Position(2)),
			"a course took position 1, so the registration is the second event of the store: position 2")
	})

	It("stamps each event with the time it was appended: you never set it yourself", func(ctx SpecContext) {
		_, err := appending.RegisterStudent(ctx, s, ada)
		Expect(err).NotTo(HaveOccurred())

		events := readAll(ctx, s)
		Expect(events).To(HaveLen(1))
		Expect(events[0].Metadata.Timestamp).To(BeTemporally("~", time.Now(), time.Minute),
			"leave Metadata.Timestamp zero: the store sets it when it appends the event")
	})
})
