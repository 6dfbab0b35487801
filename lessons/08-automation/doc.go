// Package automation is lesson 08: a reactor turns each enrollment into an
// invoice, at least once, and never twice; then a to-do list does the same
// with several workers and no checkpoint.
//
// Start with events.go, then write IssueInvoice (invoice.go): the command
// the reactor sends, idempotent through the enrollment's id inside its
// append condition. Then write Reactor.Run (reactor.go): the loop that
// reads enrollments after its checkpoint, parks the ones it cannot invoice,
// and moves the checkpoint. The third step's spec kills a reactor mid-way,
// in a child process, and proves that nothing is lost and nothing done
// twice. Then the to-do list (todo.go): the enrollments that wait for an
// invoice, a fold of events; and Worker.Do (worker.go), which takes an
// enrollment off the list only by folding the events its command caused.
package automation
