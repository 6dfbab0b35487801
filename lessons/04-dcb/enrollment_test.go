package dcb_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	dcb "github.com/opossum-go/opossum/lessons/04-dcb"
	"github.com/opossum-go/opossum/specs/gwt"
	"github.com/opossum-go/opossum/specs/matchers"
	"github.com/opossum-go/opossum/specs/steps"
	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/decision"
)

var _ = steps.Describe("Step 2: the two halves of an enrollment", func() {
	DescribeTable("a course's seats",
		func(ctx SpecContext, history []store.Event, want dcb.Seats) {
			s := newStore()
			given(ctx, s, history...)
			m, err := decision.Build(ctx, s, dcb.CourseSeats("c-1"))
			Expect(err).NotTo(HaveOccurred())
			Expect(m.State).To(Equal(want))
		},
		Entry("are unknown while the course is not defined",
			[]store.Event{course("c-2", 5)}, dcb.Seats{}),
		Entry("are all free once the course is defined",
			[]store.Event{course("c-1", 5)}, dcb.Seats{Defined: true, Capacity: 5}),
		Entry("are taken one per enrollment in the course",
			[]store.Event{course("c-1", 5), enrolled("c-1", "s-1"), enrolled("c-1", "s-2")}, dcb.Seats{Defined: true, Capacity: 5, Taken: 2}),
		Entry("follow a capacity change, which keeps the enrollments",
			[]store.Event{course("c-1", 5), enrolled("c-1", "s-1"), dcb.CourseStudentLimitModified{CourseID: "c-1", NewMaxStudentCount: 1}.Event()}, dcb.Seats{Defined: true, Capacity: 1, Taken: 1}),
		Entry("ignore other courses and other facts about students",
			[]store.Event{course("c-1", 5), course("c-2", 5), enrolled("c-2", "s-1"), ada.Event()}, dcb.Seats{Defined: true, Capacity: 5}),
	)

	DescribeTable("a student's courses",
		func(ctx SpecContext, history []store.Event, want dcb.Courses) {
			s := newStore()
			given(ctx, s, history...)
			m, err := decision.Build(ctx, s, dcb.StudentCourses(ada.StudentID))
			Expect(err).NotTo(HaveOccurred())
			Expect(m.State).To(Equal(want))
		},
		Entry("are unknown while the student is not registered",
			registered(bob), dcb.Courses{}),
		Entry("are none right after the registration",
			registered(ada), dcb.Courses{Registered: true}),
		Entry("count one per enrollment, in any course",
			append(registered(ada), enrolled("c-1", ada.StudentID), enrolled("c-2", ada.StudentID)), dcb.Courses{Registered: true, Joined: 2}),
		Entry("ignore other students and the courses' own facts",
			append(registered(ada, bob), course("c-1", 5), enrolled("c-1", bob.StudentID)), dcb.Courses{Registered: true}),
	)
})

// decideAndAppend runs DecideEnrollment and appends its decision once,
// without retrying.
func decideAndAppend(courseID, studentID string) func(context.Context, store.EventStore) error {
	return func(ctx context.Context, s store.EventStore) error {
		d, err := dcb.DecideEnrollment(ctx, s, courseID, studentID)
		if err != nil {
			return err
		}
		_, err = s.Append(ctx, d.Events, d.Condition)
		return err
	}
}

