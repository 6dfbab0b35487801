package evolving

import (
	"fmt"

	"github.com/opossum-go/opossum/store"
)

// Upcast returns e as version 2 would have written it: a
// StudentSubscribedToCourse event becomes a StudentEnrolledToCourse event,
// with version 2's data and version 2's tags (StudentEnrolledToCourse's
// Event), at the same position. Every other event is returned unchanged.
// The store is not changed: upcasting happens on reading.
//
//workbook:todo step 2: decode a StudentSubscribedToCourse, and return the StudentEnrolledToCourse event it means, at e's position; return other events as they are.
func Upcast(e store.StoredEvent) (store.StoredEvent, error) {
	if e.Type != StudentSubscribedToCourseType {
		return e, nil
	}
	old, err := store.Decode[StudentSubscribedToCourse](e.Event)
	if err != nil {
		return e, err
	}
	if old.Student == "" || old.Course == "" {
		return e, fmt.Errorf("upcast %s at position %d: no student or no course", e.Type, e.Position)
	}
	return store.StoredEvent{
		Position: e.Position,
		Event:    StudentEnrolledToCourse{StudentID: old.Student, CourseID: old.Course}.Event(),
	}, nil
}
