package store

import "time"

// ReadOptions is the resolved form of a list of ReadOption values. Event
// stores implemented outside this package (a peer store for benchmarks, an
// adapter to another database) call ResolveReadOptions to interpret the
// options their Read receives, so that every implementation reads them the
// same way.
type ReadOptions struct {
	// After is the exclusive lower bound (0: from the first event).
	After Position
	// Backwards reads newest first.
	Backwards bool
	// Limit is the most events to yield; meaningful only when HasLimit.
	Limit int
	// HasLimit reports whether Limit was given.
	HasLimit bool
}

// ResolveReadOptions applies opts in order. It returns an error wrapping
// ErrInvalidOption for a negative limit, as Read does.
func ResolveReadOptions(opts ...ReadOption) (ReadOptions, error) {
	o, err := buildReadOptions(opts)
	return ReadOptions{After: o.after, Backwards: o.backwards, Limit: o.limit, HasLimit: o.hasLimit}, err
}

// PrepareBatch validates a batch exactly as the stores of this package do
// and returns copies ready to store: a zero id set to a new time-ordered
// one (NewEventID, at now), data compacted (nil or empty data becomes {}),
// a zero timestamp set to now, tags and Metadata.Extra copied.
// maxEventSize <= 0 means DefaultMaxEventSize. It returns ErrEmptyBatch, an
// error wrapping ErrInvalidEvent or ErrEventTooLarge, or a
// *DuplicateEventIDError when an id occurs twice, and then no events.
// Event stores implemented outside this package use it, and
// Batch.ResolveRetry, so that validation and retries have one definition.
func PrepareBatch(events []Event, maxEventSize int, now time.Time) (Batch, error) {
	return prepareBatch(events, maxEventSize, now)
}
