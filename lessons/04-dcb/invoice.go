package dcb

import (
	"context"
	"time"

	"github.com/opossum-go/opossum/internal/courseapp"
	"github.com/opossum-go/opossum/store"
)

// CreateInvoice creates the next invoice for the customer, of amount and
// dated issuedAt, and returns its
// number: 1 for the first invoice of the store, and one more than the last
// invoice's number after that, with no gap and no duplicate, however many
// invoices are created at once. It reads only the last invoice, so its
// cost does not grow with the number of invoices.
func CreateInvoice(ctx context.Context, s store.EventStore, customerID string, amount courseapp.Money, issuedAt time.Time) (int, error) {
	// TODO: inside decision.Execute (with Retry): ReadLast the invoices,
	// number the new one, and guard with the invoice query and After = the
	// last invoice's position (no After when there is none yet).
	panic("TODO: implement CreateInvoice (lessons/04-dcb/invoice.go:21) — README step 7")
}
