package coursemanagement

import (
	"github.com/opossum-go/opossum/internal/courseapp"
	"github.com/opossum-go/opossum/store"
)

// ApplyCourseShortInfo folds a course's events into its list entry
// (README step 8). CourseCreated starts it with no student; a limit change
// sets MaxStudentCount; an enrollment counts one more student. The last
// two change an existing course only (for a nil current, return nil).
// IsFull is derived after every change: enrolled >= max.
func ApplyCourseShortInfo(cur *courseapp.CourseShortInfo, e store.StoredEvent) (*courseapp.CourseShortInfo, error) {
	// TODO: a switch on e.Type; derive IsFull at the end.
	panic("TODO: implement ApplyCourseShortInfo (lessons/05-coursemanagement/readmodel_folds.go:15) — README step 8")
}

// CourseShortInfoTags indexes a course by isFull, "true" or "false"
// (README step 8).
func CourseShortInfoTags(c *courseapp.CourseShortInfo) []store.Tag {
	// TODO: one tag with the key IsFullKey.
	panic("TODO: implement CourseShortInfoTags (lessons/05-coursemanagement/readmodel_folds.go:22) — README step 8")
}

// ApplyStudentShortInfo folds a student's events into the list entry
// (README step 8). StudentRegistered starts it on the Basic tier with no
// course; a subscription update sets the tier and its limit; an
// enrollment counts one more course. The last two change an existing
// student only. IsMaxedOut is derived after every change.
func ApplyStudentShortInfo(cur *courseapp.StudentShortInfo, e store.StoredEvent) (*courseapp.StudentShortInfo, error) {
	// TODO: like ApplyCourseShortInfo; derive MaxEnrollmentCount and
	// IsMaxedOut at the end.
	panic("TODO: implement ApplyStudentShortInfo (lessons/05-coursemanagement/readmodel_folds.go:33) — README step 8")
}

// StudentShortInfoTags indexes a student by enrollmentTier (the tier's
// name) and isMaxedOut ("true" or "false") (README step 8).
func StudentShortInfoTags(s *courseapp.StudentShortInfo) []store.Tag {
	// TODO: two tags, EnrollmentTierKey and IsMaxedOutKey.
	panic("TODO: implement StudentShortInfoTags (lessons/05-coursemanagement/readmodel_folds.go:40) — README step 8")
}

// ApplyStudentPurchasedBooks folds a student's purchases and orders into
// the purchase history (README step 8): one entry per book, in the order
// the books were first bought. Each purchase, and each line of an order,
// adds its price to TotalPaid and one to PurchaseCount; the event's
// timestamp is FirstPurchasedAt of a new entry and moves LastPurchasedAt.
func ApplyStudentPurchasedBooks(cur *courseapp.StudentPurchasedBooks, e store.StoredEvent) (*courseapp.StudentPurchasedBooks, error) {
	// TODO: turn both event types into lines (book, price), then upsert each
	// line by BookID.
	panic("TODO: implement ApplyStudentPurchasedBooks (lessons/05-coursemanagement/readmodel_folds.go:51) — README step 8")
}

// ApplyInvoice folds an InvoiceCreated into the invoice it creates (README
// step 8).
func ApplyInvoice(_ *courseapp.Invoice, e store.StoredEvent) (*courseapp.Invoice, error) {
	// TODO: decode the event into a new Invoice.
	panic("TODO: implement ApplyInvoice (lessons/05-coursemanagement/readmodel_folds.go:58) — README step 8")
}
