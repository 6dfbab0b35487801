package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
)

// QueryItem selects events by type and tags. An event matches an item when
// its type is one of Types (or Types is empty) AND it carries every tag in
// Tags (or Tags is empty). An item with neither types nor tags is invalid:
// it is neither "nothing" nor "everything".
type QueryItem struct {
	Types []string `json:"types,omitempty"`
	Tags  []Tag    `json:"tags,omitempty"`
}

// Query selects events: either all events (All) or the events matching at
// least one of its items. The zero Query has no items and is invalid; use
// All to select everything, so that "everything" is never an accident.
type Query struct {
	all   bool
	items []QueryItem
	err   error // set by Union when a part is invalid
}

// All returns the query that matches every event.
func All() Query { return Query{all: true} }

// Items returns a query matching events that match any of items.
func Items(items ...QueryItem) Query {
	return Query{items: slices.Clone(items)}
}

// Types returns a query with one item matching events of any of types.
func Types(types ...string) Query {
	return Items(QueryItem{Types: types})
}

// Tagged returns a query with one item matching events carrying all of tags.
func Tagged(tags ...Tag) Query {
	return Items(QueryItem{Tags: tags})
}

// TypesTagged returns a query with one item matching events of one of types
// that carry all of tags.
func TypesTagged(types []string, tags ...Tag) Query {
	return Items(QueryItem{Types: types, Tags: tags})
}

// Or returns a query matching what q or any of items matches. All().Or(...)
// is All().
func (q Query) Or(items ...QueryItem) Query {
	if q.all || q.err != nil {
		return q
	}
	return Query{items: append(slices.Clone(q.items), items...)}
}

// Union returns a query matching what any of qs matches; if any of them is
// All, the union is All. If any part is invalid, so is the union: its
// Validate reports the first invalid part.
func Union(qs ...Query) Query {
	var u Query
	for i, q := range qs {
		if err := q.Validate(); err != nil {
			return Query{err: fmt.Errorf("union part %d: %w", i, err)}
		}
	}
	for _, q := range qs {
		if q.all {
			return All()
		}
		u.items = append(u.items, q.items...)
	}
	return u
}

// IsAll reports whether q matches every event.
func (q Query) IsAll() bool { return q.all }

// QueryItems returns a copy of q's items; nil for All.
func (q Query) QueryItems() []QueryItem { return slices.Clone(q.items) }

// Validate reports whether q can be evaluated. It returns an error wrapping
// ErrInvalidQuery when q has no items and is not All, when an item has
// neither types nor tags, or when a type or tag key is empty.
func (q Query) Validate() error {
	if q.err != nil {
		return q.err
	}
	if q.all {
		return nil
	}
	if len(q.items) == 0 {
		return fmt.Errorf("%w: no items (use store.All() to select every event)", ErrInvalidQuery)
	}
	for i, it := range q.items {
		if len(it.Types) == 0 && len(it.Tags) == 0 {
			return fmt.Errorf("%w: item %d has neither types nor tags", ErrInvalidQuery, i)
		}
		for _, t := range it.Types {
			if t == "" {
				return fmt.Errorf("%w: item %d has an empty type", ErrInvalidQuery, i)
			}
		}
		for _, t := range it.Tags {
			if t.Key == "" {
				return fmt.Errorf("%w: item %d has a tag with an empty key", ErrInvalidQuery, i)
			}
		}
	}
	return nil
}

// Matches reports whether e matches q. It is the single definition of query
// semantics: every store implementation selects exactly the events for
// which Matches is true. An invalid query matches nothing.
func (q Query) Matches(e *Event) bool {
	if q.all {
		return true
	}
	for i := range q.items {
		if q.items[i].matches(e) {
			return true
		}
	}
	return false
}

func (it *QueryItem) matches(e *Event) bool {
	if len(it.Types) == 0 && len(it.Tags) == 0 {
		return false
	}
	if len(it.Types) > 0 && !slices.Contains(it.Types, e.Type) {
		return false
	}
	for _, t := range it.Tags {
		if !e.HasTag(t) {
			return false
		}
	}
	return true
}

// String renders q compactly, for messages: "all events", or items joined
// by " OR " such as "(StudentRegistered|CourseCreated)[courseId:c-1]".
func (q Query) String() string {
	if q.all {
		return "all events"
	}
	if len(q.items) == 0 {
		return "empty query"
	}
	parts := make([]string, len(q.items))
	for i, it := range q.items {
		var b strings.Builder
		if len(it.Types) > 0 {
			b.WriteString("(" + strings.Join(it.Types, "|") + ")")
		}
		if len(it.Tags) > 0 {
			ts := make([]string, len(it.Tags))
			for j, t := range it.Tags {
				ts[j] = t.String()
			}
			b.WriteString("[" + strings.Join(ts, ",") + "]")
		}
		parts[i] = b.String()
	}
	return strings.Join(parts, " OR ")
}

type queryJSON struct {
	All   bool        `json:"all,omitempty"`
	Items []QueryItem `json:"items,omitempty"`
}

// MarshalJSON encodes q as {"all":true} or {"items":[{"types":[...],"tags":[...]}]}.
func (q Query) MarshalJSON() ([]byte, error) {
	return json.Marshal(queryJSON{All: q.all, Items: q.items})
}

// UnmarshalJSON decodes the form written by MarshalJSON. It does not
// validate the result; call Validate.
func (q *Query) UnmarshalJSON(b []byte) error {
	var j queryJSON
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&j); err != nil {
		return fmt.Errorf("%w: %v", ErrInvalidQuery, err)
	}
	// One value only: "{...} garbage" is not a query.
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("%w: data after the query", ErrInvalidQuery)
	}
	if j.All && len(j.Items) > 0 {
		return fmt.Errorf("%w: \"all\" and \"items\" are exclusive", ErrInvalidQuery)
	}
	*q = Query{all: j.All, items: j.Items}
	return nil
}

// ParseQuery parses a JSON query (see Query.MarshalJSON) and validates it.
func ParseQuery(b []byte) (Query, error) {
	var q Query
	if err := q.UnmarshalJSON(b); err != nil {
		return Query{}, err
	}
	return q, q.Validate()
}
