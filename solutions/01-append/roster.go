package appending

import (
	"context"

	"github.com/opossum-go/opossum/store"
)

// Roster reads every event in s, oldest first, and returns the students
// who registered, in the order they registered. Events of other types are
// skipped.
//
//workbook:todo step 4: range over s.Read(ctx, store.All()) and decode the registrations.
func Roster(ctx context.Context, s store.EventStore) ([]StudentRegistered, error) {
	var students []StudentRegistered
	for e, err := range s.Read(ctx, store.All()) {
		if err != nil {
			return nil, err
		}
		if e.Type != StudentRegisteredType {
			continue
		}
		student, err := store.Decode[StudentRegistered](e.Event)
		if err != nil {
			return nil, err
		}
		students = append(students, student)
	}
	return students, nil
}

// EventCount returns how many events s holds.
//
//workbook:todo step 4: ask the store for its Head.
func EventCount(ctx context.Context, s store.EventStore) (int, error) {
	head, err := s.Head(ctx)
	if err != nil {
		return 0, err
	}
	return int(head), nil
}
