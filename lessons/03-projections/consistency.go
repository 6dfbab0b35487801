package projections

import (
	"context"

	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/projection"
)

// CourseAfter returns the read model of a course as soon as it reflects
// every event up to pos, typically the position an append just returned:
// read your own writes from an eventually consistent read model. It
// returns the runner's error when the projection failed or ctx ended
// first, and an error wrapping projection.ErrNotFound when the course has
// no read model.
func CourseAfter(ctx context.Context, r *projection.Runner, courses *projection.ReadModels[Course], pos store.Position, courseID string) (Course, error) {
	// TODO: wait for the projection (r.WaitFor), then read (courses.Get).
	panic("TODO: implement CourseAfter (lessons/03-projections/consistency.go:18) — README step 5")
}
