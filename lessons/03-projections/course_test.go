package projections_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	projections "github.com/opossum-go/opossum/lessons/03-projections"
	"github.com/opossum-go/opossum/specs/steps"
	"github.com/opossum-go/opossum/store"
)

// history turns facts into stored events with positions 1, 2, 3, ...: a
// history in memory, no store needed.
func history(facts ...projections.Fact) []store.StoredEvent {
	out := make([]store.StoredEvent, len(facts))
	for i, f := range facts {
		out[i] = store.StoredEvent{Position: store.Position(i + 1), Event: f.Event()}
	}
	return out
}

var _ = steps.Describe("Step 1: the state of a course is a fold of its events", func() {
	It("starts a course with its definition: title and capacity, nobody enrolled", func() {
		c, err := projections.FoldCourse(history(dcb))
		Expect(err).NotTo(HaveOccurred())
		Expect(c).To(Equal(&projections.Course{ID: "c-dcb", Title: "Dynamic Consistency Boundaries", Capacity: 2, Students: []string{}}))
		Expect(c.Full()).To(BeFalse())
	})

	It("gives each enrollment a seat and remembers the student", func() {
		c, err := projections.FoldCourse(history(dcb, enroll("s-ada", "c-dcb"), enroll("s-bob", "c-dcb")))
		Expect(err).NotTo(HaveOccurred())
		Expect(c.Enrolled).To(Equal(2))
		Expect(c.Students).To(Equal([]string{"s-ada", "s-bob"}))
		Expect(c.Full()).To(BeTrue(), "two seats, two students")
	})

	It("replaces the capacity on a change and keeps the enrollments", func() {
		c, err := projections.FoldCourse(history(dcb, enroll("s-ada", "c-dcb"), dcbToThree))
		Expect(err).NotTo(HaveOccurred())
		Expect(c.Capacity).To(Equal(3))
		Expect(c.Enrolled).To(Equal(1))
	})

	It("leaves the state alone for an event it does not care about", func() {
		reg := projections.StudentRegistered{StudentID: "s-ada", FirstName: "Ada", LastName: "Lovelace", Email: "ada@example.com"}
		c, err := projections.FoldCourse(history(dcb, reg))
		Expect(err).NotTo(HaveOccurred())
		Expect(c.Title).To(Equal("Dynamic Consistency Boundaries"))
		c, err = projections.FoldCourse(history(reg))
		Expect(err).NotTo(HaveOccurred())
		Expect(c).To(BeNil(), "no CourseCreated, no course")
	})

	It("refuses an enrollment in a course that was never created, rather than inventing one", func() {
		_, err := projections.FoldCourse(history(enroll("s-ada", "c-ghost")))
		Expect(err).To(MatchError(projections.ErrUnknownCourse))
	})

	It("computes the state on demand from the course's history in the store", func(ctx SpecContext) {
		s := newStore()
		record(ctx, s, dcb, golang, enroll("s-ada", "c-go"), enroll("s-ada", "c-dcb"), dcbToThree)
		c, err := projections.CourseFromStore(ctx, s, "c-dcb")
		Expect(err).NotTo(HaveOccurred())
		Expect(c.Students).To(Equal([]string{"s-ada"}), "the Go course's enrollment is not in the DCB course's history")
		Expect(c.Capacity).To(Equal(3))
	})
})
