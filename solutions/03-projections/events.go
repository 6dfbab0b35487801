package projections

import (
	"strings"

	"github.com/opossum-go/opossum/store"
)

// Event types: facts, named in the past tense.
const (
	StudentRegisteredType     = "StudentRegistered"
	CourseDefinedType         = "CourseDefined"
	CourseCapacityChangedType = "CourseCapacityChanged"
	StudentEnrolledType       = "StudentEnrolled"
)

// Tag keys. A tag links an event to an entity: the key says what kind of
// entity, the value which one (courseId:c-dcb).
const (
	StudentIDKey = "studentId"
	CourseIDKey  = "courseId"
	EmailKey     = "email"
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
	Name      string `json:"name"`
	Email     string `json:"email"`
}

// Event returns the fact as an event to append, tagged with the student
// and the email.
func (r StudentRegistered) Event() store.Event {
	return store.MustEvent(StudentRegisteredType, r, StudentTag(r.StudentID), EmailTag(r.Email))
}

// CourseDefined is the data of a CourseDefined event: a course opened with
// room for Capacity students.
type CourseDefined struct {
	CourseID string `json:"courseId"`
	Title    string `json:"title"`
	Capacity int    `json:"capacity"`
}

// Event returns the fact as an event to append, tagged with the course.
func (c CourseDefined) Event() store.Event {
	return store.MustEvent(CourseDefinedType, c, CourseTag(c.CourseID))
}

// CourseCapacityChanged is the data of a CourseCapacityChanged event: a
// course now has room for Capacity students.
type CourseCapacityChanged struct {
	CourseID string `json:"courseId"`
	Capacity int    `json:"capacity"`
}

// Event returns the fact as an event to append, tagged with the course.
func (c CourseCapacityChanged) Event() store.Event {
	return store.MustEvent(CourseCapacityChangedType, c, CourseTag(c.CourseID))
}

// StudentEnrolled is the data of a StudentEnrolled event: a student took a
// seat in a course.
type StudentEnrolled struct {
	StudentID string `json:"studentId"`
	CourseID  string `json:"courseId"`
}

// Event returns the fact as an event to append, tagged with the student
// and the course.
func (e StudentEnrolled) Event() store.Event {
	return store.MustEvent(StudentEnrolledType, e, StudentTag(e.StudentID), CourseTag(e.CourseID))
}
