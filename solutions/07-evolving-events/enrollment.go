package evolving

import (
	"context"
	"fmt"

	"github.com/opossum-go/opossum/store"
)

// EnrollmentQuery is the consistency boundary of an enrollment of the
// student in the course: the course's CourseCreated event, and every
// enrollment in the course or of the student, as version 2 writes them AND
// as version 1 wrote them (its type name and its tags). Enroll reads with
// it and guards its append with it, so an enrollment appended meanwhile by
// either version makes the append fail.
//
//workbook:todo step 3: one item per event shape: CourseCreated with the course tag; StudentEnrolledToCourse with the course tag, and with the student tag; StudentSubscribedToCourse with version 1's course tag, and with its student tag.
func EnrollmentQuery(courseID, studentID string) store.Query {
	return store.Items(
		store.QueryItem{Types: []string{CourseCreatedType, StudentEnrolledToCourseType}, Tags: []store.Tag{CourseTag(courseID)}},
		store.QueryItem{Types: []string{StudentEnrolledToCourseType}, Tags: []store.Tag{StudentTag(studentID)}},
		store.QueryItem{Types: []string{StudentSubscribedToCourseType}, Tags: []store.Tag{V1CourseTag(courseID)}},
		store.QueryItem{Types: []string{StudentSubscribedToCourseType}, Tags: []store.Tag{V1StudentTag(studentID)}},
	)
}

// Enroll gives the student a seat in the course. It reads with
// EnrollmentQuery, upcasts what it read, and checks: the course exists
// (ErrCourseNotFound), the student is not in it yet (ErrAlreadyEnrolled), a
// seat is free (ErrCourseFull). It appends one StudentEnrolledToCourse
// event guarded by EnrollmentQuery after the last position it read; an
// enrollment appended meanwhile makes it fail with
// store.ErrAppendConditionFailed.
func Enroll(ctx context.Context, s store.EventStore, courseID, studentID string) error {
	query := EnrollmentQuery(courseID, studentID)
	events, err := store.ReadAll(ctx, s, query)
	if err != nil {
		return err
	}
	var (
		exists, enrolled bool
		capacity, taken  int
		last             store.Position
	)
	for _, stored := range events {
		last = stored.Position
		e, err := Upcast(stored)
		if err != nil {
			return err
		}
		switch e.Type {
		case CourseCreatedType:
			c, err := DecodeCourseCreated(e.Event)
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
				enrolled = enrolled || en.StudentID == studentID
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
	}
	enrollment := StudentEnrolledToCourse{StudentID: studentID, CourseID: courseID}.Event()
	_, err = s.Append(ctx, []store.Event{enrollment}, store.Guard(query, last))
	return err
}
