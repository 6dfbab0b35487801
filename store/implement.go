package store

import (
	"time"

	"github.com/opossum-go/opossum/internal/storeimpl/hooks"
)

// Event stores of this module implemented outside this package reach the
// batch validation, the retry check and the read-option resolution through
// internal/storeimpl, so that validation and options have one definition
// without being part of this package's API.
func init() {
	hooks.PrepareBatch = func(events []Event, maxEventSize int, now time.Time) ([]Event, func(func(EventID) (Position, bool), func(first, last Position) ([]StoredEvent, bool, error)) (Position, error), error) {
		b, err := prepareBatch(events, maxEventSize, now)
		return b.events, b.resolveRetry, err
	}
	hooks.ResolveReadOptions = func(opts []ReadOption) (Position, bool, int, bool, error) {
		o, err := buildReadOptions(opts)
		return o.after, o.backwards, o.limit, o.hasLimit, err
	}
}
