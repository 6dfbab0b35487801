package tagging

import "github.com/opossum-go/opossum/store"

// Registrations selects every StudentRegistered event, whatever its tags:
// a query by type only. It is the example for README step 2.
func Registrations() store.Query {
	return store.Types(StudentRegisteredType)
}

// CourseDefinitions selects the events that define a course: every
// CourseDefined and every CourseCapacityChanged event, of any course.
//
//workbook:todo step 2: one item, two types.
func CourseDefinitions() store.Query {
	return store.Types(CourseDefinedType, CourseCapacityChangedType)
}

// CourseHistory selects everything that happened to the course courseID:
// every event tagged with it, whatever its type.
//
//workbook:todo step 2: one item, one tag, no types.
func CourseHistory(courseID string) store.Query {
	return store.Tagged(CourseTag(courseID))
}

// Enrolment selects the StudentEnrolled events of one student in
// one course.
//
//workbook:todo step 2: one item with a type and two tags.
func Enrolment(studentID, courseID string) store.Query {
	return store.TypesTagged([]string{StudentEnrolledType}, StudentTag(studentID), CourseTag(courseID))
}

// EnrolmentDecision selects what a decision to enrol studentID in courseID
// depends on: the course's CourseDefined, CourseCapacityChanged and
// StudentEnrolled events, and the student's StudentRegistered and
// StudentEnrolled events.
//
//workbook:todo step 2: two items, one for the course and one for the student.
func EnrolmentDecision(studentID, courseID string) store.Query {
	return store.Items(
		store.QueryItem{
			Types: []string{CourseDefinedType, CourseCapacityChangedType, StudentEnrolledType},
			Tags:  []store.Tag{CourseTag(courseID)},
		},
		store.QueryItem{
			Types: []string{StudentRegisteredType, StudentEnrolledType},
			Tags:  []store.Tag{StudentTag(studentID)},
		},
	)
}
