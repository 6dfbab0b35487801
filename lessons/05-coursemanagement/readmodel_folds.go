package coursemanagement

import (
	"fmt"

	"github.com/opossum-go/opossum/internal/courseapp"
	"github.com/opossum-go/opossum/store"
)

// neverCreated is the error of a fold that meets an event of a course or
// student whose first event (CourseCreated, StudentRegistered) it never
// saw: lesson 03's poison event. The error wraps missing
// (courseapp.ErrCourseNotFound or ErrStudentNotRegistered) and names the
// event; the runner stops the read model there, and its status says why.
func neverCreated(missing error, key string, e store.StoredEvent) error {
	id, _ := e.TagValue(key)
	return fmt.Errorf("%s at position %d, for %s %s: %w", e.Type, e.Position, key, id, missing)
}

// ApplyCourseShortInfo folds a course's events into its list entry
// (README step 5). CourseCreated starts it with no student; a limit change
// sets MaxStudentCount; an enrollment counts one more student. The last
// two change an existing course only: for a nil current they stop the
// fold with neverCreated(courseapp.ErrCourseNotFound, CourseKey, e).
// IsFull is derived after every change: enrolled >= max.
func ApplyCourseShortInfo(cur *courseapp.CourseShortInfo, e store.StoredEvent) (*courseapp.CourseShortInfo, error) {
	// TODO: a switch on e.Type; a nil current stops with neverCreated; derive
	// IsFull at the end.
	panic("TODO: implement ApplyCourseShortInfo (lessons/05-coursemanagement/readmodel_folds.go:29) — README step 5")
}

// CourseShortInfoTags indexes a course by isFull, "true" or "false"
// (README step 5).
func CourseShortInfoTags(c *courseapp.CourseShortInfo) []store.Tag {
	// TODO: one tag with the key IsFullKey.
	panic("TODO: implement CourseShortInfoTags (lessons/05-coursemanagement/readmodel_folds.go:36) — README step 5")
}

// ApplyStudentShortInfo folds a student's events into the list entry
// (README step 5). StudentRegistered starts it on the Basic tier with no
// course; a subscription update sets the tier and its limit; an
// enrollment counts one more course. The last two change an existing
// student only: for a nil current they stop the fold with
// neverCreated(courseapp.ErrStudentNotRegistered, StudentKey, e).
// IsMaxedOut is derived after every change.
func ApplyStudentShortInfo(cur *courseapp.StudentShortInfo, e store.StoredEvent) (*courseapp.StudentShortInfo, error) {
	// TODO: like ApplyCourseShortInfo; derive MaxEnrollmentCount and
	// IsMaxedOut at the end.
	panic("TODO: implement ApplyStudentShortInfo (lessons/05-coursemanagement/readmodel_folds.go:49) — README step 5")
}

// StudentShortInfoTags indexes a student by enrollmentTier (the tier's
// name) and isMaxedOut ("true" or "false") (README step 5).
func StudentShortInfoTags(s *courseapp.StudentShortInfo) []store.Tag {
	// TODO: two tags, EnrollmentTierKey and IsMaxedOutKey.
	panic("TODO: implement StudentShortInfoTags (lessons/05-coursemanagement/readmodel_folds.go:56) — README step 5")
}

// ApplyInvoice folds an InvoiceCreated into the invoice it creates (README
// step 5).
func ApplyInvoice(_ *courseapp.Invoice, e store.StoredEvent) (*courseapp.Invoice, error) {
	// TODO: decode the event into a new Invoice.
	panic("TODO: implement ApplyInvoice (lessons/05-coursemanagement/readmodel_folds.go:63) — README step 5")
}
