package tagging_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	tagging "github.com/opossum-go/opossum/lessons/02-tags"
	"github.com/opossum-go/opossum/specs/steps"
	"github.com/opossum-go/opossum/store"
)

var _ = steps.Describe("Step 1: tags link events to the entities they are about", func() {
	It("tags a capacity change with the course it changes", func() {
		tags := tagging.CourseStudentLimitModified{CourseID: "c-dcb", NewMaxStudentCount: 3}.Tags()

		Expect(tags).To(Equal([]store.Tag{store.NewTag("courseId", "c-dcb")}),
			"a capacity change is about one course: tag it with CourseTag, as CourseCreated.Tags does")
	})

	It("tags an enrollment with both the student and the course, because it links the two", func() {
		tags := tagging.StudentEnrolledToCourse{StudentID: "s-ada", CourseID: "c-dcb"}.Tags()

		Expect(tags).To(ConsistOf(store.NewTag("studentId", "s-ada"), store.NewTag("courseId", "c-dcb")),
			"an enrollment belongs to the student's history and to the course's: give it StudentTag and CourseTag")
	})

	It("puts one enrollment in two histories, the student's and the course's, without a copy", func(ctx SpecContext) {
		s := newStore()
		pos, err := tagging.Record(ctx, s, tagging.StudentEnrolledToCourse{StudentID: "s-ada", CourseID: "c-dcb"})
		Expect(err).NotTo(HaveOccurred())

		ofStudent, err := store.ReadAll(ctx, s, store.Tagged(tagging.StudentTag("s-ada")))
		Expect(err).NotTo(HaveOccurred())
		ofCourse, err := store.ReadAll(ctx, s, store.Tagged(tagging.CourseTag("c-dcb")))
		Expect(err).NotTo(HaveOccurred())

		Expect(positions(ofStudent)).To(Equal([]store.Position{pos}),
			"reading by the student's tag must find the enrollment")
		Expect(positions(ofCourse)).To(Equal([]store.Position{pos}),
			"reading by the course's tag must find the very same event")
	})
})
