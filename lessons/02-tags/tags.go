package tagging

import (
	"github.com/opossum-go/opossum/specs/todo"
	"github.com/opossum-go/opossum/store"
)

// Tag keys. A tag links an event to an entity: the key says what kind of
// entity, the value which one (studentId:s-ada).
const (
	StudentIDKey    = "studentId"
	StudentEmailKey = "studentEmail"
	CourseIDKey     = "courseId"
)

// StudentTag is the tag of the student with id.
func StudentTag(id string) store.Tag { return store.NewTag(StudentIDKey, id) }

// CourseTag is the tag of the course with id.
func CourseTag(id string) store.Tag { return store.NewTag(CourseIDKey, id) }

// Tags links a registration to its student. The email is a tag too: a
// later decision ("is this email taken?") will select events by it.
func (r StudentRegistered) Tags() []store.Tag {
	return []store.Tag{StudentTag(r.StudentID), store.NewTag(StudentEmailKey, r.Email)}
}

// Tags links a new course to the course.
func (c CourseCreated) Tags() []store.Tag {
	return []store.Tag{CourseTag(c.CourseID)}
}

// Tags links a capacity change to the entity it is about.
func (c CourseCapacityChanged) Tags() []store.Tag {
	// TODO: which entity does a capacity change belong to?
	todo.Implement("README step 1")
	return nil
}

// Tags links an enrolment to every entity it is about.
func (e StudentEnrolledInCourse) Tags() []store.Tag {
	// TODO: an enrolment is about more than one entity.
	todo.Implement("README step 1")
	return nil
}
