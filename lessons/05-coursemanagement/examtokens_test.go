package coursemanagement_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/internal/courseapp"
	cm "github.com/opossum-go/opossum/lessons/05-coursemanagement"
	"github.com/opossum-go/opossum/specs/gwt"
	"github.com/opossum-go/opossum/specs/steps"
	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/decision"
)

var _ = steps.Describe("Step 8: kata, exam registration tokens", func() {
	DescribeTable("a token's status (TokenStatus)",
		func(ctx SpecContext, history []store.Event, want cm.ExamToken) {
			s := newStore()
			given(ctx, s, history...)
			m, err := decision.Build(ctx, s, cm.TokenStatus(tok1))
			Expect(err).NotTo(HaveOccurred())
			Expect(m.State).To(Equal(want))
		},
		Entry("is NotIssued, for no exam, at first", events(issued("t-2", exam1, c1)), cm.ExamToken{State: cm.NotIssued}),
		Entry("is Issued for its exam", events(issued(tok1, exam1, c1)), cm.ExamToken{State: cm.Issued, ExamID: exam1}),
		Entry("is Redeemed, for the same exam", events(issued(tok1, exam1, c1), redeemed(tok1, exam1, ada)),
			cm.ExamToken{State: cm.Redeemed, ExamID: exam1}),
		Entry("is Revoked, for the same exam", events(issued(tok1, exam1, c1), revoked(tok1, exam1)),
			cm.ExamToken{State: cm.Revoked, ExamID: exam1}),
	)

	It("issues a token tagged with the token, the exam and the course", func(ctx SpecContext) {
		sc := gwt.NewScenario(ctx).
			Given(course(c1, 5)).
			When(handle(courseapp.IssueExamToken{TokenID: tok1, ExamID: exam1, CourseID: c1})).
			ThenAppended(cm.ExamTokenIssuedType)
		thenEvents(sc, issued(tok1, exam1, c1))
	})

	It("refuses a token for a course that does not exist", func(ctx SpecContext) {
		gwt.NewScenario(ctx).
			When(handle(courseapp.IssueExamToken{TokenID: tok1, ExamID: exam1, CourseID: c1})).
			ThenError(courseapp.ErrCourseNotFound)
	})

	It("redeems an issued token for the exam it was issued for", func(ctx SpecContext) {
		sc := gwt.NewScenario(ctx).
			Given(course(c1, 5), registered(ada), issued(tok1, exam1, c1)).
			When(handle(courseapp.RedeemExamToken{TokenID: tok1, StudentID: ada})).
			ThenAppended(cm.ExamTokenRedeemedType)
		thenEvents(sc, redeemed(tok1, exam1, ada))
	})

	It("revokes an issued token", func(ctx SpecContext) {
		sc := gwt.NewScenario(ctx).
			Given(course(c1, 5), issued(tok1, exam1, c1)).
			When(handle(courseapp.RevokeExamToken{TokenID: tok1})).
			ThenAppended(cm.ExamTokenRevokedType)
		thenEvents(sc, revoked(tok1, exam1))
	})

	DescribeTable("follows the token's life",
		func(ctx SpecContext, history []store.Event, cmd courseapp.Command, want error, message string) {
			gwt.NewScenario(ctx).
				Given(events(course(c1, 5), registered(ada), history)...).
				When(handle(cmd)).
				ThenError(want).
				ThenNothingAppended()
			Expect(want.Error()).To(Equal(message))
		},
		Entry("redeeming a token never issued", nil, courseapp.RedeemExamToken{TokenID: tok1, StudentID: ada},
			courseapp.ErrTokenNotFound, "Exam registration token not found."),
		Entry("redeeming twice", events(issued(tok1, exam1, c1), redeemed(tok1, exam1, ada)), courseapp.RedeemExamToken{TokenID: tok1, StudentID: ada},
			courseapp.ErrTokenUsed, "Exam registration token has already been used."),
		Entry("redeeming a revoked token", events(issued(tok1, exam1, c1), revoked(tok1, exam1)), courseapp.RedeemExamToken{TokenID: tok1, StudentID: ada},
			courseapp.ErrTokenRevoked, "Exam registration token has been revoked."),
		Entry("redeeming for a student who is not registered (Q4)", events(issued(tok1, exam1, c1)), courseapp.RedeemExamToken{TokenID: tok1, StudentID: bob},
			courseapp.ErrStudentNotRegistered, "Student is not registered."),
		Entry("revoking a token never issued", nil, courseapp.RevokeExamToken{TokenID: tok1},
			courseapp.ErrTokenNotFound, "Exam registration token not found."),
		Entry("revoking twice", events(issued(tok1, exam1, c1), revoked(tok1, exam1)), courseapp.RevokeExamToken{TokenID: tok1},
			courseapp.ErrTokenAlreadyRevoked, "Exam registration token has already been revoked."),
		Entry("revoking a redeemed token", events(issued(tok1, exam1, c1), redeemed(tok1, exam1, ada)), courseapp.RevokeExamToken{TokenID: tok1},
			courseapp.ErrTokenRedeemed, "Cannot revoke a token that has already been redeemed."),
	)
})
