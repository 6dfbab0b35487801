package coursemanagement_test

import (
	"fmt"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/internal/courseapp"
	cm "github.com/opossum-go/opossum/lessons/05-coursemanagement"
	"github.com/opossum-go/opossum/specs/gwt"
	"github.com/opossum-go/opossum/specs/matchers"
	"github.com/opossum-go/opossum/specs/steps"
	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/decision"
)

func enroll(courseID, studentID string) courseapp.EnrollStudent {
	return courseapp.EnrollStudent{CourseID: courseID, StudentID: studentID}
}

var _ = steps.Describe("Step 3: enrollment", func() {
	DescribeTable("a student's tier and courses (StudentEnrollmentLimit)",
		func(ctx SpecContext, history []store.Event, want *cm.EnrollmentLimit) {
			s := newStore()
			given(ctx, s, history...)
			m, err := decision.Build(ctx, s, cm.StudentEnrollmentLimit(ada))
			Expect(err).NotTo(HaveOccurred())
			Expect(m.State).To(Equal(want))
		},
		Entry("are nil while the student is not registered", events(registered(bob)), nil),
		Entry("stay nil for a tier or an enrollment without a registration",
			events(subscribed(ada, courseapp.Master), enrolled(c1, ada)), nil),
		Entry("are Basic and none at registration", events(registered(ada)), &cm.EnrollmentLimit{Tier: courseapp.Basic}),
		Entry("follow the last subscription", events(registered(ada), subscribed(ada, courseapp.Master), subscribed(ada, courseapp.Standard)),
			&cm.EnrollmentLimit{Tier: courseapp.Standard}),
		Entry("count enrollments in any course", events(registered(ada), enrolled(c1, ada), enrolled(c2, ada)),
			&cm.EnrollmentLimit{Tier: courseapp.Basic, Enrolled: 2}),
		Entry("ignore other students", events(registered(ada), registered(bob), enrolled(c1, bob), subscribed(bob, courseapp.Master)),
			&cm.EnrollmentLimit{Tier: courseapp.Basic}),
	)

	DescribeTable("whether a student is enrolled in a course (AlreadyEnrolled)",
		func(ctx SpecContext, history []store.Event, want bool) {
			s := newStore()
			given(ctx, s, history...)
			m, err := decision.Build(ctx, s, cm.AlreadyEnrolled(c1, ada))
			Expect(err).NotTo(HaveOccurred())
			Expect(m.State).To(Equal(want))
		},
		Entry("no while nothing happened", events(registered(ada), course(c1, 5)), false),
		Entry("no for the student in another course", events(enrolled(c2, ada)), false),
		Entry("no for another student in the course", events(enrolled(c1, bob)), false),
		Entry("yes for the student in the course", events(enrolled(c2, ada), enrolled(c1, ada)), true),
	)

	It("enrolls with ONE event tagged for both, guarded by the union of the three queries and After = the last position READ", func(ctx SpecContext) {
		s := newStore()
		given(ctx, s, course(c1, 2), registered(ada), course(c9, 5))

		d, err := commandsOn(s).Decide(ctx, enroll(c1, ada))

		Expect(err).NotTo(HaveOccurred())
		Expect(d.Events).To(beEvents(enrolled(c1, ada)))
		Expect(d.Events[0].Tags).To(Equal([]store.Tag{cm.CourseTag(c1), cm.StudentTag(ada)}))
		Expect(d.Condition.FailIfEventsMatch.QueryItems()).To(HaveLen(3), "one item per decision projection")
		Expect(d.Condition.After).To(Equal(store.Position(2)),
			"After is the highest position your projections read; position 3 is the creation of another course (c-9), "+
				"so one of your queries is too wide: check that each names this course's or this student's tag")
		guard := d.Condition.FailIfEventsMatch
		matches := func(e store.Event) bool { return guard.Matches(&e) }
		Expect(matches(enrolled(c1, bob))).To(BeTrue(), "another student taking a seat in the course")
		Expect(matches(limit(c1, 1))).To(BeTrue(), "a limit change of the course")
		Expect(matches(enrolled(c2, ada))).To(BeTrue(), "the student joining another course")
		Expect(matches(subscribed(ada, courseapp.Basic))).To(BeTrue(), "a tier change of the student")
		Expect(matches(enrolled(c9, bob))).To(BeFalse(), "another student in another course")
		Expect(matches(posted(c1, tok1))).To(BeFalse(), "an announcement on the course")
	})

	It("appends the enrollment", func(ctx SpecContext) {
		sc := gwt.NewScenario(ctx).
			Given(course(c1, 2), registered(ada)).
			When(handle(enroll(c1, ada))).
			ThenAppended(cm.StudentEnrolledToCourseType)
		thenEvents(sc, enrolled(c1, ada))
	})

	DescribeTable("refuses an enrollment that breaks a rule, the first broken rule in the documented order",
		func(ctx SpecContext, history []store.Event, want error, message string) {
			gwt.NewScenario(ctx).
				Given(history...).
				When(handle(enroll(c1, ada))).
				ThenError(want).
				ThenNothingAppended()
			Expect(want.Error()).To(Equal(message))
		},
		Entry("a course that does not exist, before the student is looked at",
			nil, courseapp.ErrCourseNotFound, "Course does not exist."),
		Entry("a student who is not registered",
			events(course(c1, 5)), courseapp.ErrStudentNotRegistered, "Student is not registered."),
		Entry("a student enrolled already, before the course is found full",
			events(course(c1, 1), registered(ada), enrolled(c1, ada)), courseapp.ErrAlreadyEnrolled, "Student is already enrolled in this course."),
		Entry("a full course, counting a limit change",
			events(course(c1, 1), limit(c1, 2), registered(bob), registered(cyd), enrolled(c1, bob), enrolled(c1, cyd), registered(ada)),
			courseapp.CourseFullError{Max: 2}, "Course is at maximum capacity (2 students)."),
		Entry("a student at the tier's limit",
			events(registered(ada), enrolled(c2, ada), enrolled(c3, ada), course(c1, 30)),
			courseapp.EnrollmentLimitError{Max: 2, Tier: courseapp.Basic}, "Student has reached their enrollment limit (2 courses for Basic tier)."),
		Entry("a full course before the tier's limit",
			events(registered(ada), enrolled(c2, ada), enrolled(c3, ada), course(c1, 1), registered(bob), enrolled(c1, bob)),
			courseapp.CourseFullError{Max: 1}, "Course is at maximum capacity (1 students)."),
	)

	It("lets an upgraded student join more courses", func(ctx SpecContext) {
		gwt.NewScenario(ctx).
			Given(registered(ada), enrolled(c2, ada), enrolled(c3, ada), course(c1, 30), subscribed(ada, courseapp.Standard)).
			When(handle(enroll(c1, ada))).
			ThenAppended(cm.StudentEnrolledToCourseType)
	})

	It("gives the last seat to one of two students who decided on the same snapshot; the other, deciding again, hears that the course is full", func(ctx SpecContext) {
		s := newStore()
		given(ctx, s, course(c1, 1), registered(ada), registered(bob))
		cmds := commandsOn(s)
		forAda, err := cmds.Decide(ctx, enroll(c1, ada))
		Expect(err).NotTo(HaveOccurred())
		forBob, err := cmds.Decide(ctx, enroll(c1, bob))
		Expect(err).NotTo(HaveOccurred())

		_, err = s.Append(ctx, forAda.Events, forAda.Condition)
		Expect(err).NotTo(HaveOccurred())
		_, err = s.Append(ctx, forBob.Events, forBob.Condition)
		Expect(err).To(matchers.BeRejectedByCondition())

		_, err = cmds.Handle(ctx, enroll(c1, bob))
		Expect(err).To(MatchError(courseapp.CourseFullError{Max: 1}))
		Expect(err).To(MatchError("Course is at maximum capacity (1 students)."))
	})

	DescribeTable("does not conflict with a write outside its boundary",
		func(ctx SpecContext, rival store.Event) {
			s := newStore()
			given(ctx, s, course(c1, 1), course(c9, 5), registered(ada), registered(bob), registered(cyd))
			w := interleave(s, rival)
			_, err := commandsOn(w).Handle(ctx, enroll(c1, bob))
			Expect(err).NotTo(HaveOccurred())
			Expect(w.Conflicts).To(BeZero())
		},
		Entry("another student joining another course", enrolled(c9, cyd)),
		Entry("an announcement on the same course", posted(c1, tok1)),
	)

	It("decides again after a conflict, and enrolls when a seat is still free", func(ctx SpecContext) {
		s := newStore()
		given(ctx, s, course(c1, 2), registered(ada), registered(bob))
		w := interleave(s, enrolled(c1, bob))
		_, err := commandsOn(w).Handle(ctx, enroll(c1, ada))
		Expect(err).NotTo(HaveOccurred())
		Expect(w.Conflicts).To(Equal(1))
		Expect(eventsOf(ctx, s, cm.StudentEnrolledToCourseType)).To(HaveLen(2))
	})

	It("gives up with the enrollment's conflict message when every attempt conflicts", func(ctx SpecContext) {
		s := newStore()
		given(ctx, s, course(c1, 5), registered(ada))
		w := interleaveAlways(s, func(int) []store.Event { return []store.Event{subscribed(ada, courseapp.Master)} })
		_, err := commandsOn(w).Handle(ctx, enroll(c1, ada))
		Expect(err).To(MatchError("Failed to enroll student due to concurrent updates. Please try again."))
		Expect(err).To(MatchError(store.ErrAppendConditionFailed))
		Expect(w.Conflicts).To(Equal(courseapp.DefaultRetry.Attempts))
	})

	It("fills a course of 5 seats with exactly 5 of 20 racing students; every other one hears that it is full", func(ctx SpecContext) {
		s := newStore()
		given(ctx, s, course(c1, 5))
		for i := range 20 {
			given(ctx, s, registered(fmt.Sprintf("s-%02d", i)))
		}
		cmds := commandsOn(s)
		errs := race(20, func(i int) error {
			_, err := cmds.Handle(ctx, enroll(c1, fmt.Sprintf("s-%02d", i)))
			return err
		})
		Expect(succeeded(errs)).To(Equal(5))
		for _, err := range errs {
			if err != nil {
				Expect(err).To(MatchError(courseapp.CourseFullError{Max: 5}))
			}
		}
		Expect(eventsOf(ctx, s, cm.StudentEnrolledToCourseType)).To(HaveLen(5))
	})
})
