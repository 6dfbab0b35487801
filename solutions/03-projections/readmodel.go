package projections

import (
	"github.com/opossum-go/opossum/store/projection"
)

// CourseSummariesName is the name of the course projection: its folder
// under projections/ and its name in the runner's status.
const CourseSummariesName = "course-summaries"

// CourseSummaries defines the persisted read models of courses: one per
// course, keyed by the course id, folded with EvolveCourse from the three
// course event types, found by the tags of CourseTags.
//
//workbook:todo step 3: fill in a projection.Definition[Course]: Name, Version 1, EventTypes, Key, Apply, Tags.
func CourseSummaries() projection.Definition[Course] {
	return projection.Definition[Course]{
		Name:       CourseSummariesName,
		Version:    1,
		EventTypes: CourseEventTypes,
		Key:        projection.KeyByTag(CourseIDKey),
		Apply:      EvolveCourse,
		Tags:       CourseTags,
	}
}
