package coursemanagement_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/onsi/gomega/types"
	"github.com/opossum-go/opossum/internal/courseapp"
	"github.com/opossum-go/opossum/internal/workbook/progress/hook"

	cm "github.com/opossum-go/opossum/lessons/05-coursemanagement"
	"github.com/opossum-go/opossum/specs/gwt"
	"github.com/opossum-go/opossum/specs/matchers"
	"github.com/opossum-go/opossum/specs/steps"
	"github.com/opossum-go/opossum/specs/storeenv"
	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/decision"
	"github.com/opossum-go/opossum/store/projection"
)

func TestCourseManagement(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Lesson 05: CourseManagement")
}

// The workbook records this suite's results as your progress, however you
// run it (go test, go tool ginkgo, an editor).
var _ = hook.Progress()

// The lesson's specs, in the order of its README steps; each step is
// labelled step-N, so --label-filter=step-2 runs step 2 alone.
var _ = steps.Lesson("Lesson 05")

// Every spec runs on a real file store in a fresh folder (without fsync:
// the specs are about decisions, not power cuts). Set KEEP_STORES=1 to keep
// the folders; each spec's report then says where its store is.
// OPOSSUM_STORE=postgres://... runs them on PostgreSQL instead (see
// specs/storeenv).
var _ = BeforeSuite(func() {
	gwt.OpenStore = func(dir string) (store.EventStore, error) {
		return storeenv.Open(storeenv.Dir(dir, "opossum-lesson-05-"), &store.Options{NoSync: true})
	}
	DeferCleanup(func() { gwt.OpenStore = gwt.Memory })
	DeferCleanup(storeenv.Close)
})

// The clock of the specs: every command runs at now, unless a spec moves
// the clock.
var now = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// fastRetry is the retry policy of the specs: the default's attempts,
// without the waits.
var fastRetry = &decision.Policy{Attempts: courseapp.DefaultRetry.Attempts, BaseDelay: time.Microsecond, MaxDelay: time.Millisecond}

// commandsOn returns the command handlers on s, at the specs' clock.
func commandsOn(s store.EventStore) *courseapp.Commands {
	return courseapp.NewCommands(s, cm.Decide, &courseapp.CommandOptions{Now: func() time.Time { return now }, Retry: fastRetry})
}

// commandsAt returns the command handlers on s with the clock at t.
func commandsAt(s store.EventStore, t time.Time) *courseapp.Commands {
	return courseapp.NewCommands(s, cm.Decide, &courseapp.CommandOptions{Now: func() time.Time { return t }, Retry: fastRetry})
}

// handle is the When of a scenario: carry out cmd with the command
// handlers.
func handle(cmd courseapp.Command) func(context.Context, store.EventStore) error {
	return func(ctx context.Context, s store.EventStore) error {
		_, err := commandsOn(s).Handle(ctx, cmd)
		return err
	}
}

// handleAt is handle with the clock at t.
func handleAt(t time.Time, cmd courseapp.Command) func(context.Context, store.EventStore) error {
	return func(ctx context.Context, s store.EventStore) error {
		_, err := commandsAt(s, t).Handle(ctx, cmd)
		return err
	}
}

// newStore opens a fresh store for one spec; when the spec fails, its
// report shows the events in the store.
func newStore() store.EventStore {
	GinkgoHelper()
	return gwt.NewStore()
}

// given appends history directly, without the lesson's code.
func given(ctx context.Context, s store.EventStore, events ...store.Event) store.Position {
	GinkgoHelper()
	if len(events) == 0 {
		return 0
	}
	pos, err := s.Append(ctx, events, nil)
	Expect(err).NotTo(HaveOccurred())
	return pos
}

// at returns e with its timestamp set to t.
func at(t time.Time, e store.Event) store.Event {
	e.Metadata.Timestamp = t
	return e
}

// eventsOf returns the stored events of one type, oldest first.
func eventsOf(ctx context.Context, s store.EventStore, eventType string) []store.StoredEvent {
	GinkgoHelper()
	events, err := store.ReadAll(ctx, s, store.Types(eventType))
	Expect(err).NotTo(HaveOccurred())
	return events
}

// eventShape is what beEvents compares: the type, the tags in order and
// the data as JSON values; not the metadata.
type eventShape struct {
	Type string
	Tags []string
	Data map[string]any
}

