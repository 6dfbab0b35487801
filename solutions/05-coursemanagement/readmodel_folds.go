package coursemanagement

import (
	"fmt"
	"strconv"

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
//
//workbook:todo step 5: a switch on e.Type; a nil current stops with neverCreated; derive IsFull at the end.
func ApplyCourseShortInfo(cur *courseapp.CourseShortInfo, e store.StoredEvent) (*courseapp.CourseShortInfo, error) {
	switch {
	case e.Type == CourseCreatedType:
		c, err := store.Decode[CourseCreated](e.Event)
		if err != nil {
			return nil, err
		}
		cur = &courseapp.CourseShortInfo{CourseID: c.CourseID, Name: c.Name, MaxStudentCount: c.MaxStudentCount}
	case cur == nil:
		return nil, neverCreated(courseapp.ErrCourseNotFound, CourseKey, e)
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
// (README step 5).
//
//workbook:todo step 5: one tag with the key IsFullKey.
func CourseShortInfoTags(c *courseapp.CourseShortInfo) []store.Tag {
	return []store.Tag{store.NewTag(courseapp.IsFullKey, strconv.FormatBool(c.IsFull))}
}

// ApplyStudentShortInfo folds a student's events into the list entry
// (README step 5). StudentRegistered starts it on the Basic tier with no
// course; a subscription update sets the tier and its limit; an
// enrollment counts one more course. The last two change an existing
// student only: for a nil current they stop the fold with
// neverCreated(courseapp.ErrStudentNotRegistered, StudentKey, e).
// IsMaxedOut is derived after every change.
//
//workbook:todo step 5: like ApplyCourseShortInfo; derive MaxEnrollmentCount and IsMaxedOut at the end.
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
		return nil, neverCreated(courseapp.ErrStudentNotRegistered, StudentKey, e)
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
// name) and isMaxedOut ("true" or "false") (README step 5).
//
//workbook:todo step 5: two tags, EnrollmentTierKey and IsMaxedOutKey.
func StudentShortInfoTags(s *courseapp.StudentShortInfo) []store.Tag {
	return []store.Tag{
		store.NewTag(courseapp.EnrollmentTierKey, string(s.EnrollmentTier)),
		store.NewTag(courseapp.IsMaxedOutKey, strconv.FormatBool(s.IsMaxedOut)),
	}
}

// ApplyInvoice folds an InvoiceCreated into the invoice it creates (README
// step 5).
//
//workbook:todo step 5: decode the event into a new Invoice.
func ApplyInvoice(_ *courseapp.Invoice, e store.StoredEvent) (*courseapp.Invoice, error) {
	inv, err := store.Decode[InvoiceCreated](e.Event)
	if err != nil {
		return nil, err
	}
	return &courseapp.Invoice{InvoiceNumber: inv.InvoiceNumber, CustomerID: inv.CustomerID, Amount: inv.Amount, IssuedAt: inv.IssuedAt}, nil
}
