package coursemanagement_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/internal/courseapp"
	cm "github.com/opossum-go/opossum/lessons/05-coursemanagement"
	"github.com/opossum-go/opossum/specs/gwt"
	"github.com/opossum-go/opossum/specs/matchers"
	"github.com/opossum-go/opossum/specs/steps"
	"github.com/opossum-go/opossum/store"
)

func register(studentID, email string) courseapp.RegisterStudent {
	return courseapp.RegisterStudent{StudentID: studentID, FirstName: "Ada", LastName: "Lovelace", Email: email}
}

var _ = steps.Describe("Step 1: a unique email", func() {
	It("registers a student with one event tagged with the student and the email, guarded by the email alone and no After", func(ctx SpecContext) {
		s := newStore()
		d, err := commandsOn(s).Decide(ctx, register(ada, "a@x.io"))
		Expect(err).NotTo(HaveOccurred())
		Expect(d.Events).To(beEvents(registeredWith(ada, "a@x.io")))
		Expect(d.Events[0].Tags).To(Equal([]store.Tag{cm.StudentTag(ada), cm.EmailTag("a@x.io")}))
		Expect(d.Condition).NotTo(BeNil(), "the registration must be guarded")
		Expect(d.Condition.FailIfEventsMatch.String()).To(Equal(store.Tagged(cm.EmailTag("a@x.io")).String()),
			"the boundary is every event tagged with the email, whatever its type")
		Expect(d.Condition.After).To(BeZero(), "nothing was read, so any event with this email fails the append")
	})

	It("refuses an email that is taken", func(ctx SpecContext) {
		gwt.NewScenario(ctx).
			Given(registeredWith(ada, "a@x.io")).
			When(handle(register(bob, "a@x.io"))).
			ThenError(courseapp.ErrEmailTaken).
			ThenNothingAppended()
		Expect(courseapp.ErrEmailTaken.Error()).To(Equal("A user with this email already exists."))
	})

	It("compares emails trimmed and case-insensitively, and tags them normalized", func(ctx SpecContext) {
		gwt.NewScenario(ctx).
			Given(registeredWith(ada, "Ada@Example.com")).
			When(handle(register(bob, "  ada@EXAMPLE.com "))).
			ThenError(courseapp.ErrEmailTaken)
		Expect(cm.EmailTag(" Ada@Example.COM").Value).To(Equal("ada@example.com"))
	})

	It("keeps the address as typed, trimmed, in the event", func(ctx SpecContext) {
		sc := gwt.NewScenario(ctx).
			When(handle(register(ada, " Ada@Example.com "))).
			ThenAppended(cm.StudentRegisteredType)
		thenEvents(sc, registeredWith(ada, "Ada@Example.com"))
	})

	DescribeTable("refuses an address that is not one",
		func(ctx SpecContext, email string) {
			gwt.NewScenario(ctx).
				When(handle(register(ada, email))).
				ThenError(courseapp.ErrInvalidEmail).
				ThenNothingAppended()
		},
		Entry("empty", ""),
		Entry("blank", "   "),
		Entry("without an @", "ada.example.com"),
		Entry("without a local part", "@example.com"),
		Entry("without a domain", "ada@"),
	)

	It("lets exactly one of two registrations decided on the same snapshot in: the other append is rejected", func(ctx SpecContext) {
		s := newStore()
		cmds := commandsOn(s)
		first, err := cmds.Decide(ctx, register(ada, "a@x.io"))
		Expect(err).NotTo(HaveOccurred())
		second, err := cmds.Decide(ctx, register(bob, "a@x.io"))
		Expect(err).NotTo(HaveOccurred())

		_, err = s.Append(ctx, first.Events, first.Condition)
		Expect(err).NotTo(HaveOccurred())
		_, err = s.Append(ctx, second.Events, second.Condition)
		Expect(err).To(matchers.BeRejectedByCondition())
		Expect(eventsOf(ctx, s, cm.StudentRegisteredType)).To(HaveLen(1))
	})

	It("answers a registration that lost a race with \"email taken\", as lesson 04 did: it decides again and reads the winner", func(ctx SpecContext) {
		s := newStore()
		w := interleave(s, registeredWith(bob, "a@x.io"))
		_, err := commandsOn(w).Handle(ctx, register(ada, "a@x.io"))

		Expect(err).To(MatchError(courseapp.ErrEmailTaken),
			"the conflict means a registration with this address just landed: deciding again reads it and refuses the address")
		Expect(w.Appends).To(Equal(1), "the second decision refuses before appending")
		Expect(eventsOf(ctx, s, cm.StudentRegisteredType)).To(HaveLen(1))
	})
})

var _ = steps.Describe("Step 2: subscriptions", func() {
	It("sets a registered student's tier", func(ctx SpecContext) {
		sc := gwt.NewScenario(ctx).
			Given(registered(ada)).
			When(handle(courseapp.UpdateStudentSubscription{StudentID: ada, Tier: courseapp.Professional})).
			ThenAppended(cm.StudentSubscriptionUpdatedType)
		thenEvents(sc, subscribed(ada, courseapp.Professional))
	})

	It("refuses a student who never registered, naming the id", func(ctx SpecContext) {
		gwt.NewScenario(ctx).
			Given(registered(bob)).
			When(handle(courseapp.UpdateStudentSubscription{StudentID: ada, Tier: courseapp.Standard})).
			ThenError(courseapp.StudentNotFoundError{StudentID: ada}).
			ThenNothingAppended()
		Expect(courseapp.StudentNotFoundError{StudentID: ada}.Error()).To(Equal("Student with ID s-ada does not exist."))
	})

	DescribeTable("refuses a tier that is not one, before it looks for the student (Q1: there is no None tier)",
		func(ctx SpecContext, tier courseapp.Tier) {
			gwt.NewScenario(ctx).
				When(handle(courseapp.UpdateStudentSubscription{StudentID: ada, Tier: tier})).
				ThenError(courseapp.ErrInvalidTier).
				ThenNothingAppended()
		},
		Entry("None", courseapp.Tier("None")),
		Entry("empty", courseapp.Tier("")),
		Entry("unknown", courseapp.Tier("Gold")),
		Entry("in the wrong case", courseapp.Tier("basic")),
	)
})
