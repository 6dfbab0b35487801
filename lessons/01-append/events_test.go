package appending_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	appending "github.com/opossum-go/opossum/lessons/01-append"
	"github.com/opossum-go/opossum/specs/steps"
)

// dcb is the course of the specs.
var dcb = appending.CourseCreated{CourseID: "c-dcb", Name: "Dynamic Consistency Boundaries", Description: "Consistency without aggregates", MaxStudentCount: 20}

var _ = steps.Describe("Step 1: events are facts", func() {
	It("names a new course as a fact, in the past tense: CourseCreated", func() {
		e := dcb.Event()
		Expect(e.Type).To(Equal("CourseCreated"),
			"CourseCreated.Event must give the event the type CourseCreatedType")
	})

	It("keeps the facts of a course as a JSON object: courseId, name, description and maxStudentCount", func() {
		e := dcb.Event()
		Expect(string(e.Data)).To(MatchJSON(`{"courseId":"c-dcb","name":"Dynamic Consistency Boundaries","description":"Consistency without aggregates","maxStudentCount":20}`),
			"the event's data must be the CourseCreated value encoded as JSON: store.MustEvent does that for you")
	})

	It("records an enrollment as StudentEnrolledToCourse, naming both the student and the course", func() {
		e := appending.StudentEnrolledToCourse{StudentID: "s-ada", CourseID: "c-dcb"}.Event()
		Expect(e.Type).To(Equal("StudentEnrolledToCourse"),
			"StudentEnrolledToCourse.Event must give the event the type StudentEnrolledToCourseType")
		Expect(string(e.Data)).To(MatchJSON(`{"studentId":"s-ada","courseId":"c-dcb"}`),
			"the event's data must be the StudentEnrolledToCourse value encoded as JSON")
	})
})
