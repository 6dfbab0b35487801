package tagging

import (
	"context"
	"errors"

	"github.com/opossum-go/opossum/store"
)

// ErrCourseNotFound means no CourseDefined event exists for a course.
var ErrCourseNotFound = errors.New("tagging: course not found")

// CurrentCapacity returns how many students courseID has room for: the
// capacity of its newest CourseDefined or CourseCapacityChanged event. It
// returns ErrCourseNotFound when the course has no such event.
func CurrentCapacity(ctx context.Context, s store.EventStore, courseID string) (int, error) {
	// TODO: ReadLast, then decode the capacity.
	panic("TODO: implement CurrentCapacity (lessons/02-tags/capacity.go:18) — README step 4")
}
