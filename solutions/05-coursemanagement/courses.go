package coursemanagement

import (
	"strings"

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
//
//workbook:todo step 2: like StudentExists, for the course's CourseCreated.
func CourseExists(courseID string) decision.Projection[bool] {
	return decision.Projection[bool]{
		Query: store.TypesTagged([]string{CourseCreatedType}, CourseTag(courseID)),
		Apply: func(bool, store.StoredEvent) (bool, error) { return true, nil },
	}
}

// DecideCourseCreation decides CreateCourse (README step 2): a name that
// is not blank (ErrCourseNameRequired), a positive capacity
// (ErrInvalidMaxStudentCount), an id not used yet (ErrCourseExists). It
// returns one CourseCreated with the name trimmed.
//
//workbook:todo step 2: three checks in this order, then the CourseCreated event.
func DecideCourseCreation(courseExists bool, cmd courseapp.CreateCourse) ([]store.Event, error) {
	name := strings.TrimSpace(cmd.Name)
	switch {
	case name == "":
		return nil, courseapp.ErrCourseNameRequired
	case cmd.MaxStudentCount <= 0:
		return nil, courseapp.ErrInvalidMaxStudentCount
	case courseExists:
		return nil, courseapp.ErrCourseExists
	}
	return []store.Event{CourseCreated{
		CourseID: cmd.CourseID, Name: name, Description: cmd.Description, MaxStudentCount: cmd.MaxStudentCount,
	}.Event()}, nil
}

// CourseCapacity is the decision projection of a course's seats (README
// step 2): its CourseCreated, CourseStudentLimitModified and
// StudentEnrolledToCourse events. It stays nil until CourseCreated; the
// other two events change an existing state only.
//
//workbook:todo step 2: three types and the course tag in one query item; a fold that starts the state on CourseCreated, and updates Max or Enrolled only when the state is not nil.
func CourseCapacity(courseID string) decision.Projection[*Capacity] {
	return decision.Projection[*Capacity]{
		Query: store.TypesTagged(
			[]string{CourseCreatedType, CourseStudentLimitModifiedType, StudentEnrolledToCourseType},
			CourseTag(courseID)),
		Apply: func(c *Capacity, e store.StoredEvent) (*Capacity, error) {
			switch e.Type {
			case CourseCreatedType:
				created, err := store.Decode[CourseCreated](e.Event)
				if err != nil {
					return c, err
				}
				return &Capacity{Max: created.MaxStudentCount}, nil
			case CourseStudentLimitModifiedType:
				if c == nil {
					return nil, nil
				}
				m, err := store.Decode[CourseStudentLimitModified](e.Event)
				if err != nil {
					return c, err
				}
				return &Capacity{Max: m.NewMaxStudentCount, Enrolled: c.Enrolled}, nil
			case StudentEnrolledToCourseType:
				if c == nil {
					return nil, nil
				}
				return &Capacity{Max: c.Max, Enrolled: c.Enrolled + 1}, nil
			}
			return c, nil
		},
	}
}

// DecideStudentLimitChange decides ModifyCourseStudentLimit (README step
// 2). One rule for every capacity change, on both the DCB and the
// aggregate path: the course exists (CourseNotFoundError), the new limit
// is positive (ErrInvalidMaxStudentCount) and not below the students
// enrolled (CapacityBelowEnrollmentsError). The same limit again is not an
// error and appends nothing.
//
//workbook:todo step 2: the checks in this order; no events for the same limit; else one CourseStudentLimitModified.
func DecideStudentLimitChange(course *Capacity, cmd courseapp.ModifyCourseStudentLimit) ([]store.Event, error) {
	switch {
	case course == nil:
		return nil, courseapp.CourseNotFoundError{CourseID: cmd.CourseID}
	case cmd.MaxStudentCount <= 0:
		return nil, courseapp.ErrInvalidMaxStudentCount
	case cmd.MaxStudentCount < course.Enrolled:
		return nil, courseapp.CapacityBelowEnrollmentsError{CourseID: cmd.CourseID, Count: course.Enrolled}
	case cmd.MaxStudentCount == course.Max:
		return nil, nil
	}
	return []store.Event{CourseStudentLimitModified{CourseID: cmd.CourseID, NewMaxStudentCount: cmd.MaxStudentCount}.Event()}, nil
}
