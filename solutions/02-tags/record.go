package tagging

import (
	"context"

	"github.com/opossum-go/opossum/store"
)

// A Fact is anything that can become an event: the types of events.go.
type Fact interface {
	Event() store.Event
}

// Record appends facts to s as one batch, all or nothing, and returns the
// position of the last one (what you built in lesson 01).
func Record(ctx context.Context, s store.EventStore, facts ...Fact) (store.Position, error) {
	events := make([]store.Event, len(facts))
	for i, f := range facts {
		events[i] = f.Event()
	}
	return s.Append(ctx, events, nil)
}
