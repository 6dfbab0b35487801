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
//
//workbook:todo step 3: query Tagged(EmailTag(tagKey, cmd.Email)); any event is ErrEmailTaken; seal the three fields with keys.Key(cmd.StudentID); append guarded by the query after the last position read.
func Register(ctx context.Context, s store.EventStore, tagKey []byte, keys *Keys, cmd RegisterStudent) error {
	tag := EmailTag(tagKey, cmd.Email)
	query := store.Tagged(tag)
	last, err := s.ReadLast(ctx, query)
	if err != nil {
		return err
	}
	if last != nil {
		return ErrEmailTaken
	}
	key, err := keys.Key(cmd.StudentID)
	if err != nil {
		return err
	}
	e := StudentRegistered{StudentID: cmd.StudentID}
	if e.FirstName, err = Seal(key, cmd.FirstName); err != nil {
		return err
	}
	if e.LastName, err = Seal(key, cmd.LastName); err != nil {
		return err
	}
	if e.Email, err = Seal(key, cmd.Email); err != nil {
		return err
	}
	_, err = s.Append(ctx, []store.Event{e.Event(tag)}, store.Guard(query, 0))
	return err
}
