package dcb

import (
	"context"

	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/decision"
)

// Seats is what an enrollment needs to know about a course.
type Seats struct {
	// Defined is true once the course's CourseCreated event was seen.
	Defined bool
	// Capacity is the number of seats, as last defined or changed.
	Capacity int
	// Taken is the number of students enrolled.
	Taken int
}

// Full reports whether no seat is free.
func (s Seats) Full() bool { return s.Taken >= s.Capacity }

// Courses is what an enrollment needs to know about a student.
type Courses struct {
	// Registered is true once the student's StudentRegistered event was seen.
	Registered bool
	// Joined is the number of courses the student is enrolled in.
	Joined int
}

// AtLimit reports whether the student may join no more courses.
func (c Courses) AtLimit() bool { return c.Joined >= MaxCoursesPerStudent }

// AlreadyEnrolled is the decision projection "is this student enrolled in
// this course?". It is given, as the example to imitate: the query selects
// exactly the events that can change the answer, and the fold is a small
// pure function.
func AlreadyEnrolled(courseID, studentID string) decision.Projection[bool] {
	return decision.Projection[bool]{
		Initial: false,
		Query:   store.TypesTagged([]string{StudentEnrolledToCourseType}, CourseTag(courseID), StudentTag(studentID)),
		Apply: func(bool, store.StoredEvent) (bool, error) {
			return true, nil
		},
	}
}

// CourseSeats is the decision projection of a course's seats: its query
// selects the course's CourseCreated, CourseStudentLimitModified and
// StudentEnrolledToCourse events, and its fold counts them into Seats.
func CourseSeats(courseID string) decision.Projection[Seats] {
	// TODO: select this course's CourseCreated, CourseStudentLimitModified and
	// StudentEnrolledToCourse events, and fold them into Seats.
	// AlreadyEnrolled above is the example to imitate.
	panic("TODO: implement CourseSeats (lessons/04-dcb/enrollment.go:55) — README step 2")
}

// StudentCourses is the decision projection of a student's courses: its
// query selects the student's StudentRegistered and StudentEnrolledToCourse
// events, and its fold counts them into Courses.
func StudentCourses(studentID string) decision.Projection[Courses] {
	// TODO: select this student's StudentRegistered and
	// StudentEnrolledToCourse events, and fold them into Courses.
	panic("TODO: implement StudentCourses (lessons/04-dcb/enrollment.go:64) — README step 2")
}

// DecideEnrollment decides whether the student may take a seat in the
// course. It builds CourseSeats, StudentCourses and AlreadyEnrolled in one
// read and checks, in this order: the course exists (ErrCourseNotFound),
// the student is registered (ErrStudentNotFound), the student is not
// enrolled yet (ErrAlreadyEnrolled), a seat is free (ErrCourseFull), the
// student is below the course limit (ErrCourseLimitReached). When every
// check passes, it returns the decision to append one StudentEnrolledToCourse
// event, guarded by the condition of the model it read.
//
// It appends nothing; Enroll does.
func DecideEnrollment(ctx context.Context, s store.EventStore, courseID, studentID string) (decision.Decision, error) {
	// TODO: build the three projections in ONE read (decision.Build3), check
	// the rules in the order above, and return the model's Append of one
	// StudentEnrolledToCourse event.
	panic("TODO: implement DecideEnrollment (lessons/04-dcb/enrollment.go:81) — README step 4")
}

// Enroll enrolls the student in the course: it runs DecideEnrollment and
// appends its decision with decision.Execute and the Retry policy. A
// decision that lost a race to a concurrent write is decided again on
// fresh state, which usually turns the conflict into a clear business
// error (the last seat is gone: ErrCourseFull).
func Enroll(ctx context.Context, s store.EventStore, courseID, studentID string) error {
	// TODO: run DecideEnrollment through decision.Execute with the Retry
	// policy.
	panic("TODO: implement Enroll (lessons/04-dcb/enrollment.go:92) — README step 5")
}
