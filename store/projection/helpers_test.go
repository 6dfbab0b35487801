package projection_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/specs/storeenv"
	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/projection"
	"github.com/opossum-go/opossum/store/vfs"
)

// The test domain: courses students enroll in.

type courseCreated struct {
	CourseID string `json:"courseId"`
	Name     string `json:"name"`
	Capacity int    `json:"capacity"`
}

type studentEnrolled struct {
	CourseID  string `json:"courseId"`
	StudentID string `json:"studentId"`
}

type studentRegistered struct {
	StudentID string `json:"studentId"`
	Name      string `json:"name"`
}

type course struct {
	ID       string   `json:"id"`
	Name     string   `json:"name"`
	Capacity int      `json:"capacity"`
	Enrolled int      `json:"enrolled"`
	Students []string `json:"students"`
}

func created(id, name string, capacity int) store.Event {
	return store.MustEvent("CourseCreated", courseCreated{id, name, capacity}, store.NewTag("courseId", id))
}

func enrolled(courseID, studentID string) store.Event {
	return store.MustEvent("StudentEnrolled", studentEnrolled{courseID, studentID},
		store.NewTag("courseId", courseID), store.NewTag("studentId", studentID))
}

func cancelled(id string) store.Event {
	return store.MustEvent("CourseCancelled", struct{}{}, store.NewTag("courseId", id))
}

func registered(id, name string) store.Event {
	return store.MustEvent("StudentRegistered", studentRegistered{id, name}, store.NewTag("studentId", id))
}

func other(i int) store.Event {
	return store.MustEvent("SomethingElse", map[string]int{"i": i}, store.NewTag("n", fmt.Sprint(i)))
}

// foldCourse counts every enrollment: it is not idempotent on purpose, so
// that an event applied twice shows.
func foldCourse(cur *course, e store.StoredEvent) (*course, error) {
	switch e.Type {
	case "CourseCreated":
		d, err := store.Decode[courseCreated](e.Event)
		if err != nil {
			return nil, err
		}
		return &course{ID: d.CourseID, Name: d.Name, Capacity: d.Capacity, Students: []string{}}, nil
	case "StudentEnrolled":
		if cur == nil {
			return nil, errors.New("enrollment in an unknown course")
		}
		d, err := store.Decode[studentEnrolled](e.Event)
		if err != nil {
			return nil, err
		}
		cur.Enrolled++
		cur.Students = append(cur.Students, d.StudentID)
		return cur, nil
	case "CourseCancelled":
		return nil, nil
	}
	return cur, nil
}

func courseTags(c *course) []store.Tag {
	return []store.Tag{
		store.NewTag("full", fmt.Sprint(c.Enrolled >= c.Capacity)),
		store.NewTag("capacity", fmt.Sprint(c.Capacity)),
	}
}

func courseDef(name string) projection.Definition[course] {
	return projection.Definition[course]{
		Name:       name,
		Version:    1,
		EventTypes: []string{"CourseCreated", "StudentEnrolled", "CourseCancelled"},
		Key:        projection.KeyByTag("courseId"),
		Apply:      foldCourse,
		Tags:       courseTags,
	}
}

// specContext returns a context that ends with the spec, or after 60 s.
func specContext() context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	DeferCleanup(cancel)
	return ctx
}

func appendAll(st store.EventStore, events ...store.Event) store.Position {
	GinkgoHelper()
	p, err := st.Append(context.Background(), events, nil)
	Expect(err).NotTo(HaveOccurred())
	return p
}

// env is one projection folder over one store, with helpers to open and
// close runners on it as a process would.
type env struct {
	st   store.EventStore
	dir  string
	opts projection.Options
}

// newEnv returns the store OPOSSUM_STORE chooses (specs/storeenv: by
// default a file store in a fresh folder), with the projections in a
// "projections" folder of that folder.
func newEnv() *env {
	GinkgoHelper()
	return openEnv(storeenv.Open)
}

// newFileEnv is newEnv on a file store, whatever OPOSSUM_STORE says, for
// the specs whose child processes open the store folder.
func newFileEnv() *env {
	GinkgoHelper()
	return openEnv(func(dir string, o *store.Options) (store.EventStore, error) { return store.Open(dir, o) })
}

func openEnv(open func(dir string, o *store.Options) (store.EventStore, error)) *env {
	GinkgoHelper()
	dir := GinkgoT().TempDir()
	st, err := open(dir, &store.Options{NoSync: true})
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(func() { _ = st.Close() })
	return &env{st: st, dir: dir, opts: projection.Options{Dir: filepath.Join(dir, "projections"), NoSync: true, Logger: testLogger()}}
}

