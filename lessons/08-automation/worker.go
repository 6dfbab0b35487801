package automation

import (
	"context"
	"errors"
	"fmt"

	"github.com/opossum-go/opossum/store"
)

// ErrStillPending means an enrollment was still on a worker's to-do list
// after the worker did it: the events it caused did not take it off.
var ErrStillPending = errors.New("the enrollment is still on the to-do list after it was done")

// Worker takes enrollments off a to-do list (PendingInvoices) and invoices
// them. Several workers may work on one store at once: they may take the
// same enrollment, and IssueInvoice makes sure that only one invoice is
// issued. A worker keeps nothing between runs: a new one builds the list
// from the store, so a worker that stopped anywhere loses nothing.
type Worker struct {
	// Store holds the enrollments and receives the invoices.
	Store store.EventStore
	// Done, when set, is called after each enrollment was done and before
	// the list learns of it. The specs use it to stop a worker at the worst
	// moment.
	Done func(enrollment store.StoredEvent)
}

// Work builds the to-do list from the store and does its enrollments, the
// oldest first, until the list is empty; it returns how many it took from
// the list (one that another worker did first counts too: Do found it
// done, and appended nothing). An
// enrollment another worker did meanwhile leaves the list when Do folds
// the store's new events, so Work never waits for it. An enrollment still
// on the list after Do stops the run with ErrStillPending: taking it again
// would never end.
func (w *Worker) Work(ctx context.Context) (int, error) {
	list, err := LoadPending(ctx, w.Store)
	if err != nil {
		return 0, err
	}
	for done := 0; ; done++ {
		item, ok := list.Next()
		if !ok {
			return done, nil
		}
		if err := w.Do(ctx, list, item); err != nil {
			return done, err
		}
		if list.IsPending(item.ID) {
			return done, fmt.Errorf("enrollment at position %d: %w: the list takes an enrollment off when it folds an event whose Metadata.CausationID names it (Apply, README step 4), and Do folds the store's new events into the list after the command (README step 5)", item.Position, ErrStillPending)
		}
	}
}

// Do does one enrollment of the list: IssueInvoice, or Refuse when the
// enrollment is poison; then Done, when set; then it folds the store's new
// events into the list (Update), and so the event the command caused, or
// that another worker's caused, takes the enrollment off. Do never takes
// an enrollment off the list by hand: the list holds only what the events
// say. Any error but ErrPoison is returned, and the enrollment stays on
// the list.
func (w *Worker) Do(ctx context.Context, list *PendingInvoices, enrollment store.StoredEvent) error {
	// TODO: IssueInvoice (Refuse on ErrPoison), call Done if set, then
	// list.Update to fold the events the command caused.
	panic("TODO: implement Worker.Do (lessons/08-automation/worker.go:66) — README step 5")
}
