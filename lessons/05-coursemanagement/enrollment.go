package coursemanagement

import (
	"github.com/opossum-go/opossum/internal/courseapp"
	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/decision"
)

// EnrollmentLimit is what an enrollment needs to know about a student. A
// nil *EnrollmentLimit means the student never registered.
type EnrollmentLimit struct {
	// Tier is the student's tier: Basic at registration, then the last
	// StudentSubscriptionUpdated's.
	Tier courseapp.Tier
	// Enrolled is the number of courses the student is enrolled in.
	Enrolled int
}

// MaxAllowed is the tier's course limit.
func (l *EnrollmentLimit) MaxAllowed() int { return l.Tier.MaxCourses() }

// IsAtLimit reports whether the student may join no more courses.
func (l *EnrollmentLimit) IsAtLimit() bool { return l.Enrolled >= l.MaxAllowed() }

// StudentEnrollmentLimit is the decision projection of a student's tier
// and courses (README step 3): StudentRegistered, StudentSubscriptionUpdated
// and StudentEnrolledToCourse events tagged with the student. It stays nil
// until StudentRegistered.
func StudentEnrollmentLimit(studentID string) decision.Projection[*EnrollmentLimit] {
	// TODO: like CourseCapacity, for the student: Basic and no course at
	// registration, then the tier and the count.
	panic("TODO: implement StudentEnrollmentLimit (lessons/05-coursemanagement/enrollment.go:32) — README step 3")
}

// AlreadyEnrolled is the decision projection "is this student enrolled in
// this course?" (README step 3): a StudentEnrolledToCourse carrying both
// tags.
func AlreadyEnrolled(courseID, studentID string) decision.Projection[bool] {
	// TODO: one type, two tags in one item: the event must carry both.
	panic("TODO: implement AlreadyEnrolled (lessons/05-coursemanagement/enrollment.go:40) — README step 3")
}

// DecideEnrollment decides EnrollStudent (README step 3). It checks, in
// this order, and the first failing check wins: the course exists
// (ErrCourseNotFound), the student is registered
// (ErrStudentNotRegistered), the student is not enrolled yet
// (ErrAlreadyEnrolled), a seat is free (CourseFullError), the student is
// below the tier's limit (EnrollmentLimitError). It returns one
// StudentEnrolledToCourse.
func DecideEnrollment(course *Capacity, student *EnrollmentLimit, enrolled bool, cmd courseapp.EnrollStudent) ([]store.Event, error) {
	// TODO: five checks in this order, then the enrollment event.
	panic("TODO: implement DecideEnrollment (lessons/05-coursemanagement/enrollment.go:52) — README step 3")
}
