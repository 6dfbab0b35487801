package matchers_test

import (
	"context"
	"fmt"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/specs/matchers"
	"github.com/opossum-go/opossum/store"
)

var (
	course1 = store.NewTag("courseId", "c-1")
	course2 = store.NewTag("courseId", "c-2")
)

// seeded returns a memory store holding CourseDefined(c-1),
// StudentSubscribed(c-1) and CourseDefined(c-2), closed at cleanup.
func seeded(ctx context.Context) store.EventStore {
	GinkgoHelper()
	s := store.NewMemory()
	DeferCleanup(s.Close)
	_, err := s.Append(ctx, []store.Event{
		{Type: "CourseDefined", Tags: []store.Tag{course1}, Data: []byte(`{"capacity":10}`)},
		{Type: "StudentSubscribed", Tags: []store.Tag{course1, store.NewTag("studentId", "s-1")}},
		{Type: "CourseDefined", Tags: []store.Tag{course2}},
	}, nil)
	Expect(err).NotTo(HaveOccurred())
	return s
}

// failureOf returns the failure message Expect(actual).To(m) produces, or
// "" when the assertion passes.
func failureOf(actual any, m OmegaMatcher) string {
	GinkgoHelper()
	failures := InterceptGomegaFailures(func() { Expect(actual).To(m) })
	Expect(len(failures)).To(BeNumerically("<=", 1))
	return strings.Join(failures, "")
}

// negatedFailureOf returns the failure message Expect(actual).NotTo(m)
// produces, or "" when the assertion passes.
func negatedFailureOf(actual any, m OmegaMatcher) string {
	GinkgoHelper()
	failures := InterceptGomegaFailures(func() { Expect(actual).NotTo(m) })
	Expect(len(failures)).To(BeNumerically("<=", 1))
	return strings.Join(failures, "")
}

var _ = Describe("BeRejectedByCondition", func() {
	It("accepts the error of an append whose condition failed", func(ctx SpecContext) {
		s := seeded(ctx)
		_, err := store.AppendOne(ctx, s, store.Event{Type: "CourseDefined"},
			store.Guard(store.Tagged(course1), 0))
		Expect(failureOf(err, matchers.BeRejectedByCondition())).To(BeEmpty())
	})

	It("accepts an error that wraps store.ErrAppendConditionFailed", func() {
		err := fmt.Errorf("subscribe student: %w", store.ErrAppendConditionFailed)
		Expect(failureOf(err, matchers.BeRejectedByCondition())).To(BeEmpty())
	})

	It("fails for an append that succeeded, saying so", func() {
		Expect(failureOf(nil, matchers.BeRejectedByCondition())).To(Equal(
			"expected the append to be rejected by its append condition, but it succeeded"))
	})

	It("fails for an append that failed for another reason, naming the error", func() {
		err := fmt.Errorf("%w: event 0 has an empty type", store.ErrInvalidEvent)
		Expect(failureOf(err, matchers.BeRejectedByCondition())).To(Equal(
			"expected the append to be rejected by its append condition, but it failed with another error: store: invalid event: event 0 has an empty type"))
	})

	It("fails negated for a rejected append, naming the conflict", func(ctx SpecContext) {
		s := seeded(ctx)
		_, err := store.AppendOne(ctx, s, store.Event{Type: "X"}, store.Guard(store.Types("CourseDefined"), 1))
		Expect(negatedFailureOf(err, matchers.BeRejectedByCondition())).To(HavePrefix(
			"expected the append not to be rejected by its append condition, but it was rejected: store: append condition failed: event at position 3"))
	})

	It("refuses an actual value that is not an error", func() {
		_, err := matchers.BeRejectedByCondition().Match("boom")
		Expect(err).To(MatchError(ContainSubstring("expected an error")))
	})
})

