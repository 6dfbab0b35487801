package appending

import (
	"github.com/opossum-go/opossum/store"
)

// Event types. An event records a fact: something that happened and cannot
// be undone. Its type names the fact in the past tense.
const (
	StudentRegisteredType = "StudentRegistered"
	CourseDefinedType     = "CourseDefined"
	StudentEnrolledType   = "StudentEnrolled"
)

// StudentRegistered is the data of a StudentRegistered event: a student
// signed up. The json tags name the fields of the event's JSON data.
type StudentRegistered struct {
	StudentID string `json:"studentId"`
	Name      string `json:"name"`
	Email     string `json:"email"`
}

// Event returns the fact as an event to append. It is written for you: it
// is the example to imitate in README step 1.
func (r StudentRegistered) Event() store.Event {
	return store.MustEvent(StudentRegisteredType, r)
}

// CourseDefined is the data of a CourseDefined event: a course opened with
// room for Capacity students.
type CourseDefined struct {
	CourseID string `json:"courseId"`
	Title    string `json:"title"`
	Capacity int    `json:"capacity"`
}

// Event returns the fact as a CourseDefined event.
func (c CourseDefined) Event() store.Event {
	// TODO: build the event like StudentRegistered.Event does.
	panic("TODO: implement CourseDefined.Event (lessons/01-append/events.go:40) — README step 1")
}

// StudentEnrolled is the data of a StudentEnrolled event: a student took a
// seat in a course.
type StudentEnrolled struct {
	StudentID string `json:"studentId"`
	CourseID  string `json:"courseId"`
}

// Event returns the fact as a StudentEnrolled event.
func (e StudentEnrolled) Event() store.Event {
	// TODO: build the event like StudentRegistered.Event does.
	panic("TODO: implement StudentEnrolled.Event (lessons/01-append/events.go:53) — README step 1")
}
