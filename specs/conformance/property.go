package conformance

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/store"
)

// vocabulary is the small set of types and tags random events and queries
// draw from, small so that queries often match and conditions often clash.
type vocabulary struct {
	types []string
	tags  []store.Tag
}

func raceVocabulary() vocabulary {
	return vocabulary{
		types: []string{"A", "B", "C"},
		tags:  []store.Tag{store.NewTag("x", "1"), store.NewTag("x", "2"), store.NewTag("y", "1")},
	}
}

func propertyVocabulary() vocabulary {
	return vocabulary{
		types: []string{"A", "B", "C", "D"},
		tags: []store.Tag{
			store.NewTag("a", "1"), store.NewTag("a", "2"), store.NewTag("a", "1:2"),
			store.NewTag("b", "1"), store.NewTag("b", "2"), store.NewTag("c", "1"),
		},
	}
}

// pick returns up to n distinct elements of from, in random order.
func pick[T any](rng *rand.Rand, from []T, n int) []T {
	var out []T
	for _, i := range rng.Perm(len(from))[:min(n, len(from))] {
		out = append(out, from[i])
	}
	return out
}

// event returns an event of a random type with 0 to 3 distinct random tags.
func (v vocabulary) event(rng *rand.Rand) store.Event {
	return store.Event{
		Type: v.types[rng.IntN(len(v.types))],
		Tags: pick(rng, v.tags, rng.IntN(4)),
		Data: fmt.Appendf(nil, `{"r":%d}`, rng.IntN(1000)),
	}
}

// query returns a random valid query: All() now and then, otherwise one to
// three items, each with some types, some tags, or both.
func (v vocabulary) query(rng *rand.Rand) store.Query {
	if rng.IntN(20) == 0 {
		return store.All()
	}
	items := make([]store.QueryItem, 1+rng.IntN(3))
	for i := range items {
		var it store.QueryItem
		for len(it.Types) == 0 && len(it.Tags) == 0 {
			it = store.QueryItem{
				Types: pick(rng, v.types, rng.IntN(3)),
				Tags:  pick(rng, v.tags, rng.IntN(3)),
			}
		}
		items[i] = it
	}
	return store.Items(items...)
}

// readCase is a random read: its options, and a description of them.
type readCase struct {
	after     store.Position
	hasAfter  bool
	backwards bool
	limit     int
	hasLimit  bool
}

func randomRead(rng *rand.Rand, head store.Position) readCase {
	var c readCase
	if rng.IntN(3) > 0 {
		c.after, c.hasAfter = store.Position(rng.IntN(int(head)+3)), true
	}
	c.backwards = rng.IntN(2) == 0
	if rng.IntN(5) < 2 {
		c.limit, c.hasLimit = rng.IntN(12), true
	}
	return c
}

func (c readCase) options() []store.ReadOption {
	var opts []store.ReadOption
	if c.hasAfter {
		opts = append(opts, store.After(c.after))
	}
	if c.backwards {
		opts = append(opts, store.Backwards())
	}
	if c.hasLimit {
		opts = append(opts, store.Limit(c.limit))
	}
	return opts
}

func (c readCase) String() string {
	var parts []string
	if c.hasAfter {
		parts = append(parts, fmt.Sprintf("After(%d)", c.after))
	}
	if c.backwards {
		parts = append(parts, "Backwards()")
	}
	if c.hasLimit {
		parts = append(parts, fmt.Sprintf("Limit(%d)", c.limit))
	}
	if len(parts) == 0 {
		return "no options"
	}
	return strings.Join(parts, ", ")
}

// expect returns the positions a read of log with q and c must yield,
// computed by brute force with Query.Matches.
func (c readCase) expect(log []store.StoredEvent, q store.Query) []store.Position {
	var ps []store.Position
	for i := range log {
		if log[i].Position > c.after && q.Matches(&log[i].Event) {
			ps = append(ps, log[i].Position)
		}
	}
	if c.backwards {
		slices.Reverse(ps)
	}
	if c.hasLimit && len(ps) > c.limit {
		ps = ps[:c.limit]
	}
	return ps
}

// Sizes of CheckQueriesAgainstMatches.
const (
	propertyEvents  = 300
	propertyQueries = 400
)

