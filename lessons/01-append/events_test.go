package appending_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	appending "github.com/opossum-go/opossum/lessons/01-append"
	"github.com/opossum-go/opossum/specs/steps"
)

// dcb is the course of the specs.
var dcb = appending.CourseDefined{CourseID: "c-dcb", Title: "Dynamic Consistency Boundaries", Capacity: 20}

var _ = steps.Describe("Step 1: events are facts", func() {
	It("names a new course as a fact, in the past tense: CourseDefined", func() {
		e := dcb.Event()
		Expect(e.Type).To(Equal("CourseDefined"),
			"CourseDefined.Event must give the event the type CourseDefinedType")
	})

	It("keeps the facts of a course as a JSON object: courseId, title and capacity", func() {
		e := dcb.Event()
		Expect(string(e.Data)).To(MatchJSON(`{"courseId":"c-dcb","title":"Dynamic Consistency Boundaries","capacity":20}`),
			"the event's data must be the CourseDefined value encoded as JSON: store.MustEvent does that for you")
	})

	It("records an enrolment as StudentEnrolled, naming both the student and the course", func() {
		e := appending.StudentEnrolled{StudentID: "s-ada", CourseID: "c-dcb"}.Event()
		Expect(e.Type).To(Equal("StudentEnrolled"),
			"StudentEnrolled.Event must give the event the type StudentEnrolledType")
		Expect(string(e.Data)).To(MatchJSON(`{"studentId":"s-ada","courseId":"c-dcb"}`),
			"the event's data must be the StudentEnrolled value encoded as JSON")
	})
})
