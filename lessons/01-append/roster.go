package appending

import (
	"context"

	"github.com/opossum-go/opossum/store"
)

// Roster reads every event in s, oldest first, and returns the students
// who registered, in the order they registered. Events of other types are
// skipped.
func Roster(ctx context.Context, s store.EventStore) ([]StudentRegistered, error) {
	// TODO: range over s.Read(ctx, store.All()) and decode the registrations.
	panic("TODO: implement Roster (lessons/01-append/roster.go:14) — README step 4")
}

// EventCount returns how many events s holds.
func EventCount(ctx context.Context, s store.EventStore) (int, error) {
	// TODO: ask the store for its Head.
	panic("TODO: implement EventCount (lessons/01-append/roster.go:20) — README step 4")
}
