package store

import (
	"encoding/json"
	"fmt"
)

// NewEvent encodes data as the JSON payload of an event of type typ with
// tags. data must encode to a JSON object (a struct or a map).
func NewEvent[T any](typ string, data T, tags ...Tag) (Event, error) {
	b, err := json.Marshal(data)
	if err != nil {
		return Event{}, fmt.Errorf("store: encode %s payload: %w", typ, err)
	}
	e := Event{Type: typ, Data: b, Tags: tags}
	if e.Data, err = validateEvent(0, &e); err != nil {
		return Event{}, err
	}
	return e, nil
}

// MustEvent is NewEvent that panics on error; for tests and fixed payloads.
func MustEvent[T any](typ string, data T, tags ...Tag) Event {
	e, err := NewEvent(typ, data, tags...)
	if err != nil {
		panic(err)
	}
	return e
}

// Decode decodes e's payload into a T.
func Decode[T any](e Event) (T, error) {
	var v T
	if err := json.Unmarshal(e.Data, &v); err != nil {
		return v, fmt.Errorf("store: decode %s payload into %T: %w", e.Type, v, err)
	}
	return v, nil
}
