package tagging

import (
	"context"

	"github.com/opossum-go/opossum/store"
)

// EventsSince returns every event appended after the position after, oldest
// first: what happened since you last looked.
func EventsSince(ctx context.Context, s store.EventStore, after store.Position) ([]store.StoredEvent, error) {
	// TODO: read store.All() with the After option.
	panic("TODO: implement EventsSince (lessons/02-tags/reading.go:13) — README step 3")
}

// FirstEnrolments returns the ids of the first n students who enrolled in
// courseID, in the order they enrolled.
func FirstEnrolments(ctx context.Context, s store.EventStore, courseID string, n int) ([]string, error) {
	// TODO: read the course's enrolments with a Limit.
	panic("TODO: implement FirstEnrolments (lessons/02-tags/reading.go:20) — README step 3")
}

// RecentEnrolments returns the ids of the n students who enrolled in
// courseID most recently, the newest first.
func RecentEnrolments(ctx context.Context, s store.EventStore, courseID string, n int) ([]string, error) {
	// TODO: like FirstEnrolments, but Backwards.
	panic("TODO: implement RecentEnrolments (lessons/02-tags/reading.go:27) — README step 3")
}
