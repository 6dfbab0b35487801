package projection

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/opossum-go/opossum/store"
)

// Definition describes a projection: which events it consumes, which read
// model (instance) each event belongs to, and how an instance's state S
// evolves. S must encode to JSON (it is stored as the "data" of the
// instance's file) and decode back to an equal value.
//
// The functions must be deterministic and free of side effects: the runner
// may call them again for an event whose result was lost in a crash (it
// never persists the result of one event twice). They are called from one
// goroutine per projection, never concurrently for the same projection.
type Definition[S any] struct {
	// Name identifies the projection: its folder, its status and its
	// checkpoint. Letters, digits, '-', '_' and '.', not starting with '.'.
	Name string

	// Version identifies the fold. Change it whenever Apply, Key or Tags
	// change meaning: on the next start the runner rebuilds the read
	// models from the first event, while readers keep seeing the old ones
	// until the new ones are complete.
	Version int

	// EventTypes are the event types the projection consumes. Required.
	EventTypes []string

	// Key returns the key of the instance an event belongs to, for example
	// the value of its courseId tag (see KeyByTag). Return ErrSkip to
	// ignore the event; any other error stops the projection. Keys are
	// arbitrary non-empty strings. Their number must stay bounded by the
	// number of entities in the domain: never an event position, a random
	// id or a timestamp, or the projection grows one file per event.
	Key func(e store.StoredEvent) (string, error)

	// Apply folds e into the current state of its instance. current is nil
	// for an instance that does not exist yet. Returning nil deletes the
	// instance; returning an error stops the projection at e. Apply may
	// modify *current and return it. Exactly one of Apply and ApplyRelated
	// is set.
	Apply func(current *S, e store.StoredEvent) (*S, error)

	// Related, when set, returns a query for other events the fold needs
	// to see with e (for example the registration of the student an
	// enrollment names), or false when e needs none. The runner reads the
	// matching events with positions lower than e's, never later ones, also
	// during a rebuild, and passes them to ApplyRelated in position order.
	Related func(e store.StoredEvent) (store.Query, bool)

	// ApplyRelated is Apply for projections with Related.
	ApplyRelated func(current *S, e store.StoredEvent, related []store.StoredEvent) (*S, error)

	// Tags, when set, returns the tags of a state, which Query finds
	// instances by. It is called after every change of an instance. A tag
	// key must be non-empty, must not contain ':' and, like the value, must
	// be UTF-8; Tags are compared exactly (case-sensitive), like event tags.
	Tags func(state *S) []store.Tag
}

// KeyByTag returns a Key function that uses the value of the event's first
// tag with key tagKey. An event without such a tag stops the projection
// with an error naming the event.
func KeyByTag(tagKey string) func(store.StoredEvent) (string, error) {
	return func(e store.StoredEvent) (string, error) {
		v, ok := e.TagValue(tagKey)
		if !ok {
			return "", fmt.Errorf("projection: event %d (%s) has no %q tag", e.Position, e.Type, tagKey)
		}
		return v, nil
	}
}

// validName reports whether a projection name is usable as a folder name
// everywhere.
func validName(n string) bool {
	if n == "" || len(n) > 100 || n[0] == '.' {
		return false
	}
	for _, c := range n {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_', c == '.':
		default:
			return false
		}
	}
	return true
}

func (d *Definition[S]) validate() error {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w: %s", ErrInvalidDefinition, fmt.Sprintf(format, a...))
	}
	switch {
	case !validName(d.Name):
		return bad("name %q: use letters, digits, '-', '_' and '.' (not first)", d.Name)
	case d.Version < 0:
		return bad("%s: negative version %d", d.Name, d.Version)
	case len(d.EventTypes) == 0:
		return bad("%s: no event types", d.Name)
	case d.Key == nil:
		return bad("%s: no Key function", d.Name)
	case (d.Apply == nil) == (d.ApplyRelated == nil):
		return bad("%s: set exactly one of Apply and ApplyRelated", d.Name)
	case d.ApplyRelated != nil && d.Related == nil:
		return bad("%s: ApplyRelated needs Related", d.Name)
	case d.Related != nil && d.ApplyRelated == nil:
		return bad("%s: Related needs ApplyRelated", d.Name)
	}
	for _, t := range d.EventTypes {
		if strings.TrimSpace(t) == "" {
			return bad("%s: empty event type", d.Name)
		}
	}
	return nil
}

