package tagging_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	tagging "github.com/opossum-go/opossum/lessons/02-tags"
	"github.com/opossum-go/opossum/specs/matchers"
	"github.com/opossum-go/opossum/specs/steps"
	"github.com/opossum-go/opossum/store"
)

var _ = steps.Describe("Step 3: reading after a position, backwards, with a limit", func() {
	var (
		s    *store.FileStore
		head store.Position
	)

	BeforeEach(func(ctx SpecContext) {
		s = newStore()
		head = givenCampus(ctx, s)
	})

	It("reads after a position, which is excluded: EventsSince(6) starts at position 7", func(ctx SpecContext) {
		Expect(tagging.EventsSince(ctx, s, 6)).To(matchers.HavePositions(7, 8, 9, 10),
			"use store.After(after) when you read store.All()")
	})

	It("reads the whole store after position 0", func(ctx SpecContext) {
		Expect(tagging.EventsSince(ctx, s, 0)).To(matchers.HavePositions(1, 2, 3, 4, 5, 6, 7, 8, 9, 10))
	})

	It("finds nothing after the head: nothing has happened since", func(ctx SpecContext) {
		Expect(tagging.EventsSince(ctx, s, head)).To(BeEmpty())
	})

	It("reads forwards with a limit: FirstEnrollments are the first students to enroll, oldest first", func(ctx SpecContext) {
		Expect(tagging.FirstEnrollments(ctx, s, "c-dcb", 2)).To(Equal([]string{"s-ada", "s-bob"}),
			"read the course's StudentEnrolledToCourse events with store.Limit(n); the student id is in the studentId tag")
	})

	It("reads backwards with a limit: RecentEnrollments are the newest students, newest first", func(ctx SpecContext) {
		Expect(tagging.RecentEnrollments(ctx, s, "c-dcb", 2)).To(Equal([]string{"s-cyd", "s-bob"}),
			"add store.Backwards() to the read: the newest event comes first")
	})

	It("returns every match when the limit is larger than their number", func(ctx SpecContext) {
		Expect(tagging.RecentEnrollments(ctx, s, "c-dcb", 10)).To(Equal([]string{"s-cyd", "s-bob", "s-ada"}))
		Expect(tagging.FirstEnrollments(ctx, s, "c-go", 10)).To(Equal([]string{"s-ada"}),
			"only the enrollments of the course you asked for count")
	})
})
