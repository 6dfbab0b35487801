package tagging

import (
	"context"
	"errors"
	"fmt"

	"github.com/opossum-go/opossum/store"
)

// ErrCourseNotFound means no CourseDefined event exists for a course.
var ErrCourseNotFound = errors.New("tagging: course not found")

// CurrentCapacity returns how many students courseID has room for: the
// capacity of its newest CourseDefined or CourseCapacityChanged event. It
// returns ErrCourseNotFound when the course has no such event.
//
//workbook:todo step 4: ReadLast, then decode the capacity.
func CurrentCapacity(ctx context.Context, s store.EventStore, courseID string) (int, error) {
	q := store.TypesTagged([]string{CourseDefinedType, CourseCapacityChangedType}, CourseTag(courseID))
	last, err := s.ReadLast(ctx, q)
	if err != nil {
		return 0, err
	}
	if last == nil {
		return 0, fmt.Errorf("%w: %s", ErrCourseNotFound, courseID)
	}
	// Both event types keep the capacity in the field "capacity", so one
	// payload type decodes either of them.
	c, err := store.Decode[CourseCapacityChanged](last.Event)
	if err != nil {
		return 0, err
	}
	return c.Capacity, nil
}
