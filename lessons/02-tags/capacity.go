package tagging

import (
	"context"
	"errors"

	"github.com/opossum-go/opossum/store"
)

// ErrCourseNotFound means no CourseCreated event exists for a course.
var ErrCourseNotFound = errors.New("tagging: course not found")

// CurrentCapacity returns how many students courseID has room for: the
// capacity of its newest CourseCreated or CourseStudentLimitModified event. It
// returns ErrCourseNotFound when the course has no such event.
func CurrentCapacity(ctx context.Context, s store.EventStore, courseID string) (int, error) {
	// TODO: ReadLast, then decode the capacity of the event's type.
	panic("TODO: implement CurrentCapacity (lessons/02-tags/capacity.go:18) — README step 4")
}
