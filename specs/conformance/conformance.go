// Package conformance is the executable specification of a DCB event store:
// Ginkgo specs that every implementation of store.EventStore must pass,
// whatever it keeps its events in.
//
// An implementation runs them from a test suite of its own:
//
//	var _ = conformance.DescribeEventStore("file store", func(ctx context.Context) store.EventStore {
//		s, err := store.Open(GinkgoT().TempDir(), &store.Options{NoSync: true})
//		Expect(err).NotTo(HaveOccurred())
//		return s
//	})
//
// The factory is called once per spec, from a BeforeEach, and must return a
// new, empty store that uses the default options (in particular
// store.DefaultMaxEventSize). DescribeEventStore closes that store when the
// spec ends and expects Close to succeed; the factory must not close it,
// but may DeferCleanup whatever else it made (a folder, a server), which
// Ginkgo then runs after the close.
//
// The specs cover reading (after, backwards, limit), query semantics
// (types OR, tags AND, items OR), invalid queries, append conditions,
// event validation, what a stored event keeps, event ids and safe retries
// (ids.go), subscriptions, Close, and
// concurrent use: racing writers, stale conditions, and a randomized race
// of conditional writers whose log is then checked against every
// condition. CheckQueriesAgainstMatches is also exported on its own.
//
// Randomized specs print their seed on failure and take a fixed one from
// the environment variable named by SeedEnv.
package conformance

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/store"
)

// SeedEnv names the environment variable that fixes the seed of the
// randomized specs, to replay a failure: OPOSSUM_SEED=1234 go test ./...
// When it is unset, the seed is Ginkgo's random seed (--seed).
const SeedEnv = "OPOSSUM_SEED"

// Timeouts for specs that wait on other goroutines.
const (
	// waitTimeout bounds how long a spec waits for an event to arrive.
	waitTimeout = 3 * time.Second
	// specTimeout bounds a spec that could hang on a broken store.
	specTimeout = 10 * time.Second
	// raceTimeout bounds the concurrency specs.
	raceTimeout = 60 * time.Second
)

// DescribeEventStore declares the conformance specs for the EventStore
// implementation called name. factory returns a new, empty store for each
// spec; DescribeEventStore closes it when the spec ends (see the package
// documentation). It returns true so that it can be called at the top
// level of a test file: var _ = DescribeEventStore(...).
func DescribeEventStore(name string, factory func(ctx context.Context) store.EventStore) bool {
	return Describe("EventStore conformance: "+name, func() {
		h := &harness{}

		BeforeEach(func(ctx SpecContext) {
			h.s = factory(ctx)
			Expect(h.s).NotTo(BeNil(), "the factory returned no store")
			DeferCleanup(func() {
				Expect(h.s.Close()).To(Succeed(), "closing the store after the spec")
			})
			Expect(h.s.Head(ctx)).To(BeZero(), "the factory must return an empty store")
		})

		describeAppend(h)
		describeRead(h)
		describeQueries(h)
		describeInvalidQueries(h)
		describeReadLast(h)
		describeConditions(h)
		describeValidation(h)
		describeStoredEvents(h)
		describeIDs(h)
		describeSubscribe(h)
		describeClose(h)
		describeConcurrency(h)
		describeProperties(h)
	})
}

// harness holds the store of the current spec and the helpers the specs
// share. Its helpers fail the spec on any unexpected error.
type harness struct {
	s store.EventStore
}

// append appends events as one batch without a condition and returns the
// last position.
func (h *harness) append(ctx context.Context, events ...store.Event) store.Position {
	GinkgoHelper()
	p, err := h.s.Append(ctx, events, nil)
	Expect(err).NotTo(HaveOccurred())
	return p
}

// read collects a Read.
func (h *harness) read(ctx context.Context, q store.Query, opts ...store.ReadOption) []store.StoredEvent {
	GinkgoHelper()
	events, err := store.ReadAll(ctx, h.s, q, opts...)
	Expect(err).NotTo(HaveOccurred())
	return events
}

// positions returns the positions a Read yields, in the order it yields them.
func (h *harness) positions(ctx context.Context, q store.Query, opts ...store.ReadOption) []store.Position {
	GinkgoHelper()
	return positionsOf(h.read(ctx, q, opts...))
}

// head returns the store's head.
func (h *harness) head(ctx context.Context) store.Position {
	GinkgoHelper()
	p, err := h.s.Head(ctx)
	Expect(err).NotTo(HaveOccurred())
	return p
}

func positionsOf(events []store.StoredEvent) []store.Position {
	ps := make([]store.Position, len(events))
	for i, e := range events {
		ps[i] = e.Position
	}
	return ps
}

// span returns the positions from..to in increasing order; none when to
// is below from.
func span(from, to store.Position) []store.Position {
	ps := []store.Position{}
	for p := from; p <= to; p++ {
		ps = append(ps, p)
	}
	return ps
}

// down returns the positions from..to in decreasing order (from >= to >= 1).
func down(from, to store.Position) []store.Position {
	ps := []store.Position{}
	for p := from; p >= to && p > 0; p-- {
		ps = append(ps, p)
	}
	return ps
}

// The vocabulary of the fixed history most specs read.
const (
	courseDefined     = "CourseDefined"
	studentRegistered = "StudentRegistered"
	studentSubscribed = "StudentSubscribed"
	capacityChanged   = "CourseCapacityChanged"
)

var (
	course1  = store.NewTag("course", "c1")
	course2  = store.NewTag("course", "c2")
	student1 = store.NewTag("student", "s1")
	student2 = store.NewTag("student", "s2")
)

// ev returns an event of type typ with tags and empty data.
func ev(typ string, tags ...store.Tag) store.Event {
	return store.Event{Type: typ, Tags: tags}
}

// history appends, in three batches, the fixed history most reading specs
// use, and returns its head (8):
//
//	1 CourseDefined          course:c1
//	2 CourseDefined          course:c2
//	3 StudentRegistered      student:s1
//	4 StudentRegistered      student:s2
//	5 StudentSubscribed      course:c1 student:s1
//	6 StudentSubscribed      course:c2 student:s1
//	7 StudentSubscribed      student:s2 course:c1
//	8 CourseCapacityChanged  course:c1
func (h *harness) history(ctx context.Context) store.Position {
	GinkgoHelper()
	h.append(ctx, ev(courseDefined, course1), ev(courseDefined, course2))
	h.append(ctx, ev(studentRegistered, student1), ev(studentRegistered, student2))
	h.append(ctx,
		ev(studentSubscribed, course1, student1),
		ev(studentSubscribed, course2, student1),
		ev(studentSubscribed, student2, course1),
		ev(capacityChanged, course1))
	return 8
}

// seed returns the seed for a randomized spec and prints it when the spec
// fails (and in verbose mode).
func seed() int64 {
	GinkgoHelper()
	s := GinkgoRandomSeed()
	if v := os.Getenv(SeedEnv); v != "" {
		var err error
		s, err = strconv.ParseInt(v, 10, 64)
		Expect(err).NotTo(HaveOccurred(), "%s must be an integer", SeedEnv)
	}
	AddReportEntry("seed", fmt.Sprintf("%d (replay with %s=%d)", s, SeedEnv, s), ReportEntryVisibilityFailureOrVerbose)
	return s
}
