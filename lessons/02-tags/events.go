package tagging

import "github.com/opossum-go/opossum/store"

// Event types: facts, named in the past tense.
const (
	StudentRegisteredType     = "StudentRegistered"
	CourseDefinedType         = "CourseDefined"
	CourseCapacityChangedType = "CourseCapacityChanged"
	StudentEnrolledType       = "StudentEnrolled"
)

// StudentRegistered is the data of a StudentRegistered event: a student
// signed up.
type StudentRegistered struct {
	StudentID string `json:"studentId"`
	Name      string `json:"name"`
	Email     string `json:"email"`
}

// Event returns the fact as an event to append, tagged with Tags.
func (r StudentRegistered) Event() store.Event {
	return store.MustEvent(StudentRegisteredType, r, r.Tags()...)
}

// CourseDefined is the data of a CourseDefined event: a course opened with
// room for Capacity students.
type CourseDefined struct {
	CourseID string `json:"courseId"`
	Title    string `json:"title"`
	Capacity int    `json:"capacity"`
}

// Event returns the fact as an event to append, tagged with Tags.
func (c CourseDefined) Event() store.Event {
	return store.MustEvent(CourseDefinedType, c, c.Tags()...)
}

// CourseCapacityChanged is the data of a CourseCapacityChanged event: a
// course now has room for Capacity students.
type CourseCapacityChanged struct {
	CourseID string `json:"courseId"`
	Capacity int    `json:"capacity"`
}

// Event returns the fact as an event to append, tagged with Tags.
func (c CourseCapacityChanged) Event() store.Event {
	return store.MustEvent(CourseCapacityChangedType, c, c.Tags()...)
}

// StudentEnrolled is the data of a StudentEnrolled event: a student took a
// seat in a course.
type StudentEnrolled struct {
	StudentID string `json:"studentId"`
	CourseID  string `json:"courseId"`
}

// Event returns the fact as an event to append, tagged with Tags.
func (e StudentEnrolled) Event() store.Event {
	return store.MustEvent(StudentEnrolledType, e, e.Tags()...)
}
