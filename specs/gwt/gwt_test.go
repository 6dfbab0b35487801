package gwt_test

import (
	"context"
	"errors"
	"os"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/specs/gwt"
	"github.com/opossum-go/opossum/specs/matchers"
	"github.com/opossum-go/opossum/store"
)

var (
	course1       = store.NewTag("courseId", "c-1")
	courseDefined = store.Event{Type: "CourseDefined", Tags: []store.Tag{course1}}
	subscribed    = store.Event{Type: "StudentSubscribed", Tags: []store.Tag{course1, store.NewTag("studentId", "s-1")}}
	errCourseFull = errors.New("course is full")
)

// appending returns a When action that appends events without a condition.
func appending(events ...store.Event) func(context.Context, store.EventStore) error {
	return func(ctx context.Context, s store.EventStore) error {
		_, err := s.Append(ctx, events, nil)
		return err
	}
}

// failing returns a When action that appends nothing and returns err.
func failing(err error) func(context.Context, store.EventStore) error {
	return func(context.Context, store.EventStore) error { return err }
}

// useFactory makes gwt.OpenStore f for the current spec.
func useFactory(f gwt.Factory) {
	previous := gwt.OpenStore
	gwt.OpenStore = f
	DeferCleanup(func() { gwt.OpenStore = previous })
}

// failures returns the Gomega failure messages f produces, joined.
func failures(f func()) string {
	return strings.Join(InterceptGomegaFailures(f), "\n")
}

var _ = Describe("NewStore", func() {
	It("opens an empty store", func(ctx SpecContext) {
		s := gwt.NewStore()
		Expect(s.Head(ctx)).To(BeZero())
	})

	It("opens the store with OpenStore, in a new empty folder", func() {
		var dir string
		useFactory(func(d string) (store.EventStore, error) {
			dir = d
			return store.NewMemory(), nil
		})
		gwt.NewStore()
		Expect(dir).To(BeADirectory())
		Expect(os.ReadDir(dir)).To(BeEmpty())
	})

	It("fails the spec, naming the cause, when OpenStore fails", func() {
		useFactory(func(string) (store.EventStore, error) { return nil, errors.New("disk on fire") })
		Expect(failures(func() { gwt.NewStore() })).To(Equal("gwt: could not open a store: disk on fire"))
	})

	It("fails the spec when OpenStore returns no store", func() {
		useFactory(func(string) (store.EventStore, error) { return nil, nil })
		Expect(failures(func() { gwt.NewStore() })).To(ContainSubstring("OpenStore returned no store"))
	})

	Context("when the spec ends", Ordered, func() {
		var s store.EventStore

		It("leaves the store open during the spec", func(ctx SpecContext) {
			s = gwt.NewStore()
			Expect(s.Head(ctx)).To(BeZero())
		})

		It("has closed the store", func(ctx SpecContext) {
			_, err := s.Head(ctx)
			Expect(err).To(MatchError(store.ErrClosed))
		})
	})
})

