package store

import "github.com/opossum-go/opossum/internal/storeimpl/hooks"

// Event stores of this module implemented outside this package reach the
// batch validation and the read-option resolution through
// internal/storeimpl, so that validation and options have one definition
// without being part of this package's API.
func init() {
	hooks.PrepareBatch = prepareBatch
	hooks.ResolveReadOptions = func(opts []ReadOption) (Position, bool, int, bool, error) {
		o, err := buildReadOptions(opts)
		return o.after, o.backwards, o.limit, o.hasLimit, err
	}
}
