package coursemanagement_test

import (
	"context"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/internal/courseapp"
	cm "github.com/opossum-go/opossum/lessons/05-coursemanagement"
	"github.com/opossum-go/opossum/specs/gwt"
	"github.com/opossum-go/opossum/specs/steps"
	"github.com/opossum-go/opossum/store"
)

func aggregates(s store.EventStore) *cm.AggregateCourses {
	return cm.NewAggregateCourses(s, func() time.Time { return now })
}

// capacityChange is one way to change a course's capacity.
type capacityChange func(ctx context.Context, s store.EventStore, courseID string, n int) error

var (
	dcbCapacity capacityChange = func(ctx context.Context, s store.EventStore, courseID string, n int) error {
		_, err := commandsOn(s).Handle(ctx, courseapp.ModifyCourseStudentLimit{CourseID: courseID, MaxStudentCount: n})
		return err
	}
	aggregateCapacity capacityChange = func(ctx context.Context, s store.EventStore, courseID string, n int) error {
		_, err := aggregates(s).ChangeCapacity(ctx, courseID, n)
		return err
	}
)

var _ = steps.Describe("Step 6: the aggregate variant, for contrast", func() {
	DescribeTable("follows the same capacity rule as the DCB path (Q2)",
		func(ctx SpecContext, change capacityChange, n int, want error) {
			gwt.NewScenario(ctx).
				Given(course(c1, 5), registered(ada), registered(bob), enrolled(c1, ada), enrolled(c1, bob)).
				When(func(ctx context.Context, s store.EventStore) error { return change(ctx, s, c1, n) }).
				ThenError(want).
				ThenNothingAppended()
		},
		Entry("DCB: below the students enrolled", dcbCapacity, 1, courseapp.CapacityBelowEnrollmentsError{CourseID: c1, Count: 2}),
		Entry("aggregate: below the students enrolled", aggregateCapacity, 1, courseapp.CapacityBelowEnrollmentsError{CourseID: c1, Count: 2}),
		Entry("DCB: no seats", dcbCapacity, 0, courseapp.ErrInvalidMaxStudentCount),
		Entry("aggregate: no seats", aggregateCapacity, 0, courseapp.ErrInvalidMaxStudentCount),
		Entry("DCB: the same capacity, which changes nothing", dcbCapacity, 5, nil),
		Entry("aggregate: the same capacity, which changes nothing", aggregateCapacity, 5, nil),
	)

	DescribeTable("the aggregate retries a FALSE conflict, which the DCB decision never sees",
		func(ctx SpecContext, rival store.Event) {
			history := events(course(c1, 5), registered(ada), registered(bob), enrolled(c1, bob), book(b1, c1, 1000))

			s := newStore()
			given(ctx, s, history...)
			w := interleave(s, rival)
			_, err := aggregates(w).Subscribe(ctx, c1, ada)
			Expect(err).NotTo(HaveOccurred())
			Expect(w.Conflicts).To(Equal(1), "the aggregate's boundary is every event tagged with the course")

			s = newStore()
			given(ctx, s, history...)
			w = interleave(s, rival)
			_, err = commandsOn(w).Handle(ctx, enroll(c1, ada))
			Expect(err).NotTo(HaveOccurred())
			Expect(w.Conflicts).To(BeZero(), "the DCB boundary holds only the event types the rules depend on")
		},
		Entry("an announcement on the course", posted(c1, tok1)),
		Entry("a book purchase by the student", purchased(b1, ada, c1, 1000)),
		Entry("an exam token of the course", issued(tok1, exam1, c1)),
	)

	It("guards each stream on its own, so two racing enrollments put a student into more courses than the tier allows; the DCB decision does not", func(ctx SpecContext) {
		history := events(course(c1, 5), course(c2, 5), course(c3, 5), registered(ada), enrolled(c1, ada))
		adasCourses := func(s store.EventStore) []store.StoredEvent {
			GinkgoHelper()
			events, err := store.ReadAll(ctx, s, store.TypesTagged([]string{cm.StudentEnrolledToCourseType}, cm.StudentTag(ada)))
			Expect(err).NotTo(HaveOccurred())
			return events
		}

		s := newStore()
		given(ctx, s, history...)
		w := interleave(s, enrolled(c3, ada))
		_, err := aggregates(w).Subscribe(ctx, c2, ada)
		Expect(err).NotTo(HaveOccurred(), "nothing changed in course c-2's stream: the save goes through")
		Expect(w.Conflicts).To(BeZero(), "the aggregate guards the course's stream, not the student's")
		Expect(adasCourses(s)).To(HaveLen(3), "a Basic student (at most 2 courses) is now in 3: one stream write cannot guard a rule spanning two")

		s = newStore()
		given(ctx, s, history...)
		w = interleave(s, enrolled(c3, ada))
		_, err = commandsOn(w).Handle(ctx, enroll(c2, ada))
		Expect(err).To(MatchError(courseapp.EnrollmentLimitError{Max: 2, Tier: courseapp.Basic}),
			"the DCB condition spans the course and the student: the rival enrollment conflicts, and deciding again finds the limit")
		Expect(adasCourses(s)).To(HaveLen(2))
	})

	It("checks the tier limit before the duplicate: a student at the limit re-enrolling hears a different answer from each path", func(ctx SpecContext) {
		history := events(course(c1, 5), course(c2, 5), registered(ada), enrolled(c1, ada), enrolled(c2, ada))
		gwt.NewScenario(ctx).
			Given(history...).
			When(func(ctx context.Context, s store.EventStore) error {
				_, err := aggregates(s).Subscribe(ctx, c1, ada)
				return err
			}).
			ThenError(courseapp.EnrollmentLimitError{Max: 2, Tier: courseapp.Basic})
		gwt.NewScenario(ctx).
			Given(history...).
			When(handle(enroll(c1, ada))).
			ThenError(courseapp.ErrAlreadyEnrolled)
	})

	It("writes the same events, with the same tags, to the same log", func(ctx SpecContext) {
		s := newStore()
		given(ctx, s, course(c1, 5), registered(ada))
		_, err := aggregates(s).Subscribe(ctx, c1, ada)
		Expect(err).NotTo(HaveOccurred())
		Expect(eventsOf(ctx, s, cm.StudentEnrolledToCourseType)).To(beEvents(enrolled(c1, ada)))
		_, err = commandsOn(s).Handle(ctx, enroll(c1, ada))
		Expect(err).To(MatchError(courseapp.ErrAlreadyEnrolled), "the DCB path sees the aggregate's enrollment")
	})

	DescribeTable("has rules and messages of its own",
		func(ctx SpecContext, history []store.Event, studentID string, want error, message string) {
			gwt.NewScenario(ctx).
				Given(history...).
				When(func(ctx context.Context, s store.EventStore) error {
					_, err := aggregates(s).Subscribe(ctx, c1, studentID)
					return err
				}).
				ThenError(want).
				ThenNothingAppended()
			Expect(want.Error()).To(Equal(message))
		},
		Entry("a course that does not exist", events(registered(ada)), ada,
			courseapp.AggregateCourseNotFoundError{CourseID: c1}, "Course 'c-1' does not exist."),
		Entry("a student who is not registered", events(course(c1, 5)), ada,
			courseapp.AggregateStudentNotFoundError{StudentID: ada}, "Student 's-ada' is not registered."),
		Entry("a student subscribed already", events(course(c1, 5), registered(ada), enrolled(c1, ada)), ada,
			courseapp.AlreadySubscribedError{StudentID: ada, CourseID: c1}, `Student "s-ada" is already subscribed to course "c-1".`),
		Entry("a full course", events(course(c1, 1), registered(ada), registered(bob), enrolled(c1, bob)), ada,
			courseapp.FullyBookedError{CourseID: c1}, `Course "c-1" is already fully booked.`),
	)

	It("versions a course by the global position of its last event, whatever its type", func() {
		c, err := cm.ReconstituteCourse([]store.StoredEvent{
			{Position: 1001, Event: course(c1, 5)},
			{Position: 1042, Event: posted(c1, tok1)},
		})
		Expect(err).NotTo(HaveOccurred())
		Expect(c.Version).To(Equal(store.Position(1042)))
		Expect(c.Capacity).To(Equal(5))
	})

	It("records its events until they are pulled", func() {
		c, err := cm.NewCourseAggregate(c1, "Algebra", "", 2)
		Expect(err).NotTo(HaveOccurred())
		Expect(c.SubscribeStudent(ada)).To(Succeed())
		Expect(c.SubscribeStudent(ada)).To(MatchError(courseapp.AlreadySubscribedError{StudentID: ada, CourseID: c1}))
		Expect(c.PullRecordedEvents()).To(beEvents(cm.CourseCreated{CourseID: c1, Name: "Algebra", MaxStudentCount: 2}.Event(), enrolled(c1, ada)))
		Expect(c.PullRecordedEvents()).To(BeEmpty())
	})
})
