package appending

import (
	"context"

	"github.com/opossum-go/opossum/store"
)

// RegisterStudent records that student registered: it appends one
// StudentRegistered event to s and returns the position the store gave it.
func RegisterStudent(ctx context.Context, s store.EventStore, student StudentRegistered) (store.Position, error) {
	// TODO: append student.Event() and return the position Append returns.
	panic("TODO: implement RegisterStudent (lessons/01-append/register.go:13) — README step 2")
}

// ImportStudents records a whole class list at once: one StudentRegistered
// event per student, in the order of the list, all or nothing. Every event
// carries importID as its correlation id, so you can tell later which
// import it came from. It returns the position of the last event, or 0 when
// the list is empty (nothing is appended then, and that is not an error).
func ImportStudents(ctx context.Context, s store.EventStore, importID string, students []StudentRegistered) (store.Position, error) {
	// TODO: build all the events first, then append them with ONE call.
	panic("TODO: implement ImportStudents (lessons/01-append/register.go:23) — README step 3")
}
