package dcb_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/internal/workbook/progress/hook"

	dcb "github.com/opossum-go/opossum/lessons/04-dcb"
	"github.com/opossum-go/opossum/specs/gwt"
	"github.com/opossum-go/opossum/specs/steps"
	"github.com/opossum-go/opossum/specs/storeenv"
	"github.com/opossum-go/opossum/store"
)

func TestDCB(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Lesson 04: Dynamic Consistency Boundaries")
}

// The workbook records this suite's results as your progress, however you
// run it (go test, go tool ginkgo, an editor).
var _ = hook.Progress()

// The lesson's specs, in the order of its README steps; each step is
// labelled step-N, so --label-filter=step-2 runs step 2 alone.
var _ = steps.Lesson("Lesson 04")

// Every spec runs on a real file store in a fresh folder. Set KEEP_STORES=1
// to keep the folders: each spec's report then says where its store is, so
// you can look at the event files. OPOSSUM_STORE=postgres://... runs them on
// PostgreSQL instead (see specs/storeenv).
var _ = BeforeSuite(func() {
	gwt.OpenStore = func(dir string) (store.EventStore, error) {
		return storeenv.Open(storeenv.Dir(dir, "opossum-lesson-04-"), nil)
	}
	DeferCleanup(func() { gwt.OpenStore = gwt.Memory })
	DeferCleanup(storeenv.Close)
})

// newStore opens a fresh store for one spec; when the spec fails, its
// report shows the events in the store.
func newStore() store.EventStore {
	GinkgoHelper()
	return gwt.NewStore()
}

// race runs f(0), f(1), ... f(n-1) in n goroutines released at the same
// moment, waits for all of them and returns their errors by index: real
// writers racing for one store.
//
// A goroutine that panics (a TODO you have not written yet) does not crash
// the suite: race re-raises the first panic in the spec, so the spec fails
// with the TODO's message.
func race(n int, f func(i int) error) []error {
	errs := make([]error, n)
	panics := make([]any, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { panics[i] = recover() }()
			<-start
			errs[i] = f(i)
		}()
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

// count returns how many errors are nil.
func count(errs []error) int {
	n := 0
	for _, err := range errs {
		if err == nil {
			n++
		}
	}
	return n
}

// interleaved wraps a store so that a rival writer gets in between your
// read and your append: just before the first Append made through it, the
// rival's events are appended, unconditionally. It is how a spec stages a
// race deterministically. Conflicts counts the appends through it that the
// store rejected because their condition no longer held.
type interleaved struct {
	store.EventStore
	mu        sync.Mutex
	rival     []store.Event
	Appends   int
	Conflicts int
}

func interleave(s store.EventStore, rival ...store.Event) *interleaved {
	return &interleaved{EventStore: s, rival: rival}
}

func (w *interleaved) Append(ctx context.Context, events []store.Event, cond *store.AppendCondition) (store.Position, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.rival != nil {
		if _, err := w.EventStore.Append(ctx, w.rival, nil); err != nil {
			return 0, err
		}
		w.rival = nil
	}
	w.Appends++
	pos, err := w.EventStore.Append(ctx, events, cond)
	if err != nil && isConflict(err) {
		w.Conflicts++
	}
	return pos, err
}

func isConflict(err error) bool { return errors.Is(err, store.ErrAppendConditionFailed) }

// The people and courses of the specs.
var (
	ada = dcb.StudentRegistered{StudentID: "s-ada", FirstName: "Ada", LastName: "Lovelace", Email: "ada@example.com"}
	bob = dcb.StudentRegistered{StudentID: "s-bob", FirstName: "Bob", LastName: "Barker", Email: "bob@example.com"}
)

// student returns the i-th of many students, for races.
func student(i int) dcb.StudentRegistered {
	return dcb.StudentRegistered{StudentID: fmt.Sprintf("s-%02d", i), FirstName: "Student", LastName: fmt.Sprint(i), Email: fmt.Sprintf("student%d@example.com", i)}
}

// course returns a course with the given number of seats.
func course(id string, seats int) store.Event {
	return dcb.CourseCreated{CourseID: id, Name: "Course " + id, MaxStudentCount: seats}.Event()
}

// registered returns the registrations of students.
func registered(students ...dcb.StudentRegistered) []store.Event {
	events := make([]store.Event, len(students))
	for i, s := range students {
		events[i] = s.Event()
	}
	return events
}

// enrolled returns the enrollment of a student in a course.
func enrolled(courseID, studentID string) store.Event {
	return dcb.StudentEnrolledToCourse{StudentID: studentID, CourseID: courseID}.Event()
}

// given appends history directly, without the lesson's code.
func given(ctx context.Context, s store.EventStore, events ...store.Event) {
	GinkgoHelper()
	if len(events) == 0 {
		return
	}
	_, err := s.Append(ctx, events, nil)
	Expect(err).NotTo(HaveOccurred())
}

// eventsOf returns the stored events of one type, oldest first.
func eventsOf(ctx context.Context, s store.EventStore, eventType string) []store.StoredEvent {
	GinkgoHelper()
	events, err := store.ReadAll(ctx, s, store.Types(eventType))
	Expect(err).NotTo(HaveOccurred())
	return events
}
