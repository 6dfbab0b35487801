package coursemanagement

import (
	"time"

	"github.com/opossum-go/opossum/internal/courseapp"
	"github.com/opossum-go/opossum/store"
)

// NextInvoiceNumber returns the number of the next invoice (README step
// 4): 1 when last is nil (no invoice yet), else last's InvoiceNumber + 1.
// last is the newest InvoiceCreated, the one with the highest position.
func NextInvoiceNumber(last *store.StoredEvent) (int, error) {
	// TODO: 1 for no invoice; else decode last and add one.
	panic("TODO: implement NextInvoiceNumber (lessons/05-coursemanagement/invoices.go:15) — README step 4")
}

// DecideInvoice decides CreateInvoice (README step 4): the customer is a
// non-nil UUID (InvalidIDError{Field: "customerId"}), the amount is
// positive (ErrInvalidAmount). It returns one InvoiceCreated numbered next
// and issued at now.
func DecideInvoice(next int, cmd courseapp.CreateInvoice, now time.Time) ([]store.Event, error) {
	// TODO: validate with ParseID and NilID, then the amount; return the
	// InvoiceCreated event.
	panic("TODO: implement DecideInvoice (lessons/05-coursemanagement/invoices.go:25) — README step 4")
}
