package projection

import (
	"errors"
	"fmt"

	"github.com/opossum-go/opossum/store"
)

// Sentinel errors returned by the package. Match them with errors.Is; the
// returned errors usually wrap one of these with more context.
var (
	// ErrNotFound means no read model exists for the key.
	ErrNotFound = errors.New("projection: read model not found")
	// ErrSkip is returned by a Definition's Key function for an event that
	// concerns no instance; the runner ignores that event.
	ErrSkip = errors.New("projection: skip event")
	// ErrInvalidDefinition means a Definition is incomplete or malformed
	// (no name, no event types, no Key or no fold, ...).
	ErrInvalidDefinition = errors.New("projection: invalid definition")
	// ErrDuplicateName means a projection with the same name is already
	// registered with the runner.
	ErrDuplicateName = errors.New("projection: duplicate projection name")
	// ErrUnknownProjection means no projection of that name is registered.
	ErrUnknownProjection = errors.New("projection: unknown projection")
	// ErrStarted means the call is only allowed before Runner.Start.
	ErrStarted = errors.New("projection: runner already started")
	// ErrNotStarted means the call needs a started runner.
	ErrNotStarted = errors.New("projection: runner not started")
	// ErrClosed means the runner was closed.
	ErrClosed = errors.New("projection: runner closed")
	// ErrNoTags means Query was called without tags. Listing everything is
	// List's job; an empty tag list never silently means "all".
	ErrNoTags = errors.New("projection: query needs at least one tag")
	// ErrInvalidTag means a tag computed from a state, or passed to Query,
	// has an empty key, a key containing ':' or text that is not UTF-8.
	ErrInvalidTag = errors.New("projection: invalid tag")
	// ErrLocked means another runner (usually another process) already
	// owns the projection folder. The returned error names the lock file.
	ErrLocked = errors.New("projection: folder locked by another runner")
	// ErrStandby means the runner stands by (Options.Standby) while another
	// runner updates the read models; only that one can rebuild or write.
	ErrStandby = errors.New("projection: runner stands by; another runner updates the read models")
	// ErrReadOnly means a write through a reader from OpenReadModels,
	// which never writes.
	ErrReadOnly = errors.New("projection: read-only reader")
	// ErrNotReady means the projection cannot serve the request now: it
	// failed, waits for a rebuild, or has applied no event yet.
	ErrNotReady = errors.New("projection: projection not ready")
	// ErrCorrupt means a read-model file could not be decoded. The
	// returned error is a *CorruptionError naming the file.
	ErrCorrupt = errors.New("projection: corrupt file")
	// ErrInvalidOption means Options holds a value out of range.
	ErrInvalidOption = errors.New("projection: invalid option")
)

// FoldError reports the event a projection failed on. The runner stops
// that projection (its read models keep the state before the event) and
// reports the error in Status; the other projections keep going. A panic
// in a Key, fold or Tags function is recovered and reported as a FoldError
// whose Err wraps the panic value when it is an error.
type FoldError struct {
	// Projection is the projection's name.
	Projection string
	// Position is the event the projection failed on.
	Position store.Position
	// Type is that event's type.
	Type string
	// Key is the instance key, when it was known.
	Key string
	// Panicked reports that the function panicked rather than returned an error.
	Panicked bool
	// Err is the error returned, or the panic value.
	Err error
}

func (e *FoldError) Error() string {
	what := "failed"
	if e.Panicked {
		what = "panicked"
	}
	k := ""
	if e.Key != "" {
		k = fmt.Sprintf(" (key %q)", e.Key)
	}
	return fmt.Sprintf("projection %s: %s on event %d (%s)%s: %v", e.Projection, what, e.Position, e.Type, k, e.Err)
}

// Unwrap returns the error returned or the panic value.
func (e *FoldError) Unwrap() error { return e.Err }

// CorruptionError reports a read-model file that could not be decoded.
type CorruptionError struct {
	// Path is the damaged file.
	Path string
	// Err is the decoding error.
	Err error
}

func (e *CorruptionError) Error() string {
	return fmt.Sprintf("projection: corrupt file %s: %v", e.Path, e.Err)
}

// Is reports whether target is ErrCorrupt.
func (e *CorruptionError) Is(target error) bool { return target == ErrCorrupt }

// Unwrap returns the decoding error.
func (e *CorruptionError) Unwrap() error { return e.Err }

// panicError turns a recovered panic value into an error, keeping an error
// value intact so that errors.As finds it.
func panicError(v any) error {
	if err, ok := v.(error); ok {
		return err
	}
	return fmt.Errorf("%v", v)
}

// asFold is errors.As for a *FoldError.
func asFold(err error, fe **FoldError) bool { return errors.As(err, fe) }
