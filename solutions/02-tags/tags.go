package tagging

import (
	"strings"

	"github.com/opossum-go/opossum/store"
)

// Tag keys. A tag links an event to an entity: the key says what kind of
// entity, the value which one (studentId:s-ada).
const (
	StudentIDKey = "studentId"
	CourseIDKey  = "courseId"
	EmailKey     = "studentEmail"
)

// StudentTag is the tag of the student with id.
func StudentTag(id string) store.Tag { return store.NewTag(StudentIDKey, id) }

// CourseTag is the tag of the course with id.
func CourseTag(id string) store.Tag { return store.NewTag(CourseIDKey, id) }

// EmailTag is the tag of an email address. Tags compare exactly, so the
// address is normalized first: " Ada@Example.com" and "ada@example.com"
// are the same tag.
func EmailTag(email string) store.Tag {
	return store.NewTag(EmailKey, strings.ToLower(strings.TrimSpace(email)))
}

// Tags links a registration to its student. The email is a tag too: a
// later decision ("is this email taken?") will select events by it.
func (r StudentRegistered) Tags() []store.Tag {
	return []store.Tag{StudentTag(r.StudentID), EmailTag(r.Email)}
}

// Tags links a new course to the course.
func (c CourseCreated) Tags() []store.Tag {
	return []store.Tag{CourseTag(c.CourseID)}
}

// Tags links a capacity change to the entity it is about.
//
//workbook:todo step 1: which entity does a capacity change belong to?
func (c CourseStudentLimitModified) Tags() []store.Tag {
	return []store.Tag{CourseTag(c.CourseID)}
}

// Tags links an enrollment to every entity it is about.
//
//workbook:todo step 1: an enrollment is about more than one entity.
func (e StudentEnrolledToCourse) Tags() []store.Tag {
	return []store.Tag{StudentTag(e.StudentID), CourseTag(e.CourseID)}
}
