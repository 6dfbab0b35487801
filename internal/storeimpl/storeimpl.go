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
	prepareBatch       = hooks.PrepareBatch.(func([]store.Event, int, time.Time) ([]store.Event, func(FindFunc, LoadFunc) (store.Position, error), error))
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

// Batch is a batch validated and ready to store, as PrepareBatch returns it.
type Batch struct {
	// Events are the prepared copies: every event has an id (a new
	// time-ordered one where it had none), compacted data and a timestamp.
	Events  []store.Event
	resolve func(FindFunc, LoadFunc) (store.Position, error)
}

// FindFunc returns the position of the stored event with id, if any.
type FindFunc = func(id store.EventID) (store.Position, bool)

// LoadFunc returns the stored events at positions first..last, in order,
// and whether they are exactly the events of one earlier append (its whole
// batch and nothing else).
type LoadFunc = func(first, last store.Position) ([]store.StoredEvent, bool, error)

// PrepareBatch validates a batch exactly as the stores of package store do
// and returns copies ready to store: a zero id set to a new time-ordered
// one, data compacted (nil or empty data becomes {}), a zero timestamp set
// to now, tags and Metadata.Extra copied. maxEventSize <= 0 means
// store.DefaultMaxEventSize. It returns store.ErrEmptyBatch, an error
// wrapping store.ErrInvalidEvent or store.ErrEventTooLarge, or a
// *store.DuplicateEventIDError when an id occurs twice, and then no events.
func PrepareBatch(events []store.Event, maxEventSize int, now time.Time) (Batch, error) {
	evs, resolve, err := prepareBatch(events, maxEventSize, now)
	if err != nil {
		return Batch{}, err
	}
	return Batch{Events: evs, resolve: resolve}, nil
}

// ResolveRetry decides, under the lock or transaction that makes the
// append atomic and before its append condition is checked, whether b was
// stored before, exactly as the stores of package store decide it. It
// returns (0, nil) when none of b's ids is stored: append b. It returns the
// last stored position when every id is stored, as one batch, in b's
// order, with the same content (the caller returns it and writes nothing),
// and otherwise a *store.DuplicateEventIDError or load's error.
func (b *Batch) ResolveRetry(find FindFunc, load LoadFunc) (store.Position, error) {
	return b.resolve(find, load)
}
