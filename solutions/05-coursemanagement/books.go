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
// step 9).
//
//workbook:todo step 9: like CourseExists, for the book's CourseBookDefined.
func BookExists(bookID string) decision.Projection[bool] {
	return decision.Projection[bool]{
		Query: store.TypesTagged([]string{CourseBookDefinedType}, BookTag(bookID)),
		Apply: func(bool, store.StoredEvent) (bool, error) { return true, nil },
	}
}

// PriceWithGracePeriod is the time-aware decision projection of a book's
// valid prices (README step 9): its CourseBookDefined and
// CourseBookPriceChanged events. Defined sets the course and the price.
// A price change at most grace old (now minus its ChangedAt) keeps
// the price it replaces as Previous; an older one leaves no Previous. Only
// the price before the latest change can survive, and only while that
// change is recent.
//
//workbook:todo step 9: set ApplyAt, not Apply: the fold needs the build's now.
func PriceWithGracePeriod(bookID string, grace time.Duration) decision.Projection[*BookPrice] {
	return decision.Projection[*BookPrice]{
		Query: store.TypesTagged([]string{CourseBookDefinedType, CourseBookPriceChangedType}, BookTag(bookID)),
		ApplyAt: func(b *BookPrice, e store.StoredEvent, now time.Time) (*BookPrice, error) {
			switch e.Type {
			case CourseBookDefinedType:
				d, err := store.Decode[CourseBookDefined](e.Event)
				if err != nil {
					return b, err
				}
				return &BookPrice{CourseID: d.CourseID, Current: d.Price}, nil
			case CourseBookPriceChangedType:
				if b == nil {
					return nil, nil
				}
				c, err := store.Decode[CourseBookPriceChanged](e.Event)
				if err != nil {
					return b, err
				}
				next := &BookPrice{CourseID: b.CourseID, Current: c.NewPrice}
				if now.Sub(c.ChangedAt) <= grace {
					prev := b.Current
					next.Previous = &prev
				}
				return next, nil
			}
			return b, nil
		},
	}
}

// DecideBookDefinition decides DefineCourseBook (README step 9): a
// positive price (ErrInvalidPrice), a book id not used yet
// (BookExistsError), an existing course (ErrCourseNotFound). It returns
// one CourseBookDefined.
//
//workbook:todo step 9: three checks in this order, then the defined event.
func DecideBookDefinition(bookExists, courseExists bool, cmd courseapp.DefineCourseBook) ([]store.Event, error) {
	switch {
	case cmd.Price <= 0:
		return nil, courseapp.ErrInvalidPrice
	case bookExists:
		return nil, courseapp.BookExistsError{BookID: cmd.BookID}
	case !courseExists:
		return nil, courseapp.ErrCourseNotFound
	}
	return []store.Event{CourseBookDefined{
		BookID: cmd.BookID, Title: cmd.Title, Author: cmd.Author, Isbn: cmd.Isbn, Price: cmd.Price, CourseID: cmd.CourseID,
	}.Event()}, nil
}

// DecidePriceChange decides ChangeCourseBookPrice at now (README step 9):
// the book exists (BookNotFoundError), the price is positive
// (ErrInvalidPrice). It returns one CourseBookPriceChanged whose ChangedAt
// is now.
//
//workbook:todo step 9: two checks, then the price change, changed at now.
func DecidePriceChange(bookExists bool, cmd courseapp.ChangeCourseBookPrice, now time.Time) ([]store.Event, error) {
	switch {
	case !bookExists:
		return nil, courseapp.BookNotFoundError{BookID: cmd.BookID}
	case cmd.Price <= 0:
		return nil, courseapp.ErrInvalidPrice
	}
	return []store.Event{CourseBookPriceChanged{BookID: cmd.BookID, NewPrice: cmd.Price, ChangedAt: now}.Event()}, nil
}

// DecidePurchase decides PurchaseCourseBook (README step 9): the book
// exists (BookNotFoundError), the student is registered
// (ErrStudentNotRegistered), the displayed price is valid
// (StalePriceError). It returns one CourseBookPurchased at the displayed
// price, for the book's course.
//
//workbook:todo step 9: three checks in this order, then the purchase.
func DecidePurchase(book *BookPrice, studentExists bool, cmd courseapp.PurchaseCourseBook) ([]store.Event, error) {
	switch {
	case book == nil:
		return nil, courseapp.BookNotFoundError{BookID: cmd.BookID}
	case !studentExists:
		return nil, courseapp.ErrStudentNotRegistered
	case !book.IsValid(cmd.DisplayedPrice):
		return nil, courseapp.StalePriceError{Displayed: cmd.DisplayedPrice}
	}
	return []store.Event{CourseBookPurchased{
		BookID: cmd.BookID, StudentID: cmd.StudentID, CourseID: book.CourseID, PricePaid: cmd.DisplayedPrice,
	}.Event()}, nil
}

