package coursemanagement_test

import (
	"context"
	"errors"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/internal/courseapp"
	cm "github.com/opossum-go/opossum/lessons/05-coursemanagement"
	"github.com/opossum-go/opossum/specs/steps"
	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/projection"
)

// taggedCourses returns the keys of the CourseShortInfo read models carrying tag.
func taggedCourses(ctx context.Context, app *courseapp.App, tag store.Tag) []string {
	GinkgoHelper()
	var keys []string
	for item, err := range app.Views().CourseShortInfo.Query(ctx, tag) {
		Expect(err).NotTo(HaveOccurred())
		keys = append(keys, item.Key)
	}
	return keys
}

var (
	t1 = now.Add(-2 * time.Hour)
	t2 = now.Add(-time.Hour)
)

var _ = steps.Describe("Step 5: read models", func() {
	Describe("CourseShortInfo", func() {
		It("counts the students of each course and knows when it is full", func(ctx SpecContext) {
			s := newStore()
			given(ctx, s, course(c1, 2), course(c2, 5), enrolled(c1, ada), enrolled(c1, bob), enrolled(c2, ada))
			Expect(evaluate(ctx, s, cm.CourseShortInfoDefinition)).To(Equal(map[string]courseapp.CourseShortInfo{
				c1: {CourseID: c1, Name: "Course c-1", MaxStudentCount: 2, CurrentEnrollmentCount: 2, IsFull: true},
				c2: {CourseID: c2, Name: "Course c-2", MaxStudentCount: 5, CurrentEnrollmentCount: 1},
			}))
		})

		It("follows a limit change", func(ctx SpecContext) {
			s := newStore()
			given(ctx, s, course(c1, 1), enrolled(c1, ada), limit(c1, 3))
			Expect(evaluate(ctx, s, cm.CourseShortInfoDefinition)).To(Equal(map[string]courseapp.CourseShortInfo{
				c1: {CourseID: c1, Name: "Course c-1", MaxStudentCount: 3, CurrentEnrollmentCount: 1},
			}))
		})

		It("stops on an event of a course that was never created, naming the event", func(ctx SpecContext) {
			s := newStore()
			given(ctx, s, course(c1, 1), enrolled(c1, ada))
			pos := given(ctx, s, limit(c9, 7))
			_, err := projection.Evaluate(ctx, s, cm.CourseShortInfoDefinition)
			Expect(err).To(MatchError(courseapp.ErrCourseNotFound),
				"a limit change of a course never created is a poison event: return an error wrapping ErrCourseNotFound, do not skip it")
			Expect(err).To(MatchError(ContainSubstring("position %d", pos)), "the error names the event's position")
		})

		It("stops the running read model there, and its status names the event", func(ctx SpecContext) {
			app := openApp(nil)
			given(ctx, app.Store(), course(c1, 1))
			pos := given(ctx, app.Store(), enrolled(c9, ada))
			err := app.Runner().WaitFor(ctx, cm.CourseShortInfoDefinition.Name, pos)
			var fold *projection.FoldError
			Expect(errors.As(err, &fold)).To(BeTrue(), "the read model must stop on the enrollment of a course never created, got %v", err)
			Expect(fold.Panicked).To(BeFalse(), "the fold panicked: %v", err)
			Expect(fold.Position).To(Equal(pos))
			Expect(err).To(MatchError(courseapp.ErrCourseNotFound))
			var status projection.Status
			for _, st := range app.Runner().Status() {
				if st.Name == cm.CourseShortInfoDefinition.Name {
					status = st
				}
			}
			Expect(status.State).To(Equal(projection.Failed))
			Expect(status.Err).To(MatchError(ContainSubstring("event %d (%s)", pos, cm.StudentEnrolledToCourseType)))
		})

		It("is indexed by isFull, and the tag moves when the course stops being full", func(ctx SpecContext) {
			app := openApp(nil)
			given(ctx, app.Store(), registered(ada), registered(bob), course(c1, 2), course(c2, 5), enrolled(c1, ada), enrolled(c1, bob))
			caughtUp(ctx, app)
			Expect(taggedCourses(ctx, app, store.NewTag(courseapp.IsFullKey, "true"))).To(ConsistOf(c1))
			Expect(taggedCourses(ctx, app, store.NewTag(courseapp.IsFullKey, "false"))).To(ConsistOf(c2))

			given(ctx, app.Store(), limit(c1, 3))
			caughtUp(ctx, app)
			Expect(taggedCourses(ctx, app, store.NewTag(courseapp.IsFullKey, "true"))).To(BeEmpty())
			Expect(taggedCourses(ctx, app, store.NewTag(courseapp.IsFullKey, "false"))).To(ConsistOf(c1, c2))
		})
	})

	Describe("StudentShortInfo", func() {
		It("starts a student on Basic with room for 2 courses, follows the tier, and counts courses", func(ctx SpecContext) {
			s := newStore()
			given(ctx, s, registered(ada), registered(bob), enrolled(c1, ada), subscribed(bob, courseapp.Professional),
				enrolled(c1, bob), enrolled(c2, ada))
			Expect(evaluate(ctx, s, cm.StudentShortInfoDefinition)).To(Equal(map[string]courseapp.StudentShortInfo{
				ada: {StudentID: ada, FirstName: "First s-ada", LastName: "Last s-ada", Email: "s-ada@example.com",
					EnrollmentTier: courseapp.Basic, CurrentEnrollmentCount: 2, MaxEnrollmentCount: 2, IsMaxedOut: true},
				bob: {StudentID: bob, FirstName: "First s-bob", LastName: "Last s-bob", Email: "s-bob@example.com",
					EnrollmentTier: courseapp.Professional, CurrentEnrollmentCount: 1, MaxEnrollmentCount: 10},
			}))
		})

		It("stops on an event of a student who never registered, naming the event", func(ctx SpecContext) {
			s := newStore()
			given(ctx, s, registered(ada))
			pos := given(ctx, s, subscribed(bob, courseapp.Master))
			_, err := projection.Evaluate(ctx, s, cm.StudentShortInfoDefinition)
			Expect(err).To(MatchError(courseapp.ErrStudentNotRegistered),
				"a subscription of a student never registered is a poison event: return an error wrapping ErrStudentNotRegistered")
			Expect(err).To(MatchError(ContainSubstring("position %d", pos)), "the error names the event's position")
		})

		It("is indexed by enrollmentTier and isMaxedOut", func() {
			tags := cm.StudentShortInfoTags(&courseapp.StudentShortInfo{EnrollmentTier: courseapp.Master, CurrentEnrollmentCount: 25, MaxEnrollmentCount: 25, IsMaxedOut: true})
			Expect(tags).To(ConsistOf(store.NewTag(courseapp.EnrollmentTierKey, "Master"), store.NewTag(courseapp.IsMaxedOutKey, "true")))
			Expect(cm.CourseShortInfoTags(&courseapp.CourseShortInfo{IsFull: false})).To(ConsistOf(store.NewTag(courseapp.IsFullKey, "false")))
		})
	})

	Describe("Invoice", func() {
		It("keeps each invoice by number", func(ctx SpecContext) {
			s := newStore()
			given(ctx, s, invoice(1), invoice(2))
			invoices := evaluate(ctx, s, cm.InvoiceDefinition)
			Expect(invoices).To(HaveLen(2))
			Expect(invoices["2"]).To(And(HaveField("InvoiceNumber", 2), HaveField("CustomerID", customer), HaveField("Amount", courseapp.Money(10000))))
			Expect(invoices["2"].IssuedAt).To(BeTemporally("==", now))
		})
	})

	Describe("the given read models", func() {
		It("CourseDetails lists the students of a course with their names, once each", func(ctx SpecContext) {
			s := newStore()
			given(ctx, s, registered(ada), course(c1, 2), at(t1, enrolled(c1, ada)))
			given(ctx, s, at(t2, enrolled(c1, ada)))
			details := evaluate(ctx, s, cm.CourseDetailsDefinition)
			Expect(details[c1].EnrolledStudents).To(HaveLen(1))
			Expect(details[c1].EnrolledStudents[0]).To(And(HaveField("StudentID", ada), HaveField("FirstName", "First s-ada"),
				HaveField("LastName", "Last s-ada"), HaveField("Email", "s-ada@example.com")))
			Expect(details[c1].EnrolledStudents[0].EnrolledAt).To(BeTemporally("==", t1))
			Expect(details[c1].CurrentEnrollmentCount).To(Equal(1))
		})

		It("StudentDetails lists the courses of a student with their names", func(ctx SpecContext) {
			s := newStore()
			given(ctx, s, registered(ada), course(c1, 2), course(c2, 2), enrolled(c1, ada), enrolled(c2, ada))
			details := evaluate(ctx, s, cm.StudentDetailsDefinition)
			Expect(details[ada].EnrolledCourses).To(Equal([]courseapp.EnrolledCourse{{CourseID: c1, Name: "Course c-1"}, {CourseID: c2, Name: "Course c-2"}}))
			Expect(details[ada].IsMaxedOut).To(BeTrue())
		})
	})
})

