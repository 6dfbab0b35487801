package dcb_test

import (
	"context"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	dcb "github.com/opossum-go/opossum/lessons/04-dcb"
	"github.com/opossum-go/opossum/specs/steps"
	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/decision"
)

var _ = steps.Describe("Step 6: guard with the query you read with", func() {
	type decide func(ctx context.Context, s store.EventStore, courseID, studentID string) (decision.Decision, error)

	// twoForTheLastSeat lets ada and bob both decide on a course with one
	// free seat, BEFORE either appends, then appends both decisions. It
	// returns how many students the course ends up with.
	twoForTheLastSeat := func(ctx context.Context, decide decide) int {
		GinkgoHelper()
		s := newStore()
		given(ctx, s, append(registered(ada, bob), course("c-1", 1))...)

		byAda, err := decide(ctx, s, "c-1", ada.StudentID)
		Expect(err).NotTo(HaveOccurred())
		byBob, err := decide(ctx, s, "c-1", bob.StudentID)
		Expect(err).NotTo(HaveOccurred(), "both decisions see one free seat")

		_, err = s.Append(ctx, byAda.Events, byAda.Condition)
		Expect(err).NotTo(HaveOccurred(), "the first append wins")
		_, _ = s.Append(ctx, byBob.Events, byBob.Condition)
		return len(eventsOf(ctx, s, dcb.StudentEnrolledToCourseType))
	}

	It("lets only one of two students take the last seat when the guard is the query that was read", func(ctx SpecContext) {
		Expect(twoForTheLastSeat(ctx, dcb.DecideEnrollment)).To(Equal(1),
			"bob's append must be rejected: ada's enrollment matches the course part of the query bob's decision read")
	})

	It("lets two students into one seat when the guard is narrower than the read", func(ctx SpecContext) {
		Expect(twoForTheLastSeat(ctx, dcb.DecideEnrollmentWithNarrowGuard)).To(Equal(2),
			"this is the bug DecideEnrollmentWithNarrowGuard demonstrates: ada's enrollment is not 'bob in c-1', so bob's narrow guard lets him in")
	})
})
