package writingspecs_test

import (
	. "github.com/onsi/ginkgo/v2"

	ws "github.com/opossum-go/opossum/lessons/06-writing-specs"
	"github.com/opossum-go/opossum/specs/steps"
)

var _ = steps.Describe("Step 2: enrollment", func() {
	It("enrolls a student in a course with a free seat", func(ctx SpecContext) {
		ws.EnrollsInACourseWithRoom(ctx)
	})
	It("refuses a course that does not exist", func(ctx SpecContext) {
		ws.RefusesAnUnknownCourse(ctx)
	})
	It("refuses to enroll a student twice in a course", func(ctx SpecContext) {
		ws.RefusesASecondEnrollment(ctx)
	})
	It("refuses a course whose seats are all taken", func(ctx SpecContext) {
		ws.RefusesAFullCourse(ctx)
	})
	It("refuses a student who joined MaxCoursesPerStudent courses", func(ctx SpecContext) {
		ws.RefusesAStudentAtTheLimit(ctx)
	})
})
