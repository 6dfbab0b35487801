package evolving

import (
	"encoding/json"
	"fmt"

	"github.com/opossum-go/opossum/store"
)

// DecodeCourseCreated decodes a CourseCreated event of either version. A
// version-1 event has no description, which stays empty, and no
// maxStudentCount: its course has DefaultMaxStudentCount seats. A version-2 event that says 0 means 0 (a
// course closed to enrollment), so "missing" and "zero" must be told apart.
//
//workbook:todo step 1: decode into a struct whose MaxStudentCount is a *int, so that a missing field stays nil; nil means DefaultMaxStudentCount.
func DecodeCourseCreated(e store.Event) (CourseCreated, error) {
	var raw struct {
		CourseID        string `json:"courseId"`
		Name            string `json:"name"`
		Description     string `json:"description"`
		MaxStudentCount *int   `json:"maxStudentCount"`
	}
	if err := json.Unmarshal(e.Data, &raw); err != nil {
		return CourseCreated{}, fmt.Errorf("decode %s: %w", e.Type, err)
	}
	c := CourseCreated{CourseID: raw.CourseID, Name: raw.Name, Description: raw.Description, MaxStudentCount: DefaultMaxStudentCount}
	if raw.MaxStudentCount != nil {
		c.MaxStudentCount = *raw.MaxStudentCount
	}
	return c, nil
}
