package coursemanagement

import (
	"strconv"

	"github.com/opossum-go/opossum/internal/courseapp"
	"github.com/opossum-go/opossum/store"
)

// ApplyCourseShortInfo folds a course's events into its list entry
// (README step 8). CourseCreated starts it with no student; a limit change
// sets MaxStudentCount; an enrollment counts one more student. The last
// two change an existing course only (for a nil current, return nil).
// IsFull is derived after every change: enrolled >= max.
//
//workbook:todo step 8: a switch on e.Type; derive IsFull at the end.
func ApplyCourseShortInfo(cur *courseapp.CourseShortInfo, e store.StoredEvent) (*courseapp.CourseShortInfo, error) {
	switch {
	case e.Type == CourseCreatedType:
		c, err := store.Decode[CourseCreated](e.Event)
		if err != nil {
			return nil, err
		}
		cur = &courseapp.CourseShortInfo{CourseID: c.CourseID, Name: c.Name, MaxStudentCount: c.MaxStudentCount}
	case cur == nil:
		return nil, nil
	case e.Type == CourseStudentLimitModifiedType:
		m, err := store.Decode[CourseStudentLimitModified](e.Event)
		if err != nil {
			return nil, err
		}
		cur.MaxStudentCount = m.NewMaxStudentCount
	case e.Type == StudentEnrolledToCourseType:
		cur.CurrentEnrollmentCount++
	}
	cur.IsFull = cur.CurrentEnrollmentCount >= cur.MaxStudentCount
	return cur, nil
}

// CourseShortInfoTags indexes a course by isFull, "true" or "false"
// (README step 8).
//
//workbook:todo step 8: one tag with the key IsFullKey.
func CourseShortInfoTags(c *courseapp.CourseShortInfo) []store.Tag {
	return []store.Tag{store.NewTag(courseapp.IsFullKey, strconv.FormatBool(c.IsFull))}
}

// ApplyStudentShortInfo folds a student's events into the list entry
// (README step 8). StudentRegistered starts it on the Basic tier with no
// course; a subscription update sets the tier and its limit; an
// enrollment counts one more course. The last two change an existing
// student only. IsMaxedOut is derived after every change.
//
//workbook:todo step 8: like ApplyCourseShortInfo; derive MaxEnrollmentCount and IsMaxedOut at the end.
func ApplyStudentShortInfo(cur *courseapp.StudentShortInfo, e store.StoredEvent) (*courseapp.StudentShortInfo, error) {
	switch {
	case e.Type == StudentRegisteredType:
		r, err := store.Decode[StudentRegistered](e.Event)
		if err != nil {
			return nil, err
		}
		cur = &courseapp.StudentShortInfo{StudentID: r.StudentID, FirstName: r.FirstName, LastName: r.LastName, Email: r.Email,
			EnrollmentTier: courseapp.Basic}
	case cur == nil:
		return nil, nil
	case e.Type == StudentSubscriptionUpdatedType:
		u, err := store.Decode[StudentSubscriptionUpdated](e.Event)
		if err != nil {
			return nil, err
		}
		cur.EnrollmentTier = u.EnrollmentTier
	case e.Type == StudentEnrolledToCourseType:
		cur.CurrentEnrollmentCount++
	}
	cur.MaxEnrollmentCount = cur.EnrollmentTier.MaxCourses()
	cur.IsMaxedOut = cur.CurrentEnrollmentCount >= cur.MaxEnrollmentCount
	return cur, nil
}

// StudentShortInfoTags indexes a student by enrollmentTier (the tier's
// name) and isMaxedOut ("true" or "false") (README step 8).
//
//workbook:todo step 8: two tags, EnrollmentTierKey and IsMaxedOutKey.
func StudentShortInfoTags(s *courseapp.StudentShortInfo) []store.Tag {
	return []store.Tag{
		store.NewTag(courseapp.EnrollmentTierKey, string(s.EnrollmentTier)),
		store.NewTag(courseapp.IsMaxedOutKey, strconv.FormatBool(s.IsMaxedOut)),
	}
}

// ApplyStudentPurchasedBooks folds a student's purchases and orders into
// the purchase history (README step 8): one entry per book, in the order
// the books were first bought. Each purchase, and each line of an order,
// adds its price to TotalPaid and one to PurchaseCount; the event's
// timestamp is FirstPurchasedAt of a new entry and moves LastPurchasedAt.
//
//workbook:todo step 8: turn both event types into lines (book, price), then upsert each line by BookID.
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

// ApplyInvoice folds an InvoiceCreated into the invoice it creates (README
// step 8).
//
//workbook:todo step 8: decode the event into a new Invoice.
func ApplyInvoice(_ *courseapp.Invoice, e store.StoredEvent) (*courseapp.Invoice, error) {
	inv, err := store.Decode[InvoiceCreated](e.Event)
	if err != nil {
		return nil, err
	}
	return &courseapp.Invoice{InvoiceNumber: inv.InvoiceNumber, CustomerID: inv.CustomerID, Amount: inv.Amount, IssuedAt: inv.IssuedAt}, nil
}
