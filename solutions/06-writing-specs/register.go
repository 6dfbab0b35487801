package writingspecs

import (
	"context"
	"fmt"

	"github.com/opossum-go/opossum/store"
)

// RegisterStudent appends student's StudentRegistered event unless another
// student registered with the same address, compared after normalization
// (ErrEmailTaken). The append is guarded by the query it decided on, so a
// concurrent registration with the address makes it fail with
// store.ErrAppendConditionFailed instead of registering the address twice.
func RegisterStudent(ctx context.Context, s store.EventStore, student StudentRegistered) error {
	query := store.TypesTagged([]string{StudentRegisteredType}, EmailTag(student.Email))
	seen, err := store.ReadAll(ctx, s, query)
	if err != nil {
		return err
	}
	if len(seen) > 0 {
		return fmt.Errorf("%s: %w", student.Email, ErrEmailTaken)
	}
	_, err = s.Append(ctx, []store.Event{student.Event()}, store.Guard(query, 0))
	return err
}
