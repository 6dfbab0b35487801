package appending

import (
	"github.com/opossum-go/opossum/store"
)

// Event types. An event records a fact: something that happened and cannot
// be undone. Its type names the fact in the past tense.
const (
	StudentRegisteredType       = "StudentRegistered"
	CourseCreatedType           = "CourseCreated"
	StudentEnrolledToCourseType = "StudentEnrolledToCourse"
)

// StudentRegistered is the data of a StudentRegistered event: a student
// signed up. The json tags name the fields of the event's JSON data.
type StudentRegistered struct {
	StudentID string `json:"studentId"`
	FirstName string `json:"firstName"`
	LastName  string `json:"lastName"`
	Email     string `json:"email"`
}

// Event returns the fact as an event to append. It is written for you: it
// is the example to imitate in README step 1.
func (r StudentRegistered) Event() store.Event {
	return store.MustEvent(StudentRegisteredType, r)
}

// CourseCreated is the data of a CourseCreated event: a course opened with
// room for MaxStudentCount students.
type CourseCreated struct {
	CourseID        string `json:"courseId"`
	Name            string `json:"name"`
	Description     string `json:"description"`
	MaxStudentCount int    `json:"maxStudentCount"`
}

// Event returns the fact as a CourseCreated event.
//
//workbook:todo step 1: build the event like StudentRegistered.Event does.
func (c CourseCreated) Event() store.Event {
	return store.MustEvent(CourseCreatedType, c)
}

// StudentEnrolledToCourse is the data of a StudentEnrolledToCourse event: a student took a
// seat in a course.
type StudentEnrolledToCourse struct {
	StudentID string `json:"studentId"`
	CourseID  string `json:"courseId"`
}

// Event returns the fact as a StudentEnrolledToCourse event.
//
//workbook:todo step 1: build the event like StudentRegistered.Event does.
func (e StudentEnrolledToCourse) Event() store.Event {
	return store.MustEvent(StudentEnrolledToCourseType, e)
}
