package personaldata

import (
	"context"

	"github.com/opossum-go/opossum/store"
)

// Register registers a student with a unique email address, keeping no
// personal data in plain text: it reads every event tagged
// EmailTag(tagKey, cmd.Email); if there is one, the address is taken
// (ErrEmailTaken). Otherwise it seals FirstName, LastName and Email with
// the student's key (keys.Key) and appends one StudentRegistered tagged
// with the hashed address, guarded by the same query after the last
// position it read: two students racing for one address cannot both
// register. A lost race returns store.ErrAppendConditionFailed; the caller
// may try again and will then get ErrEmailTaken.
func Register(ctx context.Context, s store.EventStore, tagKey []byte, keys *Keys, cmd RegisterStudent) error {
	// TODO: query Tagged(EmailTag(tagKey, cmd.Email)); any event is
	// ErrEmailTaken; seal the three fields with keys.Key(cmd.StudentID);
	// append guarded by the query after the last position read.
	panic("TODO: implement Register (lessons/09-personal-data/register.go:22) — README step 3")
}