var _ = steps.Describe("Step 4: one decision across a course and a student", func() {
	It("enrolls a registered student in a course with a free seat, with ONE event tagged for both", func(ctx SpecContext) {
		sc := gwt.NewScenario(ctx).
			Given(course("c-1", 1)).
			Given(registered(ada)...).
			When(decideAndAppend("c-1", ada.StudentID)).
			ThenAppended(dcb.StudentEnrolledToCourseType)
		Expect(sc.Appended()[0]).To(And(
			matchers.HaveTag(dcb.CourseTag("c-1")),
			matchers.HaveTag(dcb.StudentTag(ada.StudentID))),
			"append StudentEnrolledToCourse{...}.Event(): it carries the course tag and the student tag")
	})

	DescribeTable("rejects an enrollment that breaks a rule, and appends nothing",
		func(ctx SpecContext, history []store.Event, want error) {
			gwt.NewScenario(ctx).
				Given(history...).
				When(decideAndAppend("c-1", ada.StudentID)).
				ThenError(want).
				ThenNothingAppended()
		},
		Entry("a course that does not exist",
			registered(ada), dcb.ErrCourseNotFound),
		Entry("a student who is not registered",
			[]store.Event{course("c-1", 5)}, dcb.ErrStudentNotFound),
		Entry("a student who already has a seat in the course",
			append(registered(ada), course("c-1", 5), enrolled("c-1", ada.StudentID)), dcb.ErrAlreadyEnrolled),
		Entry("a course whose seats are all taken",
			append(registered(ada, bob), course("c-1", 1), enrolled("c-1", bob.StudentID)), dcb.ErrCourseFull),
		Entry("a course whose capacity was lowered below its enrollments",
			append(registered(ada, bob), course("c-1", 5), enrolled("c-1", bob.StudentID), dcb.CourseStudentLimitModified{CourseID: "c-1", NewMaxStudentCount: 1}.Event()), dcb.ErrCourseFull),
		Entry("a student who joined MaxCoursesPerStudent courses already",
			append(registered(ada), course("c-1", 5), enrolled("c-7", ada.StudentID), enrolled("c-8", ada.StudentID), enrolled("c-9", ada.StudentID)), dcb.ErrCourseLimitReached),
	)

	It("guards the decision with the query it read with: both entities, nothing else", func(ctx SpecContext) {
		s := newStore()
		given(ctx, s, append(registered(ada, bob), course("c-1", 5), course("c-2", 5))...)
		d, err := dcb.DecideEnrollment(ctx, s, "c-1", ada.StudentID)
		Expect(err).NotTo(HaveOccurred())
		Expect(d.Condition).NotTo(BeNil(), "return the model's Append(...): it carries the condition")
		guard := d.Condition.FailIfEventsMatch
		matches := func(e store.Event) bool { return guard.Matches(&e) }

		Expect(matches(enrolled("c-1", bob.StudentID))).To(BeTrue(), "another student taking a seat in the course must invalidate the decision")
		Expect(matches(enrolled("c-2", ada.StudentID))).To(BeTrue(), "the student joining another course must invalidate the decision")
		Expect(matches(dcb.CourseStudentLimitModified{CourseID: "c-1", NewMaxStudentCount: 1}.Event())).To(BeTrue(), "a capacity change must invalidate the decision")
		Expect(matches(enrolled("c-2", bob.StudentID))).To(BeFalse(), "another student in another course must not get in the way")
		Expect(d.Condition.After).To(Equal(store.Position(3)), "After is the last position the decision read: the course c-1")
	})
})

var _ = steps.Describe("Step 5: racing writers", func() {
	It("decides again after losing a race, and then reports the course full", func(ctx SpecContext) {
		s := newStore()
		given(ctx, s, append(registered(ada, bob), course("c-1", 1))...)
		w := interleave(s, enrolled("c-1", bob.StudentID))

		err := dcb.Enroll(ctx, w, "c-1", ada.StudentID)

		Expect(err).To(MatchError(dcb.ErrCourseFull), "bob took the last seat while ada's enrollment was being decided")
		Expect(w.Conflicts).To(Equal(1), "the first append must be rejected by its condition; the retry must decide again and append nothing")
	})

	It("decides again after losing a race, and enrolls when a seat is still free", func(ctx SpecContext) {
		s := newStore()
		given(ctx, s, append(registered(ada, bob), course("c-1", 2))...)
		w := interleave(s, enrolled("c-1", bob.StudentID))

		Expect(dcb.Enroll(ctx, w, "c-1", ada.StudentID)).To(Succeed())
		Expect(w.Appends).To(Equal(2), "one rejected append, then one on fresh state")
		Expect(eventsOf(ctx, s, dcb.StudentEnrolledToCourseType)).To(HaveLen(2))
	})

	It("never retries a broken rule", func(ctx SpecContext) {
		s := newStore()
		given(ctx, s, registered(ada)...)
		w := interleave(s)
		Expect(dcb.Enroll(ctx, w, "c-404", ada.StudentID)).To(MatchError(dcb.ErrCourseNotFound))
		Expect(w.Appends).To(BeZero())
	})

	It("lets exactly 10 of 20 racing students take the 10 seats of a course", func(ctx SpecContext) {
		s := newStore()
		var history []store.Event
		for i := range 20 {
			history = append(history, student(i).Event())
		}
		given(ctx, s, append(history, course("c-1", 10))...)

		errs := race(20, func(i int) error { return dcb.Enroll(ctx, s, "c-1", student(i).StudentID) })

		Expect(count(errs)).To(Equal(10))
		for _, err := range errs {
			if err != nil {
				Expect(errors.Is(err, dcb.ErrCourseFull) || isConflict(err)).To(BeTrue(), "a loser must learn that the course is full, not %v", err)
			}
		}
		Expect(eventsOf(ctx, s, dcb.StudentEnrolledToCourseType)).To(HaveLen(10))
	}, SpecTimeout(time.Minute))

	It("lets a student racing into 5 courses at once join only MaxCoursesPerStudent of them", func(ctx SpecContext) {
		s := newStore()
		given(ctx, s, registered(ada)...)
		for c := range 5 {
			given(ctx, s, course(fmt.Sprint("c-", c), 10))
		}

		errs := race(5, func(c int) error { return dcb.Enroll(ctx, s, fmt.Sprint("c-", c), ada.StudentID) })

		Expect(count(errs)).To(Equal(dcb.MaxCoursesPerStudent), "the student's limit spans courses: one boundary across entities")
		Expect(eventsOf(ctx, s, dcb.StudentEnrolledToCourseType)).To(HaveLen(dcb.MaxCoursesPerStudent))
	}, SpecTimeout(time.Minute))
})
