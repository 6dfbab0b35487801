// Package automation is lesson 08: a reactor turns each enrollment into an
// invoice, at least once, and never twice.
//
// Start with events.go, then write IssueInvoice (invoice.go): the command
// the reactor sends, idempotent through the enrollment's id inside its
// append condition. Then write Reactor.Run (reactor.go): the loop that
// reads enrollments after its checkpoint, parks the ones it cannot invoice,
// and moves the checkpoint. The last spec kills a reactor mid-way, in a
// child process, and proves that nothing is lost and nothing done twice.
package automation
