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
//
//workbook:todo step 3: like CourseCapacity, for the student: Basic and no course at registration, then the tier and the count.
func StudentEnrollmentLimit(studentID string) decision.Projection[*EnrollmentLimit] {
	return decision.Projection[*EnrollmentLimit]{
		Query: store.TypesTagged(
			[]string{StudentRegisteredType, StudentSubscriptionUpdatedType, StudentEnrolledToCourseType},
			StudentTag(studentID)),
		Apply: func(l *EnrollmentLimit, e store.StoredEvent) (*EnrollmentLimit, error) {
			switch {
			case e.Type == StudentRegisteredType:
				return &EnrollmentLimit{Tier: courseapp.Basic}, nil
			case l == nil:
				return nil, nil
			case e.Type == StudentSubscriptionUpdatedType:
				u, err := store.Decode[StudentSubscriptionUpdated](e.Event)
				if err != nil {
					return l, err
				}
				return &EnrollmentLimit{Tier: u.EnrollmentTier, Enrolled: l.Enrolled}, nil
			case e.Type == StudentEnrolledToCourseType:
				return &EnrollmentLimit{Tier: l.Tier, Enrolled: l.Enrolled + 1}, nil
			}
			return l, nil
		},
	}
}

// AlreadyEnrolled is the decision projection "is this student enrolled in
// this course?" (README step 3): a StudentEnrolledToCourse carrying both
// tags.
//
//workbook:todo step 3: one type, two tags in one item: the event must carry both.
func AlreadyEnrolled(courseID, studentID string) decision.Projection[bool] {
	return decision.Projection[bool]{
		Query: store.TypesTagged([]string{StudentEnrolledToCourseType}, CourseTag(courseID), StudentTag(studentID)),
		Apply: func(bool, store.StoredEvent) (bool, error) { return true, nil },
	}
}

// DecideEnrollment decides EnrollStudent (README step 3). It checks, in
// this order, and the first failing check wins: the course exists
// (ErrCourseNotFound), the student is registered
// (ErrStudentNotRegistered), the student is not enrolled yet
// (ErrAlreadyEnrolled), a seat is free (CourseFullError), the student is
// below the tier's limit (EnrollmentLimitError). It returns one
// StudentEnrolledToCourse.
//
//workbook:todo step 3: five checks in this order, then the enrollment event.
func DecideEnrollment(course *Capacity, student *EnrollmentLimit, enrolled bool, cmd courseapp.EnrollStudent) ([]store.Event, error) {
	switch {
	case course == nil:
		return nil, courseapp.ErrCourseNotFound
	case student == nil:
		return nil, courseapp.ErrStudentNotRegistered
	case enrolled:
		return nil, courseapp.ErrAlreadyEnrolled
	case course.IsFull():
		return nil, courseapp.CourseFullError{Max: course.Max}
	case student.IsAtLimit():
		return nil, courseapp.EnrollmentLimitError{Max: student.MaxAllowed(), Tier: student.Tier}
	}
	return []store.Event{StudentEnrolledToCourse{CourseID: cmd.CourseID, StudentID: cmd.StudentID}.Event()}, nil
}
