// Package matchers holds Gomega matchers that speak the language of event
// sourcing, so that a failing spec says what went wrong with the events
// rather than which two values differ.
//
//	pos, err := store.AppendOne(ctx, s, registered, store.Guard(q, last))
//	Expect(err).To(matchers.BeRejectedByCondition())
//
//	events, err := store.ReadAll(ctx, s, store.All())
//	Expect(err).NotTo(HaveOccurred())
//	Expect(events).To(matchers.HaveEventTypes("CourseDefined", "StudentSubscribed"))
//	Expect(events).To(matchers.HavePositions(1, 2))
//	Expect(events).To(HaveEach(matchers.HaveTag(store.NewTag("courseId", "c-1"))))
//	Expect(s).To(matchers.HaveAppended("CourseDefined", "StudentSubscribed"))
//
// A failure reads like a sentence and shows the events involved as a table
// (see FormatEvents):
//
//	expected the append to be rejected by its append condition, but it succeeded
//
// Every matcher also works negated (NotTo), with the same wording.
package matchers

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	"github.com/onsi/gomega/gcustom"
	"github.com/onsi/gomega/types"

	"github.com/opossum-go/opossum/store"
)

// readTimeout bounds the read HaveAppended makes of a store.
const readTimeout = 10 * time.Second

// outcome is shared between a matcher's match function and its failure
// template: the match function records, in neutral words, what the actual
// value turned out to be, and the template uses it after "but".
type outcome struct {
	// Expect is the positive expectation ("to have types [A B]").
	Expect string
	// Negated is the negated expectation ("not to have types [A B]").
	Negated string
	// Subject names the actual value ("the events", "the append").
	Subject string
	// Why describes the actual value ("they have types [A C]").
	Why string
	// Detail, when set, follows on the next lines (a table of events).
	Detail string
}

const failureTemplate = "expected {{.Data.Subject}} {{if .Failure}}{{.Data.Expect}}{{else}}{{.Data.Negated}}{{end}}, but {{.Data.Why}}" +
	"{{if .Data.Detail}}:\n{{.Data.Detail}}{{end}}"

// describe builds a matcher whose match function reports, besides the
// result, a description of the actual value for the failure message.
func describe(subject, expect, negated string, match func(actual any, o *outcome) (bool, error)) types.GomegaMatcher {
	o := &outcome{Subject: subject, Expect: expect, Negated: negated}
	return gcustom.MakeMatcher(func(actual any) (bool, error) {
		o.Why, o.Detail = "", ""
		return match(actual, o)
	}).WithTemplate(failureTemplate, o)
}

// BeRejectedByCondition succeeds when the actual error is (or wraps)
// store.ErrAppendConditionFailed: the append was refused because an event
// matching its condition's query exists after the condition's After.
//
//	_, err := s.Append(ctx, events, store.Guard(q, last))
//	Expect(err).To(matchers.BeRejectedByCondition())
func BeRejectedByCondition() types.GomegaMatcher {
	return describe("the append",
		"to be rejected by its append condition",
		"not to be rejected by its append condition",
		func(actual any, o *outcome) (bool, error) {
			err, e := asError(actual)
			if e != nil {
				return false, e
			}
			o.Why = describeAppendError(err)
			return errors.Is(err, store.ErrAppendConditionFailed), nil
		})
}

// BeRejectedByConditionAt succeeds when the actual error is a
// *store.ConditionError (found with errors.As) whose Conflict is the given
// position: the store names the event that made the condition fail.
func BeRejectedByConditionAt(conflict store.Position) types.GomegaMatcher {
	return describe("the append",
		fmt.Sprintf("to be rejected by its append condition because of the event at position %d", conflict),
		fmt.Sprintf("not to be rejected by its append condition because of the event at position %d", conflict),
		func(actual any, o *outcome) (bool, error) {
			err, e := asError(actual)
			if e != nil {
				return false, e
			}
			o.Why = describeAppendError(err)
			var ce *store.ConditionError
			if !errors.As(err, &ce) {
				return false, nil
			}
			o.Why = fmt.Sprintf("the store named position %d: %v", ce.Conflict, err)
			return ce.Conflict == conflict, nil
		})
}

func asError(actual any) (error, error) {
	if actual == nil {
		return nil, nil
	}
	err, ok := actual.(error)
	if !ok {
		return nil, fmt.Errorf("expected an error (the result of an append), got %T", actual)
	}
	return err, nil
}

func describeAppendError(err error) string {
	switch {
	case err == nil:
		return "it succeeded"
	case errors.Is(err, store.ErrAppendConditionFailed):
		return fmt.Sprintf("it was rejected: %v", err)
	default:
		return fmt.Sprintf("it failed with another error: %v", err)
	}
}

// HaveEventTypes succeeds when the actual []store.StoredEvent or
// []store.Event has exactly these types, in this order. With no types it
// expects no events.
func HaveEventTypes(eventTypes ...string) types.GomegaMatcher {
	want := fmt.Sprint(eventTypes)
	return describe("the events",
		"to have the types "+want+" in this order",
		"not to have the types "+want+" in this order",
		func(actual any, o *outcome) (bool, error) {
			events, err := asStoredEvents(actual)
			if err != nil {
				return false, err
			}
			got := typesOf(events)
			o.Why = fmt.Sprintf("they have the types %v", got)
			o.Detail = FormatEvents(events)
			return slices.Equal(got, eventTypes), nil
		})
}

