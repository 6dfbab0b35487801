package projections

import (
	"strings"

	"github.com/opossum-go/opossum/store"
)

// Event types: facts, named in the past tense.
const (
	StudentRegisteredType          = "StudentRegistered"
	CourseCreatedType              = "CourseCreated"
	CourseStudentLimitModifiedType = "CourseStudentLimitModified"
	StudentEnrolledToCourseType    = "StudentEnrolledToCourse"
)

// Tag keys. A tag links an event to an entity: the key says what kind of
// entity, the value which one (courseId:c-dcb).
const (
	StudentIDKey = "studentId"
	CourseIDKey  = "courseId"
	EmailKey     = "studentEmail"
)

// StudentTag is the tag of the student with id.
func StudentTag(id string) store.Tag { return store.NewTag(StudentIDKey, id) }

// CourseTag is the tag of the course with id.
func CourseTag(id string) store.Tag { return store.NewTag(CourseIDKey, id) }

// EmailTag is the tag of an email address, normalized.
func EmailTag(email string) store.Tag {
	return store.NewTag(EmailKey, strings.ToLower(strings.TrimSpace(email)))
}

// StudentRegistered is the data of a StudentRegistered event: a student
// signed up.
type StudentRegistered struct {
	StudentID string `json:"studentId"`
	FirstName string `json:"firstName"`
	LastName  string `json:"lastName"`
	Email     string `json:"email"`
}

// Event returns the fact as an event to append, tagged with the student
// and the email.
func (r StudentRegistered) Event() store.Event {
	return store.MustEvent(StudentRegisteredType, r, StudentTag(r.StudentID), EmailTag(r.Email))
}

// CourseCreated is the data of a CourseCreated event: a course opened with
// room for MaxStudentCount students.
type CourseCreated struct {
	CourseID        string `json:"courseId"`
	Name            string `json:"name"`
	Description     string `json:"description"`
	MaxStudentCount int    `json:"maxStudentCount"`
}

// Event returns the fact as an event to append, tagged with the course.
func (c CourseCreated) Event() store.Event {
	return store.MustEvent(CourseCreatedType, c, CourseTag(c.CourseID))
}

// CourseStudentLimitModified is the data of a CourseStudentLimitModified event: a
// course now has room for MaxStudentCount students.
type CourseStudentLimitModified struct {
	CourseID           string `json:"courseId"`
	NewMaxStudentCount int    `json:"newMaxStudentCount"`
}

// Event returns the fact as an event to append, tagged with the course.
func (c CourseStudentLimitModified) Event() store.Event {
	return store.MustEvent(CourseStudentLimitModifiedType, c, CourseTag(c.CourseID))
}

// StudentEnrolledToCourse is the data of a StudentEnrolledToCourse event: a student took a
// seat in a course.
type StudentEnrolledToCourse struct {
	StudentID string `json:"studentId"`
	CourseID  string `json:"courseId"`
}

// Event returns the fact as an event to append, tagged with the student
// and the course.
func (e StudentEnrolledToCourse) Event() store.Event {
	return store.MustEvent(StudentEnrolledToCourseType, e, StudentTag(e.StudentID), CourseTag(e.CourseID))
}
