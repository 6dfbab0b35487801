package dcb_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	dcb "github.com/opossum-go/opossum/lessons/04-dcb"
	"github.com/opossum-go/opossum/specs/gwt"
	"github.com/opossum-go/opossum/specs/matchers"
	"github.com/opossum-go/opossum/specs/steps"
	"github.com/opossum-go/opossum/store"
)

func announcement(id, courseID, token string) dcb.CourseAnnouncementPosted {
	return dcb.CourseAnnouncementPosted{AnnouncementID: id, CourseID: courseID, Title: "Room change " + id, IdempotencyToken: token}
}

func post(a dcb.CourseAnnouncementPosted) func(context.Context, store.EventStore) error {
	return func(ctx context.Context, s store.EventStore) error { return dcb.PostAnnouncement(ctx, s, a) }
}

var _ = steps.Describe("Step 8: an idempotency token", func() {
	It("posts an announcement to a course, tagged with the course and the token", func(ctx SpecContext) {
		sc := gwt.NewScenario(ctx).
			Given(course("c-1", 5)).
			When(post(announcement("a-1", "c-1", "tok-1"))).
			ThenAppended(dcb.CourseAnnouncementPostedType)
		Expect(sc.Appended()[0]).To(And(matchers.HaveTag(dcb.CourseTag("c-1")), matchers.HaveTag(dcb.IdempotencyTag("tok-1"))))
	})

	It("rejects an announcement to a course that does not exist", func(ctx SpecContext) {
		gwt.NewScenario(ctx).
			Given(course("c-2", 5)).
			When(post(announcement("a-1", "c-1", "tok-1"))).
			ThenError(dcb.ErrCourseNotFound).
			ThenNothingAppended()
	})

	It("rejects a request whose token was already used, even for another announcement", func(ctx SpecContext) {
		gwt.NewScenario(ctx).
			Given(course("c-1", 5), announcement("a-1", "c-1", "tok-1").Event()).
			When(post(announcement("a-2", "c-1", "tok-1"))).
			ThenError(dcb.ErrAlreadySubmitted).
			ThenNothingAppended()
	})

	It("accepts a second announcement with a new token", func(ctx SpecContext) {
		gwt.NewScenario(ctx).
			Given(course("c-1", 5), announcement("a-1", "c-1", "tok-1").Event()).
			When(post(announcement("a-2", "c-1", "tok-2"))).
			ThenAppended(dcb.CourseAnnouncementPostedType)
	})

	It("does not conflict with a request that carries another token", func(ctx SpecContext) {
		s := newStore()
		given(ctx, s, course("c-1", 5))
		w := interleave(s, announcement("a-1", "c-1", "tok-1").Event())

		Expect(dcb.PostAnnouncement(ctx, w, announcement("a-2", "c-1", "tok-2"))).To(Succeed())
		Expect(w.Conflicts).To(BeZero(), "two tokens are two boundaries: the other request's event must not match your condition")
	})

	It("rejects a resubmission that arrives between its own first attempt's read and append", func(ctx SpecContext) {
		s := newStore()
		given(ctx, s, course("c-1", 5))
		w := interleave(s, announcement("a-1", "c-1", "tok-1").Event())

		err := dcb.PostAnnouncement(ctx, w, announcement("a-1", "c-1", "tok-1"))

		Expect(err).To(MatchError(dcb.ErrAlreadySubmitted), "the conflict must lead to a fresh decision, which sees the token used")
		Expect(eventsOf(ctx, s, dcb.CourseAnnouncementPostedType)).To(HaveLen(1))
	})

	It("posts once when 20 copies of one request race", func(ctx SpecContext) {
		s := newStore()
		given(ctx, s, course("c-1", 5))

		errs := race(20, func(i int) error {
			return dcb.PostAnnouncement(ctx, s, announcement(fmt.Sprint("a-", i), "c-1", "tok-retry"))
		})

		Expect(count(errs)).To(Equal(1))
		for _, err := range errs {
			if err != nil {
				Expect(errors.Is(err, dcb.ErrAlreadySubmitted) || isConflict(err)).To(BeTrue(), "a copy must be rejected as already processed, not %v", err)
			}
		}
		Expect(eventsOf(ctx, s, dcb.CourseAnnouncementPostedType)).To(HaveLen(1))
	}, SpecTimeout(time.Minute))
})
