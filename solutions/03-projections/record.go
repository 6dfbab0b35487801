package projections

import (
	"context"

	"github.com/opossum-go/opossum/store"
)

// A Fact is anything that can become an event: the types of events.go.
type Fact interface {
	Event() store.Event
}

// Record appends facts to s as one batch, all or nothing, and returns the
// position of the last one (what you built in lesson 01).
func Record(ctx context.Context, s store.EventStore, facts ...Fact) (store.Position, error) {
	events := make([]store.Event, len(facts))
	for i, f := range facts {
		events[i] = f.Event()
	}
	return s.Append(ctx, events, nil)
}

// CourseHistory selects what happened to a course: its definition, its
// capacity changes and its enrollments (what you built in lesson 02).
func CourseHistory(courseID string) store.Query {
	return store.TypesTagged(CourseEventTypes, CourseTag(courseID))
}

// CourseEventTypes are the event types a course's state is made of.
var CourseEventTypes = []string{CourseCreatedType, CourseStudentLimitModifiedType, StudentEnrolledToCourseType}
