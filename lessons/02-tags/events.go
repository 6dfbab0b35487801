package tagging

import "github.com/opossum-go/opossum/store"

// Event types: facts, named in the past tense.
const (
	StudentRegisteredType       = "StudentRegistered"
	CourseCreatedType           = "CourseCreated"
	CourseCapacityChangedType   = "CourseCapacityChanged"
	StudentEnrolledInCourseType = "StudentEnrolledInCourse"
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
// room for Capacity students.
type CourseCreated struct {
	CourseID string `json:"courseId"`
	Name     string `json:"name"`
	Capacity int    `json:"capacity"`
}

// Event returns the fact as an event to append, tagged with Tags.
func (c CourseCreated) Event() store.Event {
	return store.MustEvent(CourseCreatedType, c, c.Tags()...)
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

// StudentEnrolledInCourse is the data of a StudentEnrolledInCourse event: a
// student took a seat in a course.
type StudentEnrolledInCourse struct {
	StudentID string `json:"studentId"`
	CourseID  string `json:"courseId"`
}

// Event returns the fact as an event to append, tagged with Tags.
func (e StudentEnrolledInCourse) Event() store.Event {
	return store.MustEvent(StudentEnrolledInCourseType, e, e.Tags()...)
}
