package coursemanagement_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/internal/courseapp"
	cm "github.com/opossum-go/opossum/lessons/05-coursemanagement"
	"github.com/opossum-go/opossum/specs/gwt"
	"github.com/opossum-go/opossum/specs/matchers"
	"github.com/opossum-go/opossum/specs/steps"
	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/decision"
)

func money(m courseapp.Money) *courseapp.Money { return &m }

func purchase(bookID, studentID string, displayed courseapp.Money) courseapp.PurchaseCourseBook {
	return courseapp.PurchaseCourseBook{BookID: bookID, StudentID: studentID, DisplayedPrice: displayed}
}

func order(studentID string, items ...courseapp.OrderItem) courseapp.OrderCourseBooks {
	return courseapp.OrderCourseBooks{OrderID: "o-1", StudentID: studentID, Items: items}
}

func item(bookID string, displayed courseapp.Money) courseapp.OrderItem {
	return courseapp.OrderItem{BookID: bookID, DisplayedPrice: displayed}
}

func ordered(studentID, courseID string, lines ...cm.OrderLine) store.Event {
	return cm.CourseBooksOrdered{OrderID: "o-1", StudentID: studentID, CourseID: courseID, Items: lines}.Event()
}

func line(bookID string, paid courseapp.Money) cm.OrderLine {
	return cm.OrderLine{BookID: bookID, PricePaid: paid}
}

func purchased(bookID, studentID, courseID string, paid courseapp.Money) store.Event {
	return cm.CourseBookPurchased{BookID: bookID, StudentID: studentID, CourseID: courseID, PricePaid: paid}.Event()
}

