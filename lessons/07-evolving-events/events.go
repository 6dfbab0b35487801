package evolving

import "github.com/opossum-go/opossum/store"

// Event types written by version 2, the current one, as in the
// CourseManagement sample.
const (
	CourseCreatedType           = "CourseCreated"
	StudentEnrolledToCourseType = "StudentEnrolledToCourse"
)

// Tag keys of version 2.
const (
	StudentKey = "studentId"
	CourseKey  = "courseId"
)

// What version 1 wrote: an enrollment was called StudentSubscribedToCourse,
// its data named the student and the course "student" and "course", and it
// was tagged with the keys "student" and "course". Such events stay in the
// store for ever; version 1 may even still be running somewhere.
const (
	StudentSubscribedToCourseType = "StudentSubscribedToCourse"
	V1StudentKey                  = "student"
	V1CourseKey                   = "course"
)

// DefaultMaxStudentCount is the number of seats of a course created by
// version 1, which had no maxStudentCount: every course had 10 seats.
const DefaultMaxStudentCount = 10

// StudentTag links an event to a student.
func StudentTag(studentID string) store.Tag { return store.NewTag(StudentKey, studentID) }

// CourseTag links an event to a course.
func CourseTag(courseID string) store.Tag { return store.NewTag(CourseKey, courseID) }

// V1CourseTag is the course tag version 1 wrote.
func V1CourseTag(courseID string) store.Tag { return store.NewTag(V1CourseKey, courseID) }

// V1StudentTag is the student tag version 1 wrote.
func V1StudentTag(studentID string) store.Tag { return store.NewTag(V1StudentKey, studentID) }

// CourseCreated: a course opened with room for MaxStudentCount students,
// with the CourseManagement sample's data (version 2). Version 1 wrote it
// without description and without maxStudentCount; read it with
// DecodeCourseCreated, never with store.Decode.
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

// StudentEnrolledToCourse: the student took a seat in the course
// (version 2).
type StudentEnrolledToCourse struct {
	CourseID  string `json:"courseId"`
	StudentID string `json:"studentId"`
}

// Event returns the fact tagged with the course and the student.
func (e StudentEnrolledToCourse) Event() store.Event {
	return store.MustEvent(StudentEnrolledToCourseType, e, CourseTag(e.CourseID), StudentTag(e.StudentID))
}

// StudentSubscribedToCourse is an enrollment as version 1, the earlier
// version, wrote it: the type, the fields and the tags that version 2
// renamed. Only Upcast and the specs' version-1 writer use it.
type StudentSubscribedToCourse struct {
	Student string `json:"student"`
	Course  string `json:"course"`
}

// Event returns the fact as version 1 tagged it.
func (e StudentSubscribedToCourse) Event() store.Event {
	return store.MustEvent(StudentSubscribedToCourseType, e, V1CourseTag(e.Course), V1StudentTag(e.Student))
}
