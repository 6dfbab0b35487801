package tagging_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	tagging "github.com/opossum-go/opossum/lessons/02-tags"
	"github.com/opossum-go/opossum/specs/steps"
	"github.com/opossum-go/opossum/store"
)

var _ = steps.Describe("Step 4: ReadLast finds the newest matching event", func() {
	var s *store.FileStore

	BeforeEach(func(ctx SpecContext) {
		s = newStore()
		givenCampus(ctx, s)
	})

	It("takes the capacity from the newest CourseCreated or CourseStudentLimitModified of the course", func(ctx SpecContext) {
		Expect(tagging.CurrentCapacity(ctx, s, "c-dcb")).To(Equal(3),
			"the course was created with 2 seats (position 3) and changed to 3 (position 6): the newest one counts")
	})

	It("ignores the capacity changes of other courses", func(ctx SpecContext) {
		Expect(tagging.CurrentCapacity(ctx, s, "c-go")).To(Equal(10),
			"the change at position 6 is tagged courseId:c-dcb: your query must carry the course's tag")
	})

	It("sees a change as soon as it is appended", func(ctx SpecContext) {
		_, err := s.Append(ctx, []store.Event{event(tagging.CourseStudentLimitModifiedType,
			tagging.CourseStudentLimitModified{CourseID: "c-go", NewMaxStudentCount: 12}, "courseId:c-go")}, nil)
		Expect(err).NotTo(HaveOccurred())

		Expect(tagging.CurrentCapacity(ctx, s, "c-go")).To(Equal(12))
	})

	It("reports ErrCourseNotFound for a course that was never created, rather than a capacity of 0", func(ctx SpecContext) {
		_, err := tagging.CurrentCapacity(ctx, s, "c-nope")

		Expect(err).To(MatchError(tagging.ErrCourseNotFound),
			"ReadLast returns nil when no event matches: return ErrCourseNotFound then")
	})
})
