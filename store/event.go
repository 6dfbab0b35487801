package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"strings"
	"time"
	"unicode/utf8"
)

// Position is the place of an event in the store's global order. Positions
// start at 1, are assigned at append, and are unique and contiguous: the
// n-th committed event has position n. Zero means "no event".
type Position uint64

// Tag links an event to an entity or concept, for example courseId/c-42.
// Keys are non-empty and never contain ':'; values may be any string. Tags
// compare by exact, case-sensitive equality of key and value.
type Tag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// NewTag returns the tag key/value.
func NewTag(key, value string) Tag { return Tag{Key: key, Value: value} }

// String returns "key:value". Because keys never contain ':', ParseTag
// reverses it exactly.
func (t Tag) String() string { return t.Key + ":" + t.Value }

// ParseTag parses "key:value", splitting at the first ':'.
func ParseTag(s string) (Tag, error) {
	k, v, ok := strings.Cut(s, ":")
	if !ok {
		return Tag{}, fmt.Errorf("%w: tag %q has no ':' between key and value", ErrInvalidEvent, s)
	}
	t := Tag{Key: k, Value: v}
	if err := t.validate(); err != nil {
		return Tag{}, err
	}
	return t, nil
}

func (t Tag) validate() error {
	switch {
	case t.Key == "":
		return fmt.Errorf("%w: tag key is empty (value %q)", ErrInvalidEvent, t.Value)
	case strings.Contains(t.Key, ":"):
		return fmt.Errorf("%w: tag key %q contains ':'", ErrInvalidEvent, t.Key)
	case !utf8.ValidString(t.Key) || !utf8.ValidString(t.Value):
		return fmt.Errorf("%w: tag %q is not valid UTF-8", ErrInvalidEvent, t.String())
	}
	return nil
}

// Metadata describes the circumstances of an event. The store never
// interprets it, except that a zero Timestamp is set to the append time.
type Metadata struct {
	// Timestamp is when the event happened. Append sets it to the current
	// UTC time when it is zero; a caller-supplied value is kept.
	Timestamp time.Time `json:"timestamp"`
	// CorrelationID groups the events of one business transaction.
	CorrelationID string `json:"correlationId,omitempty"`
	// CausationID names the message or event that caused this one.
	CausationID string `json:"causationId,omitempty"`
	// Extra holds free-form key/value pairs (user id, tenant, ...).
	Extra map[string]string `json:"extra,omitempty"`
}

// Event is a fact to append. Data is a JSON object that the store keeps as
// written (key order and number text included), without insignificant
// whitespace; nil or empty Data is stored as {}.
type Event struct {
	// ID identifies the event. Append generates a time-ordered one
	// (NewEventID) when it is zero and keeps one the caller set. Set it
	// before the first attempt to make a retry safe: an Append of a batch
	// whose ids are already stored, as that batch, returns the original
	// positions and stores nothing (see EventStore.Append).
	ID EventID
	// Type names what happened, for example "StudentRegistered". Required.
	Type string
	// Data is the payload, a JSON object.
	Data json.RawMessage
	// Tags link the event to entities; they are what queries and append
	// conditions select on besides the type.
	Tags []Tag
	// Metadata is stored with the event.
	Metadata Metadata
}

// HasTag reports whether e carries t.
func (e *Event) HasTag(t Tag) bool {
	for _, et := range e.Tags {
		if et == t {
			return true
		}
	}
	return false
}

// TagValue returns the value of the first tag with key, and whether one exists.
func (e *Event) TagValue(key string) (string, bool) {
	for _, et := range e.Tags {
		if et.Key == key {
			return et.Value, true
		}
	}
	return "", false
}

// StoredEvent is an event as read back: the appended event plus its
// position. Metadata.Timestamp is always set.
type StoredEvent struct {
	Position Position
	Event
}

// DefaultMaxEventSize is the largest encoded event (type, tags, metadata and
// data together, in bytes) accepted when Options.MaxEventSize is zero.
const DefaultMaxEventSize = 1 << 20

// validateEvent checks one event of a batch; i is its index for messages.
// It returns the event's data compacted ("{}" when it has none): checking
// the data as JSON compacts it at no extra cost.
func validateEvent(i int, e *Event) (json.RawMessage, error) {
	if strings.TrimSpace(e.Type) == "" {
		return nil, fmt.Errorf("%w: event %d has an empty type", ErrInvalidEvent, i)
	}
	if !utf8.ValidString(e.Type) {
		return nil, fmt.Errorf("%w: event %d type is not valid UTF-8", ErrInvalidEvent, i)
	}
	for _, t := range e.Tags {
		if err := t.validate(); err != nil {
			return nil, fmt.Errorf("event %d (%s): %w", i, e.Type, err)
		}
	}
	d := bytes.TrimSpace(e.Data)
	if len(d) == 0 {
		return json.RawMessage("{}"), nil
	}
	var buf bytes.Buffer
	buf.Grow(len(d))
	if d[0] != '{' || json.Compact(&buf, d) != nil {
		return nil, fmt.Errorf("%w: event %d (%s) data is not a JSON object", ErrInvalidEvent, i, e.Type)
	}
	return buf.Bytes(), nil
}

// prepareBatch validates every event of a batch and returns copies ready to
// store (id and timestamp set, data compacted). Nothing is returned unless
// every event is valid and no id occurs twice.
func prepareBatch(events []Event, maxSize int, now time.Time) (preparedBatch, error) {
	if len(events) == 0 {
		return preparedBatch{}, ErrEmptyBatch
	}
	if maxSize <= 0 {
		maxSize = DefaultMaxEventSize
	}
	out := make([]Event, len(events))
	stamped := make([]bool, len(events))
	for i := range events {
		e := events[i]
		data, err := validateEvent(i, &e)
		if err != nil {
			return preparedBatch{}, err
		}
		e.Data = data
		stamped[i] = !e.Metadata.Timestamp.IsZero()
		if !stamped[i] {
			e.Metadata.Timestamp = now
		}
		if e.ID.IsZero() {
			e.ID = idGen.next(now)
		}
		e.Tags = append([]Tag(nil), e.Tags...)
		e.Metadata.Extra = maps.Clone(e.Metadata.Extra)
		if size := eventSize(&e); size > maxSize {
			return preparedBatch{}, fmt.Errorf("%w: event %d (%s) is %d bytes, the limit is %d", ErrEventTooLarge, i, e.Type, size, maxSize)
		}
		out[i] = e
	}
	if err := checkBatchIDs(out); err != nil {
		return preparedBatch{}, err
	}
	return preparedBatch{events: out, stamped: stamped}, nil
}

// eventSize estimates the encoded size of an event.
func eventSize(e *Event) int {
	n := len(e.Type) + len(e.Data) + len(e.Metadata.CorrelationID) + len(e.Metadata.CausationID) + 208
	for _, t := range e.Tags {
		n += len(t.Key) + len(t.Value) + 24
	}
	for k, v := range e.Metadata.Extra {
		n += len(k) + len(v) + 8
	}
	return n
}
