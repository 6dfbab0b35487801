package appending_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	appending "github.com/opossum-go/opossum/lessons/01-append"
)

var _ = Describe("Step 1: events are facts", func() {
	dcb := appending.CourseCreated{CourseID: "c-dcb", Name: "Dynamic Consistency Boundaries", Capacity: 20}

	It("names a new course as a fact, in the past tense: CourseCreated", func() {
		e := dcb.Event()
		Expect(e.Type).To(Equal("CourseCreated"),
			"CourseCreated.Event must give the event the type CourseCreatedType")
	})

	It("keeps the facts of a course as a JSON object: courseId, name and capacity", func() {
		e := dcb.Event()
		Expect(string(e.Data)).To(MatchJSON(`{"courseId":"c-dcb","name":"Dynamic Consistency Boundaries","capacity":20}`),
			"the event's data must be the CourseCreated value encoded as JSON: store.MustEvent does that for you")
	})

	It("records an enrolment as StudentEnrolledInCourse, naming both the student and the course", func() {
		e := appending.StudentEnrolledInCourse{StudentID: "s-ada", CourseID: "c-dcb"}.Event()
		Expect(e.Type).To(Equal("StudentEnrolledInCourse"),
			"StudentEnrolledInCourse.Event must give the event the type StudentEnrolledInCourseType")
		Expect(string(e.Data)).To(MatchJSON(`{"studentId":"s-ada","courseId":"c-dcb"}`),
			"the event's data must be the StudentEnrolledInCourse value encoded as JSON")
	})
})
