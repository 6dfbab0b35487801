package projections

import (
	"context"
	"errors"
	"fmt"

	"github.com/opossum-go/opossum/store"
)

// ErrUnknownCourse means an event names a course that no CourseCreated
// event opened. In a store written by correct commands it never happens;
// when it does, a fold must say so rather than invent a course.
var ErrUnknownCourse = errors.New("unknown course")

// Course is what a reader wants to know about a course now: the state
// folded from its events.
type Course struct {
	ID       string   `json:"id"`
	Title    string   `json:"title"`
	Capacity int      `json:"capacity"`
	Enrolled int      `json:"enrolled"`
	Students []string `json:"students"`
}

// Full reports whether no seat is left.
func (c *Course) Full() bool { return c.Enrolled >= c.Capacity }

// EvolveCourse folds one event into the state of its course and returns
// the new state. current is nil before the course's first event.
//
//   - CourseCreated starts a course: its id, title and capacity, nobody
//     enrolled, an empty (not nil) list of students.
//   - CourseStudentLimitModified replaces the capacity.
//   - StudentEnrolledToCourse takes a seat: one more enrolled, the student's id
//     appended to Students.
//   - A change or an enrollment for a course that was never created
//     (current is nil) is an error wrapping ErrUnknownCourse.
//   - Any other event leaves the state as it is.
//
//workbook:todo step 1: switch on e.Type; decode the data with store.Decode[CourseCreated](e.Event) and friends.
func EvolveCourse(current *Course, e store.StoredEvent) (*Course, error) {
	switch e.Type {
	case CourseCreatedType:
		d, err := store.Decode[CourseCreated](e.Event)
		if err != nil {
			return nil, err
		}
		return &Course{ID: d.CourseID, Title: d.Name, Capacity: d.MaxStudentCount, Students: []string{}}, nil
	case CourseStudentLimitModifiedType:
		d, err := store.Decode[CourseStudentLimitModified](e.Event)
		if err != nil {
			return nil, err
		}
		if current == nil {
			return nil, fmt.Errorf("%w: %s (capacity change at position %d)", ErrUnknownCourse, d.CourseID, e.Position)
		}
		current.Capacity = d.NewMaxStudentCount
		return current, nil
	case StudentEnrolledToCourseType:
		d, err := store.Decode[StudentEnrolledToCourse](e.Event)
		if err != nil {
			return nil, err
		}
		if current == nil {
			return nil, fmt.Errorf("%w: %s (enrollment at position %d)", ErrUnknownCourse, d.CourseID, e.Position)
		}
		current.Enrolled++
		current.Students = append(current.Students, d.StudentID)
		return current, nil
	}
	return current, nil
}

// FoldCourse folds a history, oldest event first, starting from nothing:
// the state of a course is a left fold of its events. It returns nil when
// the history holds no CourseCreated.
func FoldCourse(events []store.StoredEvent) (*Course, error) {
	var c *Course
	for _, e := range events {
		var err error
		if c, err = EvolveCourse(c, e); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// CourseFromStore reads the history of one course and folds it: state on
// demand, computed from the events every time it is asked for.
func CourseFromStore(ctx context.Context, s store.EventStore, courseID string) (*Course, error) {
	events, err := store.ReadAll(ctx, s, CourseHistory(courseID))
	if err != nil {
		return nil, err
	}
	return FoldCourse(events)
}
