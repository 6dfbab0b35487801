// Package storeimpl lends the event stores of this module that live
// outside package store (the SQLite peer of the benchmarks, for one) the
// store's own batch validation and read-option resolution, so that every
// implementation validates and reads alike, without making either part of
// the store's public API.
package storeimpl

import (
	"time"

	"github.com/opossum-go/opossum/internal/storeimpl/hooks"
	"github.com/opossum-go/opossum/store"
)

// The functions package store registered; package store is initialized
// before this one, so a changed signature fails at program start.
var (
	prepareBatch       = hooks.PrepareBatch.(func([]store.Event, int, time.Time) ([]store.Event, error))
	resolveReadOptions = hooks.ResolveReadOptions.(func([]store.ReadOption) (store.Position, bool, int, bool, error))
)

// ReadOptions is the resolved form of a list of store.ReadOption values.
type ReadOptions struct {
	// After is the exclusive lower bound (0: from the first event).
	After store.Position
	// Backwards reads newest first.
	Backwards bool
	// Limit is the most events to yield; meaningful only when HasLimit.
	Limit int
	// HasLimit reports whether Limit was given.
	HasLimit bool
}

// ResolveReadOptions applies opts in order, as the file store's Read does.
// It returns an error wrapping store.ErrInvalidOption for a negative limit.
func ResolveReadOptions(opts ...store.ReadOption) (ReadOptions, error) {
	var o ReadOptions
	var err error
	o.After, o.Backwards, o.Limit, o.HasLimit, err = resolveReadOptions(opts)
	return o, err
}

// PrepareBatch validates a batch exactly as the stores of package store do
// and returns copies ready to store: data compacted (nil or empty data
// becomes {}), a zero timestamp set to now, tags and Metadata.Extra copied.
// maxEventSize <= 0 means store.DefaultMaxEventSize. It returns
// store.ErrEmptyBatch, or an error wrapping store.ErrInvalidEvent or
// store.ErrEventTooLarge, and then no events.
func PrepareBatch(events []store.Event, maxEventSize int, now time.Time) ([]store.Event, error) {
	return prepareBatch(events, maxEventSize, now)
}
