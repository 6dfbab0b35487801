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

const tok2 = "t-2"

func post(courseID, token string) courseapp.PostAnnouncement {
	return courseapp.PostAnnouncement{AnnouncementID: "a-" + token, CourseID: courseID, Title: "Welcome", Body: "Hello", IdempotencyToken: token}
}

var _ = steps.Describe("Step 11: kata, idempotent announcements and their retraction", func() {
	DescribeTable("whether a token is in use (IdempotencyTokenWasUsed)",
		func(ctx SpecContext, history []store.Event, want bool) {
			s := newStore()
			given(ctx, s, history...)
			m, err := decision.Build(ctx, s, cm.IdempotencyTokenWasUsed(tok1))
			Expect(err).NotTo(HaveOccurred())
			Expect(m.State).To(Equal(want))
		},
		Entry("no, before any post", events(course(c1, 5)), false),
		Entry("yes, once posted", events(posted(c1, tok1)), true),
		Entry("no, once the post is retracted", events(posted(c1, tok1), retracted(c1, tok1)), false),
		Entry("yes, when posted again after the retraction", events(posted(c1, tok1), retracted(c1, tok1), posted(c1, tok1)), true),
		Entry("no, for a post with another token", events(posted(c1, tok2)), false),
	)

	DescribeTable("the announcement posted with a token (RetractableAnnouncement)",
		func(ctx SpecContext, history []store.Event, want *cm.Announcement) {
			s := newStore()
			given(ctx, s, history...)
			m, err := decision.Build(ctx, s, cm.RetractableAnnouncement(tok1))
			Expect(err).NotTo(HaveOccurred())
			Expect(m.State).To(Equal(want))
		},
		Entry("is nil before any post", events(posted(c1, tok2)), nil),
		Entry("stays nil for a retraction without a post", events(retracted(c1, tok1)), nil),
		Entry("is the posted one", events(posted(c1, tok1)), &cm.Announcement{AnnouncementID: "a-" + tok1, CourseID: c1}),
		Entry("is marked once retracted", events(posted(c1, tok1), retracted(c1, tok1)),
			&cm.Announcement{AnnouncementID: "a-" + tok1, CourseID: c1, Retracted: true}),
	)

	It("posts an announcement tagged with the course and the token", func(ctx SpecContext) {
		sc := gwt.NewScenario(ctx).
			Given(course(c1, 5)).
			When(handle(post(c1, tok1))).
			ThenAppended(cm.CourseAnnouncementPostedType)
		thenEvents(sc, posted(c1, tok1))
	})

	It("refuses a request whose token was used: a re-submission", func(ctx SpecContext) {
		gwt.NewScenario(ctx).
			Given(course(c1, 5), posted(c1, tok1)).
			When(handle(post(c1, tok1))).
			ThenError(courseapp.ErrResubmission).
			ThenNothingAppended()
		Expect(courseapp.ErrResubmission.Error()).To(Equal("Re-submission detected: this request has already been processed."))
	})

	It("refuses an announcement for a course that does not exist", func(ctx SpecContext) {
		gwt.NewScenario(ctx).
			When(handle(post(c1, tok1))).
			ThenError(courseapp.ErrCourseNotFound)
	})

	It("accepts the token again once its announcement was retracted", func(ctx SpecContext) {
		sc := gwt.NewScenario(ctx).
			Given(course(c1, 5), posted(c1, tok1), retracted(c1, tok1)).
			When(handle(post(c1, tok1))).
			ThenAppended(cm.CourseAnnouncementPostedType)
		thenEvents(sc, posted(c1, tok1))
	})

	It("does not let two requests with different tokens contend, even on one course", func(ctx SpecContext) {
		s := newStore()
		given(ctx, s, course(c1, 5))
		d, err := commandsOn(s).Decide(ctx, post(c1, tok1))
		Expect(err).NotTo(HaveOccurred())
		other := posted(c1, tok2)
		Expect(d.Condition.FailIfEventsMatch.Matches(&other)).To(BeFalse(), "the boundary is the course's existence and this token")
	})

	Describe("retracting", func() {
		It("retracts the announcement, with its id and course taken from the post", func(ctx SpecContext) {
			sc := gwt.NewScenario(ctx).
				Given(course(c1, 5), posted(c1, tok1)).
				When(handle(courseapp.RetractAnnouncement{CourseID: c1, IdempotencyToken: tok1})).
				ThenAppended(cm.CourseAnnouncementRetractedType)
			thenEvents(sc, retracted(c1, tok1))
		})

		DescribeTable("refuses a retraction that cannot be",
			func(ctx SpecContext, history []store.Event, courseID string, want error, message string) {
				gwt.NewScenario(ctx).
					Given(history...).
					When(handle(courseapp.RetractAnnouncement{CourseID: courseID, IdempotencyToken: tok1})).
					ThenError(want).
					ThenNothingAppended()
				Expect(want.Error()).To(Equal(message))
			},
			Entry("no announcement with the token", events(course(c1, 5), posted(c1, tok2)), c1,
				courseapp.ErrAnnouncementNotFound, "Announcement not found."),
			Entry("the announcement of another course (Q9: the course in the URL counts)",
				events(course(c1, 5), course(c2, 5), posted(c1, tok1)), c2, courseapp.ErrAnnouncementNotFound, "Announcement not found."),
			Entry("an announcement retracted already", events(course(c1, 5), posted(c1, tok1), retracted(c1, tok1)), c1,
				courseapp.ErrAnnouncementRetracted, "Announcement has already been retracted."),
		)
	})
})
