package store

import (
	"context"
	"fmt"
	"reflect"
	"slices"
)

// correlationKey is the context key of WithCorrelationID.
type correlationKey struct{}

// WithCorrelationID returns a copy of ctx carrying a correlation id, for
// example the id of the HTTP request or message being handled, so that
// every event appended while handling it through a Correlated store is
// grouped under it.
func WithCorrelationID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, correlationKey{}, id)
}

// CorrelationIDFrom returns the correlation id ctx carries, and whether it
// carries a non-empty one.
func CorrelationIDFrom(ctx context.Context) (string, bool) {
	id, _ := ctx.Value(correlationKey{}).(string)
	return id, id != ""
}

// Correlated returns an EventStore that appends through s and gives each
// appended event that has no Metadata.CorrelationID the one its context
// carries (WithCorrelationID); an event's own id always wins, and events
// appended with a context that carries none are left as they are. The
// caller's events are not modified. Every other method is s's. The
// returned store has only the EventStore methods: keep s for the others
// (Close, AddTags, ...).
func Correlated(s EventStore) EventStore { return correlated{s} }

type correlated struct{ EventStore }

func (c correlated) Append(ctx context.Context, events []Event, cond *AppendCondition) (Position, error) {
	if id, ok := CorrelationIDFrom(ctx); ok {
		for i := range events {
			if events[i].Metadata.CorrelationID == "" {
				events = slices.Clone(events)
				for j := i; j < len(events); j++ {
					if events[j].Metadata.CorrelationID == "" {
						events[j].Metadata.CorrelationID = id
					}
				}
				break
			}
		}
	}
	return c.EventStore.Append(ctx, events, cond)
}

// TypeName returns the event type derived from the Go type T, as Opossum
// derives it from a .NET class: the type's name without its package
// ("StudentRegistered" for a struct type StudentRegistered, also when T
// is a pointer to it). It returns "" for a type without a name (a map, an
// anonymous struct). Renaming the Go type renames the event type, which
// stored events do not follow: use it for types whose name is part of the
// stored format, or pass the type explicitly to NewEvent.
func TypeName[T any]() string {
	t := reflect.TypeFor[T]()
	for t.Kind() == reflect.Pointer && t.Name() == "" {
		t = t.Elem()
	}
	return t.Name()
}

// NewEventOf is NewEvent with the type derived from T by TypeName. A T
// without a name is an error wrapping ErrInvalidEvent.
func NewEventOf[T any](data T, tags ...Tag) (Event, error) {
	typ := TypeName[T]()
	if typ == "" {
		return Event{}, fmt.Errorf("%w: %s has no type name to use as the event type", ErrInvalidEvent, reflect.TypeFor[T]())
	}
	return NewEvent(typ, data, tags...)
}
