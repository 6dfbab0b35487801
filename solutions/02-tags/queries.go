package tagging

import "github.com/opossum-go/opossum/store"

// Registrations selects every StudentRegistered event, whatever its tags:
// a query by type only. It is the example for README step 2.
func Registrations() store.Query {
	return store.Types(StudentRegisteredType)
}

// CourseDefinitions selects the events that define a course: every
// CourseCreated and every CourseStudentLimitModified event, of any course.
//
//workbook:todo step 2: one item, two types.
func CourseDefinitions() store.Query {
	return store.Types(CourseCreatedType, CourseStudentLimitModifiedType)
}

// CourseHistory selects everything that happened to the course courseID:
// every event tagged with it, whatever its type.
//
//workbook:todo step 2: one item, one tag, no types.
func CourseHistory(courseID string) store.Query {
	return store.Tagged(CourseTag(courseID))
}

// Enrollment selects the StudentEnrolledToCourse events of one student in
// one course.
//
//workbook:todo step 2: one item with a type and two tags.
func Enrollment(studentID, courseID string) store.Query {
	return store.TypesTagged([]string{StudentEnrolledToCourseType}, StudentTag(studentID), CourseTag(courseID))
}

// EnrollmentDecision selects what a decision to enroll studentID in courseID
// depends on: the course's CourseCreated, CourseStudentLimitModified and
// StudentEnrolledToCourse events, and the student's StudentRegistered and
// StudentEnrolledToCourse events.
//
//workbook:todo step 2: two items, one for the course and one for the student.
func EnrollmentDecision(studentID, courseID string) store.Query {
	return store.Items(
		store.QueryItem{
			Types: []string{CourseCreatedType, CourseStudentLimitModifiedType, StudentEnrolledToCourseType},
			Tags:  []store.Tag{CourseTag(courseID)},
		},
		store.QueryItem{
			Types: []string{StudentRegisteredType, StudentEnrolledToCourseType},
			Tags:  []store.Tag{StudentTag(studentID)},
		},
	)
}
