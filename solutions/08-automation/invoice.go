package automation

import (
	"context"
	"errors"
	"fmt"

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
//
//workbook:todo step 1: read invoices and the events caused by the enrollment in ONE query; return nil if one was caused by it; otherwise append the next invoice guarded by that query, and decide again on store.ErrAppendConditionFailed.
func IssueInvoice(ctx context.Context, s store.EventStore, enrollment store.StoredEvent) error {
	en, err := store.Decode[StudentEnrolledToCourse](enrollment.Event)
	if err != nil || en.StudentID == "" || en.CourseID == "" {
		return fmt.Errorf("enrollment at position %d: %w", enrollment.Position, ErrPoison)
	}
	query := store.Items(
		store.QueryItem{Types: []string{InvoiceCreatedType}},
		store.QueryItem{Tags: []store.Tag{CausationTag(enrollment.ID)}},
	)
	for attempt := 1; ; attempt++ {
		events, err := store.ReadAll(ctx, s, query)
		if err != nil {
			return err
		}
		last, number := store.Position(0), 0
		for _, e := range events {
			if e.HasTag(CausationTag(enrollment.ID)) {
				return nil
			}
			inv, err := store.Decode[InvoiceCreated](e.Event)
			if err != nil {
				return err
			}
			last, number = e.Position, inv.InvoiceNumber
		}
		invoice := InvoiceCreated{
			InvoiceNumber: number + 1,
			CustomerID:    en.StudentID,
			Amount:        CoursePrice,
			IssuedAt:      enrollment.Metadata.Timestamp,
		}.Event(enrollment.ID)
		_, err = s.Append(ctx, []store.Event{invoice}, store.Guard(query, last))
		if errors.Is(err, store.ErrAppendConditionFailed) && attempt < MaxAttempts {
			continue
		}
		return err
	}
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
