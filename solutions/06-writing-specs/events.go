package writingspecs

import (
	"strings"

	"github.com/opossum-go/opossum/store"
)

// Event types of the lesson, as in the CourseManagement sample.
const (
	StudentRegisteredType       = "StudentRegistered"
	CourseCreatedType           = "CourseCreated"
	StudentEnrolledToCourseType = "StudentEnrolledToCourse"
)

// Tag keys.
const (
	StudentKey = "studentId"
	CourseKey  = "courseId"
	EmailKey   = "studentEmail"
)

// MaxCoursesPerStudent is how many courses one student may join.
const MaxCoursesPerStudent = 3

// StudentTag links an event to a student.
func StudentTag(studentID string) store.Tag { return store.NewTag(StudentKey, studentID) }

// CourseTag links an event to a course.
func CourseTag(courseID string) store.Tag { return store.NewTag(CourseKey, courseID) }

// EmailTag links an event to an email address, normalized: surrounding
// spaces removed, lower case, so that "Ada@Example.com " and
// "ada@example.com" are one tag.
func EmailTag(email string) store.Tag {
	return store.NewTag(EmailKey, strings.ToLower(strings.TrimSpace(email)))
}

// StudentRegistered: a student signed up.
type StudentRegistered struct {
	StudentID string `json:"studentId"`
	FirstName string `json:"firstName"`
	LastName  string `json:"lastName"`
	Email     string `json:"email"`
}

// Event returns the fact tagged with the student and the normalized email.
func (e StudentRegistered) Event() store.Event {
	return store.MustEvent(StudentRegisteredType, e, StudentTag(e.StudentID), EmailTag(e.Email))
}

// CourseCreated: a course opened with room for MaxStudentCount students.
type CourseCreated struct {
	CourseID        string `json:"courseId"`
	Name            string `json:"name"`
	Description     string `json:"description"`
	MaxStudentCount int    `json:"maxStudentCount"`
}

// Event returns the fact tagged with the course.
func (e CourseCreated) Event() store.Event {
	return store.MustEvent(CourseCreatedType, e, CourseTag(e.CourseID))
}

// StudentEnrolledToCourse: the student took a seat in the course.
type StudentEnrolledToCourse struct {
	CourseID  string `json:"courseId"`
	StudentID string `json:"studentId"`
}

// Event returns the fact tagged with the course and the student: the
// course's seats and the student's courses are both counted by these tags.
func (e StudentEnrolledToCourse) Event() store.Event {
	return store.MustEvent(StudentEnrolledToCourseType, e, CourseTag(e.CourseID), StudentTag(e.StudentID))
}
