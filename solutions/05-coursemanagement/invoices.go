package coursemanagement

import (
	"time"

	"github.com/opossum-go/opossum/internal/courseapp"
	"github.com/opossum-go/opossum/store"
)

// NextInvoiceNumber returns the number of the next invoice (README step
// 4): 1 when last is nil (no invoice yet), else last's InvoiceNumber + 1.
// last is the newest InvoiceCreated, the one with the highest position.
//
//workbook:todo step 4: 1 for no invoice; else decode last and add one.
func NextInvoiceNumber(last *store.StoredEvent) (int, error) {
	if last == nil {
		return 1, nil
	}
	inv, err := store.Decode[InvoiceCreated](last.Event)
	if err != nil {
		return 0, err
	}
	return inv.InvoiceNumber + 1, nil
}

// DecideInvoice decides CreateInvoice (README step 4): the customer is a
// non-nil UUID (InvalidIDError{Field: "customerId"}), the amount is
// positive (ErrInvalidAmount). It returns one InvoiceCreated numbered next
// and issued at now.
//
//workbook:todo step 4: validate with ParseID and NilID, then the amount; return the InvoiceCreated event.
func DecideInvoice(next int, cmd courseapp.CreateInvoice, now time.Time) ([]store.Event, error) {
	customer, ok := courseapp.ParseID(cmd.CustomerID)
	switch {
	case !ok || customer == courseapp.NilID:
		return nil, courseapp.InvalidIDError{Field: "customerId"}
	case cmd.Amount <= 0:
		return nil, courseapp.ErrInvalidAmount
	}
	return []store.Event{InvoiceCreated{InvoiceNumber: next, CustomerID: customer, Amount: cmd.Amount, IssuedAt: now}.Event()}, nil
}
