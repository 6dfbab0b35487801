// Package gwt writes event-sourcing specs as Given / When / Then:
//
//   - Given: the events already in the store (the past),
//   - When: the command under test, run against the store,
//   - Then: what it appended, or the error it returned.
//
// A Scenario opens a fresh, empty store for the spec it runs in and closes
// it when the spec ends. When the spec fails, the events in the store are
// added to the failure report as a table, so you can see what your code
// wrote:
//
//	It("does not subscribe a student twice to the same course", func(ctx SpecContext) {
//		gwt.NewScenario(ctx).
//			Given(courseDefined("c-1"), studentSubscribed("s-1", "c-1")).
//			When(func(ctx context.Context, s store.EventStore) error {
//				return Subscribe(ctx, s, "s-1", "c-1")
//			}).
//			ThenError(ErrAlreadySubscribed).
//			ThenNothingAppended()
//	})
//
// Then methods check only what happened during When: the Given events are
// not "appended". Appended returns those events for checks of your own, for
// example on their data or tags with the matchers package.
//
// An error returned by When must be expected with ThenError: a spec whose
// When failed without a ThenError fails when it ends, so a broken command
// never passes unnoticed because it "appended nothing".
//
// Stores are opened by OpenStore, a memory store by default. A suite can
// run every scenario on another store (the file store, for one) by setting
// OpenStore in a BeforeSuite.
package gwt

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/gomega"
	"github.com/onsi/gomega/gcustom"

	"github.com/opossum-go/opossum/specs/matchers"
	"github.com/opossum-go/opossum/store"
)

// Factory opens a fresh, empty store in dir, a new empty folder that is
// removed after the spec.
type Factory func(dir string) (store.EventStore, error)

// Memory is the Factory that returns store.NewMemory() and ignores dir.
func Memory(string) (store.EventStore, error) { return store.NewMemory(), nil }

// OpenStore is the Factory that NewStore and NewScenario use; Memory by
// default. Set it in a BeforeSuite to run every scenario on another
// store; Ginkgo runs specs of one process one at a time, so a suite-wide
// setting is safe.
var OpenStore Factory = Memory

// cleanupTimeout bounds the work done when a spec ends (reading the events
// for a failure report, closing the store).
const cleanupTimeout = 10 * time.Second

// NewStore opens a fresh, empty store with OpenStore in a new
// GinkgoT().TempDir(). It closes the store when the spec ends and, when
// the spec failed, adds the events in the store to the spec's report.
// Call it in a setup node or a spec.
func NewStore() store.EventStore {
	ginkgo.GinkgoHelper()
	s := openStore()
	if s != nil {
		reportOnFailure(s, nil)
	}
	return s
}

// openStore opens a store with OpenStore and closes it when the spec ends.
func openStore() store.EventStore {
	ginkgo.GinkgoHelper()
	s, err := OpenStore(ginkgo.GinkgoT().TempDir())
	if err == nil && s == nil {
		err = errors.New("OpenStore returned no store")
	}
	if !check(err == nil, fmt.Sprintf("gwt: could not open a store: %v", err)) {
		return nil
	}
	ginkgo.DeferCleanup(func() {
		if err := s.Close(); err != nil && !errors.Is(err, store.ErrClosed) {
			ginkgo.Fail(fmt.Sprintf("gwt: closing the store: %v", err))
		}
	})
	return s
}

// reportOnFailure adds the events in s to the report of a failed spec.
// When sc is not nil, the report says which events were there before When.
func reportOnFailure(s store.EventStore, sc *Scenario) {
	ginkgo.DeferCleanup(func(ctx ginkgo.SpecContext) {
		if ginkgo.CurrentSpecReport().Failed() {
			ginkgo.AddReportEntry("events in the store", describeStore(ctx, s, sc),
				ginkgo.ReportEntryVisibilityFailureOrVerbose)
		}
	}, ginkgo.NodeTimeout(cleanupTimeout))
}

// describeStore renders the events in s as a table, saying which ones were
// there before sc's When, when sc has run.
func describeStore(ctx context.Context, s store.EventStore, sc *Scenario) string {
	events, err := store.ReadAll(ctx, s, store.All())
	if err != nil {
		return fmt.Sprintf("(could not read the store: %v)", err)
	}
	table := matchers.FormatEvents(events)
	switch {
	case sc == nil || !sc.ran:
		return table
	case sc.given == 0:
		return "the store was empty before When; every event below was appended by When\n" + table
	default:
		return fmt.Sprintf("positions 1 to %d were there before When; later ones were appended by When\n%s", sc.given, table)
	}
}

// Scenario is one Given / When / Then spec. Create it with NewScenario in
// the spec (It) it belongs to; it must not outlive that spec. Its methods
// return the Scenario, so a spec reads as one sentence.
//
// A Scenario keeps the context it was created with and uses it for every
// store call, like an http.Request keeps its context: the scenario and the
// spec's context end together.
type Scenario struct {
	ctx        context.Context
	store      store.EventStore
	given      store.Position // the head when When started
	ran        bool           // When has run
	err        error          // what When returned
	errChecked bool           // ThenError looked at err
}

