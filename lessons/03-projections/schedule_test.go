package projections_test

import (
	"fmt"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	projections "github.com/opossum-go/opossum/lessons/03-projections"
	"github.com/opossum-go/opossum/specs/steps"
	"github.com/opossum-go/opossum/store"
)

var _ = steps.Describe("Step 6: key by what readers look up", func() {
	// busyTerm records 3 courses and 60 enrollments of 4 students.
	busyTerm := func(ctx SpecContext, s store.EventStore) store.Position {
		facts := []projections.Fact{dcb, golang, projections.CourseCreated{CourseID: "c-zig", Name: "Zig", MaxStudentCount: 99}}
		courses := []string{"c-dcb", "c-go", "c-zig"}
		for i := range 60 {
			facts = append(facts, enroll(fmt.Sprint("s-", i%4), courses[i%3]))
		}
		return record(ctx, s, facts...)
	}

	It("THE MISTAKE: keyed by event position, a projection grows one file per event, forever", func(ctx SpecContext) {
		s := newStore()
		r := newRunner(s)
		register(r, projections.EnrollmentLog())
		Expect(r.Start()).To(Succeed())
		waitFor(r, "enrollment-log", busyTerm(ctx, s))
		Expect(stateFiles(s, r, "enrollment-log")).To(HaveLen(60), "60 enrollments, 60 files; next term 60 more")
	})

	It("keeps one schedule per student, however many enrollments happen", func(ctx SpecContext) {
		s := newStore()
		r := newRunner(s)
		register(r, projections.StudentSchedules())
		Expect(r.Start()).To(Succeed())
		waitFor(r, "student-schedules", busyTerm(ctx, s))
		Expect(stateFiles(s, r, "student-schedules")).To(ConsistOf("s-0.json", "s-1.json", "s-2.json", "s-3.json"))
	})

	It("lists a student's courses in the order of enrollment", func(ctx SpecContext) {
		s := newStore()
		r := newRunner(s)
		schedules := register(r, projections.StudentSchedules())
		Expect(r.Start()).To(Succeed())
		waitFor(r, "student-schedules", record(ctx, s, dcb, golang, enroll("s-ada", "c-go"), enroll("s-bob", "c-go"), enroll("s-ada", "c-dcb")))
		it, err := schedules.Get("s-ada")
		Expect(err).NotTo(HaveOccurred())
		Expect(it.State).To(Equal(projections.Schedule{StudentID: "s-ada", Courses: []string{"c-go", "c-dcb"}}))
	})
})
