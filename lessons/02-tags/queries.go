package tagging

import "github.com/opossum-go/opossum/store"

// Registrations selects every StudentRegistered event, whatever its tags:
// a query by type only. It is the example for README step 2.
func Registrations() store.Query {
	return store.Types(StudentRegisteredType)
}

// CourseDefinitions selects the events that define a course: every
// CourseCreated and every CourseStudentLimitModified event, of any course.
func CourseDefinitions() store.Query {
	// TODO: one item, two types.
	panic("TODO: implement CourseDefinitions (lessons/02-tags/queries.go:15) — README step 2")
}

// CourseHistory selects everything that happened to the course courseID:
// every event tagged with it, whatever its type.
func CourseHistory(courseID string) store.Query {
	// TODO: one item, one tag, no types.
	panic("TODO: implement CourseHistory (lessons/02-tags/queries.go:22) — README step 2")
}

// Enrollment selects the StudentEnrolledToCourse events of one student in
// one course.
func Enrollment(studentID, courseID string) store.Query {
	// TODO: one item with a type and two tags.
	panic("TODO: implement Enrollment (lessons/02-tags/queries.go:29) — README step 2")
}

// EnrollmentDecision selects what a decision to enroll studentID in courseID
// depends on: the course's CourseCreated, CourseStudentLimitModified and
// StudentEnrolledToCourse events, and the student's StudentRegistered and
// StudentEnrolledToCourse events.
func EnrollmentDecision(studentID, courseID string) store.Query {
	// TODO: two items, one for the course and one for the student.
	panic("TODO: implement EnrollmentDecision (lessons/02-tags/queries.go:38) — README step 2")
}