// DecideOrder decides OrderCourseBooks (README step 10), all or nothing:
// at least one item (ErrEmptyOrder), a registered student
// (ErrStudentNotRegistered), then each item in order: the book exists
// (BookNotFoundError) and its displayed price is valid
// (StaleOrderPriceError); the first failure wins. prices holds the state
// of each book of the order.
//
// It returns one CourseBooksOrdered per course of the order, in the order
// the courses first appear among the items, each with that course's items
// in item order, all with the command's OrderID.
//
//workbook:todo step 10: check, then group the items by the course of their book.
func DecideOrder(studentExists bool, prices map[string]*BookPrice, cmd courseapp.OrderCourseBooks) ([]store.Event, error) {
	if len(cmd.Items) == 0 {
		return nil, courseapp.ErrEmptyOrder
	}
	if !studentExists {
		return nil, courseapp.ErrStudentNotRegistered
	}
	var parts []*CourseBooksOrdered
	byCourse := map[string]*CourseBooksOrdered{}
	for _, it := range cmd.Items {
		book := prices[it.BookID]
		switch {
		case book == nil:
			return nil, courseapp.BookNotFoundError{BookID: it.BookID}
		case !book.IsValid(it.DisplayedPrice):
			return nil, courseapp.StaleOrderPriceError{Displayed: it.DisplayedPrice, BookID: it.BookID}
		}
		part := byCourse[book.CourseID]
		if part == nil {
			part = &CourseBooksOrdered{OrderID: cmd.OrderID, StudentID: cmd.StudentID, CourseID: book.CourseID}
			byCourse[book.CourseID] = part
			parts = append(parts, part)
		}
		part.Items = append(part.Items, OrderLine{BookID: it.BookID, PricePaid: it.DisplayedPrice})
	}
	events := make([]store.Event, len(parts))
	for i, p := range parts {
		events[i] = p.Event()
	}
	return events, nil
}

// ApplyStudentPurchasedBooks folds a student's purchases and orders into
// the purchase history (README step 9): one entry per book, in the order
// the books were first bought. Each purchase, and each line of an order,
// adds its price to TotalPaid and one to PurchaseCount; the event's
// timestamp is FirstPurchasedAt of a new entry and moves LastPurchasedAt.
//
//workbook:todo step 9: turn both event types into lines (book, price), then upsert each line by BookID.
func ApplyStudentPurchasedBooks(cur *courseapp.StudentPurchasedBooks, e store.StoredEvent) (*courseapp.StudentPurchasedBooks, error) {
	var studentID string
	var lines []OrderLine
	switch e.Type {
	case CourseBookPurchasedType:
		p, err := store.Decode[CourseBookPurchased](e.Event)
		if err != nil {
			return nil, err
		}
		studentID, lines = p.StudentID, []OrderLine{{BookID: p.BookID, PricePaid: p.PricePaid}}
	case CourseBooksOrderedType:
		o, err := store.Decode[CourseBooksOrdered](e.Event)
		if err != nil {
			return nil, err
		}
		studentID, lines = o.StudentID, o.Items
	default:
		return cur, nil
	}
	if cur == nil {
		cur = &courseapp.StudentPurchasedBooks{StudentID: studentID, Books: []courseapp.PurchasedBook{}}
	}
	at := e.Metadata.Timestamp
	for _, l := range lines {
		i := -1
		for j := range cur.Books {
			if cur.Books[j].BookID == l.BookID {
				i = j
				break
			}
		}
		if i < 0 {
			cur.Books = append(cur.Books, courseapp.PurchasedBook{BookID: l.BookID, FirstPurchasedAt: at, LastPurchasedAt: at})
			i = len(cur.Books) - 1
		}
		b := &cur.Books[i]
		b.TotalPaid += l.PricePaid
		b.PurchaseCount++
		if at.After(b.LastPurchasedAt) {
			b.LastPurchasedAt = at
		}
	}
	return cur, nil
}
