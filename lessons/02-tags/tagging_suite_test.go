package tagging_test

import (
	"context"
	"fmt"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/internal/workbook/progress/hook"

	tagging "github.com/opossum-go/opossum/lessons/02-tags"
	"github.com/opossum-go/opossum/specs/matchers"
	"github.com/opossum-go/opossum/specs/steps"
	"github.com/opossum-go/opossum/specs/storeenv"
	"github.com/opossum-go/opossum/store"
)

func TestTagging(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Lesson 02: tags and queries")
}

// The workbook records this suite's results as your progress, however you
// run it (go test, go tool ginkgo, an editor).
var _ = hook.Progress()

// The lesson's specs, in the order of its README steps; each step is
// labelled step-N, so --label-filter=step-2 runs step 2 alone.
var _ = steps.Lesson("Lesson 02")

// newStore opens a file store in a fresh folder for one spec and closes it
// when the spec ends. When the spec fails, it prints the store's events.
func newStore() *store.FileStore {
	GinkgoHelper()
	dir := storeDir()
	s, err := store.Open(dir, nil)
	Expect(err).NotTo(HaveOccurred(), "the lesson could not open a store in %s", dir)
	DeferCleanup(func() { _ = s.Close() })
	DeferOnFailure(func(ctx SpecContext) {
		events, err := store.ReadAll(ctx, s, store.All())
		if err != nil {
			fmt.Fprintf(GinkgoWriter, "\nThe events of the store in %s could not be read: %v\n", dir, err)
			return
		}
		fmt.Fprintf(GinkgoWriter, "\nThe store in %s holds these events:\n%s\n", dir, matchers.FormatEvents(events))
	})
	return s
}

// storeDir returns a fresh, empty folder for a store. It is removed after
// the spec, unless the environment variable KEEP_STORES is set: then the
// folder stays, and the spec's report says where it is, so you can look
// at the event files.
func storeDir() string {
	GinkgoHelper()
	return storeenv.Dir(GinkgoT().TempDir(), "opossum-lesson-02-")
}

// event builds an event without the lesson's code, with tags written as
// "key:value".
func event(eventType string, data any, tags ...string) store.Event {
	e := store.MustEvent(eventType, data)
	for _, t := range tags {
		tag, err := store.ParseTag(t)
		if err != nil {
			panic(err)
		}
		e.Tags = append(e.Tags, tag)
	}
	return e
}

// givenCampus appends the ten events of the campus, the picture in
// README.md, and returns the store's head (10).
func givenCampus(ctx context.Context, s store.EventStore) store.Position {
	GinkgoHelper()
	registered := func(id, first, last, email string) store.Event {
		return event(tagging.StudentRegisteredType,
			tagging.StudentRegistered{StudentID: id, FirstName: first, LastName: last, Email: email},
			"studentId:"+id, "studentEmail:"+email)
	}
	created := func(id, title string, capacity int) store.Event {
		return event(tagging.CourseCreatedType,
			tagging.CourseCreated{CourseID: id, Name: title, MaxStudentCount: capacity},
			"courseId:"+id)
	}
	enrolled := func(student, course string) store.Event {
		return event(tagging.StudentEnrolledToCourseType,
			tagging.StudentEnrolledToCourse{StudentID: student, CourseID: course},
			"studentId:"+student, "courseId:"+course)
	}
	limitModified := func(id string, capacity int) store.Event {
		return event(tagging.CourseStudentLimitModifiedType,
			tagging.CourseStudentLimitModified{CourseID: id, NewMaxStudentCount: capacity},
			"courseId:"+id)
	}
	head, err := s.Append(ctx, []store.Event{
		registered("s-ada", "Ada", "Lovelace", "ada@example.com"), // 1
		registered("s-bob", "Bob", "Barker", "bob@example.com"),   // 2
		created("c-dcb", "Dynamic Consistency Boundaries", 2),     // 3
		created("c-go", "Go for Event Sourcing", 10),              // 4
		enrolled("s-ada", "c-dcb"),                                // 5
		limitModified("c-dcb", 3),                                 // 6
		enrolled("s-bob", "c-dcb"),                                // 7
		enrolled("s-ada", "c-go"),                                 // 8
		registered("s-cyd", "Cyd", "Charisse", "cyd@example.com"), // 9
		enrolled("s-cyd", "c-dcb"),                                // 10
	}, nil)
	Expect(err).NotTo(HaveOccurred())
	return head
}

// positions returns the positions of events.
func positions(events []store.StoredEvent) []store.Position {
	ps := make([]store.Position, len(events))
	for i, e := range events {
		ps[i] = e.Position
	}
	return ps
}
