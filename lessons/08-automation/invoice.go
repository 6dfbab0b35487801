package automation

import (
	"context"
	"errors"

	"github.com/opossum-go/opossum/store"
)

// ErrPoison means an enrollment cannot be invoiced, however often it is
// tried: its data is broken. The reactor parks it (Refuse).
var ErrPoison = errors.New("the enrollment cannot be invoiced")

// MaxAttempts bounds how often IssueInvoice decides again after losing a
// race for an invoice number.
const MaxAttempts = 5

// IssueInvoice issues the invoice for an enrollment, once: it reads every
// InvoiceCreated event and every event caused by the enrollment (tagged
// CausationTag(enrollment.ID)) in one query. If one was caused by it, the
// enrollment was handled before and IssueInvoice returns nil, appending
// nothing. Otherwise it appends an InvoiceCreated with the next number
// (the last number plus one; 1 for the first), billed to the student for
// CoursePrice and dated when the enrollment was recorded (its metadata's
// Timestamp: a second delivery decides the same invoice), guarded by the
// same query after the last position it read, and decides again, up to
// MaxAttempts times, when the guard fails. An enrollment whose data names
// no student or no course fails with ErrPoison, before anything is
// appended.
func IssueInvoice(ctx context.Context, s store.EventStore, enrollment store.StoredEvent) error {
	// TODO: read invoices and the events caused by the enrollment in ONE
	// query; return nil if one was caused by it; otherwise append the next
	// invoice guarded by that query, and decide again on
	// store.ErrAppendConditionFailed.
	panic("TODO: implement IssueInvoice (lessons/08-automation/invoice.go:35) — README step 1")
}

// Refuse parks an enrollment that cannot be invoiced: it appends an
// InvoiceRefused event caused by it, unless one was appended before (the
// guard: any event caused by the enrollment).
func Refuse(ctx context.Context, s store.EventStore, enrollment store.StoredEvent, reason error) error {
	_, err := s.Append(ctx, []store.Event{InvoiceRefused{Reason: reason.Error()}.Event(enrollment.ID)},
		store.Guard(store.Tagged(CausationTag(enrollment.ID)), 0))
	if errors.Is(err, store.ErrAppendConditionFailed) {
		return nil
	}
	return err
}
