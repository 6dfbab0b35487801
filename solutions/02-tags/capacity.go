package tagging

import (
	"context"
	"errors"
	"fmt"

	"github.com/opossum-go/opossum/store"
)

// ErrCourseNotFound means no CourseCreated event exists for a course.
var ErrCourseNotFound = errors.New("tagging: course not found")

// CurrentCapacity returns how many students courseID has room for: the
// capacity of its newest CourseCreated or CourseStudentLimitModified event. It
// returns ErrCourseNotFound when the course has no such event.
//
//workbook:todo step 4: ReadLast, then decode the capacity of the event's type.
func CurrentCapacity(ctx context.Context, s store.EventStore, courseID string) (int, error) {
	q := store.TypesTagged([]string{CourseCreatedType, CourseStudentLimitModifiedType}, CourseTag(courseID))
	last, err := s.ReadLast(ctx, q)
	if err != nil {
		return 0, err
	}
	if last == nil {
		return 0, fmt.Errorf("%w: %s", ErrCourseNotFound, courseID)
	}
	if last.Type == CourseCreatedType {
		c, err := store.Decode[CourseCreated](last.Event)
		return c.MaxStudentCount, err
	}
	m, err := store.Decode[CourseStudentLimitModified](last.Event)
	return m.NewMaxStudentCount, err
}
