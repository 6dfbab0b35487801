package decision_test

import (
	"errors"
	"fmt"
	"slices"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/decision"
)

var _ = Describe("Racing writers", func() {
	for _, f := range factories {
		Context("on the "+f.name, func() {
			var s store.EventStore
			BeforeEach(func() { s = f.open() })

			It("lets exactly 10 of 20 students take 10 seats", func(ctx SpecContext) {
				given(s, defineCourse("c-1", 10))
				errs := race(20, func(i int) error {
					_, err := decision.Execute(ctx, s, enrol(s, "c-1", fmt.Sprintf("s-%02d", i)), racing)
					return err
				})
				won := winners(errs, errCourseFull)
				Expect(won).To(Equal(10))
				Expect(eventsOf(s, studentEnrolled)).To(HaveLen(10))
			}, SpecTimeout(time.Minute))

			It("numbers 20 concurrent first invoices 1 to 20 with no gap and no duplicate", func(ctx SpecContext) {
				numbers := make([]int, 20)
				errs := race(20, func(i int) error {
					_, err := decision.Execute(ctx, s, nextInvoice(s, &numbers[i]), racing)
					return err
				})
				for _, err := range errs {
					Expect(err).NotTo(HaveOccurred())
				}
				slices.Sort(numbers)
				want := make([]int, 20)
				for i := range want {
					want[i] = i + 1
				}
				Expect(numbers).To(Equal(want), "the numbers the callers were given")

				var stored []int
				for _, e := range eventsOf(s, invoiceCreated) {
					inv, err := store.Decode[invoice](e.Event)
					Expect(err).NotTo(HaveOccurred())
					stored = append(stored, inv.Number)
				}
				Expect(stored).To(Equal(want), "the numbers in the store, in position order")
			}, SpecTimeout(time.Minute))

			It("registers one email exactly once among 20 concurrent registrations", func(ctx SpecContext) {
				errs := race(20, func(i int) error {
					_, err := decision.Execute(ctx, s, register(s, fmt.Sprintf("s-%02d", i), "ada@example.com"), racing)
					return err
				})
				won := winners(errs, errEmailTaken)
				Expect(won).To(Equal(1))
				Expect(eventsOf(s, studentRegistered)).To(HaveLen(1))
			}, SpecTimeout(time.Minute))

			It("lets an unguarded append break the seat limit, which is why the condition matters", func(ctx SpecContext) {
				given(s, defineCourse("c-1", 1))
				var models []decision.Model2[seatState, int]
				for i := range 2 {
					m, err := decision.Build2(ctx, s, seats("c-1"), courses(fmt.Sprint("s-", i)))
					Expect(err).NotTo(HaveOccurred())
					models = append(models, m)
				}
				for i, m := range models {
					Expect(m.First.Taken).To(BeNumerically("<", m.First.Capacity), "both see a free seat")
					_, err := s.Append(ctx, []store.Event{enrolment("c-1", fmt.Sprint("s-", i))}, nil)
					Expect(err).NotTo(HaveOccurred())
				}
				Expect(eventsOf(s, studentEnrolled)).To(HaveLen(2), "two students in one seat")
			})
		})
	}
})

// winners counts the nil errors and checks that every loser failed with
// the rule or with a conflict.
func winners(errs []error, rule error) int {
	GinkgoHelper()
	won := 0
	for _, err := range errs {
		if err == nil {
			won++
			continue
		}
		Expect(errors.Is(err, rule) || errors.Is(err, store.ErrAppendConditionFailed)).To(BeTrue(), "unexpected error %v", err)
	}
	return won
}
