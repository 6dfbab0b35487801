package tagging_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	tagging "github.com/opossum-go/opossum/lessons/02-tags"
	"github.com/opossum-go/opossum/specs/matchers"
	"github.com/opossum-go/opossum/specs/steps"
	"github.com/opossum-go/opossum/store"
)

var _ = steps.Describe("Step 2: queries select events by type and tag", func() {
	var s *store.FileStore

	BeforeEach(func(ctx SpecContext) {
		s = newStore()
		givenCampus(ctx, s)
	})

	DescribeTable("reading the campus",
		func(ctx SpecContext, query func() store.Query, want []store.Position) {
			q := query()
			events, err := store.ReadAll(ctx, s, q)
			Expect(err).NotTo(HaveOccurred(), "the query %s is not valid", q)
			Expect(events).To(matchers.HavePositions(want...),
				"your query was %s; compare it with the picture in README step 2", q)
		},
		Entry("types in one item are OR-ed: CourseDefinitions finds every CourseCreated and every CourseStudentLimitModified",
			tagging.CourseDefinitions, []store.Position{3, 4, 6}),
		Entry("an item with a tag and no types finds every event carrying the tag: CourseHistory is all that happened to the course",
			func() store.Query { return tagging.CourseHistory("c-dcb") }, []store.Position{3, 5, 6, 7, 10}),
		Entry("tags in one item are AND-ed: Enrollment finds only the events that carry both the student and the course",
			func() store.Query { return tagging.Enrollment("s-ada", "c-dcb") }, []store.Position{5}),
		Entry("an AND of tags may match nothing: Bob never enrolled in the Go course",
			func() store.Query { return tagging.Enrollment("s-bob", "c-go") }, []store.Position{}),
		Entry("items are OR-ed: EnrollmentDecision reads the course's events and the student's in one read, in position order",
			func() store.Query { return tagging.EnrollmentDecision("s-ada", "c-go") }, []store.Position{1, 4, 5, 8}),
		Entry("a decision reads only what it depends on: other students and other courses stay out",
			func() store.Query { return tagging.EnrollmentDecision("s-cyd", "c-go") }, []store.Position{4, 8, 9, 10}),
	)
})
