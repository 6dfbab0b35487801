package coursemanagement

import (
	"github.com/opossum-go/opossum/internal/courseapp"
	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/decision"
)

// Capacity is what a decision needs to know about a course's seats. A nil
// *Capacity means the course was never created.
type Capacity struct {
	// Max is the number of seats, as created or last modified.
	Max int
	// Enrolled is the number of students enrolled.
	Enrolled int
}

// IsFull reports whether no seat is free.
func (c *Capacity) IsFull() bool { return c.Enrolled >= c.Max }

// CourseExists is the decision projection "was this course created?"
// (README step 2).
func CourseExists(courseID string) decision.Projection[bool] {
	// TODO: like StudentExists, for the course's CourseCreated.
	panic("TODO: implement CourseExists (lessons/05-coursemanagement/courses.go:25) — README step 2")
}

// DecideCourseCreation decides CreateCourse (README step 2): a name that
// is not blank (ErrCourseNameRequired), a positive capacity
// (ErrInvalidMaxStudentCount), an id not used yet (ErrCourseExists). It
// returns one CourseCreated with the name trimmed.
func DecideCourseCreation(courseExists bool, cmd courseapp.CreateCourse) ([]store.Event, error) {
	// TODO: three checks in this order, then the CourseCreated event.
	panic("TODO: implement DecideCourseCreation (lessons/05-coursemanagement/courses.go:34) — README step 2")
}

// CourseCapacity is the decision projection of a course's seats (README
// step 2): its CourseCreated, CourseStudentLimitModified and
// StudentEnrolledToCourse events. It stays nil until CourseCreated; the
// other two events change an existing state only.
func CourseCapacity(courseID string) decision.Projection[*Capacity] {
	// TODO: three types and the course tag in one query item; a fold that
	// starts the state on CourseCreated, and updates Max or Enrolled only when
	// the state is not nil.
	panic("TODO: implement CourseCapacity (lessons/05-coursemanagement/courses.go:45) — README step 2")
}

// DecideStudentLimitChange decides ModifyCourseStudentLimit (README step
// 2). One rule for every capacity change, on both the DCB and the
// aggregate path: the course exists (CourseNotFoundError), the new limit
// is positive (ErrInvalidMaxStudentCount) and not below the students
// enrolled (CapacityBelowEnrollmentsError). The same limit again is not an
// error and appends nothing.
func DecideStudentLimitChange(course *Capacity, cmd courseapp.ModifyCourseStudentLimit) ([]store.Event, error) {
	// TODO: the checks in this order; no events for the same limit; else one
	// CourseStudentLimitModified.
	panic("TODO: implement DecideStudentLimitChange (lessons/05-coursemanagement/courses.go:57) — README step 2")
}
