package matchers_test

import (
	"context"
	"fmt"

	"github.com/onsi/gomega"

	"github.com/opossum-go/opossum/specs/matchers"
	"github.com/opossum-go/opossum/store"
)

func ExampleBeRejectedByCondition() {
	// Outside Ginkgo, a Gomega instance with a fail handler shows the
	// message a failing spec would print.
	g := gomega.NewGomega(func(message string, _ ...int) { fmt.Println(message) })
	ctx := context.Background()
	s := store.NewMemory()
	defer s.Close()

	course := store.NewTag("courseId", "c-1")
	q := store.TypesTagged([]string{"CourseDefined"}, course)
	_, err := store.AppendOne(ctx, s, store.Event{Type: "CourseDefined", Tags: []store.Tag{course}}, store.Guard(q, 0))
	g.Expect(err).To(matchers.BeRejectedByCondition())
	// Output:
	// expected the append to be rejected by its append condition, but it succeeded
}

func ExampleFormatEvents() {
	fmt.Println(matchers.FormatEvents([]store.StoredEvent{
		{Position: 1, Event: store.Event{Type: "CourseDefined", Tags: []store.Tag{store.NewTag("courseId", "c-1")}, Data: []byte(`{"capacity": 10}`)}},
		{Position: 2, Event: store.Event{Type: "StudentSubscribed", Tags: []store.Tag{store.NewTag("courseId", "c-1"), store.NewTag("studentId", "s-1")}, Data: []byte(`{}`)}},
	}))
	// Output:
	//     POSITION  TYPE               TAGS                         DATA
	//     1         CourseDefined      courseId:c-1                 {"capacity":10}
	//     2         StudentSubscribed  courseId:c-1, studentId:s-1  {}
}
