package dcb

import (
	"context"
	"fmt"

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
//
//workbook:todo step 8: a projection "was a.IdempotencyToken used?" beside CourseExists, both built in one read inside decision.Execute (with Retry); reject, or append a.Event() with the model's condition.
func PostAnnouncement(ctx context.Context, s store.EventStore, a CourseAnnouncementPosted) error {
	used := decision.Projection[bool]{
		Query: store.TypesTagged([]string{CourseAnnouncementPostedType}, IdempotencyTag(a.IdempotencyToken)),
		Apply: func(bool, store.StoredEvent) (bool, error) { return true, nil },
	}
	_, err := decision.Execute(ctx, s, func(ctx context.Context) (decision.Decision, error) {
		m, err := decision.Build2(ctx, s, CourseExists(a.CourseID), used)
		if err != nil {
			return decision.Decision{}, err
		}
		switch {
		case !m.First:
			return decision.Decision{}, fmt.Errorf("course %s: %w", a.CourseID, ErrCourseNotFound)
		case m.Second:
			return decision.Decision{}, fmt.Errorf("token %s: %w", a.IdempotencyToken, ErrAlreadySubmitted)
		}
		return m.Append(a.Event()), nil
	}, Retry)
	return err
}