// CheckQueriesAgainstMatches checks that s selects exactly the events
// store.Query.Matches selects. s must be empty. It appends a few hundred
// random events (types and tags from a small vocabulary, in random
// batches), then, for hundreds of random valid queries with random After,
// Backwards and Limit options, compares what Read and ReadLast return with
// a brute-force filter of the appended events, and checks that append
// conditions that must fail do fail, naming the newest match. Everything
// random derives from seed, so a failure replays with the same seed.
//
// It returns nil, or an error that names the seed and the first
// disagreement. It leaves the random events in s.
func CheckQueriesAgainstMatches(ctx context.Context, s store.EventStore, seed int64) error {
	fail := func(format string, args ...any) error {
		return fmt.Errorf("seed %d: %s", seed, fmt.Sprintf(format, args...))
	}
	head, err := s.Head(ctx)
	if err != nil {
		return fail("Head: %v", err)
	}
	if head != 0 {
		return fail("the store must be empty, its head is %d", head)
	}
	rng := rand.New(rand.NewPCG(uint64(seed), 0x0905503))
	vocab := propertyVocabulary()

	// Append random events; log is what the store must now hold.
	var log []store.StoredEvent
	for len(log) < propertyEvents {
		batch := make([]store.Event, 1+rng.IntN(5))
		for i := range batch {
			batch[i] = vocab.event(rng)
		}
		last, err := s.Append(ctx, batch, nil)
		if err != nil {
			return fail("Append: %v", err)
		}
		if want := store.Position(len(log) + len(batch)); last != want {
			return fail("Append returned position %d, want %d", last, want)
		}
		for _, e := range batch {
			log = append(log, store.StoredEvent{Position: store.Position(len(log) + 1), Event: e})
		}
	}
	head = store.Position(len(log))

	stored, err := store.ReadAll(ctx, s, store.All())
	if err != nil {
		return fail("Read(all events): %v", err)
	}
	if len(stored) != len(log) {
		return fail("Read(all events) yielded %d events, %d were appended", len(stored), len(log))
	}
	for i := range stored {
		got, want := stored[i], log[i]
		if got.Position != want.Position || got.Type != want.Type || !slices.Equal(got.Tags, want.Tags) {
			return fail("Read(all events) yielded %d %s %v at index %d, %d %s %v was appended",
				got.Position, got.Type, got.Tags, i, want.Position, want.Type, want.Tags)
		}
	}

	for range propertyQueries {
		q := vocab.query(rng)
		c := randomRead(rng, head)
		events, err := store.ReadAll(ctx, s, q, c.options()...)
		if err != nil {
			return fail("Read(%s, %s): %v", q, c, err)
		}
		if got, want := positionsOf(events), c.expect(log, q); !slices.Equal(got, want) {
			return fail("Read(%s, %s) yielded the positions %v, Query.Matches selects %v", q, c, got, want)
		}
		for _, e := range events {
			if !q.Matches(&e.Event) {
				return fail("Read(%s) yielded position %d (%s %v), which the query does not match", q, e.Position, e.Type, e.Tags)
			}
		}

		matches := readCase{}.expect(log, q)
		var newest store.Position
		if len(matches) > 0 {
			newest = matches[len(matches)-1]
		}
		last, err := s.ReadLast(ctx, q)
		if err != nil {
			return fail("ReadLast(%s): %v", q, err)
		}
		switch {
		case newest == 0 && last != nil:
			return fail("ReadLast(%s) returned position %d, Query.Matches selects no event", q, last.Position)
		case newest != 0 && (last == nil || last.Position != newest):
			return fail("ReadLast(%s) returned %v, Query.Matches selects position %d last", q, positionOf(last), newest)
		}

		// A condition with an After below the newest match must fail.
		if newest == 0 {
			continue
		}
		after := store.Position(rng.IntN(int(newest)))
		_, err = s.Append(ctx, []store.Event{vocab.event(rng)}, store.Guard(q, after))
		var ce *store.ConditionError
		if !errors.As(err, &ce) {
			return fail("Append guarded by %s after %d returned %v, but position %d matches", q, after, err, newest)
		}
		if ce.Conflict != newest {
			return fail("Append guarded by %s after %d was rejected naming position %d, the newest match is %d", q, after, ce.Conflict, newest)
		}
	}

	if h, err := s.Head(ctx); err != nil || h != head {
		return fail("after the rejected appends, Head is %d (%v), want %d", h, err, head)
	}
	return nil
}

func positionOf(e *store.StoredEvent) any {
	if e == nil {
		return "nil"
	}
	return e.Position
}

func describeProperties(h *harness) {
	Describe("query semantics", func() {
		It("select exactly the events Query.Matches selects, for random events, queries and read options", func(ctx SpecContext) {
			Expect(CheckQueriesAgainstMatches(ctx, h.s, seed())).To(Succeed())
		}, NodeTimeout(raceTimeout))
	})
}
