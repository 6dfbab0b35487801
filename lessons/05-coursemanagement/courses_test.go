package coursemanagement_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/internal/courseapp"
	cm "github.com/opossum-go/opossum/lessons/05-coursemanagement"
	"github.com/opossum-go/opossum/specs/gwt"
	"github.com/opossum-go/opossum/specs/steps"
	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/decision"
)

var _ = steps.Describe("Step 2: courses", func() {
	It("creates a course with its name trimmed", func(ctx SpecContext) {
		sc := gwt.NewScenario(ctx).
			When(handle(courseapp.CreateCourse{CourseID: c1, Name: "  Course c-1 ", Description: "About c-1", MaxStudentCount: 10})).
			ThenAppended(cm.CourseCreatedType)
		thenEvents(sc, course(c1, 10))
	})

	DescribeTable("refuses a course that would be unusable (Q3)",
		func(ctx SpecContext, name string, max int, want error) {
			gwt.NewScenario(ctx).
				When(handle(courseapp.CreateCourse{CourseID: c1, Name: name, MaxStudentCount: max})).
				ThenError(want).
				ThenNothingAppended()
		},
		Entry("no name", "", 10, courseapp.ErrCourseNameRequired),
		Entry("a blank name, before the capacity", "  ", 0, courseapp.ErrCourseNameRequired),
		Entry("no seats", "Algebra", 0, courseapp.ErrInvalidMaxStudentCount),
		Entry("fewer than no seats", "Algebra", -3, courseapp.ErrInvalidMaxStudentCount),
	)

	It("refuses to create a course twice", func(ctx SpecContext) {
		gwt.NewScenario(ctx).
			Given(course(c1, 5)).
			When(handle(courseapp.CreateCourse{CourseID: c1, Name: "Again", MaxStudentCount: 5})).
			ThenError(courseapp.ErrCourseExists)
	})

	DescribeTable("a course's seats (CourseCapacity)",
		func(ctx SpecContext, history []store.Event, want *cm.Capacity) {
			s := newStore()
			given(ctx, s, history...)
			m, err := decision.Build(ctx, s, cm.CourseCapacity(c1))
			Expect(err).NotTo(HaveOccurred())
			Expect(m.State).To(Equal(want))
		},
		Entry("are nil while the course does not exist", events(course(c2, 5)), nil),
		Entry("stay nil for a limit change or an enrollment without a course",
			events(limit(c1, 9), enrolled(c1, ada)), nil),
		Entry("are all free once the course is created", events(course(c1, 5)), &cm.Capacity{Max: 5}),
		Entry("count the enrollments in the course", events(course(c1, 5), enrolled(c1, ada), enrolled(c1, bob)),
			&cm.Capacity{Max: 5, Enrolled: 2}),
		Entry("follow a limit change and keep the enrollments", events(course(c1, 5), enrolled(c1, ada), limit(c1, 8)),
			&cm.Capacity{Max: 8, Enrolled: 1}),
		Entry("ignore other courses", events(course(c1, 5), course(c2, 5), enrolled(c2, ada), limit(c2, 1)),
			&cm.Capacity{Max: 5}),
	)

	Describe("changing the limit (Q2: one rule on every path)", func() {
		It("sets a new limit", func(ctx SpecContext) {
			sc := gwt.NewScenario(ctx).
				Given(course(c1, 5)).
				When(handle(courseapp.ModifyCourseStudentLimit{CourseID: c1, MaxStudentCount: 8})).
				ThenAppended(cm.CourseStudentLimitModifiedType)
			thenEvents(sc, limit(c1, 8))
		})

		It("allows a limit equal to the students enrolled", func(ctx SpecContext) {
			gwt.NewScenario(ctx).
				Given(course(c1, 5), enrolled(c1, ada), enrolled(c1, bob)).
				When(handle(courseapp.ModifyCourseStudentLimit{CourseID: c1, MaxStudentCount: 2})).
				ThenAppended(cm.CourseStudentLimitModifiedType)
		})

		It("appends nothing, and fails nothing, for the same limit again", func(ctx SpecContext) {
			gwt.NewScenario(ctx).
				Given(course(c1, 5)).
				When(handle(courseapp.ModifyCourseStudentLimit{CourseID: c1, MaxStudentCount: 5})).
				ThenError(nil).
				ThenNothingAppended()
		})

		DescribeTable("refuses a change that breaks the rule, and appends nothing",
			func(ctx SpecContext, history []store.Event, max int, want error, message string) {
				gwt.NewScenario(ctx).
					Given(history...).
					When(handle(courseapp.ModifyCourseStudentLimit{CourseID: c1, MaxStudentCount: max})).
					ThenError(want).
					ThenNothingAppended()
				Expect(want.Error()).To(Equal(message))
			},
			Entry("a course that does not exist, checked first", events(course(c2, 5)), 0,
				courseapp.CourseNotFoundError{CourseID: c1}, "Course with ID c-1 does not exist."),
			Entry("no seats", events(course(c1, 5)), 0,
				courseapp.ErrInvalidMaxStudentCount, "Maximum student count must be greater than zero."),
			Entry("fewer seats than students enrolled", events(course(c1, 5), enrolled(c1, ada), enrolled(c1, bob)), 1,
				courseapp.CapacityBelowEnrollmentsError{CourseID: c1, Count: 2},
				`Course "c-1" already has 2 active subscriptions, can't set the capacity below that.`),
		)

		It("decides again when a student enrolls meanwhile, and then refuses to go below the new count", func(ctx SpecContext) {
			s := newStore()
			given(ctx, s, course(c1, 3), enrolled(c1, ada))
			w := interleave(s, enrolled(c1, bob))

			_, err := commandsOn(w).Handle(ctx, courseapp.ModifyCourseStudentLimit{CourseID: c1, MaxStudentCount: 1})

			Expect(err).To(MatchError(courseapp.CapacityBelowEnrollmentsError{CourseID: c1, Count: 2}))
			Expect(w.Conflicts).To(Equal(1), "the enrollment is inside the decision's boundary: the first append must be rejected")
		})
	})
})
