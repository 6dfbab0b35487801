package writingspecs

import (
	"context"
	"fmt"

	"github.com/opossum-go/opossum/store"
)

// Enroll gives the student a seat in the course. It reads, in one query,
// the course's CourseCreated and StudentEnrolledToCourse events and the
// student's enrollments in every course, and checks, in this order: the
// course exists (ErrCourseNotFound), the student is not enrolled in it yet
// (ErrAlreadyEnrolled), a seat is free (ErrCourseFull), the student joined
// fewer than MaxCoursesPerStudent courses (ErrCourseLimitReached). It then
// appends one StudentEnrolledToCourse event, guarded by the query after the
// last position it read: an enrollment written in between makes the append
// fail with store.ErrAppendConditionFailed.
func Enroll(ctx context.Context, s store.EventStore, courseID, studentID string) error {
	query := store.Items(
		store.QueryItem{Types: []string{CourseCreatedType, StudentEnrolledToCourseType}, Tags: []store.Tag{CourseTag(courseID)}},
		store.QueryItem{Types: []string{StudentEnrolledToCourseType}, Tags: []store.Tag{StudentTag(studentID)}},
	)
	events, err := store.ReadAll(ctx, s, query)
	if err != nil {
		return err
	}
	var (
		exists   bool
		capacity int
		taken    int
		enrolled bool
		courses  int
		last     store.Position
	)
	for _, e := range events {
		last = e.Position
		switch e.Type {
		case CourseCreatedType:
			c, err := store.Decode[CourseCreated](e.Event)
			if err != nil {
				return err
			}
			exists, capacity = true, c.MaxStudentCount
		case StudentEnrolledToCourseType:
			en, err := store.Decode[StudentEnrolledToCourse](e.Event)
			if err != nil {
				return err
			}
			if en.CourseID == courseID {
				taken++
			}
			if en.StudentID == studentID {
				courses++
				enrolled = enrolled || en.CourseID == courseID
			}
		}
	}
	switch {
	case !exists:
		return fmt.Errorf("course %s: %w", courseID, ErrCourseNotFound)
	case enrolled:
		return fmt.Errorf("student %s, course %s: %w", studentID, courseID, ErrAlreadyEnrolled)
	case taken >= capacity:
		return fmt.Errorf("course %s: %w (%d seats)", courseID, ErrCourseFull, capacity)
	case courses >= MaxCoursesPerStudent:
		return fmt.Errorf("student %s: %w (%d courses)", studentID, ErrCourseLimitReached, MaxCoursesPerStudent)
	}
	enrollment := StudentEnrolledToCourse{StudentID: studentID, CourseID: courseID}.Event()
	_, err = s.Append(ctx, []store.Event{enrollment}, store.Guard(query, last))
	return err
}