// shapesOf turns []store.Event or []store.StoredEvent into shapes.
func shapesOf(actual any) []eventShape {
	var evs []store.Event
	switch a := actual.(type) {
	case []store.Event:
		evs = a
	case []store.StoredEvent:
		for _, e := range a {
			evs = append(evs, e.Event)
		}
	default:
		panic(fmt.Sprintf("beEvents expects []store.Event or []store.StoredEvent, got %T", actual))
	}
	out := make([]eventShape, len(evs))
	for i, e := range evs {
		out[i].Type = e.Type
		for _, t := range e.Tags {
			out[i].Tags = append(out[i].Tags, t.String())
		}
		_ = json.Unmarshal(e.Data, &out[i].Data)
	}
	return out
}

// beEvents matches events ([]store.Event or []store.StoredEvent) equal to
// want one by one: the same type, the same tags in the same order, and the
// same data. Timestamps are not compared.
func beEvents(want ...store.Event) types.GomegaMatcher {
	return WithTransform(shapesOf, Equal(shapesOf(want)))
}

// thenEvents checks that the scenario's When appended exactly want.
func thenEvents(sc *gwt.Scenario, want ...store.Event) {
	GinkgoHelper()
	got := sc.Appended()
	Expect(got).To(beEvents(want...), "When appended:\n%s", matchers.FormatEvents(got))
}

// race runs f(0) ... f(n-1) in n goroutines released at the same moment
// and returns their errors by index. A goroutine that panics (a TODO you
// have not written yet) does not crash the suite: race re-raises the
// first panic in the spec, so the spec fails with the TODO's message.
func race(n int, f func(i int) error) []error {
	errs := make([]error, n)
	panics := make([]any, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			defer func() { panics[i] = recover() }()
			<-start
			errs[i] = f(i)
		})
	}
	close(start)
	wg.Wait()
	for _, p := range panics {
		if p != nil {
			panic(p)
		}
	}
	return errs
}

// succeeded counts the nil errors.
func succeeded(errs []error) int {
	n := 0
	for _, err := range errs {
		if err == nil {
			n++
		}
	}
	return n
}

// interleaved wraps a store so that a rival writer gets in between a
// decision's read and its append: just before each of the first Rounds
// appends made through it (1 when Rounds is 0), the rival's events are
// appended, unconditionally. It is how a spec stages a race
// deterministically. Appends and Conflicts count the appends made through
// it and those the store rejected because their condition no longer held.
type interleaved struct {
	store.EventStore
	mu        sync.Mutex
	rival     func(round int) []store.Event
	Rounds    int
	round     int
	Appends   int
	Conflicts int
}

// interleave lets rival in once, before the first append.
func interleave(s store.EventStore, rival ...store.Event) *interleaved {
	return &interleaved{EventStore: s, rival: func(int) []store.Event { return rival }, Rounds: 1}
}

// interleaveAlways lets a rival in before every append: the events
// rival(n) before the n-th.
func interleaveAlways(s store.EventStore, rival func(round int) []store.Event) *interleaved {
	return &interleaved{EventStore: s, rival: rival, Rounds: -1}
}

func (w *interleaved) Append(ctx context.Context, events []store.Event, cond *store.AppendCondition) (store.Position, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.Rounds < 0 || w.round < w.Rounds {
		w.round++
		if rival := w.rival(w.round); len(rival) > 0 {
			if _, err := w.EventStore.Append(ctx, rival, nil); err != nil {
				return 0, err
			}
		}
	}
	w.Appends++
	pos, err := w.EventStore.Append(ctx, events, cond)
	if errors.Is(err, store.ErrAppendConditionFailed) {
		w.Conflicts++
	}
	return pos, err
}

// openApp opens the application on a fresh folder; it is closed when the
// spec ends.
func openApp(opts *courseapp.Options) *courseapp.App {
	GinkgoHelper()
	o := courseapp.Options{NoSync: true}
	if opts != nil {
		o = *opts
		o.NoSync = true
	}
	app, err := courseapp.Open(storeenv.Dir(GinkgoT().TempDir(), "opossum-lesson-05-"), cm.Domain(), &o)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(app.Close)
	DeferCleanup(func(ctx SpecContext) {
		if CurrentSpecReport().Failed() {
			events, err := store.ReadAll(ctx, app.Store(), store.All())
			if err == nil {
				AddReportEntry("events in the application's store", matchers.FormatEvents(events), ReportEntryVisibilityFailureOrVerbose)
			}
		}
	}, NodeTimeout(10*time.Second))
	return app
}

// caughtUp waits until every read model of app reflects every event.
func caughtUp(ctx context.Context, app *courseapp.App) {
	GinkgoHelper()
	Expect(app.WaitForViews(ctx)).To(Succeed(), "the read models must follow the events; a read model whose fold failed stops")
}

