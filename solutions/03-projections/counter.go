package projections

import (
	"context"

	"github.com/opossum-go/opossum/store"
)

// EnrollmentCounter counts the enrollments of every course, in memory: a
// projection written by hand. Checkpoint is the position of the last event
// it has counted; everything up to it is in Counts.
type EnrollmentCounter struct {
	Checkpoint store.Position
	Counts     map[string]int
}

// NewEnrollmentCounter returns a counter that has counted nothing.
func NewEnrollmentCounter() *EnrollmentCounter {
	return &EnrollmentCounter{Counts: map[string]int{}}
}

// Handle counts one StudentEnrolledToCourse event for its course and moves the
// checkpoint to it. Events may be delivered more than once (after a
// crash, a retry, a second subscription): an event at or below the
// checkpoint has been counted already, and Handle ignores it. It reports
// whether it counted e.
//
//workbook:todo step 2: compare e.Position with c.Checkpoint first; the course is in the courseId tag.
func (c *EnrollmentCounter) Handle(e store.StoredEvent) bool {
	if e.Position <= c.Checkpoint {
		return false
	}
	course, _ := e.TagValue(CourseIDKey)
	c.Counts[course]++
	c.Checkpoint = e.Position
	return true
}

// CatchUp reads the StudentEnrolledToCourse events after the checkpoint, oldest
// first, and hands each to Handle: after a restart, a projection continues
// where it stopped instead of starting over.
//
//workbook:todo step 2: one Read with the StudentEnrolledToCourse type and store.After(c.Checkpoint).
func (c *EnrollmentCounter) CatchUp(ctx context.Context, s store.EventStore) error {
	for e, err := range s.Read(ctx, store.Types(StudentEnrolledToCourseType), store.After(c.Checkpoint)) {
		if err != nil {
			return err
		}
		c.Handle(e)
	}
	return nil
}
