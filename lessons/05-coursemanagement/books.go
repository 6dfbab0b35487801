package coursemanagement

import (
	"time"

	"github.com/opossum-go/opossum/internal/courseapp"
	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/decision"
)

// BookPrice is what a purchase needs to know about a book. A nil
// *BookPrice means the book was never defined.
type BookPrice struct {
	// CourseID is the book's course, from its definition.
	CourseID string
	// Current is the book's price.
	Current courseapp.Money
	// Previous is the price before the latest change while that change is
	// at most the grace period old, else nil.
	Previous *courseapp.Money
}

// IsValid reports whether a student shown price p may buy at it: p is
// the current price, or the previous one within the grace period.
func (b *BookPrice) IsValid(p courseapp.Money) bool {
	return p == b.Current || (b.Previous != nil && p == *b.Previous)
}

// BookExists is the decision projection "was this book defined?" (README
// step 7).
func BookExists(bookID string) decision.Projection[bool] {
	// TODO: like CourseExists, for the book's CourseBookDefined.
	panic("TODO: implement BookExists (lessons/05-coursemanagement/books.go:33) — README step 7")
}

// PriceWithGracePeriod is the time-aware decision projection of a book's
// valid prices (README step 7): its CourseBookDefined and
// CourseBookPriceChanged events. Defined sets the course and the price.
// A price change at most grace old (now minus the event's timestamp) keeps
// the price it replaces as Previous; an older one leaves no Previous. Only
// the price before the latest change can survive, and only while that
// change is recent.
func PriceWithGracePeriod(bookID string, grace time.Duration) decision.Projection[*BookPrice] {
	// TODO: set ApplyAt, not Apply: the fold needs the build's now.
	panic("TODO: implement PriceWithGracePeriod (lessons/05-coursemanagement/books.go:45) — README step 7")
}

// DecideBookDefinition decides DefineCourseBook (README step 7): a
// positive price (ErrInvalidPrice), a book id not used yet
// (BookExistsError), an existing course (ErrCourseNotFound). It returns
// one CourseBookDefined.
func DecideBookDefinition(bookExists, courseExists bool, cmd courseapp.DefineCourseBook) ([]store.Event, error) {
	// TODO: three checks in this order, then the defined event.
	panic("TODO: implement DecideBookDefinition (lessons/05-coursemanagement/books.go:54) — README step 7")
}

// DecidePriceChange decides ChangeCourseBookPrice (README step 7): the
// book exists (BookNotFoundError), the price is positive
// (ErrInvalidPrice). It returns one CourseBookPriceChanged.
func DecidePriceChange(bookExists bool, cmd courseapp.ChangeCourseBookPrice) ([]store.Event, error) {
	// TODO: two checks, then the price change.
	panic("TODO: implement DecidePriceChange (lessons/05-coursemanagement/books.go:62) — README step 7")
}

// DecidePurchase decides PurchaseCourseBook (README step 7): the book
// exists (BookNotFoundError), the student is registered
// (ErrStudentNotRegistered), the displayed price is valid
// (StalePriceError). It returns one CourseBookPurchased at the displayed
// price, for the book's course.
func DecidePurchase(book *BookPrice, studentExists bool, cmd courseapp.PurchaseCourseBook) ([]store.Event, error) {
	// TODO: three checks in this order, then the purchase.
	panic("TODO: implement DecidePurchase (lessons/05-coursemanagement/books.go:72) — README step 7")
}

// DecideOrder decides OrderCourseBooks (README step 7), all or nothing:
// at least one item (ErrEmptyOrder), a registered student
// (ErrStudentNotRegistered), then each item in order: the book exists
// (BookNotFoundError) and its displayed price is valid
// (StaleOrderPriceError); the first failure wins. prices holds the state
// of each book of the order.
//
// It returns one CourseBooksOrdered per course of the order, in the order
// the courses first appear among the items, each with that course's items
// in item order, all with the command's OrderID.
func DecideOrder(studentExists bool, prices map[string]*BookPrice, cmd courseapp.OrderCourseBooks) ([]store.Event, error) {
	// TODO: check, then group the items by the course of their book.
	panic("TODO: implement DecideOrder (lessons/05-coursemanagement/books.go:87) — README step 7")
}
