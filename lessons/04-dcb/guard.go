package dcb

import (
	"context"

	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/decision"
)

// DecideEnrollmentWithNarrowGuard is DecideEnrollment with a mistake that a
// real system once shipped: it reads the course, the student and the
// duplicate check, but guards the append only with the duplicate check's
// query (this student AND this course). A concurrent enrollment of ANOTHER
// student into the same course does not match that query, so it does not
// stop the append, and two students can take one last seat.
//
// It is given as a contrast; never copy it. README step 6 explains it, and
// a spec in guard_test.go proves the damage.
func DecideEnrollmentWithNarrowGuard(ctx context.Context, s store.EventStore, courseID, studentID string) (decision.Decision, error) {
	d, err := DecideEnrollment(ctx, s, courseID, studentID)
	if err != nil {
		return d, err
	}
	d.Condition = &store.AppendCondition{
		FailIfEventsMatch: AlreadyEnrolled(courseID, studentID).Query, // WRONG: narrower than the read
		After:             d.Condition.After,
	}
	return d, nil
}
