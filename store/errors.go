package store

import (
	"errors"
	"fmt"
	"time"
)

// Sentinel errors returned by the store. Match them with errors.Is; the
// returned errors usually wrap one of these with more context.
var (
	// ErrAppendConditionFailed means an AppendCondition did not hold: an
	// event matching FailIfEventsMatch exists after the condition's After
	// position. The returned error is a *ConditionError.
	ErrAppendConditionFailed = errors.New("store: append condition failed")
	// ErrInvalidQuery means a query cannot be evaluated, for example it has
	// no items and is not All(), or an item has neither types nor tags.
	ErrInvalidQuery = errors.New("store: invalid query")
	// ErrEmptyBatch means Append was called with no events.
	ErrEmptyBatch = errors.New("store: empty batch")
	// ErrInvalidEvent means an event failed validation (empty type, empty or
	// malformed tag key, data that is not a JSON object); nothing was written.
	ErrInvalidEvent = errors.New("store: invalid event")
	// ErrEventTooLarge means an encoded event exceeds Options.MaxEventSize.
	ErrEventTooLarge = errors.New("store: event too large")
	// ErrClosed means the store was closed.
	ErrClosed = errors.New("store: closed")
	// ErrBroken means an earlier write failed in a way that leaves the
	// outcome of a commit unknown; the handle refuses further appends until
	// the store is reopened, which runs recovery. The returned errors wrap
	// the failure that broke the handle too, so errors.Is also finds it
	// (syscall.ENOSPC after a full disk, say).
	ErrBroken = errors.New("store: broken by an earlier write failure; reopen the store")
	// ErrLockTimeout means the cross-process writer lock could not be taken
	// within Options.LockTimeout. The returned error is a *LockError.
	ErrLockTimeout = errors.New("store: lock timeout")
	// ErrCorrupt means a committed event file or a store file could not be
	// decoded. The returned error is a *CorruptionError naming the file.
	ErrCorrupt = errors.New("store: corrupt file")
	// ErrNotAStore means the folder exists, is not empty, and holds no store
	// manifest.
	ErrNotAStore = errors.New("store: not a store folder")
	// ErrUnsupportedFormat means the store was written by a newer format
	// version than this package reads.
	ErrUnsupportedFormat = errors.New("store: unsupported format version")
	// ErrInvalidOption means Options or a read option holds a value out of range.
	ErrInvalidOption = errors.New("store: invalid option")
	// ErrReadOnly means a write (Append, AddTags) was attempted through a
	// handle opened with Options.ReadOnly.
	ErrReadOnly = errors.New("store: opened read-only")
	// ErrStoreInUse means DeleteStore found the store open by a handle (in
	// this process or another) or a writer holding its lock.
	ErrStoreInUse = errors.New("store: store in use")
	// ErrDuplicateEventID means an appended event's id is already stored and
	// the append is not a retry of the batch stored with it (other events
	// or another split, or the same id with other content), or an id occurs
	// twice in one batch; nothing was written. The returned error is a
	// *DuplicateEventIDError.
	ErrDuplicateEventID = errors.New("store: duplicate event id")
)

// ConditionError reports which append condition failed and the position of
// the latest stored event that violated it.
type ConditionError struct {
	// Query is the condition's FailIfEventsMatch query.
	Query Query
	// After is the condition's After position; 0 when it had none.
	After Position
	// Conflict is the position of the latest stored event that matched the
	// query after After.
	Conflict Position
}

func (e *ConditionError) Error() string {
	if e.After == 0 {
		return fmt.Sprintf("store: append condition failed: event at position %d matches %s", e.Conflict, e.Query)
	}
	return fmt.Sprintf("store: append condition failed: event at position %d matches %s after position %d", e.Conflict, e.Query, e.After)
}

// Is reports whether target is ErrAppendConditionFailed.
func (e *ConditionError) Is(target error) bool { return target == ErrAppendConditionFailed }

// DuplicateEventIDError reports an event id that an append cannot use.
type DuplicateEventIDError struct {
	// ID is the id.
	ID EventID
	// Index is the event's index in the appended batch.
	Index int
	// Position is the position of the stored event with the id; 0 when the
	// id occurs twice in the batch.
	Position Position
	// Reason says what differs, for example "the stored event has another
	// type" or "the stored batch is 3..5".
	Reason string
}

func (e *DuplicateEventIDError) Error() string {
	if e.Position == 0 {
		return fmt.Sprintf("store: duplicate event id %s: event %d of the batch %s", e.ID, e.Index, e.Reason)
	}
	return fmt.Sprintf("store: duplicate event id %s: event %d of the batch is stored at position %d, but this append is not a retry of its batch: %s", e.ID, e.Index, e.Position, e.Reason)
}

// Is reports whether target is ErrDuplicateEventID.
func (e *DuplicateEventIDError) Is(target error) bool { return target == ErrDuplicateEventID }

// LockError reports a lock that could not be taken in time.
type LockError struct {
	// Path is the lock file.
	Path string
	// Waited is how long the store waited: at least Options.LockTimeout.
	Waited time.Duration
}

func (e *LockError) Error() string {
	return fmt.Sprintf("store: timed out after %s waiting for the writer lock %s (another process is writing to this store)", e.Waited.Round(time.Millisecond), e.Path)
}

// Is reports whether target is ErrLockTimeout.
func (e *LockError) Is(target error) bool { return target == ErrLockTimeout }

// CorruptionError reports a file that could not be decoded.
type CorruptionError struct {
	// Path is the damaged file.
	Path string
	// Position is the event position the file holds, or 0 for other files.
	Position Position
	// Err is the decoding error.
	Err error
}

func (e *CorruptionError) Error() string {
	if e.Position > 0 {
		return fmt.Sprintf("store: corrupt event file %s (position %d): %v", e.Path, e.Position, e.Err)
	}
	return fmt.Sprintf("store: corrupt file %s: %v", e.Path, e.Err)
}

// Is reports whether target is ErrCorrupt.
func (e *CorruptionError) Is(target error) bool { return target == ErrCorrupt }

// Unwrap returns the decoding error.
func (e *CorruptionError) Unwrap() error { return e.Err }
