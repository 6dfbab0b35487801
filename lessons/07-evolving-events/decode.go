package evolving

import (
	"github.com/opossum-go/opossum/store"
)

// DecodeCourseCreated decodes a CourseCreated event of either version. A
// version-1 event has no description, which stays empty, and no
// maxStudentCount: its course has DefaultMaxStudentCount seats. A version-2 event that says 0 means 0 (a
// course closed to enrollment), so "missing" and "zero" must be told apart.
func DecodeCourseCreated(e store.Event) (CourseCreated, error) {
	// TODO: decode into a struct whose MaxStudentCount is a *int, so that a
	// missing field stays nil; nil means DefaultMaxStudentCount.
	panic("TODO: implement DecodeCourseCreated (lessons/07-evolving-events/decode.go:14) — README step 1")
}
