// Package hooks carries functions of package store to internal/storeimpl
// without an import cycle: package store sets the variables when it is
// initialized, storeimpl gives them their types. Nothing else may use it.
// (The same pattern as google.golang.org/grpc/internal.)
package hooks

var (
	// PrepareBatch is store's batch validation, with the retry check of the
	// prepared batch:
	// func(events []store.Event, maxEventSize int, now time.Time) ([]store.Event,
	// func(find func(store.EventID) (store.Position, bool), load func(first, last store.Position) ([]store.StoredEvent, bool, error)) (store.Position, error),
	// error).
	PrepareBatch any
	// ResolveReadOptions is store's read-option resolution:
	// func(opts []store.ReadOption) (after store.Position, backwards bool, limit int, hasLimit bool, err error).
	ResolveReadOptions any
)
