package projection

import (
	"context"
	"errors"

	"github.com/opossum-go/opossum/store"
)

// Evaluate folds every event of st that def consumes, in memory, and
// returns the resulting state of each instance by key. It applies the same
// rules as the runner (ErrSkip, deletion by nil, related events bounded by
// position) and writes nothing: use it to compare persisted read models
// with a from-scratch result, or for a one-off answer on a small store.
// A failing fold returns its *FoldError.
func Evaluate[S any](ctx context.Context, st store.EventStore, def Definition[S]) (map[string]S, error) {
	if err := def.validate(); err != nil {
		return nil, err
	}
	p := typed[S]{d: def}
	states := map[string]*S{}
	for e, err := range st.Read(ctx, p.query()) {
		if err != nil {
			return nil, err
		}
		key, err := p.key(e)
		if errors.Is(err, ErrSkip) {
			continue
		}
		if err != nil {
			var fe *FoldError
			if errors.As(err, &fe) {
				return nil, fe
			}
			return nil, &FoldError{Projection: def.Name, Position: e.Position, Type: e.Type, Err: err}
		}
		var cur any
		if s := states[key]; s != nil {
			cur = s
		}
		next, err := p.apply(ctx, st, cur, e)
		if err != nil {
			var fe *FoldError
			if errors.As(err, &fe) {
				fe.Key = key
				return nil, fe
			}
			return nil, &FoldError{Projection: def.Name, Position: e.Position, Type: e.Type, Key: key, Err: err}
		}
		if next == nil {
			delete(states, key)
			continue
		}
		states[key] = next.(*S)
	}
	out := make(map[string]S, len(states))
	for k, s := range states {
		out[k] = *s
	}
	return out, nil
}
