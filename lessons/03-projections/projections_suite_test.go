package projections_test

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/internal/workbook/progress/hook"

	projections "github.com/opossum-go/opossum/lessons/03-projections"
	"github.com/opossum-go/opossum/specs/matchers"
	"github.com/opossum-go/opossum/specs/steps"
	"github.com/opossum-go/opossum/specs/storeenv"
	"github.com/opossum-go/opossum/specs/todo"
	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/projection"
)

func TestProjections(t *testing.T) {
	RegisterFailHandler(Fail)
	SetDefaultEventuallyTimeout(5 * time.Second)
	RunSpecs(t, "Lesson 03: projections")
}

// The workbook records this suite's results as your progress, however you
// run it (go test, go tool ginkgo, an editor).
var _ = hook.Progress()

// The lesson's specs, in the order of its README steps; each step is
// labelled step-N, so --label-filter=step-2 runs step 2 alone.
var _ = steps.Lesson("Lesson 03")

// newStore opens a file store in a fresh folder for one spec and closes it
// when the spec ends. When the spec fails, it prints the store's events
// and the files of its read models.
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
		fmt.Fprintf(GinkgoWriter, "\nIts read models are in these files:\n  %s\n", strings.Join(files(filepath.Join(dir, "projections")), "\n  "))
	})
	return s
}

// storeDir returns a fresh, empty folder for a store. It is removed after
// the spec, unless the environment variable KEEP_STORES is set: then the
// folder stays, and the spec's report says where it is.
func storeDir() string {
	GinkgoHelper()
	return storeenv.Dir(GinkgoT().TempDir(), "opossum-lesson-03-")
}

// newRunner opens a projection runner on s, with its read models in the
// store's folder (projections/), and closes it when the spec ends.
func newRunner(s *store.FileStore) *projection.Runner {
	GinkgoHelper()
	r, err := projection.NewRunner(s, nil)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(func() { _ = r.Close() })
	return r
}

// register registers a definition with r.
func register[S any](r *projection.Runner, def projection.Definition[S]) *projection.ReadModels[S] {
	GinkgoHelper()
	m, err := projection.Register(r, def)
	Expect(err).NotTo(HaveOccurred(), "the runner refused the definition")
	return m
}

// record appends facts and returns the position of the last one.
func record(ctx context.Context, s store.EventStore, facts ...projections.Fact) store.Position {
	GinkgoHelper()
	p, err := projections.Record(ctx, s, facts...)
	Expect(err).NotTo(HaveOccurred())
	return p
}

// waitFor waits until the projection reflects every event up to pos. A
// projection stopped by a TODO fails the spec with that TODO.
func waitFor(r *projection.Runner, name string, pos store.Position) {
	GinkgoHelper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := r.WaitFor(ctx, name, pos)
	surfaceTODO(err)
	Expect(err).NotTo(HaveOccurred(), "the projection %s did not reach position %d", name, pos)
}

// checkProjection fails the spec at once when the projection stopped: with
// its TODO when a TODO stopped it. Call it inside Eventually, so that a
// broken projection is reported as such and not as a timeout.
func checkProjection(r *projection.Runner, name string) {
	GinkgoHelper()
	st, err := r.StatusOf(name)
	Expect(err).NotTo(HaveOccurred())
	if st.State == projection.Failed {
		surfaceTODO(st.Err)
		StopTrying(fmt.Sprintf("the projection %s stopped", name)).Wrap(st.Err).Now()
	}
}

// surfaceTODO re-raises the TODO of a stub that a projection ran into, so
// the spec fails exactly as if it had called the stub itself.
func surfaceTODO(err error) {
	if err == nil {
		return
	}
	if i := strings.Index(err.Error(), todo.Prefix); i >= 0 {
		panic(err.Error()[i:])
	}
}

// files lists the files below dir, relative and slash-separated.
func files(dir string) []string {
	var out []string
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	return out
}

// stateFiles lists the read-model files of a projection's current
// generation.
func stateFiles(s *store.FileStore, r *projection.Runner, name string) []string {
	GinkgoHelper()
	st, err := r.StatusOf(name)
	Expect(err).NotTo(HaveOccurred())
	ents, err := os.ReadDir(filepath.Join(s.Dir(), "projections", name, st.Generation, "state"))
	Expect(err).NotTo(HaveOccurred())
	var out []string
	for _, e := range ents {
		out = append(out, e.Name())
	}
	return out
}

// withoutTags is a definition without its Tags, for the specs of step 3:
// tags are step 4.
func withoutTags[S any](d projection.Definition[S]) projection.Definition[S] {
	d.Tags = nil
	return d
}

// The facts most specs start from.
var (
	dcb        = projections.CourseCreated{CourseID: "c-dcb", Name: "Dynamic Consistency Boundaries", MaxStudentCount: 2}
	golang     = projections.CourseCreated{CourseID: "c-go", Name: "Go for Event Sourcing", MaxStudentCount: 10}
	dcbToThree = projections.CourseStudentLimitModified{CourseID: "c-dcb", NewMaxStudentCount: 3}
)

func enroll(student, course string) projections.StudentEnrolledToCourse {
	return projections.StudentEnrolledToCourse{StudentID: student, CourseID: course}
}
