package projections

import (
	"context"
	"strconv"

	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/projection"
)

// FullKey is the key of the tag that says whether a course is full.
const FullKey = "full"

// FullTag is the tag of courses that are full (full:true) or not
// (full:false).
func FullTag(full bool) store.Tag { return store.NewTag(FullKey, strconv.FormatBool(full)) }

// CourseTags returns the tags a course's read model is found by: exactly
// one, FullTag of whether the course is full.
//
//workbook:todo step 4: one tag.
func CourseTags(c *Course) []store.Tag {
	return []store.Tag{FullTag(c.Full())}
}

// FullCourses returns the courses with no seat left, in the order the
// query yields them, from the read models' tag index: no event is read.
//
//workbook:todo step 4: range over courses.Query(ctx, FullTag(true)); each item's State is a Course.
func FullCourses(ctx context.Context, courses *projection.ReadModels[Course]) ([]Course, error) {
	var out []Course
	for it, err := range courses.Query(ctx, FullTag(true)) {
		if err != nil {
			return nil, err
		}
		out = append(out, it.State)
	}
	return out, nil
}
