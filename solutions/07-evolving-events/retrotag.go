package evolving

import (
	"context"

	"github.com/opossum-go/opossum/store"
)

// RetroTag gives every StudentSubscribedToCourse event in the store the
// tags version 2 uses, courseId and studentId, taken from its version-1
// tags; the version-1 tags stay. Afterwards a query by version 2's tags
// finds the old enrollments too. It is safe to run again: a tag an event
// already carries is not added twice (store.FileStore.AddTags). The same
// is available without code: opossum add-tags.
//
//workbook:todo step 4: call fs.AddTags for StudentSubscribedToCourseType with a function that returns CourseTag and StudentTag of the values of the event's version-1 tags.
func RetroTag(ctx context.Context, fs *store.FileStore) (store.AddTagsResult, error) {
	return fs.AddTags(ctx, StudentSubscribedToCourseType, func(e store.StoredEvent) []store.Tag {
		var tags []store.Tag
		if course, ok := e.TagValue(V1CourseKey); ok {
			tags = append(tags, CourseTag(course))
		}
		if student, ok := e.TagValue(V1StudentKey); ok {
			tags = append(tags, StudentTag(student))
		}
		return tags
	})
}
