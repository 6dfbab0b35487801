package appending

import (
	"context"
	"fmt"

	"github.com/opossum-go/opossum/store"
)

// RegisterStudent records that student registered: it appends one
// StudentRegistered event to s and returns the position the store gave it.
//
//workbook:todo step 2: append student.Event() and return the position Append returns.
func RegisterStudent(ctx context.Context, s store.EventStore, student StudentRegistered) (store.Position, error) {
	pos, err := s.Append(ctx, []store.Event{student.Event()}, nil)
	if err != nil {
		return 0, fmt.Errorf("register student %s: %w", student.StudentID, err)
	}
	return pos, nil
}

// ImportStudents records a whole class list at once: one StudentRegistered
// event per student, in the order of the list, all or nothing. Every event
// carries importID as its correlation id, so you can tell later which
// import it came from. It returns the position of the last event, or 0 when
// the list is empty (nothing is appended then, and that is not an error).
//
//workbook:todo step 3: build all the events first, then append them with ONE call.
func ImportStudents(ctx context.Context, s store.EventStore, importID string, students []StudentRegistered) (store.Position, error) {
	if len(students) == 0 {
		return 0, nil
	}
	events := make([]store.Event, len(students))
	for i, student := range students {
		e := student.Event()
		e.Metadata.CorrelationID = importID
		events[i] = e
	}
	last, err := s.Append(ctx, events, nil)
	if err != nil {
		return 0, fmt.Errorf("import %s: %w", importID, err)
	}
	return last, nil
}
