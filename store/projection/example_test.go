package projection_test

import (
	"context"
	"fmt"
	"os"

	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/projection"
)

// A projection of courses, kept as one file per course, found by key and
// by tag.
func Example() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	st, _ := store.Open(dir, &store.Options{NoSync: true})
	defer st.Close()

	type Course struct {
		Name     string `json:"name"`
		Capacity int    `json:"capacity"`
		Enrolled int    `json:"enrolled"`
	}
	r, _ := projection.NewRunner(st, &projection.Options{NoSync: true})
	courses, _ := projection.Register(r, projection.Definition[Course]{
		Name:       "courses",
		Version:    1,
		EventTypes: []string{"CourseCreated", "StudentEnrolled"},
		Key:        projection.KeyByTag("courseId"),
		Apply: func(c *Course, e store.StoredEvent) (*Course, error) {
			switch e.Type {
			case "CourseCreated":
				created, err := store.Decode[Course](e.Event)
				return &created, err
			case "StudentEnrolled":
				c.Enrolled++
			}
			return c, nil
		},
		Tags: func(c *Course) []store.Tag {
			return []store.Tag{store.NewTag("full", fmt.Sprint(c.Enrolled >= c.Capacity))}
		},
	})
	_ = r.Start()
	defer r.Close()

	c42 := store.NewTag("courseId", "c-42")
	pos, _ := st.Append(ctx, []store.Event{
		store.MustEvent("CourseCreated", Course{Name: "Event Sourcing", Capacity: 1}, c42),
		store.MustEvent("StudentEnrolled", map[string]string{"studentId": "s-1"}, c42, store.NewTag("studentId", "s-1")),
	}, nil)
	_ = r.WaitFor(ctx, "courses", pos) // read your writes

	c, _ := courses.Get("c-42")
	fmt.Println(c.State.Name, c.State.Enrolled, c.Meta.Version, c.Tags)
	for c, err := range courses.Query(ctx, store.NewTag("full", "true")) {
		fmt.Println("full:", c.Key, err)
	}
	// Output:
	// Event Sourcing 1 2 [full:true]
	// full: c-42 <nil>
}
