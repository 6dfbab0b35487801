package dcb

import (
	"context"
	"fmt"
	"time"

	"github.com/opossum-go/opossum/internal/courseapp"
	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/decision"
)

// CreateInvoice creates the next invoice for the customer, of amount and
// dated issuedAt, and returns its
// number: 1 for the first invoice of the store, and one more than the last
// invoice's number after that, with no gap and no duplicate, however many
// invoices are created at once. It reads only the last invoice, so its
// cost does not grow with the number of invoices.
//
//workbook:todo step 7: inside decision.Execute (with Retry): ReadLast the invoices, number the new one, and guard with the invoice query and After = the last invoice's position (no After when there is none yet).
func CreateInvoice(ctx context.Context, s store.EventStore, customerID string, amount courseapp.Money, issuedAt time.Time) (int, error) {
	var number int
	_, err := decision.Execute(ctx, s, func(ctx context.Context) (decision.Decision, error) {
		q := store.Types(InvoiceCreatedType)
		last, err := s.ReadLast(ctx, q)
		if err != nil {
			return decision.Decision{}, err
		}
		number = 1
		var after store.Position // 0: no invoice yet, so the guard has no After
		if last != nil {
			inv, err := store.Decode[InvoiceCreated](last.Event)
			if err != nil {
				return decision.Decision{}, err
			}
			number, after = inv.InvoiceNumber+1, last.Position
		}
		e := InvoiceCreated{InvoiceNumber: number, CustomerID: customerID, Amount: amount, IssuedAt: issuedAt}.Event()
		return decision.Decision{Events: []store.Event{e}, Condition: store.Guard(q, after)}, nil
	}, Retry)
	if err != nil {
		return 0, fmt.Errorf("create invoice for %s: %w", customerID, err)
	}
	return number, nil
}
