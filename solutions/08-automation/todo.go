package automation

import (
	"context"
	"fmt"
	"slices"

	"github.com/opossum-go/opossum/store"
)

// PendingInvoices is a to-do list: the enrollments that wait for an
// invoice, built from events alone. An enrollment goes on the list when it
// is appended and leaves it when an event caused by it is appended: an
// InvoiceCreated (done) or an InvoiceRefused (parked, with its reason).
// The list has no file and no checkpoint of its own: whoever builds it
// again from the store, after a restart, finds exactly the enrollments
// nobody handled. A PendingInvoices is not safe for concurrent use: each
// worker builds its own.
type PendingInvoices struct {
	// Pending holds the enrollments waiting for an invoice, oldest first.
	Pending []store.StoredEvent
	// Parked holds the enrollments that could not be invoiced, oldest
	// first: the list reports them instead of offering them again.
	Parked []Parked
	// After is the position of the last event folded into the list.
	After store.Position
}

// Parked is an enrollment taken off the to-do list because it cannot be
// invoiced.
type Parked struct {
	// Enrollment is the enrollment that was parked.
	Enrollment store.StoredEvent
	// Reason says why, as InvoiceRefused recorded it.
	Reason string
}

// TodoQuery selects every event the to-do list depends on: the
// enrollments that put items on it, and the two kinds of event that take
// them off.
//
//workbook:todo step 4: the enrollments, and the InvoiceCreated and InvoiceRefused events that take them off the list.
func TodoQuery() store.Query {
	return store.Types(StudentEnrolledToCourseType, InvoiceCreatedType, InvoiceRefusedType)
}

// Apply folds one event of TodoQuery into the list. An enrollment is
// appended to Pending. An InvoiceCreated or InvoiceRefused removes the
// enrollment its metadata's CausationID names from Pending; a refusal also
// adds it to Parked with its reason. An event caused by nothing on the list
// (an invoice written by hand, without a cause) changes nothing.
//
//workbook:todo step 4: an enrollment goes on Pending; an event whose Metadata.CausationID names a pending enrollment takes it off, and an InvoiceRefused also parks it with its Reason.
func (l *PendingInvoices) Apply(e store.StoredEvent) error {
	switch e.Type {
	case StudentEnrolledToCourseType:
		l.Pending = append(l.Pending, e)
	case InvoiceCreatedType, InvoiceRefusedType:
		i := slices.IndexFunc(l.Pending, func(p store.StoredEvent) bool {
			return e.Metadata.CausationID != "" && p.ID.String() == e.Metadata.CausationID
		})
		if i < 0 {
			return nil
		}
		item := l.Pending[i]
		l.Pending = slices.Delete(l.Pending, i, i+1)
		if e.Type == InvoiceRefusedType {
			refused, err := store.Decode[InvoiceRefused](e.Event)
			if err != nil {
				return err
			}
			l.Parked = append(l.Parked, Parked{Enrollment: item, Reason: refused.Reason})
		}
	}
	return nil
}

// LoadPending builds the to-do list from the events in s.
func LoadPending(ctx context.Context, s store.EventStore) (*PendingInvoices, error) {
	l := &PendingInvoices{}
	return l, l.Update(ctx, s)
}

// Update folds the events of TodoQuery appended after l.After, by anyone,
// into the list, and moves After to the last of them.
func (l *PendingInvoices) Update(ctx context.Context, s store.EventStore) error {
	for e, err := range s.Read(ctx, TodoQuery(), store.After(l.After)) {
		if err != nil {
			return err
		}
		if err := l.Apply(e); err != nil {
			return fmt.Errorf("to-do list: event at position %d: %w", e.Position, err)
		}
		l.After = e.Position
	}
	return nil
}

// Next returns the oldest pending enrollment, or false when the list is
// empty.
func (l *PendingInvoices) Next() (store.StoredEvent, bool) {
	if len(l.Pending) == 0 {
		return store.StoredEvent{}, false
	}
	return l.Pending[0], true
}

// IsPending reports whether the enrollment with id is on the list.
func (l *PendingInvoices) IsPending(id store.EventID) bool {
	return slices.ContainsFunc(l.Pending, func(p store.StoredEvent) bool { return p.ID == id })
}
