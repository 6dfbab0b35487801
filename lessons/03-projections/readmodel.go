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
func CourseSummaries() projection.Definition[Course] {
	// TODO: fill in a projection.Definition[Course]: Name, Version 1,
	// EventTypes, Key, Apply, Tags.
	panic("TODO: implement CourseSummaries (lessons/03-projections/readmodel.go:17) — README step 3")
}
