package tagging

import (
	"context"

	"github.com/opossum-go/opossum/specs/todo"
	"github.com/opossum-go/opossum/store"
)

// EventsSince returns every event appended after the position after, oldest
// first: what happened since you last looked.
func EventsSince(ctx context.Context, s store.EventStore, after store.Position) ([]store.StoredEvent, error) {
	// TODO: read store.All() with the After option.
	todo.Implement("README step 3")
	return nil, nil
}

// FirstEnrolments returns the ids of the first n students who enrolled in
// courseID, in the order they enrolled.
func FirstEnrolments(ctx context.Context, s store.EventStore, courseID string, n int) ([]string, error) {
	// TODO: read the course's enrolments with a Limit.
	todo.Implement("README step 3")
	return nil, nil
}

// RecentEnrolments returns the ids of the n students who enrolled in
// courseID most recently, the newest first.
func RecentEnrolments(ctx context.Context, s store.EventStore, courseID string, n int) ([]string, error) {
	// TODO: like FirstEnrolments, but Backwards.
	todo.Implement("README step 3")
	return nil, nil
}
