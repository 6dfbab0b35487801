package appending_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/internal/workbook/progress/hook"

	appending "github.com/opossum-go/opossum/lessons/01-append"
	"github.com/opossum-go/opossum/specs/matchers"
	"github.com/opossum-go/opossum/specs/steps"
	"github.com/opossum-go/opossum/specs/storeenv"
	"github.com/opossum-go/opossum/store"
)

func TestAppending(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Lesson 01: appending events")
}

// The workbook records this suite's results as your progress, however you
// run it (go test, go tool ginkgo, an editor).
var _ = hook.Progress()

// The lesson's specs, in the order of its README steps; each step is
// labelled step-N, so --label-filter=step-2 runs step 2 alone.
var _ = steps.Lesson("Lesson 01")

// The students of the specs.
var (
	ada = appending.StudentRegistered{StudentID: "s-ada", FirstName: "Ada", LastName: "Lovelace", Email: "ada@example.com"}
	bob = appending.StudentRegistered{StudentID: "s-bob", FirstName: "Bob", LastName: "Barker", Email: "bob@example.com"}
	cyd = appending.StudentRegistered{StudentID: "s-cyd", FirstName: "Cyd", LastName: "Charisse", Email: "cyd@example.com"}
)

// newStore opens a file store in a fresh folder for one spec and closes it
// when the spec ends. When the spec fails, it prints the store's events.
func newStore() *store.FileStore {
	GinkgoHelper()
	dir := storeDir()
	s, err := store.Open(dir, nil)
	Expect(err).NotTo(HaveOccurred(), "the lesson could not open a store in %s", dir)
	DeferCleanup(func() { _ = s.Close() })
	showOnFailure(s, dir)
	return s
}

// storeDir returns a fresh, empty folder for a store. It is removed after
// the spec, unless the environment variable KEEP_STORES is set: then the
// folder stays, and the spec's report says where it is, so you can look
// at the event files.
func storeDir() string {
	GinkgoHelper()
	return storeenv.Dir(GinkgoT().TempDir(), "opossum-lesson-01-")
}

// showOnFailure prints the events in s when the spec fails. A store that
// the spec has closed prints nothing.
func showOnFailure(s store.EventStore, dir string) {
	DeferOnFailure(func(ctx SpecContext) {
		events, err := store.ReadAll(ctx, s, store.All())
		switch {
		case errors.Is(err, store.ErrClosed):
		case err != nil:
			fmt.Fprintf(GinkgoWriter, "\nThe events of the store in %s could not be read: %v\n", dir, err)
		default:
			fmt.Fprintf(GinkgoWriter, "\nThe store in %s holds these events:\n%s\n", dir, matchers.FormatEvents(events))
		}
	})
}

// readAll returns every event in s, oldest first.
func readAll(ctx context.Context, s store.EventStore) []store.StoredEvent {
	GinkgoHelper()
	events, err := store.ReadAll(ctx, s, store.All())
	Expect(err).NotTo(HaveOccurred())
	return events
}

// appendRaw appends events directly, without the lesson's code: the
// "given" part of a spec.
func appendRaw(ctx context.Context, s store.EventStore, events ...store.Event) {
	GinkgoHelper()
	_, err := s.Append(ctx, events, nil)
	Expect(err).NotTo(HaveOccurred())
}

// courseCreated builds a CourseCreated event without the lesson's code.
func courseCreated(id, title string, capacity int) store.Event {
	return store.MustEvent(appending.CourseCreatedType, map[string]any{"courseId": id, "name": title, "maxStudentCount": capacity})
}