var _ = steps.Describe("Step 9: kata, a price with a grace period", func() {
	Describe("defining books and prices", func() {
		It("defines a book of an existing course, tagged with the book and the course", func(ctx SpecContext) {
			sc := gwt.NewScenario(ctx).
				Given(course(c1, 5)).
				When(handle(courseapp.DefineCourseBook{BookID: b1, Title: "Book b-1", Author: "Knuth", Isbn: "978-b-1", Price: 2000, CourseID: c1})).
				ThenAppended(cm.CourseBookDefinedType)
			thenEvents(sc, book(b1, c1, 2000))
		})

		DescribeTable("refuses a book that cannot be sold",
			func(ctx SpecContext, history []store.Event, price courseapp.Money, want error) {
				gwt.NewScenario(ctx).
					Given(history...).
					When(handle(courseapp.DefineCourseBook{BookID: b1, Title: "T", Price: price, CourseID: c1})).
					ThenError(want).
					ThenNothingAppended()
			},
			Entry("no price", events(course(c1, 5)), courseapp.Money(0), courseapp.ErrInvalidPrice),
			Entry("a book defined already", events(course(c1, 5), book(b1, c1, 1000)), courseapp.Money(1000), courseapp.BookExistsError{BookID: b1}),
			Entry("a course that does not exist (Q4)", events(course(c2, 5)), courseapp.Money(1000), courseapp.ErrCourseNotFound),
		)

		It("changes a book's price", func(ctx SpecContext) {
			sc := gwt.NewScenario(ctx).
				Given(course(c1, 5), book(b1, c1, 2000)).
				When(handle(courseapp.ChangeCourseBookPrice{BookID: b1, Price: 2500})).
				ThenAppended(cm.CourseBookPriceChangedType)
			thenEvents(sc, priceChanged(b1, 2500))
		})

		DescribeTable("refuses a price change that cannot be",
			func(ctx SpecContext, history []store.Event, price courseapp.Money, want error, message string) {
				gwt.NewScenario(ctx).
					Given(history...).
					When(handle(courseapp.ChangeCourseBookPrice{BookID: b1, Price: price})).
					ThenError(want)
				Expect(want.Error()).To(Equal(message))
			},
			Entry("a book that does not exist", events(course(c1, 5)), courseapp.Money(100), courseapp.BookNotFoundError{BookID: b1},
				"Course book 'b-1' does not exist."),
			Entry("no price", events(course(c1, 5), book(b1, c1, 1000)), courseapp.Money(0), courseapp.ErrInvalidPrice,
				"Price must be greater than zero."),
		)
	})

	DescribeTable("a book's valid prices (PriceWithGracePeriod), 30 minutes of grace",
		func(ctx SpecContext, history []store.Event, want *cm.BookPrice) {
			s := newStore()
			given(ctx, s, history...)
			m, err := decision.Build(ctx, s, cm.PriceWithGracePeriod(b1, 30*time.Minute), decision.WithClock(func() time.Time { return now }))
			Expect(err).NotTo(HaveOccurred())
			Expect(m.State).To(Equal(want))
		},
		Entry("are none for a book never defined", events(at(now, book(b2, c1, 1000))), nil),
		Entry("stay none for a price change without a definition", events(priceChangedAt(now, b1, 1000)), nil),
		Entry("are the price of the definition, however old", events(at(now.Add(-48*time.Hour), book(b1, c1, 2000))),
			&cm.BookPrice{CourseID: c1, Current: 2000}),
		Entry("are the new and the old price 5 minutes after a change",
			events(at(now.Add(-2*time.Hour), book(b1, c1, 2000)), priceChangedAt(now.Add(-5*time.Minute), b1, 2500)),
			&cm.BookPrice{CourseID: c1, Current: 2500, Previous: money(2000)}),
		Entry("are still both exactly 30 minutes after a change",
			events(at(now.Add(-2*time.Hour), book(b1, c1, 2000)), priceChangedAt(now.Add(-30*time.Minute), b1, 2500)),
			&cm.BookPrice{CourseID: c1, Current: 2500, Previous: money(2000)}),
		Entry("are only the new price 2 hours after a change",
			events(at(now.Add(-3*time.Hour), book(b1, c1, 2000)), priceChangedAt(now.Add(-2*time.Hour), b1, 2500)),
			&cm.BookPrice{CourseID: c1, Current: 2500}),
		Entry("follow the time of the change in the event's data, not its metadata: a change made 2 hours ago and stored now has no grace",
			events(at(now.Add(-3*time.Hour), book(b1, c1, 2000)), at(now, priceChangedAt(now.Add(-2*time.Hour), b1, 2500))),
			&cm.BookPrice{CourseID: c1, Current: 2500}),
		Entry("keep only the price before the latest change",
			events(at(now.Add(-2*time.Hour), book(b1, c1, 1000)), priceChangedAt(now.Add(-time.Hour), b1, 2000), priceChangedAt(now, b1, 3000)),
			&cm.BookPrice{CourseID: c1, Current: 3000, Previous: money(2000)}),
	)

	Describe("buying one book", func() {
		history := func() []store.Event {
			return events(course(c1, 5), registered(ada),
				at(now.Add(-2*time.Hour), book(b1, c1, 2000)), priceChangedAt(now.Add(-5*time.Minute), b1, 2500))
		}

		It("sells at the price before a change made 5 minutes ago, tagged with the book, the student and the course", func(ctx SpecContext) {
			sc := gwt.NewScenario(ctx).
				Given(history()...).
				When(handleAt(now, purchase(b1, ada, 2000))).
				ThenAppended(cm.CourseBookPurchasedType)
			thenEvents(sc, purchased(b1, ada, c1, 2000))
		})

		It("refuses that price 31 minutes after the change, quoting it in a fixed format (Q7)", func(ctx SpecContext) {
			gwt.NewScenario(ctx).
				Given(history()...).
				When(handleAt(now.Add(26*time.Minute), purchase(b1, ada, 2000))).
				ThenError(courseapp.StalePriceError{Displayed: 2000}).
				ThenNothingAppended()
			Expect(courseapp.StalePriceError{Displayed: 2000}.Error()).To(Equal("The displayed price 20.00 is no longer valid. Please refresh and try again."))
		})

		It("sells at the new price", func(ctx SpecContext) {
			gwt.NewScenario(ctx).
				Given(history()...).
				When(handleAt(now.Add(time.Hour), purchase(b1, ada, 2500))).
				ThenAppended(cm.CourseBookPurchasedType)
		})

		It("refuses the price from before two recent changes", func(ctx SpecContext) {
			gwt.NewScenario(ctx).
				Given(course(c1, 5), registered(ada),
					at(now.Add(-20*time.Minute), book(b1, c1, 1000)), priceChangedAt(now.Add(-10*time.Minute), b1, 2000),
					priceChangedAt(now.Add(-time.Minute), b1, 3000)).
				When(handleAt(now, purchase(b1, ada, 1000))).
				ThenError(courseapp.StalePriceError{Displayed: 1000})
		})

		DescribeTable("refuses a purchase that cannot be, the first broken rule in order",
			func(ctx SpecContext, history []store.Event, cmd courseapp.PurchaseCourseBook, want error) {
				gwt.NewScenario(ctx).
					Given(history...).
					When(handle(cmd)).
					ThenError(want).
					ThenNothingAppended()
			},
			Entry("a book that does not exist, before the student", events(course(c1, 5)), purchase(b1, bob, 100), courseapp.BookNotFoundError{BookID: b1}),
			Entry("a student who is not registered (Q4)", events(course(c1, 5), book(b1, c1, 100)), purchase(b1, bob, 100), courseapp.ErrStudentNotRegistered),
			Entry("a price never shown", events(course(c1, 5), book(b1, c1, 100), registered(ada)), purchase(b1, ada, 99), courseapp.StalePriceError{Displayed: 99}),
		)

		It("decides again when the price changes meanwhile", func(ctx SpecContext) {
			s := newStore()
			given(ctx, s, course(c1, 5), registered(ada), at(now.Add(-time.Hour), book(b1, c1, 2000)))
			w := interleave(s, priceChangedAt(now.Add(-time.Hour), b1, 2500))
			_, err := commandsOn(w).Handle(ctx, purchase(b1, ada, 2000))
			Expect(err).To(MatchError(courseapp.StalePriceError{Displayed: 2000}), "the change is an hour old: its grace is over")
			Expect(w.Conflicts).To(Equal(1))
		})
	})
})

