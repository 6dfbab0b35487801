package projection_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gleak"

	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/projection"
	"github.com/opossum-go/opossum/store/vfs"
)

func statusOf(r *projection.Runner, name string) projection.Status {
	GinkgoHelper()
	s, err := r.StatusOf(name)
	Expect(err).NotTo(HaveOccurred())
	return s
}

func waitLive(r *projection.Runner, name string) {
	GinkgoHelper()
	Eventually(func() projection.State { return statusOf(r, name).State }).Should(Equal(projection.Live))
}

var _ = Describe("Runner", func() {
	var (
		v   *env
		ctx context.Context
	)
	BeforeEach(func() { ctx = specContext() })
	BeforeEach(func() { v = newEnv() })

	It("updates read models live as events are appended, without polling", func() {
		r := v.runner()
		courses := register(r, courseDef("courses"))
		Expect(r.Start()).To(Succeed())
		appendAll(v.st, created("c1", "Go", 3))
		Eventually(func() (int, error) {
			it, err := courses.Get("c1")
			return it.State.Capacity, err
		}).Should(Equal(3))
		appendAll(v.st, enrolled("c1", "s1"))
		Eventually(func() (int, error) {
			it, err := courses.Get("c1")
			return it.State.Enrolled, err
		}).Should(Equal(1))
		Expect(statusOf(r, "courses").State).To(Equal(projection.Live))
	})

	It("catches up after a restart from its checkpoint", func() {
		r := v.runner()
		register(r, courseDef("courses"))
		Expect(r.Start()).To(Succeed())
		p := appendAll(v.st, created("c1", "Go", 3), enrolled("c1", "s1"))
		waitFor(r, "courses", p)
		Expect(r.Close()).To(Succeed())

		cp := readCheckpoint(filepath.Join(v.opts.Dir, "courses", "g000001"))
		Expect(cp.Position).To(BeEquivalentTo(p))
		Expect(cp.Clean).To(BeTrue())

		p = appendAll(v.st, enrolled("c1", "s2"), created("c2", "Rust", 1))
		r = v.runner()
		courses := register(r, courseDef("courses"))
		it, err := courses.Get("c1")
		Expect(err).NotTo(HaveOccurred(), "the read models on disk are served before Start")
		Expect(it.State.Enrolled).To(Equal(1))
		Expect(r.Start()).To(Succeed())
		waitFor(r, "courses", p)
		Expect(states(courses)).To(Equal(evaluate(v.st, courseDef("courses"))))
		Expect(statusOf(r, "courses").Rebuilds).To(BeZero(), "a restart with a checkpoint does not rebuild")
	})

	It("moves the checkpoint of a projection with the head, past events it does not consume", func() {
		r := v.runner()
		register(r, courseDef("courses"))
		Expect(r.Start()).To(Succeed())
		appendAll(v.st, created("c1", "Go", 3))
		var events []store.Event
		for i := range 50 {
			events = append(events, other(i))
		}
		head := appendAll(v.st, events...)
		waitFor(r, "courses", head)
		Expect(statusOf(r, "courses").Position).To(Equal(head))
		Expect(r.Close()).To(Succeed())
		Expect(readCheckpoint(filepath.Join(v.opts.Dir, "courses", "g000001")).Position).To(Equal(head))
	})

	It("stops a projection whose fold fails, reports why, and keeps the others going", func() {
		r := v.runner()
		broken := courseDef("broken")
		broken.Apply = func(cur *course, e store.StoredEvent) (*course, error) {
			if e.Type == "StudentEnrolled" {
				return nil, errors.New("enrollments are not supported")
			}
			return foldCourse(cur, e)
		}
		brokenModels := register(r, broken)
		courses := register(r, courseDef("courses"))
		Expect(r.Start()).To(Succeed())
		waitFor(r, "broken", appendAll(v.st, created("c1", "Go", 3)))
		bad := appendAll(v.st, enrolled("c1", "s1"))
		p := appendAll(v.st, created("c2", "Rust", 3))

		waitFor(r, "courses", p)
		Expect(courses.Get("c2")).Error().NotTo(HaveOccurred())

		err := r.WaitFor(ctx, "broken", p)
		var fe *projection.FoldError
		Expect(errors.As(err, &fe)).To(BeTrue(), "got %v", err)
		Expect(fe.Position).To(Equal(bad))
		Expect(fe.Key).To(Equal("c1"))
		Expect(fe).To(MatchError(ContainSubstring("enrollments are not supported")))
		s := statusOf(r, "broken")
		Expect(s.State).To(Equal(projection.Failed))
		Expect(s.Err).To(MatchError(fe))
		Expect(s.Position).To(Equal(bad - 1))
		it, err := brokenModels.Get("c1")
		Expect(err).NotTo(HaveOccurred())
		Expect(it.State.Enrolled).To(BeZero(), "the read models keep the state before the failing event")
	})

	It("reports a panicking fold as the projection's error, keeping the panic value", func() {
		type marker struct{ error }
		r := v.runner()
		def := courseDef("panics")
		def.Apply = func(*course, store.StoredEvent) (*course, error) {
			panic(marker{errors.New("TODO: implement the fold")})
		}
		register(r, def)
		register(r, courseDef("courses"))
		Expect(r.Start()).To(Succeed())
		p := appendAll(v.st, created("c1", "Go", 3))
		err := r.WaitFor(ctx, "panics", p)
		var fe *projection.FoldError
		Expect(errors.As(err, &fe)).To(BeTrue())
		Expect(fe.Panicked).To(BeTrue())
		var m marker
		Expect(errors.As(err, &m)).To(BeTrue(), "the panic value is wrapped")
		Expect(err.Error()).To(ContainSubstring("TODO: implement the fold"))
		waitFor(r, "courses", p)
	})

	It("retries a failed projection when it is rebuilt", func() {
		r := v.runner()
		var fixed atomic.Bool
		def := courseDef("flaky")
		def.Apply = func(cur *course, e store.StoredEvent) (*course, error) {
			if !fixed.Load() {
				return nil, errors.New("not yet")
			}
			return foldCourse(cur, e)
		}
		m := register(r, def)
		Expect(r.Start()).To(Succeed())
		p := appendAll(v.st, created("c1", "Go", 3))
		Expect(r.WaitFor(ctx, "flaky", p)).To(HaveOccurred())
		fixed.Store(true)
		Expect(r.Rebuild(ctx, "flaky")).To(Succeed())
		waitFor(r, "flaky", p)
		Expect(m.Get("c1")).Error().NotTo(HaveOccurred())
		Expect(statusOf(r, "flaky").State).To(Equal(projection.Live))
	})

	It("never applies an event twice to a read model after a crash between state and checkpoint writes", func() {
		p := appendAll(v.st, created("c1", "Go", 9), enrolled("c1", "s1"))
		r := v.runner()
		register(r, courseDef("courses"))
		Expect(r.Start()).To(Succeed())
		waitFor(r, "courses", p)
		Expect(r.Close()).To(Succeed())

		By("crashing right after the state files of a batch are written")
		r = v.runner()
		var crashed atomic.Bool
		projection.SetFailpoint(r, func(name, point string) error {
			if point == "live:after-state" {
				crashed.Store(true)
				return errors.New("killed")
			}
			return nil
		})
		courses := register(r, courseDef("courses"))
		Expect(r.Start()).To(Succeed())
		waitFor(r, "courses", p)
		p2 := appendAll(v.st, enrolled("c1", "s2"), cancelled("c1"), created("c1", "Go again", 9), enrolled("c1", "s3"), created("c2", "Rust", 1))
		Eventually(crashed.Load).Should(BeTrue())
		Expect(r.Close()).To(Succeed())
		Expect(readCheckpoint(filepath.Join(v.opts.Dir, "courses", "g000001")).Position).To(Equal(p), "the checkpoint was not written")
		ahead := false
		for _, it := range all(courses) {
			ahead = ahead || it.Meta.Position > p
		}
		Expect(ahead).To(BeTrue(), "a state file was written")

		By("restarting: the events after the checkpoint are delivered again")
		r = v.runner()
		courses = register(r, courseDef("courses"))
		Expect(r.Start()).To(Succeed())
		waitFor(r, "courses", p2)
		Expect(states(courses)).To(Equal(evaluate(v.st, courseDef("courses"))))
		it, err := courses.Get("c1")
		Expect(err).NotTo(HaveOccurred())
		Expect(it.State.Students).To(Equal([]string{"s3"}))
		Expect(it.Meta.Version).To(BeEquivalentTo(2))
	})

	It("recovers from a failed write during live updates: the read models equal a rebuild from scratch", func() {
		p0 := appendAll(v.st, created("c1", "Go", 2), created("c2", "Rust", 2))
		for n := 1; ; n++ {
			dir := GinkgoT().TempDir()
			fsys := &faultyFS{FS: vfs.OSFS()}
			o := v.opts
			o.Dir, o.FS = dir, fsys
			r, err := projection.NewRunner(v.st, &o)
			Expect(err).NotTo(HaveOccurred())
			register(r, courseDef("courses"))
			Expect(r.Start()).To(Succeed())
			waitFor(r, "courses", p0)
			fsys.arm(n)
			p := appendAll(v.st, enrolled("c1", fmt.Sprint("s", n)), cancelled("c2"), created("c2", "Rust", 2), enrolled("c2", "x"))
			if r.WaitFor(ctx, "courses", p) == nil && !fsys.failed.Load() {
				Expect(r.Close()).To(Succeed())
				// When the four events arrive as one live batch, the update
				// makes four writes (checkpoint, c1, c2 and its rename);
				// delivered one by one it makes more.
				Expect(n).To(BeNumerically(">", 4), "the scenario has several writes to fail")
				break
			}
			Expect(statusOf(r, "courses").Err).To(MatchError(errInjected))
			Expect(r.Close()).To(Succeed())

			o.FS = vfs.OSFS()
			r, err = projection.NewRunner(v.st, &o)
			Expect(err).NotTo(HaveOccurred())
			m := register(r, courseDef("courses"))
			Expect(r.Start()).To(Succeed())
			waitFor(r, "courses", p)
			Expect(states(m)).To(Equal(evaluate(v.st, courseDef("courses"))), "after failing write %d", n)
			full := keysOf(m.Query(ctx, store.NewTag("full", "false")))
			Expect(full).To(Equal([]string{"c1", "c2"}), "tag index after failing write %d", n)
			Expect(r.Close()).To(Succeed())
			// Undo this round's events for the next one: start from a fresh store.
			v = newEnv()
			p0 = appendAll(v.st, created("c1", "Go", 2), created("c2", "Rust", 2))
		}
	})

	It("repairs a damaged tag index after an unclean stop", func() {
		r := v.runner()
		register(r, courseDef("courses"))
		Expect(r.Start()).To(Succeed())
		p := appendAll(v.st, created("c1", "Go", 1), created("c2", "Rust", 1), enrolled("c2", "s"))
		waitFor(r, "courses", p)
		Expect(r.Close()).To(Succeed())

		gen := filepath.Join(v.opts.Dir, "courses", "g000001")
		Expect(os.Remove(filepath.Join(gen, "tags", "full", "false", "c1"))).To(Succeed())
		Expect(os.MkdirAll(filepath.Join(gen, "tags", "full", "maybe"), 0o755)).To(Succeed())
		Expect(os.WriteFile(filepath.Join(gen, "tags", "full", "maybe", "c2"), nil, 0o644)).To(Succeed())
		cp := readCheckpoint(gen)
		cp.Clean = false
		writeCheckpoint(gen, cp)

		r = v.runner()
		courses := register(r, courseDef("courses"))
		Expect(r.Start()).To(Succeed())
		waitLive(r, "courses")
		Expect(keysOf(courses.Query(ctx, store.NewTag("full", "false")))).To(Equal([]string{"c1"}))
		Expect(files(v.opts.Dir)).NotTo(ContainElement(ContainSubstring("maybe")))
	})

	It("rebuilds read models whose files are damaged", func() {
		r := v.runner()
		register(r, courseDef("courses"))
		Expect(r.Start()).To(Succeed())
		p := appendAll(v.st, created("c1", "Go", 1), created("c2", "Rust", 1))
		waitFor(r, "courses", p)
		Expect(r.Close()).To(Succeed())
		gen := filepath.Join(v.opts.Dir, "courses", "g000001")
		Expect(os.WriteFile(filepath.Join(gen, "state", "c1.json"), []byte(`{"key": "c1", "meta`), 0o644)).To(Succeed())
		cp := readCheckpoint(gen)
		cp.Clean = false
		writeCheckpoint(gen, cp)

		r = v.runner()
		courses := register(r, courseDef("courses"))
		Expect(r.Start()).To(Succeed())
		Eventually(func() int { return statusOf(r, "courses").Rebuilds }).Should(Equal(1))
		waitFor(r, "courses", p)
		Expect(states(courses)).To(Equal(evaluate(v.st, courseDef("courses"))))
		Expect(statusOf(r, "courses").Generation).To(Equal("g000002"))
	})

	It("leaks no goroutines once closed", func() {
		before := gleak.Goroutines()
		r := v.runner()
		register(r, courseDef("a"))
		register(r, courseDef("b"))
		Expect(r.Start()).To(Succeed())
		p := appendAll(v.st, created("c1", "Go", 1), other(1))
		Expect(r.WaitForAll(ctx, p)).To(Succeed())
		Expect(r.Rebuild(ctx, "a")).To(Succeed())
		Expect(r.Close()).To(Succeed())
		Expect(r.Close()).To(MatchError(projection.ErrClosed))
		Eventually(gleak.Goroutines).WithTimeout(2 * time.Second).ShouldNot(gleak.HaveLeaked(before))
		Expect(statusOf(r, "a").State).To(Equal(projection.Stopped))
	})
})