// HavePositions succeeds when the actual []store.StoredEvent has exactly
// these positions, in this order. With no positions it expects no events.
func HavePositions(positions ...store.Position) types.GomegaMatcher {
	want := fmt.Sprint(positions)
	return describe("the events",
		"to have the positions "+want+" in this order",
		"not to have the positions "+want+" in this order",
		func(actual any, o *outcome) (bool, error) {
			events, ok := actual.([]store.StoredEvent)
			if !ok {
				return false, fmt.Errorf("HavePositions expects []store.StoredEvent, got %T", actual)
			}
			got := make([]store.Position, len(events))
			for i, e := range events {
				got[i] = e.Position
			}
			o.Why = fmt.Sprintf("they have the positions %v", got)
			o.Detail = FormatEvents(events)
			return slices.Equal(got, positions), nil
		})
}

// HaveTag succeeds when the actual event (store.Event, store.StoredEvent,
// or a pointer to either) carries tag, compared by exact key and value.
// Combine it with HaveEach or ContainElement for slices of events.
func HaveTag(tag store.Tag) types.GomegaMatcher {
	return describe("the event",
		"to carry the tag "+tag.String(),
		"not to carry the tag "+tag.String(),
		func(actual any, o *outcome) (bool, error) {
			var e *store.Event
			switch v := actual.(type) {
			case store.Event:
				e = &v
			case *store.Event:
				e = v
			case store.StoredEvent:
				e = &v.Event
			case *store.StoredEvent:
				if v != nil {
					e = &v.Event
				}
			default:
				return false, fmt.Errorf("HaveTag expects a store.Event or store.StoredEvent, got %T", actual)
			}
			if e == nil {
				return false, errors.New("HaveTag got a nil event")
			}
			o.Why = fmt.Sprintf("the %s event carries the tags [%s]", e.Type, formatTags(e.Tags))
			return e.HasTag(tag), nil
		})
}

// HaveAppended succeeds when the actual store.EventStore holds exactly
// events of these types, in position order: everything appended to it so
// far, not only the last append. With no types it expects an empty store.
func HaveAppended(eventTypes ...string) types.GomegaMatcher {
	want := fmt.Sprint(eventTypes)
	return describe("the store",
		"to hold events of the types "+want+" in this order",
		"not to hold events of the types "+want+" in this order",
		func(actual any, o *outcome) (bool, error) {
			s, ok := actual.(store.EventStore)
			if !ok || s == nil {
				return false, fmt.Errorf("HaveAppended expects a store.EventStore, got %T", actual)
			}
			ctx, cancel := context.WithTimeout(context.Background(), readTimeout)
			defer cancel()
			events, err := store.ReadAll(ctx, s, store.All())
			if err != nil {
				return false, fmt.Errorf("HaveAppended could not read the store: %w", err)
			}
			got := typesOf(events)
			o.Why = fmt.Sprintf("it holds the types %v", got)
			o.Detail = FormatEvents(events)
			return slices.Equal(got, eventTypes), nil
		})
}

func typesOf(events []store.StoredEvent) []string {
	ts := make([]string, len(events))
	for i, e := range events {
		ts[i] = e.Type
	}
	return ts
}

func asStoredEvents(actual any) ([]store.StoredEvent, error) {
	switch v := actual.(type) {
	case []store.StoredEvent:
		return v, nil
	case []store.Event:
		out := make([]store.StoredEvent, len(v))
		for i, e := range v {
			out[i] = store.StoredEvent{Event: e}
		}
		return out, nil
	default:
		return nil, fmt.Errorf("expected []store.StoredEvent or []store.Event, got %T", actual)
	}
}

// maxDataWidth is how many characters of an event's data FormatEvents shows.
const maxDataWidth = 72

// FormatEvents renders events as an aligned table with one line per event:
// position, type, tags and data (long data is cut with "…"). Events that
// have no position yet (not stored) show "-". It renders an empty slice
// as "(no events)".
func FormatEvents(events []store.StoredEvent) string {
	if len(events) == 0 {
		return "    (no events)"
	}
	var b strings.Builder
	w := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "    POSITION\tTYPE\tTAGS\tDATA")
	for _, e := range events {
		pos := "-"
		if e.Position > 0 {
			pos = fmt.Sprint(e.Position)
		}
		fmt.Fprintf(w, "    %s\t%s\t%s\t%s\n", pos, e.Type, formatTags(e.Tags), shorten(compact(e.Data), maxDataWidth))
	}
	w.Flush()
	return strings.TrimRight(b.String(), "\n")
}

func formatTags(tags []store.Tag) string {
	s := make([]string, len(tags))
	for i, t := range tags {
		s[i] = t.String()
	}
	return strings.Join(s, ", ")
}

// compact removes insignificant whitespace from JSON data, and newlines
// from anything else, so that one event stays on one line.
func compact(data []byte) string {
	var b bytes.Buffer
	if err := json.Compact(&b, data); err == nil {
		return b.String()
	}
	return strings.NewReplacer("\n", " ", "\r", " ", "\t", " ").Replace(string(data))
}

func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
