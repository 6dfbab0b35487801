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

// FirstEnrollments returns the ids of the first n students who enrolled in
// courseID, in the order they enrolled.
func FirstEnrollments(ctx context.Context, s store.EventStore, courseID string, n int) ([]string, error) {
	// TODO: read the course's enrollments with a Limit.
	panic("TODO: implement FirstEnrollments (lessons/02-tags/reading.go:20) — README step 3")
}

// RecentEnrollments returns the ids of the n students who enrolled in
// courseID most recently, the newest first.
func RecentEnrollments(ctx context.Context, s store.EventStore, courseID string, n int) ([]string, error) {
	// TODO: like FirstEnrollments, but Backwards.
	panic("TODO: implement RecentEnrollments (lessons/02-tags/reading.go:27) — README step 3")
}
