package projections_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	projections "github.com/opossum-go/opossum/lessons/03-projections"
	"github.com/opossum-go/opossum/specs/steps"
	"github.com/opossum-go/opossum/store"
)

var _ = steps.Describe("Step 4: tags find read models without reading events", func() {
	name := projections.CourseSummariesName

	DescribeTable("a course's read model carries one tag: whether it is full",
		func(c projections.Course, want store.Tag) {
			Expect(projections.CourseTags(&c)).To(Equal([]store.Tag{want}))
		},
		Entry("no seat left: full:true", projections.Course{Capacity: 2, Enrolled: 2}, store.NewTag("full", "true")),
		Entry("a seat left: full:false", projections.Course{Capacity: 2, Enrolled: 1}, store.NewTag("full", "false")),
	)

	It("FullCourses finds exactly the courses with no seat left", func(ctx SpecContext) {
		s := newStore()
		r := newRunner(s)
		courses := register(r, projections.CourseSummaries())
		Expect(r.Start()).To(Succeed())
		p := record(ctx, s, dcb, golang, enroll("s-ada", "c-dcb"), enroll("s-bob", "c-dcb"), enroll("s-ada", "c-go"))
		waitFor(r, name, p)
		full, err := projections.FullCourses(ctx, courses)
		Expect(err).NotTo(HaveOccurred())
		Expect(full).To(HaveLen(1))
		Expect(full[0].ID).To(Equal("c-dcb"))
	})

	It("moves a course out of the full ones when its capacity grows: the index follows the state", func(ctx SpecContext) {
		s := newStore()
		r := newRunner(s)
		courses := register(r, projections.CourseSummaries())
		Expect(r.Start()).To(Succeed())
		waitFor(r, name, record(ctx, s, dcb, enroll("s-ada", "c-dcb"), enroll("s-bob", "c-dcb")))
		Expect(projections.FullCourses(ctx, courses)).To(HaveLen(1))

		waitFor(r, name, record(ctx, s, dcbToThree))
		Expect(projections.FullCourses(ctx, courses)).To(BeEmpty())
		Expect(files(s.Dir())).To(ContainElement("projections/course-summaries/g000001/tags/full/false/c-dcb"))
		Expect(files(s.Dir())).NotTo(ContainElement("projections/course-summaries/g000001/tags/full/true/c-dcb"))
	})

	It("compares tags exactly, like event tags: full:True is not full:true", func(ctx SpecContext) {
		s := newStore()
		r := newRunner(s)
		courses := register(r, projections.CourseSummaries())
		Expect(r.Start()).To(Succeed())
		waitFor(r, name, record(ctx, s, dcb, enroll("s-ada", "c-dcb"), enroll("s-bob", "c-dcb")))
		n := 0
		for _, err := range courses.Query(ctx, store.NewTag("full", "True")) {
			Expect(err).NotTo(HaveOccurred())
			n++
		}
		Expect(n).To(BeZero())
	})
})