var _ = Describe("BeRejectedByConditionAt", func() {
	It("accepts a rejection that names the given conflicting position", func(ctx SpecContext) {
		s := seeded(ctx)
		_, err := store.AppendOne(ctx, s, store.Event{Type: "X"}, store.Guard(store.Tagged(course2), 0))
		Expect(failureOf(err, matchers.BeRejectedByConditionAt(3))).To(BeEmpty())
	})

	It("fails for a rejection that names another position", func(ctx SpecContext) {
		s := seeded(ctx)
		_, err := store.AppendOne(ctx, s, store.Event{Type: "X"}, store.Guard(store.Tagged(course2), 0))
		Expect(failureOf(err, matchers.BeRejectedByConditionAt(2))).To(HavePrefix(
			"expected the append to be rejected by its append condition because of the event at position 2, but the store named position 3"))
	})

	It("fails for an error that carries no position", func() {
		Expect(failureOf(store.ErrAppendConditionFailed, matchers.BeRejectedByConditionAt(1))).To(
			ContainSubstring("but it was rejected: store: append condition failed"))
	})
})

var _ = Describe("HaveEventTypes", func() {
	var events []store.StoredEvent

	BeforeEach(func(ctx SpecContext) {
		var err error
		events, err = store.ReadAll(ctx, seeded(ctx), store.All())
		Expect(err).NotTo(HaveOccurred())
	})

	It("accepts the events' types in position order", func() {
		Expect(failureOf(events, matchers.HaveEventTypes("CourseDefined", "StudentSubscribed", "CourseDefined"))).To(BeEmpty())
	})

	It("fails when the order differs, showing the events as a table", func() {
		msg := failureOf(events, matchers.HaveEventTypes("StudentSubscribed", "CourseDefined", "CourseDefined"))
		Expect(msg).To(HavePrefix("expected the events to have the types [StudentSubscribed CourseDefined CourseDefined] in this order, " +
			"but they have the types [CourseDefined StudentSubscribed CourseDefined]:\n"))
		Expect(msg).To(ContainSubstring("POSITION"))
		Expect(msg).To(ContainSubstring("courseId:c-1, studentId:s-1"))
	})

	It("fails when an event is missing", func() {
		Expect(failureOf(events[:2], matchers.HaveEventTypes("CourseDefined", "StudentSubscribed", "CourseDefined"))).NotTo(BeEmpty())
	})

	It("accepts unstored events ([]store.Event) too", func() {
		Expect(failureOf([]store.Event{{Type: "A"}, {Type: "B"}}, matchers.HaveEventTypes("A", "B"))).To(BeEmpty())
		Expect(failureOf([]store.Event{{Type: "A"}}, matchers.HaveEventTypes("B"))).NotTo(BeEmpty())
	})

	It("with no types, accepts only no events", func() {
		Expect(failureOf([]store.StoredEvent(nil), matchers.HaveEventTypes())).To(BeEmpty())
		Expect(failureOf(events, matchers.HaveEventTypes())).NotTo(BeEmpty())
	})

	It("refuses an actual value that is not a slice of events", func() {
		_, err := matchers.HaveEventTypes("A").Match([]string{"A"})
		Expect(err).To(HaveOccurred())
	})
})

var _ = Describe("HavePositions", func() {
	It("accepts the events' positions in order", func(ctx SpecContext) {
		events, err := store.ReadAll(ctx, seeded(ctx), store.All(), store.Backwards())
		Expect(err).NotTo(HaveOccurred())
		Expect(failureOf(events, matchers.HavePositions(3, 2, 1))).To(BeEmpty())
	})

	It("fails for other positions, listing the actual ones", func(ctx SpecContext) {
		events, err := store.ReadAll(ctx, seeded(ctx), store.Types("CourseDefined"))
		Expect(err).NotTo(HaveOccurred())
		Expect(failureOf(events, matchers.HavePositions(1, 2))).To(HavePrefix(
			"expected the events to have the positions [1 2] in this order, but they have the positions [1 3]:\n"))
	})
})

