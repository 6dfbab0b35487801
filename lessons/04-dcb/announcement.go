package dcb

import (
	"context"

	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/decision"
)

// CourseExists is the decision projection "was the course created?".
func CourseExists(courseID string) decision.Projection[bool] {
	return decision.Projection[bool]{
		Query: store.TypesTagged([]string{CourseCreatedType}, CourseTag(courseID)),
		Apply: func(bool, store.StoredEvent) (bool, error) { return true, nil },
	}
}

// PostAnnouncement posts a to its course, at most once per idempotency
// token: a request whose a.Token was already used returns an error
// matching ErrAlreadySubmitted and appends nothing, also when the two
// requests race. A course that does not exist returns ErrCourseNotFound.
// Requests with different tokens never get in each other's way.
func PostAnnouncement(ctx context.Context, s store.EventStore, a CourseAnnouncementPosted) error {
	// TODO: a projection "was a.IdempotencyToken used?" beside CourseExists,
	// both built in one read inside decision.Execute (with Retry); reject, or
	// append a.Event() with the model's condition.
	panic("TODO: implement PostAnnouncement (lessons/04-dcb/announcement.go:27) — README step 8")
}