// projector is a Definition with its type parameter erased, so that the
// runner can drive projections of different state types. States travel as
// any holding a *S, or nil.
type projector interface {
	name() string
	version() int
	query() store.Query
	key(e store.StoredEvent) (string, error)
	apply(ctx context.Context, st store.EventStore, current any, e store.StoredEvent) (any, error)
	tags(state any) ([]store.Tag, error)
	encode(state any) (json.RawMessage, error)
	decode(data json.RawMessage) (any, error)
}

type typed[S any] struct{ d Definition[S] }

func (t typed[S]) name() string       { return t.d.Name }
func (t typed[S]) version() int       { return t.d.Version }
func (t typed[S]) query() store.Query { return store.Types(t.d.EventTypes...) }

func (t typed[S]) key(e store.StoredEvent) (k string, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = &FoldError{Projection: t.d.Name, Position: e.Position, Type: e.Type, Panicked: true, Err: panicError(v)}
		}
	}()
	k, err = t.d.Key(e)
	if err == nil && k == "" {
		err = fmt.Errorf("projection: Key returned an empty key")
	}
	return k, err
}

func (t typed[S]) apply(ctx context.Context, st store.EventStore, current any, e store.StoredEvent) (next any, err error) {
	var cur *S
	if current != nil {
		cur = current.(*S)
	}
	var related []store.StoredEvent
	if t.d.Related != nil {
		if related, err = t.related(ctx, st, e); err != nil {
			return nil, err
		}
	}
	defer func() {
		if v := recover(); v != nil {
			next, err = nil, &FoldError{Projection: t.d.Name, Position: e.Position, Type: e.Type, Panicked: true, Err: panicError(v)}
		}
	}()
	var s *S
	if t.d.ApplyRelated != nil {
		s, err = t.d.ApplyRelated(cur, e, related)
	} else {
		s, err = t.d.Apply(cur, e)
	}
	if err != nil || s == nil {
		return nil, err
	}
	return s, nil
}

// related reads the events the definition relates to e, bounded by e's
// position: a rebuild sees exactly what the live run saw.
func (t typed[S]) related(ctx context.Context, st store.EventStore, e store.StoredEvent) (out []store.StoredEvent, err error) {
	q, ok := func() (q store.Query, ok bool) {
		defer func() {
			if v := recover(); v != nil {
				err = &FoldError{Projection: t.d.Name, Position: e.Position, Type: e.Type, Panicked: true, Err: panicError(v)}
			}
		}()
		return t.d.Related(e)
	}()
	if err != nil || !ok {
		return nil, err
	}
	for r, err := range st.Read(ctx, q) {
		if err != nil {
			return nil, fmt.Errorf("projection: read related events of %d: %w", e.Position, err)
		}
		if r.Position >= e.Position {
			break
		}
		out = append(out, r)
	}
	return out, nil
}

func (t typed[S]) tags(state any) (tags []store.Tag, err error) {
	if t.d.Tags == nil || state == nil {
		return nil, nil
	}
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("projection %s: Tags panicked: %w", t.d.Name, panicError(v))
		}
	}()
	return normalizeTags(t.d.Tags(state.(*S)))
}

func (t typed[S]) encode(state any) (json.RawMessage, error) {
	return json.Marshal(state.(*S))
}

func (t typed[S]) decode(data json.RawMessage) (any, error) {
	s := new(S)
	if err := json.Unmarshal(data, s); err != nil {
		return nil, err
	}
	return s, nil
}

// validTag checks a read-model tag: the same rules as event tags.
func validTag(t store.Tag) error {
	switch {
	case t.Key == "":
		return fmt.Errorf("%w: empty key (value %q)", ErrInvalidTag, t.Value)
	case strings.Contains(t.Key, ":"):
		return fmt.Errorf("%w: key %q contains ':'", ErrInvalidTag, t.Key)
	case !utf8.ValidString(t.Key) || !utf8.ValidString(t.Value):
		return fmt.Errorf("%w: %q is not valid UTF-8", ErrInvalidTag, t.String())
	}
	return nil
}

// normalizeTags validates tags and returns them sorted without duplicates.
func normalizeTags(tags []store.Tag) ([]store.Tag, error) {
	for _, t := range tags {
		if err := validTag(t); err != nil {
			return nil, err
		}
	}
	out := slices.Clone(tags)
	slices.SortFunc(out, compareTags)
	return slices.Compact(out), nil
}

func compareTags(a, b store.Tag) int {
	if c := strings.Compare(a.Key, b.Key); c != 0 {
		return c
	}
	return strings.Compare(a.Value, b.Value)
}