func testLogger() *slog.Logger {
	return slog.New(slog.NewTextHandler(GinkgoWriter, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// newMemoryEnv is newEnv with the memory store.
func newMemoryEnv() *env {
	GinkgoHelper()
	st := store.NewMemory()
	DeferCleanup(func() { _ = st.Close() })
	dir := GinkgoT().TempDir()
	return &env{st: st, dir: dir, opts: projection.Options{Dir: filepath.Join(dir, "projections"), NoSync: true}}
}

// runner opens a runner; it is closed at the end of the spec unless the
// spec closed it.
func (v *env) runner() *projection.Runner {
	GinkgoHelper()
	o := v.opts
	r, err := projection.NewRunner(v.st, &o)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(func() { _ = r.Close() })
	return r
}

func register[S any](r *projection.Runner, def projection.Definition[S], opts ...projection.RegisterOption) *projection.ReadModels[S] {
	GinkgoHelper()
	m, err := projection.Register(r, def, opts...)
	Expect(err).NotTo(HaveOccurred())
	return m
}

func waitFor(r *projection.Runner, name string, p store.Position) {
	GinkgoHelper()
	ctx, cancel := context.WithTimeout(context.Background(), 5e9)
	defer cancel()
	Expect(r.WaitFor(ctx, name, p)).To(Succeed())
}

func all[S any](m *projection.ReadModels[S]) map[string]projection.Item[S] {
	GinkgoHelper()
	out := map[string]projection.Item[S]{}
	for it, err := range m.List(context.Background()) {
		Expect(err).NotTo(HaveOccurred())
		out[it.Key] = it
	}
	return out
}

func states[S any](m *projection.ReadModels[S]) map[string]S {
	GinkgoHelper()
	out := map[string]S{}
	for k, it := range all(m) {
		out[k] = it.State
	}
	return out
}

func keysOf[S any](seq func(func(projection.Item[S], error) bool)) []string {
	GinkgoHelper()
	var ks []string
	for it, err := range seq {
		Expect(err).NotTo(HaveOccurred())
		ks = append(ks, it.Key)
	}
	sort.Strings(ks)
	return ks
}

func evaluate[S any](st store.EventStore, def projection.Definition[S]) map[string]S {
	GinkgoHelper()
	m, err := projection.Evaluate(context.Background(), st, def)
	Expect(err).NotTo(HaveOccurred())
	return m
}

// files lists the files below dir, relative and slash-separated.
func files(dir string) []string {
	GinkgoHelper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	Expect(err).NotTo(HaveOccurred())
	return out
}

func withPrefix(list []string, prefix string) []string {
	var out []string
	for _, s := range list {
		if strings.HasPrefix(s, prefix) {
			out = append(out, s)
		}
	}
	return out
}

// faultyFS fails the n-th mutating operation (create/write-open, rename,
// remove, mkdir) once armed, and every later one until disarmed, like a
// disk that went away.
type faultyFS struct {
	vfs.FS
	mu     sync.Mutex
	armed  bool
	count  int
	failAt int
	failed atomic.Bool
}

var errInjected = errors.New("injected I/O error")

func (f *faultyFS) step() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.armed {
		return nil
	}
	f.count++
	if f.count >= f.failAt {
		f.failed.Store(true)
		return errInjected
	}
	return nil
}

func (f *faultyFS) arm(n int) {
	f.mu.Lock()
	f.armed, f.count, f.failAt = true, 0, n
	f.mu.Unlock()
}

func (f *faultyFS) OpenFile(name string, flag int, perm os.FileMode) (vfs.File, error) {
	if flag&(os.O_WRONLY|os.O_RDWR|os.O_CREATE) != 0 {
		if err := f.step(); err != nil {
			return nil, err
		}
	}
	return f.FS.OpenFile(name, flag, perm)
}

func (f *faultyFS) Rename(o, n string) error {
	if err := f.step(); err != nil {
		return err
	}
	return f.FS.Rename(o, n)
}

func (f *faultyFS) Remove(name string) error {
	if err := f.step(); err != nil {
		return err
	}
	return f.FS.Remove(name)
}

func (f *faultyFS) MkdirAll(p string, perm os.FileMode) error {
	if err := f.step(); err != nil {
		return err
	}
	return f.FS.MkdirAll(p, perm)
}
