package dcb

import (
	"context"
	"errors"
	"fmt"

	"github.com/opossum-go/opossum/store"
)

// RegisterStudent registers r unless a student with the same email (see
// EmailTag) is already registered: then it returns an error matching
// ErrEmailTaken and appends nothing.
//
// It is safe against racing registrations of one studentEmail: of any number of
// concurrent calls, at most one appends. A loser either sees the winner's
// event when it reads, or its append is rejected by the store; both are
// reported as ErrEmailTaken (the rejection also matches
// store.ErrAppendConditionFailed).
//
//workbook:todo step 1: read the events tagged EmailTag(r.Email). Found one? The email is taken. Found none? Append r.Event() guarded by the query you read with, and no After.
func RegisterStudent(ctx context.Context, s store.EventStore, r StudentRegistered) error {
	q := store.Tagged(EmailTag(r.Email))
	taken, err := s.ReadLast(ctx, q)
	if err != nil {
		return fmt.Errorf("register %s: %w", r.StudentID, err)
	}
	if taken != nil {
		return fmt.Errorf("register %s: %w (event %d)", r.StudentID, ErrEmailTaken, taken.Position)
	}
	// Nothing was read, so the guard has no After: the append fails if ANY
	// event with this email exists, whenever it was appended.
	_, err = s.Append(ctx, []store.Event{r.Event()}, store.Guard(q, 0))
	if errors.Is(err, store.ErrAppendConditionFailed) {
		return fmt.Errorf("register %s: %w: %w", r.StudentID, ErrEmailTaken, err)
	}
	if err != nil {
		return fmt.Errorf("register %s: %w", r.StudentID, err)
	}
	return nil
}