var _ = Describe("Scenario", func() {
	It("appends the Given events before When runs", func(ctx SpecContext) {
		var seen []store.StoredEvent
		gwt.NewScenario(ctx).
			Given(courseDefined).
			Given(subscribed).
			When(func(ctx context.Context, s store.EventStore) error {
				var err error
				seen, err = store.ReadAll(ctx, s, store.All())
				return err
			}).
			ThenNothingAppended()
		Expect(seen).To(matchers.HaveEventTypes("CourseDefined", "StudentSubscribed"))
	})

	It("appends nothing for a Given without events", func(ctx SpecContext) {
		sc := gwt.NewScenario(ctx).Given()
		Expect(sc.Store()).To(matchers.HaveAppended())
	})

	It("runs on a store from OpenStore", func(ctx SpecContext) {
		opened := 0
		useFactory(func(string) (store.EventStore, error) { opened++; return store.NewMemory(), nil })
		gwt.NewScenario(ctx)
		Expect(opened).To(Equal(1))
	})

	Describe("ThenAppended", func() {
		It("passes when When appended exactly those types, ignoring the Given events", func(ctx SpecContext) {
			sc := gwt.NewScenario(ctx).
				Given(courseDefined).
				When(appending(subscribed, subscribed)).
				ThenAppended("StudentSubscribed", "StudentSubscribed")
			Expect(sc.Appended()).To(matchers.HavePositions(2, 3))
		})

		It("fails when When appended other types, showing what it appended", func(ctx SpecContext) {
			sc := gwt.NewScenario(ctx).Given(courseDefined).When(appending(subscribed))
			msg := failures(func() { sc.ThenAppended("CourseDefined") })
			Expect(msg).To(HavePrefix("When appended other events than expected\n" +
				"expected the events to have the types [CourseDefined] in this order, but they have the types [StudentSubscribed]:"))
			Expect(msg).To(ContainSubstring("studentId:s-1"))
		})

		It("fails when When returned an error, naming it", func(ctx SpecContext) {
			sc := gwt.NewScenario(ctx).When(failing(errCourseFull))
			Expect(failures(func() { sc.ThenAppended("StudentSubscribed") })).To(Equal(
				"expected When to append [StudentSubscribed], but it returned an error: course is full"))
			Expect(sc.UnexpectedError()).NotTo(HaveOccurred())
		})
	})

	Describe("ThenNothingAppended", func() {
		It("passes when When appended nothing", func(ctx SpecContext) {
			gwt.NewScenario(ctx).Given(courseDefined).When(failing(nil)).ThenNothingAppended()
		})

		It("fails when When appended, listing the events", func(ctx SpecContext) {
			sc := gwt.NewScenario(ctx).Given(courseDefined).When(appending(subscribed))
			msg := failures(func() { sc.ThenNothingAppended() })
			Expect(msg).To(HavePrefix("expected When to append nothing, but it appended:\n    POSITION"))
			Expect(msg).To(ContainSubstring("StudentSubscribed"))
			Expect(msg).NotTo(ContainSubstring("CourseDefined"))
		})
	})

	Describe("ThenError", func() {
		It("passes for an append rejected by its condition", func(ctx SpecContext) {
			gwt.NewScenario(ctx).
				Given(courseDefined, subscribed).
				When(func(ctx context.Context, s store.EventStore) error {
					_, err := store.AppendOne(ctx, s, subscribed, store.Guard(store.Tagged(course1), 1))
					return err
				}).
				ThenError(store.ErrAppendConditionFailed).
				ThenNothingAppended()
		})

		It("fails when When succeeded", func(ctx SpecContext) {
			sc := gwt.NewScenario(ctx).When(appending(courseDefined))
			Expect(failures(func() { sc.ThenError(errCourseFull) })).To(Equal(
				`expected When to fail with "course is full", but it returned no error`))
		})

		It("fails when When failed with another error, naming it", func(ctx SpecContext) {
			sc := gwt.NewScenario(ctx).When(appending(store.Event{Type: " "}))
			Expect(failures(func() { sc.ThenError(errCourseFull) })).To(HavePrefix(
				`expected When to fail with "course is full", but it failed with another error: store: invalid event`))
		})

		It("with nil, passes only when When succeeded", func(ctx SpecContext) {
			gwt.NewScenario(ctx).When(failing(nil)).ThenError(nil)
			sc := gwt.NewScenario(ctx).When(failing(errCourseFull))
			Expect(failures(func() { sc.ThenError(nil) })).To(Equal(
				"expected When to succeed, but it returned an error: course is full"))
		})
	})

	Describe("an error from When", func() {
		It("counts as unexpected until a ThenError looks at it", func(ctx SpecContext) {
			sc := gwt.NewScenario(ctx).When(failing(errCourseFull)).ThenNothingAppended()
			Expect(sc.UnexpectedError()).To(MatchError(errCourseFull))
			Expect(sc.UnexpectedError()).To(MatchError(ContainSubstring("no ThenError expected")))
			sc.ThenError(errCourseFull)
			Expect(sc.UnexpectedError()).NotTo(HaveOccurred())
		})
	})

	Describe("misuse", func() {
		It("refuses to run When twice", func(ctx SpecContext) {
			runs := 0
			action := func(context.Context, store.EventStore) error { runs++; return nil }
			sc := gwt.NewScenario(ctx).When(action)
			Expect(failures(func() { sc.When(action) })).To(Equal("gwt: When may run only once per scenario"))
			Expect(runs).To(Equal(1))
		})

		It("refuses a Given after When", func(ctx SpecContext) {
			sc := gwt.NewScenario(ctx).When(failing(nil))
			Expect(failures(func() { sc.Given(courseDefined) })).To(Equal("gwt: Given must come before When"))
			Expect(sc.Store()).To(matchers.HaveAppended())
		})

		It("refuses a Then before When", func(ctx SpecContext) {
			sc := gwt.NewScenario(ctx)
			Expect(failures(func() { sc.ThenNothingAppended() })).To(Equal("gwt: call When before ThenNothingAppended"))
			Expect(failures(func() { sc.ThenAppended() })).To(Equal("gwt: call When before ThenAppended"))
			Expect(failures(func() { sc.ThenError(nil) })).To(Equal("gwt: call When before ThenError"))
		})
	})

	Describe("the failure report", func() {
		It("shows the events in the store and which ones were there before When", func(ctx SpecContext) {
			sc := gwt.NewScenario(ctx).Given(courseDefined).When(appending(subscribed))
			text := gwt.DescribeStore(ctx, sc.Store(), sc)
			Expect(text).To(HavePrefix("positions 1 to 1 were there before When; later ones were appended by When\n    POSITION"))
			Expect(text).To(ContainSubstring("CourseDefined"))
			Expect(text).To(ContainSubstring("StudentSubscribed"))
		})

		It("says when the store was empty before When", func(ctx SpecContext) {
			sc := gwt.NewScenario(ctx).When(appending(subscribed))
			Expect(gwt.DescribeStore(ctx, sc.Store(), sc)).To(HavePrefix("the store was empty before When"))
		})

		It("says when the store cannot be read", func(ctx SpecContext) {
			s := store.NewMemory()
			Expect(s.Close()).To(Succeed())
			Expect(gwt.DescribeStore(ctx, s, nil)).To(Equal("(could not read the store: store: closed)"))
		})
	})
})
