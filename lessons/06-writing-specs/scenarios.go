package writingspecs

import (
	"context"

	"github.com/opossum-go/opossum/store"
)

// The people and courses of the scenarios, for you to use.
var (
	Ada = StudentRegistered{StudentID: "s-ada", FirstName: "Ada", LastName: "Lovelace", Email: "ada@example.com"}
	Bob = StudentRegistered{StudentID: "s-bob", FirstName: "Bob", LastName: "Barker", Email: "bob@example.com"}
)

// Course returns the CourseCreated event of a course with the given
// number of seats.
func Course(courseID string, seats int) store.Event {
	return CourseCreated{CourseID: courseID, Name: "Course " + courseID, Description: "A course for the specs.", MaxStudentCount: seats}.Event()
}

// Enrolled returns the StudentEnrolledToCourse event of a student in a
// course.
func Enrolled(courseID, studentID string) store.Event {
	return StudentEnrolledToCourse{StudentID: studentID, CourseID: courseID}.Event()
}

// Registering is the When of a registration.
func Registering(student StudentRegistered) func(context.Context, store.EventStore) error {
	return func(ctx context.Context, s store.EventStore) error { return RegisterStudent(ctx, s, student) }
}

// Enrolling is the When of an enrollment.
func Enrolling(courseID, studentID string) func(context.Context, store.EventStore) error {
	return func(ctx context.Context, s store.EventStore) error { return Enroll(ctx, s, courseID, studentID) }
}

// RegistersANewAddress is the spec "registers a student whose address is
// new".
func RegistersANewAddress(ctx context.Context) {
	// TODO: Given another student, When RegisterStudent(Ada), Then one
	// StudentRegistered event.
	panic("TODO: implement RegistersANewAddress (lessons/06-writing-specs/scenarios.go:42) — README step 1")
}

// RefusesATakenAddress is the spec "refuses an address another student
// registered".
func RefusesATakenAddress(ctx context.Context) {
	// TODO: Given a registered student, When another student registers with
	// that address, Then ErrEmailTaken and nothing appended.
	panic("TODO: implement RefusesATakenAddress (lessons/06-writing-specs/scenarios.go:50) — README step 1")
}

// EnrollsInACourseWithRoom is the spec "enrolls a student in a course with
// a free seat".
func EnrollsInACourseWithRoom(ctx context.Context) {
	// TODO: Given a course with a free seat, When Enroll, Then a
	// StudentEnrolledToCourse event.
	panic("TODO: implement EnrollsInACourseWithRoom (lessons/06-writing-specs/scenarios.go:58) — README step 2")
}

// RefusesAnUnknownCourse is the spec "refuses a course that does not
// exist".
func RefusesAnUnknownCourse(ctx context.Context) {
	// TODO: Given no CourseCreated for the course, When Enroll, Then
	// ErrCourseNotFound and nothing appended.
	panic("TODO: implement RefusesAnUnknownCourse (lessons/06-writing-specs/scenarios.go:66) — README step 2")
}

// RefusesASecondEnrollment is the spec "refuses to enroll a student twice
// in a course".
func RefusesASecondEnrollment(ctx context.Context) {
	// TODO: Given the student already in the course, When Enroll again, Then
	// ErrAlreadyEnrolled and nothing appended.
	panic("TODO: implement RefusesASecondEnrollment (lessons/06-writing-specs/scenarios.go:74) — README step 2")
}

// RefusesAFullCourse is the spec "refuses a course whose seats are all
// taken".
func RefusesAFullCourse(ctx context.Context) {
	// TODO: Given a course whose seats are taken, When Enroll, Then
	// ErrCourseFull and nothing appended.
	panic("TODO: implement RefusesAFullCourse (lessons/06-writing-specs/scenarios.go:82) — README step 2")
}

// RefusesAStudentAtTheLimit is the spec "refuses a student who joined
// MaxCoursesPerStudent courses, and not one course earlier".
func RefusesAStudentAtTheLimit(ctx context.Context) {
	// TODO: Given the student in MaxCoursesPerStudent courses, When Enroll,
	// Then ErrCourseLimitReached and nothing appended.
	panic("TODO: implement RefusesAStudentAtTheLimit (lessons/06-writing-specs/scenarios.go:90) — README step 2")
}
