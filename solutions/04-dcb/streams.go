package dcb

import (
	"context"
	"fmt"

	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/decision"
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
//
//workbook:todo step 3: build CourseSeats and StudentCourses in two reads (decision.Build each), check the four rules in order, then append one StudentEnrolledToCourse with the course model's condition only.
func EnrollPerStream(ctx context.Context, s store.EventStore, courseID, studentID string) error {
	course, err := decision.Build(ctx, s, CourseSeats(courseID))
	if err != nil {
		return err
	}
	student, err := decision.Build(ctx, s, StudentCourses(studentID))
	if err != nil {
		return err
	}
	switch {
	case !course.State.Defined:
		return fmt.Errorf("course %s: %w", courseID, ErrCourseNotFound)
	case !student.State.Registered:
		return fmt.Errorf("student %s: %w", studentID, ErrStudentNotFound)
	case course.State.Full():
		return fmt.Errorf("course %s: %w (%d seats)", courseID, ErrCourseFull, course.State.Capacity)
	case student.State.AtLimit():
		return fmt.Errorf("student %s: %w (%d courses)", studentID, ErrCourseLimitReached, MaxCoursesPerStudent)
	}
	_, err = s.Append(ctx, []store.Event{StudentEnrolledToCourse{StudentID: studentID, CourseID: courseID}.Event()}, course.Condition)
	return err
}