// NewScenario returns a scenario on a fresh, empty store (see NewStore),
// with ctx (usually the spec's SpecContext) for every store call.
func NewScenario(ctx context.Context) *Scenario {
	ginkgo.GinkgoHelper()
	sc := &Scenario{ctx: ctx, store: openStore()}
	if sc.store == nil {
		return sc
	}
	reportOnFailure(sc.store, sc)
	ginkgo.DeferCleanup(func() {
		if !ginkgo.CurrentSpecReport().Failed() {
			err := sc.unexpectedError()
			check(err == nil, fmt.Sprint(err))
		}
	})
	return sc
}

// Store returns the scenario's store, for building what When needs (a
// projection, a service) around it.
func (sc *Scenario) Store() store.EventStore { return sc.store }

// Given appends events to the store as one batch, without a condition:
// the history the command under test will find. Call it before When, as
// often as you like.
func (sc *Scenario) Given(events ...store.Event) *Scenario {
	ginkgo.GinkgoHelper()
	if !check(!sc.ran, "gwt: Given must come before When") || len(events) == 0 {
		return sc
	}
	last, err := sc.store.Append(sc.ctx, events, nil)
	if check(err == nil, fmt.Sprintf("gwt: Given could not append its events: %v", err)) {
		sc.given = last
	}
	return sc
}

// When runs action, the command under test, once, with the scenario's
// context and store, and records the error it returns for the Then
// methods.
func (sc *Scenario) When(action func(ctx context.Context, s store.EventStore) error) *Scenario {
	ginkgo.GinkgoHelper()
	if !check(!sc.ran, "gwt: When may run only once per scenario") {
		return sc
	}
	head, err := sc.store.Head(sc.ctx)
	if !check(err == nil, fmt.Sprintf("gwt: reading the store's head before When: %v", err)) {
		return sc
	}
	sc.given = head
	sc.ran = true
	sc.err = action(sc.ctx, sc.store)
	return sc
}

// Appended returns the events When appended, in position order.
func (sc *Scenario) Appended() []store.StoredEvent {
	ginkgo.GinkgoHelper()
	if !sc.mustHaveRun("Appended") {
		return nil
	}
	events, err := store.ReadAll(sc.ctx, sc.store, store.All(), store.After(sc.given))
	check(err == nil, fmt.Sprintf("gwt: reading the events When appended: %v", err))
	return events
}

// ThenAppended checks that When returned no error and appended events of
// exactly these types, in this order.
func (sc *Scenario) ThenAppended(types ...string) *Scenario {
	ginkgo.GinkgoHelper()
	if !sc.mustHaveRun("ThenAppended") {
		return sc
	}
	if sc.err != nil {
		sc.errChecked = true
		check(false, fmt.Sprintf("expected When to append %v, but it returned an error: %v", types, sc.err))
		return sc
	}
	gomega.Expect(sc.Appended()).To(matchers.HaveEventTypes(types...), "When appended other events than expected")
	return sc
}

// ThenNothingAppended checks that When appended no event. It does not look
// at When's error: pair it with ThenError when When should fail.
func (sc *Scenario) ThenNothingAppended() *Scenario {
	ginkgo.GinkgoHelper()
	if !sc.mustHaveRun("ThenNothingAppended") {
		return sc
	}
	events := sc.Appended()
	check(len(events) == 0, "expected When to append nothing, but it appended:\n"+matchers.FormatEvents(events))
	return sc
}

// ThenError checks that When returned an error that is, or wraps, want
// (errors.Is), such as store.ErrAppendConditionFailed or a domain error.
// ThenError(nil) checks that When succeeded.
func (sc *Scenario) ThenError(want error) *Scenario {
	ginkgo.GinkgoHelper()
	if !sc.mustHaveRun("ThenError") {
		return sc
	}
	sc.errChecked = true
	switch {
	case want == nil:
		check(sc.err == nil, fmt.Sprintf("expected When to succeed, but it returned an error: %v", sc.err))
	case sc.err == nil:
		check(false, fmt.Sprintf("expected When to fail with %q, but it returned no error", want))
	default:
		check(errors.Is(sc.err, want), fmt.Sprintf("expected When to fail with %q, but it failed with another error: %v", want, sc.err))
	}
	return sc
}

func (sc *Scenario) mustHaveRun(method string) bool {
	ginkgo.GinkgoHelper()
	return check(sc.ran, "gwt: call When before "+method)
}

// unexpectedError returns an error describing an error from When that no
// ThenError (or failing ThenAppended) looked at, or nil.
func (sc *Scenario) unexpectedError() error {
	if sc.err == nil || sc.errChecked {
		return nil
	}
	return fmt.Errorf("When returned an error that no ThenError expected (expect it with ThenError, or fix the command): %w", sc.err)
}

// check fails the spec with message unless ok, and returns ok. It fails
// through Gomega, so the failure carries the caller's line (GinkgoHelper)
// and can be intercepted by InterceptGomegaFailures.
func check(ok bool, message string) bool {
	ginkgo.GinkgoHelper()
	return gomega.Expect(ok).To(gcustom.MakeMatcher(func(ok bool) (bool, error) { return ok, nil }).
		WithTemplate("{{.Data}}", message))
}
