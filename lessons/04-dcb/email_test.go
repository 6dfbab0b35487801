package dcb_test

import (
	"context"
	"errors"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	dcb "github.com/opossum-go/opossum/lessons/04-dcb"
	"github.com/opossum-go/opossum/specs/gwt"
	"github.com/opossum-go/opossum/specs/matchers"
	"github.com/opossum-go/opossum/specs/steps"
	"github.com/opossum-go/opossum/store"
)

var _ = steps.Describe("Step 1: a unique email", func() {
	register := func(r dcb.StudentRegistered) func(context.Context, store.EventStore) error {
		return func(ctx context.Context, s store.EventStore) error { return dcb.RegisterStudent(ctx, s, r) }
	}

	It("registers a student whose email nobody uses", func(ctx SpecContext) {
		sc := gwt.NewScenario(ctx).
			Given(registered(bob)...).
			When(register(ada)).
			ThenAppended(dcb.StudentRegisteredType)
		Expect(sc.Appended()[0]).To(matchers.HaveTag(dcb.EmailTag("ada@example.com")),
			"append ada.Event(): it carries the email tag the next registration will look for")
	})

	It("rejects a second student with an email that is already registered", func(ctx SpecContext) {
		copycat := dcb.StudentRegistered{StudentID: "s-copycat", FirstName: "Not", LastName: "Ada", Email: ada.Email}
		gwt.NewScenario(ctx).
			Given(registered(ada)...).
			When(register(copycat)).
			ThenError(dcb.ErrEmailTaken).
			ThenNothingAppended()
	})

	It("treats emails that differ only in case or surrounding spaces as the same email", func(ctx SpecContext) {
		shouting := dcb.StudentRegistered{StudentID: "s-shout", FirstName: "ADA", Email: "  ADA@Example.COM "}
		gwt.NewScenario(ctx).
			Given(registered(ada)...).
			When(register(shouting)).
			ThenError(dcb.ErrEmailTaken).
			ThenNothingAppended()
	})

	It("rejects the registration when the same email is registered between its read and its append", func(ctx SpecContext) {
		s := newStore()
		rival := dcb.StudentRegistered{StudentID: "s-rival", FirstName: "Quick", LastName: "Ada", Email: ada.Email}
		w := interleave(s, rival.Event())

		err := dcb.RegisterStudent(ctx, w, ada)

		Expect(errors.Is(err, dcb.ErrEmailTaken) || isConflict(err)).To(BeTrue(),
			"the store must reject the append: its condition is 'no event with this email', and the rival's event is one; got %v", err)
		Expect(eventsOf(ctx, s, dcb.StudentRegisteredType)).To(HaveLen(1), "only the rival may be registered")
	})

	It("registers one email exactly once when 20 students race for it", func(ctx SpecContext) {
		s := newStore()
		errs := race(20, func(i int) error {
			r := student(i)
			r.Email = "popular@example.com"
			return dcb.RegisterStudent(ctx, s, r)
		})
		Expect(count(errs)).To(Equal(1), "exactly one registration may win")
		for _, err := range errs {
			if err != nil {
				Expect(errors.Is(err, dcb.ErrEmailTaken) || isConflict(err)).To(BeTrue(), "a loser must fail with ErrEmailTaken or a conflict, not %v", err)
			}
		}
		Expect(eventsOf(ctx, s, dcb.StudentRegisteredType)).To(HaveLen(1))
	}, SpecTimeout(time.Minute))
})
