package dcb_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	dcb "github.com/opossum-go/opossum/lessons/04-dcb"
	"github.com/opossum-go/opossum/specs/steps"
	"github.com/opossum-go/opossum/store"
)

var _ = steps.Describe("Step 3: one stream per entity, for contrast", func() {
	It("enrolls a registered student in a course with a free seat, with one event tagged for both", func(ctx SpecContext) {
		s := newStore()
		given(ctx, s, append(registered(ada), course("c-1", 1))...)

		Expect(dcb.EnrollPerStream(ctx, s, "c-1", ada.StudentID)).To(Succeed())
		Expect(eventsOf(ctx, s, dcb.StudentEnrolledToCourseType)).To(HaveLen(1))
	})

	It("refuses, in order, an unknown course, an unknown student, a full course and a student at the limit", func(ctx SpecContext) {
		s := newStore()
		given(ctx, s, append(registered(ada, bob),
			course("c-1", 1), course("c-2", 5), course("c-3", 5), course("c-4", 5),
			enrolled("c-1", bob.StudentID), enrolled("c-2", ada.StudentID), enrolled("c-3", ada.StudentID), enrolled("c-4", ada.StudentID))...)

		Expect(dcb.EnrollPerStream(ctx, s, "c-9", "s-nobody")).To(MatchError(dcb.ErrCourseNotFound))
		Expect(dcb.EnrollPerStream(ctx, s, "c-1", "s-nobody")).To(MatchError(dcb.ErrStudentNotFound))
		Expect(dcb.EnrollPerStream(ctx, s, "c-1", ada.StudentID)).To(MatchError(dcb.ErrCourseFull))
		Expect(dcb.EnrollPerStream(ctx, s, "c-2", bob.StudentID)).To(Succeed())
		given(ctx, s, course("c-5", 5))
		Expect(dcb.EnrollPerStream(ctx, s, "c-5", ada.StudentID)).To(MatchError(dcb.ErrCourseLimitReached))
	})

	It("is guarded by the course's stream: a seat taken meanwhile rejects the append", func(ctx SpecContext) {
		s := newStore()
		given(ctx, s, append(registered(ada, bob), course("c-1", 1))...)
		w := interleave(s, enrolled("c-1", bob.StudentID))

		err := dcb.EnrollPerStream(ctx, w, "c-1", ada.StudentID)

		Expect(err).To(MatchError(store.ErrAppendConditionFailed), "bob took the last seat between ada's read and her append")
		Expect(eventsOf(ctx, s, dcb.StudentEnrolledToCourseType)).To(HaveLen(1))
	})

	It("is NOT guarded by the student's stream: a racing enrollment elsewhere puts the student above MaxCoursesPerStudent", func(ctx SpecContext) {
		s := newStore()
		given(ctx, s, append(registered(ada),
			course("c-1", 5), course("c-2", 5), course("c-3", 5), course("c-4", 5),
			enrolled("c-1", ada.StudentID), enrolled("c-2", ada.StudentID))...)
		w := interleave(s, enrolled("c-3", ada.StudentID))

		Expect(dcb.EnrollPerStream(ctx, w, "c-4", ada.StudentID)).To(Succeed(),
			"this step is the stream way: guard the append with the course model's condition only, not the student's")
		adas, err := store.ReadAll(ctx, s, store.TypesTagged([]string{dcb.StudentEnrolledToCourseType}, dcb.StudentTag(ada.StudentID)))
		Expect(err).NotTo(HaveOccurred())
		Expect(adas).To(HaveLen(4), "ada read 2 courses, another enrollment took her to 3 meanwhile, and hers made 4: above the limit of %d", dcb.MaxCoursesPerStudent)
	})
})
