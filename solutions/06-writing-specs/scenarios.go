package writingspecs

import (
	"context"
	"fmt"

	"github.com/onsi/gomega"

	"github.com/opossum-go/opossum/specs/gwt"
	"github.com/opossum-go/opossum/specs/matchers"
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
//
//workbook:todo step 1: Given another student, When RegisterStudent(Ada), Then one StudentRegistered event.
func RegistersANewAddress(ctx context.Context) {
	gwt.NewScenario(ctx).
		Given(Bob.Event()).
		When(Registering(Ada)).
		ThenAppended(StudentRegisteredType)
}

// RefusesATakenAddress is the spec "refuses an address another student
// registered".
//
//workbook:todo step 1: Given a registered student, When another student registers with that address, Then ErrEmailTaken and nothing appended.
func RefusesATakenAddress(ctx context.Context) {
	gwt.NewScenario(ctx).
		Given(Ada.Event()).
		When(Registering(StudentRegistered{StudentID: "s-ada-2", FirstName: "Ada", LastName: "Again", Email: " Ada@Example.COM"})).
		ThenError(ErrEmailTaken).
		ThenNothingAppended()
}

// EnrollsInACourseWithRoom is the spec "enrolls a student in a course with
// a free seat".
//
//workbook:todo step 2: Given a course with a free seat, When Enroll, Then a StudentEnrolledToCourse event.
func EnrollsInACourseWithRoom(ctx context.Context) {
	sc := gwt.NewScenario(ctx).
		Given(Course("c-1", 2), Enrolled("c-1", Bob.StudentID)).
		When(Enrolling("c-1", Ada.StudentID)).
		ThenAppended(StudentEnrolledToCourseType)
	gomega.Expect(sc.Appended()).To(gomega.HaveEach(gomega.And(
		matchers.HaveTag(CourseTag("c-1")), matchers.HaveTag(StudentTag(Ada.StudentID)))))
}

// RefusesAnUnknownCourse is the spec "refuses a course that does not
// exist".
//
//workbook:todo step 2: Given no CourseCreated for the course, When Enroll, Then ErrCourseNotFound and nothing appended.
func RefusesAnUnknownCourse(ctx context.Context) {
	gwt.NewScenario(ctx).
		Given(Course("c-2", 5)).
		When(Enrolling("c-1", Ada.StudentID)).
		ThenError(ErrCourseNotFound).
		ThenNothingAppended()
}

// RefusesASecondEnrollment is the spec "refuses to enroll a student twice
// in a course".
//
//workbook:todo step 2: Given the student already in the course, When Enroll again, Then ErrAlreadyEnrolled and nothing appended.
func RefusesASecondEnrollment(ctx context.Context) {
	gwt.NewScenario(ctx).
		Given(Course("c-1", 1), Enrolled("c-1", Ada.StudentID)).
		When(Enrolling("c-1", Ada.StudentID)).
		ThenError(ErrAlreadyEnrolled).
		ThenNothingAppended()
}

// RefusesAFullCourse is the spec "refuses a course whose seats are all
// taken".
//
//workbook:todo step 2: Given a course whose seats are taken, When Enroll, Then ErrCourseFull and nothing appended.
func RefusesAFullCourse(ctx context.Context) {
	gwt.NewScenario(ctx).
		Given(Course("c-1", 1), Enrolled("c-1", Bob.StudentID)).
		When(Enrolling("c-1", Ada.StudentID)).
		ThenError(ErrCourseFull).
		ThenNothingAppended()
}

// RefusesAStudentAtTheLimit is the spec "refuses a student who joined
// MaxCoursesPerStudent courses, and not one course earlier".
//
//workbook:todo step 2: Given the student in MaxCoursesPerStudent courses, When Enroll, Then ErrCourseLimitReached and nothing appended.
func RefusesAStudentAtTheLimit(ctx context.Context) {
	history := func(courses int) []store.Event {
		events := []store.Event{Course("c-1", 5)}
		for i := range courses {
			other := fmt.Sprintf("c-other-%d", i)
			events = append(events, Course(other, 5), Enrolled(other, Ada.StudentID))
		}
		return events
	}
	gwt.NewScenario(ctx).
		Given(history(MaxCoursesPerStudent)...).
		When(Enrolling("c-1", Ada.StudentID)).
		ThenError(ErrCourseLimitReached).
		ThenNothingAppended()
	gwt.NewScenario(ctx).
		Given(history(MaxCoursesPerStudent - 1)...).
		When(Enrolling("c-1", Ada.StudentID)).
		ThenAppended(StudentEnrolledToCourseType)
}
