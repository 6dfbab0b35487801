package tagging

import "github.com/opossum-go/opossum/store"

// Event types: facts, named in the past tense.
const (
	StudentRegisteredType          = "StudentRegistered"
	CourseCreatedType              = "CourseCreated"
	CourseStudentLimitModifiedType = "CourseStudentLimitModified"
	StudentEnrolledToCourseType    = "StudentEnrolledToCourse"
)

// StudentRegistered is the data of a StudentRegistered event: a student
// signed up.
type StudentRegistered struct {
	StudentID string `json:"studentId"`
	FirstName string `json:"firstName"`
	LastName  string `json:"lastName"`
	Email     string `json:"email"`
}

// Event returns the fact as an event to append, tagged with Tags.
func (r StudentRegistered) Event() store.Event {
	return store.MustEvent(StudentRegisteredType, r, r.Tags()...)
}

// CourseCreated is the data of a CourseCreated event: a course opened with
// room for MaxStudentCount students.
type CourseCreated struct {
	CourseID        string `json:"courseId"`
	Name            string `json:"name"`
	Description     string `json:"description"`
	MaxStudentCount int    `json:"maxStudentCount"`
}

// Event returns the fact as an event to append, tagged with Tags.
func (c CourseCreated) Event() store.Event {
	return store.MustEvent(CourseCreatedType, c, c.Tags()...)
}

// CourseStudentLimitModified is the data of a CourseStudentLimitModified event: a
// course now has room for MaxStudentCount students.
type CourseStudentLimitModified struct {
	CourseID           string `json:"courseId"`
	NewMaxStudentCount int    `json:"newMaxStudentCount"`
}

// Event returns the fact as an event to append, tagged with Tags.
func (c CourseStudentLimitModified) Event() store.Event {
	return store.MustEvent(CourseStudentLimitModifiedType, c, c.Tags()...)
}

// StudentEnrolledToCourse is the data of a StudentEnrolledToCourse event: a student took a
// seat in a course.
type StudentEnrolledToCourse struct {
	StudentID string `json:"studentId"`
	CourseID  string `json:"courseId"`
}

// Event returns the fact as an event to append, tagged with Tags.
func (e StudentEnrolledToCourse) Event() store.Event {
	return store.MustEvent(StudentEnrolledToCourseType, e, e.Tags()...)
}