// evaluate folds the store's events into a read model definition, in
// memory, and returns the instances by key.
func evaluate[S any](ctx context.Context, s store.EventStore, def projection.Definition[S]) map[string]S {
	GinkgoHelper()
	models, err := projection.Evaluate(ctx, s, def)
	Expect(err).NotTo(HaveOccurred())
	return models
}

// ---------------------------------------------------------------------
// The people, courses and books of the specs. Ids are readable here; the
// HTTP API uses UUIDs.

const (
	ada   = "s-ada"
	bob   = "s-bob"
	cyd   = "s-cyd"
	c1    = "c-1"
	c2    = "c-2"
	c3    = "c-3"
	c9    = "c-9"
	b1    = "b-1"
	b2    = "b-2"
	b3    = "b-3"
	exam1 = "e-1"
	tok1  = "t-1"
)

func registered(studentID string) store.Event {
	return cm.StudentRegistered{StudentID: studentID, FirstName: "First " + studentID, LastName: "Last " + studentID,
		Email: studentID + "@example.com"}.Event()
}

func registeredWith(studentID, email string) store.Event {
	return cm.StudentRegistered{StudentID: studentID, FirstName: "Ada", LastName: "Lovelace", Email: email}.Event()
}

func subscribed(studentID string, tier courseapp.Tier) store.Event {
	return cm.StudentSubscriptionUpdated{StudentID: studentID, EnrollmentTier: tier}.Event()
}

func course(courseID string, max int) store.Event {
	return cm.CourseCreated{CourseID: courseID, Name: "Course " + courseID, Description: "About " + courseID, MaxStudentCount: max}.Event()
}

func limit(courseID string, max int) store.Event {
	return cm.CourseStudentLimitModified{CourseID: courseID, NewMaxStudentCount: max}.Event()
}

func enrolled(courseID, studentID string) store.Event {
	return cm.StudentEnrolledToCourse{CourseID: courseID, StudentID: studentID}.Event()
}

func posted(courseID, token string) store.Event {
	return cm.CourseAnnouncementPosted{AnnouncementID: "a-" + token, CourseID: courseID, Title: "Welcome", Body: "Hello", IdempotencyToken: token}.Event()
}

func retracted(courseID, token string) store.Event {
	return cm.CourseAnnouncementRetracted{AnnouncementID: "a-" + token, CourseID: courseID, IdempotencyToken: token}.Event()
}

func invoice(number int) store.Event {
	return cm.InvoiceCreated{InvoiceNumber: number, CustomerID: customer, Amount: 10000, IssuedAt: now}.Event()
}

// customer is the invoices' customer.
const customer = "0b9f6d3e-5c1a-4e2b-9f00-7a1c2d3e4f50"

func book(bookID, courseID string, price courseapp.Money) store.Event {
	return cm.CourseBookDefined{BookID: bookID, Title: "Book " + bookID, Author: "Knuth", Isbn: "978-" + bookID, Price: price, CourseID: courseID}.Event()
}

// priceChanged is a price change made at the specs' now.
func priceChanged(bookID string, price courseapp.Money) store.Event {
	return priceChangedAt(now, bookID, price)
}

// priceChangedAt is a price change made at t: the time is the event's
// data (changedAt), which the grace period reads; the event's metadata
// timestamp is left to the store.
func priceChangedAt(t time.Time, bookID string, price courseapp.Money) store.Event {
	return cm.CourseBookPriceChanged{BookID: bookID, NewPrice: price, ChangedAt: t}.Event()
}

func issued(tokenID, examID, courseID string) store.Event {
	return cm.ExamRegistrationTokenIssued{TokenID: tokenID, ExamID: examID, CourseID: courseID}.Event()
}

func redeemed(tokenID, examID, studentID string) store.Event {
	return cm.ExamRegistrationTokenRedeemed{TokenID: tokenID, ExamID: examID, StudentID: studentID}.Event()
}

func revoked(tokenID, examID string) store.Event {
	return cm.ExamRegistrationTokenRevoked{TokenID: tokenID, ExamID: examID}.Event()
}

// events joins events and slices of events into one slice.
func events(parts ...any) []store.Event {
	var out []store.Event
	for _, p := range parts {
		switch v := p.(type) {
		case store.Event:
			out = append(out, v)
		case []store.Event:
			out = append(out, v...)
		default:
			panic(fmt.Sprintf("events: %T", p))
		}
	}
	return out
}
