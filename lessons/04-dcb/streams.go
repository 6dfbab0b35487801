package dcb

import (
	"context"

	"github.com/opossum-go/opossum/store"
)

// EnrollPerStream enrolls the student in the course the way a store of
// streams would (README step 3): the course and the student are read
// separately, as two streams, and the enrollment is appended to the
// course's stream, guarded by the course's events alone. It checks, in
// this order: the course exists (ErrCourseNotFound), the student is
// registered (ErrStudentNotFound), a seat is free (ErrCourseFull), the
// student is below the course limit (ErrCourseLimitReached). It tries
// once: a conflict is returned as it is.
//
// It is the contrast to DecideEnrollment: right about the seats, blind
// to the student's limit while another enrollment of the student races.
func EnrollPerStream(ctx context.Context, s store.EventStore, courseID, studentID string) error {
	// TODO: build CourseSeats and StudentCourses in two reads (decision.Build
	// each), check the four rules in order, then append one
	// StudentEnrolledToCourse with the course model's condition only.
	panic("TODO: implement EnrollPerStream (lessons/04-dcb/streams.go:24) — README step 3")
}
