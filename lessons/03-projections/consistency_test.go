package projections_test

import (
	"context"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	projections "github.com/opossum-go/opossum/lessons/03-projections"
	"github.com/opossum-go/opossum/specs/steps"
	"github.com/opossum-go/opossum/store/projection"
)

var _ = steps.Describe("Step 5: read models are eventually consistent", func() {
	name := projections.CourseSummariesName

	It("catches up with an append shortly after it, not at the same moment: assert with Eventually", func(ctx SpecContext) {
		s := newStore()
		r := newRunner(s)
		courses := register(r, projections.CourseSummaries())
		Expect(r.Start()).To(Succeed())
		record(ctx, s, dcb)
		record(ctx, s, enroll("s-ada", "c-dcb"))
		// Right here the read model may or may not show the enrollment yet.
		Eventually(func(g Gomega) {
			checkProjection(r, name)
			it, err := courses.Get("c-dcb")
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(it.State.Students).To(ContainElement("s-ada"))
		}).Should(Succeed())
	})

	It("CourseAfter reads your own write: the course it returns reflects the append", func(ctx SpecContext) {
		s := newStore()
		r := newRunner(s)
		courses := register(r, projections.CourseSummaries())
		Expect(r.Start()).To(Succeed())
		record(ctx, s, dcb, enroll("s-ada", "c-dcb"))
		for _, student := range []string{"s-bob", "s-cyd", "s-dan"} {
			p := record(ctx, s, enroll(student, "c-dcb"))
			c, err := projections.CourseAfter(ctx, r, courses, p, "c-dcb")
			surfaceTODO(err)
			Expect(err).NotTo(HaveOccurred())
			Expect(c.Students).To(ContainElement(student), "CourseAfter returned before the read model had position %d", p)
		}
	})

	It("CourseAfter says so when the course has no read model, and gives up when the context ends", func(ctx SpecContext) {
		s := newStore()
		r := newRunner(s)
		courses := register(r, projections.CourseSummaries())
		Expect(r.Start()).To(Succeed())
		p := record(ctx, s, dcb)
		_, err := projections.CourseAfter(ctx, r, courses, p, "c-nope")
		surfaceTODO(err)
		Expect(err).To(MatchError(projection.ErrNotFound))

		short, cancel := context.WithCancel(ctx)
		cancel()
		_, err = projections.CourseAfter(short, r, courses, p+100, "c-dcb")
		Expect(err).To(MatchError(context.Canceled), "position %d will not exist for a while", p+100)
	})
})