var _ = Describe("HaveTag", func() {
	event := store.StoredEvent{Position: 7, Event: store.Event{Type: "StudentSubscribed", Tags: []store.Tag{course1}}}

	It("accepts an event carrying the tag", func() {
		Expect(failureOf(event, matchers.HaveTag(course1))).To(BeEmpty())
		Expect(failureOf(&event, matchers.HaveTag(course1))).To(BeEmpty())
		Expect(failureOf(event.Event, matchers.HaveTag(course1))).To(BeEmpty())
	})

	It("fails for an event without the tag, listing the tags it has", func() {
		Expect(failureOf(event, matchers.HaveTag(course2))).To(Equal(
			"expected the event to carry the tag courseId:c-2, but the StudentSubscribed event carries the tags [courseId:c-1]"))
	})

	It("compares values case-sensitively", func() {
		Expect(failureOf(event, matchers.HaveTag(store.NewTag("courseId", "C-1")))).NotTo(BeEmpty())
	})

	It("composes with HaveEach over a slice of events", func(ctx SpecContext) {
		events, err := store.ReadAll(ctx, seeded(ctx), store.All())
		Expect(err).NotTo(HaveOccurred())
		Expect(failureOf(events[:2], HaveEach(matchers.HaveTag(course1)))).To(BeEmpty())
		Expect(failureOf(events, HaveEach(matchers.HaveTag(course1)))).NotTo(BeEmpty())
	})

	It("refuses a nil event", func() {
		_, err := matchers.HaveTag(course1).Match((*store.StoredEvent)(nil))
		Expect(err).To(HaveOccurred())
	})
})

var _ = Describe("HaveAppended", func() {
	It("accepts a store holding exactly those types in order", func(ctx SpecContext) {
		Expect(failureOf(seeded(ctx), matchers.HaveAppended("CourseDefined", "StudentSubscribed", "CourseDefined"))).To(BeEmpty())
	})

	It("fails for a store holding other events, showing them", func(ctx SpecContext) {
		msg := failureOf(seeded(ctx), matchers.HaveAppended("CourseDefined"))
		Expect(msg).To(HavePrefix("expected the store to hold events of the types [CourseDefined] in this order, " +
			"but it holds the types [CourseDefined StudentSubscribed CourseDefined]:\n"))
		Expect(msg).To(ContainSubstring(`{"capacity":10}`))
	})

	It("with no types, accepts only an empty store", func(ctx SpecContext) {
		empty := store.NewMemory()
		DeferCleanup(empty.Close)
		Expect(failureOf(empty, matchers.HaveAppended())).To(BeEmpty())
		Expect(failureOf(seeded(ctx), matchers.HaveAppended())).NotTo(BeEmpty())
	})

	It("reports a store it cannot read as an error", func() {
		closed := store.NewMemory()
		Expect(closed.Close()).To(Succeed())
		_, err := matchers.HaveAppended().Match(closed)
		Expect(err).To(MatchError(store.ErrClosed))
	})
})

var _ = Describe("FormatEvents", func() {
	It("renders one aligned line per event under a header", func() {
		out := matchers.FormatEvents([]store.StoredEvent{
			{Position: 1, Event: store.Event{Type: "CourseDefined", Tags: []store.Tag{course1}, Data: []byte(`{ "capacity": 10 }`)}},
			{Position: 12, Event: store.Event{Type: "StudentSubscribed", Tags: []store.Tag{course1, store.NewTag("studentId", "s-1")}, Data: []byte(`{}`)}},
		})
		Expect(strings.Split(out, "\n")).To(Equal([]string{
			"    POSITION  TYPE               TAGS                         DATA",
			`    1         CourseDefined      courseId:c-1                 {"capacity":10}`,
			`    12        StudentSubscribed  courseId:c-1, studentId:s-1  {}`,
		}))
	})

	It("says so when there are no events", func() {
		Expect(matchers.FormatEvents(nil)).To(Equal("    (no events)"))
	})

	It("cuts long data so that each event stays on one line", func() {
		long := `{"text":"` + strings.Repeat("x", 500) + `"}`
		out := matchers.FormatEvents([]store.StoredEvent{{Position: 1, Event: store.Event{Type: "Noted", Data: []byte(long)}}})
		Expect(strings.Count(out, "\n")).To(Equal(1))
		Expect(out).To(HaveSuffix("…"))
		Expect(len(out)).To(BeNumerically("<", 200))
	})

	It("marks events without a position", func() {
		Expect(matchers.FormatEvents([]store.StoredEvent{{Event: store.Event{Type: "A"}}})).To(ContainSubstring("    -  "))
	})
})
