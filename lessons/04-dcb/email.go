package dcb

import (
	"context"

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
func RegisterStudent(ctx context.Context, s store.EventStore, r StudentRegistered) error {
	// TODO: read the events tagged EmailTag(r.Email). Found one? The email is
	// taken. Found none? Append r.Event() guarded by the query you read with,
	// and no After.
	panic("TODO: implement RegisterStudent (lessons/04-dcb/email.go:22) — README step 1")
}