var _ = steps.Describe("Step 10: kata, a cart", func() {
	Describe("ordering several books (the cart)", func() {
		cart := func() []store.Event {
			return events(course(c1, 5), course(c2, 5), registered(ada), book(b1, c1, 2000), book(b2, c1, 3500), book(b3, c2, 1000))
		}

		It("orders all books of a course in ONE event tagged with the student, each book and the course", func(ctx SpecContext) {
			sc := gwt.NewScenario(ctx).
				Given(cart()...).
				When(handle(order(ada, item(b1, 2000), item(b2, 3500)))).
				ThenAppended(cm.CourseBooksOrderedType)
			thenEvents(sc, ordered(ada, c1, line(b1, 2000), line(b2, 3500)))
			Expect(sc.Appended()[0].Tags).To(Equal([]store.Tag{cm.StudentTag(ada), cm.BookTag(b1), cm.BookTag(b2), cm.CourseTag(c1)}))
		})

		It("refuses the whole order when one price is stale, naming the book, and appends nothing", func(ctx SpecContext) {
			gwt.NewScenario(ctx).
				Given(cart()...).
				When(handle(order(ada, item(b1, 2000), item(b2, 9900)))).
				ThenError(courseapp.StaleOrderPriceError{Displayed: 9900, BookID: b2}).
				ThenNothingAppended()
			Expect(courseapp.StaleOrderPriceError{Displayed: 9900, BookID: b2}.Error()).
				To(Equal("The displayed price 99.00 for book 'b-2' is no longer valid. Please refresh and try again."))
		})

		DescribeTable("refuses an order that cannot be, the first broken rule in order",
			func(ctx SpecContext, cmd courseapp.OrderCourseBooks, want error) {
				gwt.NewScenario(ctx).
					Given(cart()...).
					When(handle(cmd)).
					ThenError(want).
					ThenNothingAppended()
			},
			Entry("no item", order(bob), courseapp.ErrEmptyOrder),
			Entry("a student who is not registered (Q4)", order(bob, item("b-404", 100)), courseapp.ErrStudentNotRegistered),
			Entry("a book that does not exist, in item order", order(ada, item("b-404", 100), item(b1, 1)), courseapp.BookNotFoundError{BookID: "b-404"}),
			Entry("a stale price, in item order", order(ada, item(b1, 1), item("b-404", 100)), courseapp.StaleOrderPriceError{Displayed: 1, BookID: b1}),
		)

		It("records an order across courses as one event per course, in ONE atomic append (Q5)", func(ctx SpecContext) {
			s := newStore()
			given(ctx, s, cart()...)
			res, err := commandsOn(s).Handle(ctx, order(ada, item(b3, 1000), item(b1, 2000), item(b2, 3500)))
			Expect(err).NotTo(HaveOccurred())
			stored := eventsOf(ctx, s, cm.CourseBooksOrderedType)
			Expect(stored).To(beEvents(
				ordered(ada, c2, line(b3, 1000)),
				ordered(ada, c1, line(b1, 2000), line(b2, 3500))))
			Expect(res.Position).To(Equal(stored[1].Position))
			Expect(stored[1].Position).To(Equal(stored[0].Position+1), "one batch: consecutive positions")
		})

		It("counts a book listed twice twice, and tags it once", func(ctx SpecContext) {
			sc := gwt.NewScenario(ctx).
				Given(cart()...).
				When(handle(order(ada, item(b1, 2000), item(b1, 2000)))).
				ThenAppended(cm.CourseBooksOrderedType)
			thenEvents(sc, ordered(ada, c1, line(b1, 2000), line(b1, 2000)))
		})

		It("is invalidated by a price change of one of its books between decision and append", func(ctx SpecContext) {
			s := newStore()
			given(ctx, s, cart()...)
			d, err := commandsOn(s).Decide(ctx, order(ada, item(b1, 2000), item(b2, 3500)))
			Expect(err).NotTo(HaveOccurred())
			given(ctx, s, priceChanged(b2, 4000))
			_, err = s.Append(ctx, d.Events, d.Condition)
			Expect(err).To(matchers.BeRejectedByCondition())
		})

		It("is not disturbed by a price change of a book outside the order", func(ctx SpecContext) {
			s := newStore()
			given(ctx, s, cart()...)
			d, err := commandsOn(s).Decide(ctx, order(ada, item(b1, 2000), item(b2, 3500)))
			Expect(err).NotTo(HaveOccurred())
			given(ctx, s, priceChanged(b3, 4000))
			_, err = s.Append(ctx, d.Events, d.Condition)
			Expect(err).NotTo(HaveOccurred())
		})
	})
})
