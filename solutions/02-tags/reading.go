package tagging

import (
	"context"

	"github.com/opossum-go/opossum/store"
)

// EventsSince returns every event appended after the position after, oldest
// first: what happened since you last looked.
//
//workbook:todo step 3: read store.All() with the After option.
func EventsSince(ctx context.Context, s store.EventStore, after store.Position) ([]store.StoredEvent, error) {
	return store.ReadAll(ctx, s, store.All(), store.After(after))
}

// FirstEnrollments returns the ids of the first n students who enrolled in
// courseID, in the order they enrolled.
//
//workbook:todo step 3: read the course's enrollments with a Limit.
func FirstEnrollments(ctx context.Context, s store.EventStore, courseID string, n int) ([]string, error) {
	return enrolledStudents(ctx, s, courseID, store.Limit(n))
}

// RecentEnrollments returns the ids of the n students who enrolled in
// courseID most recently, the newest first.
//
//workbook:todo step 3: like FirstEnrollments, but Backwards.
func RecentEnrollments(ctx context.Context, s store.EventStore, courseID string, n int) ([]string, error) {
	return enrolledStudents(ctx, s, courseID, store.Backwards(), store.Limit(n))
}

// enrolledStudents reads the enrollments in courseID with opts and returns
// the ids of their students, in the order read.
//
//workbook:solution
func enrolledStudents(ctx context.Context, s store.EventStore, courseID string, opts ...store.ReadOption) ([]string, error) {
	q := store.TypesTagged([]string{StudentEnrolledToCourseType}, CourseTag(courseID))
	var ids []string
	for e, err := range s.Read(ctx, q, opts...) {
		if err != nil {
			return nil, err
		}
		id, _ := e.TagValue(StudentIDKey)
		ids = append(ids, id)
	}
	return ids, nil
}
