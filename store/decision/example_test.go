package decision_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/decision"
)

// A decision on one entity: may one more student join course c-1?
func ExampleBuild() {
	ctx := context.Background()
	s := store.NewMemory()
	defer s.Close()
	s.Append(ctx, []store.Event{defineCourse("c-1", 2), enrolment("c-1", "s-1")}, nil)

	m, err := decision.Build(ctx, s, seats("c-1"))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d of %d seats taken\n", m.State.Taken, m.State.Capacity)
	fmt.Println("guard:", m.Condition.FailIfEventsMatch, "after", m.Condition.After)
	// Output:
	// 1 of 2 seats taken
	// guard: (CourseDefined|StudentEnrolled)[courseId:c-1] after 2
}

// A decision across two entities: the course's seats and the student's
// course count, folded from one read and guarded by one condition.
func ExampleBuild2() {
	ctx := context.Background()
	s := store.NewMemory()
	defer s.Close()
	s.Append(ctx, []store.Event{defineCourse("c-1", 2), defineCourse("c-2", 2), enrolment("c-2", "s-1")}, nil)

	m, err := decision.Build2(ctx, s, seats("c-1"), courses("s-1"))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("seats taken:", m.First.Taken, "courses of s-1:", m.Second)
	fmt.Println("guard:", m.Condition.FailIfEventsMatch)

	d := m.Append(enrolment("c-1", "s-1"))
	pos, err := s.Append(ctx, d.Events, d.Condition)
	fmt.Println("enrolled at", pos, err)

	// The same decision again is stale now: its own enrolment changed both
	// the course and the student.
	_, err = s.Append(ctx, d.Events, d.Condition)
	fmt.Println(errors.Is(err, store.ErrAppendConditionFailed))
	// Output:
	// seats taken: 0 courses of s-1: 1
	// guard: (CourseDefined|StudentEnrolled)[courseId:c-1] OR (StudentEnrolled)[studentId:s-1]
	// enrolled at 4 <nil>
	// true
}

// Execute decides again when a concurrent writer got there first, and
// returns a domain error as it is.
func ExampleExecute() {
	ctx := context.Background()
	s := store.NewMemory()
	defer s.Close()
	s.Append(ctx, []store.Event{defineCourse("c-1", 1)}, nil)

	for _, who := range []string{"s-1", "s-2"} {
		pos, err := decision.Execute(ctx, s, enrol(s, "c-1", who), nil)
		fmt.Println(who, pos, err)
	}
	// Output:
	// s-1 2 <nil>
	// s-2 0 course is full
}