var _ = steps.Describe("Step 9: kata, a price with a grace period", func() {
	Describe("StudentPurchasedBooks", func() {
		It("keeps one entry per book, keyed by student: totals, counts, first and last purchase", func(ctx SpecContext) {
			s := newStore()
			given(ctx, s, at(t1, purchased(b1, ada, c1, 2500)))
			given(ctx, s, at(t2, ordered(ada, c1, line(b1, 2500), line(b2, 4000))))
			history := evaluate(ctx, s, cm.StudentPurchasedBooksDefinition)
			Expect(history).To(HaveKey(ada))
			Expect(history[ada].StudentID).To(Equal(ada))
			Expect(history[ada].Books).To(HaveLen(2))
			b := history[ada].Books[0]
			Expect(b.BookID).To(Equal(b1))
			Expect(b.TotalPaid).To(Equal(courseapp.Money(5000)))
			Expect(b.PurchaseCount).To(Equal(2))
			Expect(b.FirstPurchasedAt).To(BeTemporally("==", t1))
			Expect(b.LastPurchasedAt).To(BeTemporally("==", t2))
			Expect(history[ada].Books[1]).To(And(
				HaveField("BookID", b2), HaveField("TotalPaid", courseapp.Money(4000)), HaveField("PurchaseCount", 1)))
		})

		It("counts a book twice in one order twice", func(ctx SpecContext) {
			s := newStore()
			given(ctx, s, ordered(ada, c1, line(b1, 1500), line(b1, 1500)))
			history := evaluate(ctx, s, cm.StudentPurchasedBooksDefinition)
			Expect(history[ada].Books).To(ConsistOf(And(
				HaveField("BookID", b1), HaveField("TotalPaid", courseapp.Money(3000)), HaveField("PurchaseCount", 2))))
		})

		It("has no entry for a student who bought nothing", func(ctx SpecContext) {
			s := newStore()
			given(ctx, s, registered(ada), purchased(b1, bob, c1, 100))
			Expect(evaluate(ctx, s, cm.StudentPurchasedBooksDefinition)).To(ConsistOf(HaveField("StudentID", bob)))
		})
	})

	Describe("the given read models of the books", func() {
		It("CourseBookCatalog follows the prices", func(ctx SpecContext) {
			s := newStore()
			given(ctx, s, course(c1, 2), book(b1, c1, 1000), priceChanged(b1, 1200))
			Expect(evaluate(ctx, s, cm.CourseBookCatalogDefinition)).To(Equal(map[string]courseapp.CourseBook{
				b1: {BookID: b1, Title: "Book b-1", Author: "Knuth", Isbn: "978-b-1", CourseID: c1, CurrentPrice: 1200}}))
		})

		It("CourseBuyers lists the buyers of every book of a course, from single purchases and from orders across courses (Q5)", func(ctx SpecContext) {
			s := newStore()
			given(ctx, s, course(c1, 5), course(c2, 5), course(c3, 5), book(b1, c1, 1000), book(b2, c1, 2000), book(b3, c2, 3000))
			given(ctx, s, at(t1, purchased(b2, ada, c1, 2000)))
			given(ctx, s, at(t2, ordered(bob, c2, line(b3, 3000))), at(t2, ordered(bob, c1, line(b1, 1000))))
			buyers := evaluate(ctx, s, cm.CourseBuyersDefinition)
			Expect(buyers[c1].BookIDs).To(Equal([]string{b1, b2}))
			Expect(buyers[c1].Buyers).To(HaveLen(2))
			Expect(buyers[c1].Buyers[0]).To(And(HaveField("StudentID", ada), HaveField("BookID", b2), HaveField("PricePaid", courseapp.Money(2000))))
			Expect(buyers[c1].Buyers[1]).To(And(HaveField("StudentID", bob), HaveField("BookID", b1)))
			Expect(buyers[c2].Buyers).To(ConsistOf(And(HaveField("StudentID", bob), HaveField("BookID", b3))))
			Expect(buyers[c3].Buyers).To(BeEmpty(), "a course without a book has no buyers")
		})
	})
})
