package projection_test

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/projection"
	"github.com/opossum-go/opossum/store/vfs"
)

// upperDef is version 2 of the course projection: names in upper case.
func upperDef(name string) projection.Definition[course] {
	d := courseDef(name)
	d.Version = 2
	d.Apply = func(cur *course, e store.StoredEvent) (*course, error) {
		c, err := foldCourse(cur, e)
		if c != nil {
			c.Name = strings.ToUpper(c.Name)
		}
		return c, err
	}
	return d
}

// gated wraps a definition's fold so that it blocks at event position at
// until the returned release is called.
func gated(d projection.Definition[course], at store.Position) (projection.Definition[course], <-chan struct{}, func()) {
	reached, gate := make(chan struct{}), make(chan struct{})
	var once, rel sync.Once
	apply := d.Apply
	d.Apply = func(cur *course, e store.StoredEvent) (*course, error) {
		if e.Position == at {
			once.Do(func() { close(reached) })
			<-gate
		}
		return apply(cur, e)
	}
	return d, reached, func() { rel.Do(func() { close(gate) }) }
}

var _ = Describe("Rebuild", func() {
	var (
		v   *env
		ctx context.Context
	)
	BeforeEach(func() { ctx = specContext() })
	BeforeEach(func() { v = newEnv() })

	// build runs version 1 over some events and closes.
	build := func() store.Position {
		GinkgoHelper()
		p := appendAll(v.st, created("c1", "Go", 2), enrolled("c1", "s1"), created("c2", "Rust", 1), created("c3", "Zig", 1), cancelled("c3"))
		r := v.runner()
		register(r, courseDef("courses"))
		Expect(r.Start()).To(Succeed())
		waitFor(r, "courses", p)
		Expect(r.Close()).To(Succeed())
		return p
	}

	It("rebuilds automatically when the definition's version changes, and readers see the old read models until the new ones are complete", func() {
		p := build()
		def, reached, release := gated(upperDef("courses"), 3)
		DeferCleanup(release)
		r := v.runner()
		courses := register(r, def)
		Expect(r.Start()).To(Succeed())
		Eventually(reached).Should(BeClosed())

		s := statusOf(r, "courses")
		Expect(s.State).To(Equal(projection.Rebuilding))
		Expect(s.Rebuild.Reason).To(Equal("version changed from 1 to 2"))
		Expect(s.Generation).To(Equal("g000001"))
		it, err := courses.Get("c1")
		Expect(err).NotTo(HaveOccurred())
		Expect(it.State.Name).To(Equal("Go"), "the old read model")
		_, err = courses.Get("c2")
		Expect(err).NotTo(HaveOccurred(), "the old generation is complete; the new one holds no c2 yet")
		Expect(readCurrent(filepath.Join(v.opts.Dir, "courses"))).To(Equal("g000001"))

		release()
		Eventually(func() int { return statusOf(r, "courses").Rebuilds }).Should(Equal(1))
		waitFor(r, "courses", p)
		Expect(states(courses)).To(Equal(evaluate(v.st, upperDef("courses"))))
		Expect(readCurrent(filepath.Join(v.opts.Dir, "courses"))).To(Equal("g000002"))
		Eventually(func() []string { return files(v.opts.Dir) }).ShouldNot(ContainElement(HavePrefix("courses/g000001")))
		Expect(readCheckpoint(filepath.Join(v.opts.Dir, "courses", "g000002")).Version).To(Equal(2))
	})

	It("rebuilds when the checkpoint is missing", func() {
		p := build()
		Expect(removeFile(filepath.Join(v.opts.Dir, "courses", "g000001", "checkpoint.json"))).To(Succeed())
		r := v.runner()
		courses := register(r, courseDef("courses"))
		Expect(r.Start()).To(Succeed())
		Eventually(func() int { return statusOf(r, "courses").Rebuilds }).Should(Equal(1))
		waitFor(r, "courses", p)
		Expect(statusOf(r, "courses").Rebuild.Reason).To(Equal("checkpoint missing or unreadable"))
		Expect(states(courses)).To(Equal(evaluate(v.st, courseDef("courses"))))
	})

	It("keeps a reader's generation until the reader is done", func() {
		build()
		r := v.runner()
		courses := register(r, courseDef("courses"))
		Expect(r.Start()).To(Succeed())
		waitLive(r, "courses")

		next, stop := iter.Pull2(courses.List(ctx))
		first, err, ok := next()
		Expect(ok).To(BeTrue())
		Expect(err).NotTo(HaveOccurred())
		Expect(r.Rebuild(ctx, "courses")).To(Succeed())
		Expect(files(v.opts.Dir)).To(ContainElement(HavePrefix("courses/g000001/")), "still read")
		keys := []string{first.Key}
		for it, err, ok := next(); ok; it, err, ok = next() {
			Expect(err).NotTo(HaveOccurred())
			keys = append(keys, it.Key)
		}
		stop()
		Expect(keys).To(ConsistOf("c1", "c2"))
		Expect(files(v.opts.Dir)).NotTo(ContainElement(HavePrefix("courses/g000001/")))
		Expect(statusOf(r, "courses").Generation).To(Equal("g000002"))
	})

	crashAt := func(point string, nth int) func(string, string) error {
		var n atomic.Int32
		return func(_, p string) error {
			if p == point && int(n.Add(1)) == nth {
				return fmt.Errorf("killed at %s", p)
			}
			return nil
		}
	}

	DescribeTable("a rebuild interrupted by a crash is completed on the next start without applying an event twice",
		func(point string, nth int, resumed bool, rebuilds int) {
			build()
			var events []store.Event
			for i := range 40 {
				events = append(events, enrolled("c1", fmt.Sprint("s", i)), created(fmt.Sprint("k", i), "K", 1))
				if i%3 == 0 {
					events = append(events, cancelled(fmt.Sprint("k", i)))
				}
			}
			p := appendAll(v.st, events...)
			v.opts.RebuildFlushEvery = 7

			r := v.runner()
			projection.SetFailpoint(r, crashAt(point, nth))
			courses := register(r, upperDef("courses"))
			Expect(r.Start()).To(Succeed())
			Eventually(func() error { return statusOf(r, "courses").Err }).Should(MatchError(ContainSubstring("killed at")))
			Expect(r.Close()).To(Succeed())
			it, err := courses.Get("c1")
			Expect(err).NotTo(HaveOccurred())
			Expect(it.State.Name).To(Equal("Go"), "readers still see version 1")

			r = v.runner()
			courses = register(r, upperDef("courses"))
			Expect(r.Start()).To(Succeed())
			Eventually(func() string { return statusOf(r, "courses").Generation }).Should(Equal("g000002"))
			waitFor(r, "courses", p)
			s := statusOf(r, "courses")
			Expect(s.Rebuilds).To(Equal(rebuilds))
			Expect(s.Rebuild.Resumed).To(Equal(resumed))
			Expect(states(courses)).To(Equal(evaluate(v.st, upperDef("courses"))))
			it, err = courses.Get("c1")
			Expect(err).NotTo(HaveOccurred())
			Expect(it.State.Enrolled).To(Equal(41))
			Expect(it.Meta.Version).To(BeEquivalentTo(42))
			Expect(files(v.opts.Dir)).To(HaveEach(Or(HavePrefix(fmt.Sprintf("courses/%s/", s.Generation)), Equal(".lock"), Equal("courses/current"))))
		},
		Entry("after state files, before the progress point", "rebuild:before-progress", 3, true, 1),
		Entry("before the final checkpoint", "rebuild:before-complete", 1, true, 1),
		Entry("after the final checkpoint, before the switch", "rebuild:before-swap", 1, false, 0),
	)

	It("recovers from a failed write during a rebuild: the read models equal a rebuild from scratch", func() {
		for n := 1; ; n++ {
			v = newEnv()
			p := build()
			p = max(p, appendAll(v.st, enrolled("c2", "x"), created("c4", "Elm", 3)))
			fsys := &faultyFS{FS: vfs.OSFS()}
			o := v.opts
			o.FS, o.RebuildFlushEvery = fsys, 2
			fsys.arm(n)
			r, err := projection.NewRunner(v.st, &o)
			if err != nil {
				Expect(err).To(MatchError(errInjected))
				continue
			}
			register(r, upperDef("courses"))
			Expect(r.Start()).To(Succeed())
			Eventually(func() bool {
				s := statusOf(r, "courses")
				return s.State == projection.Failed || (s.State == projection.Live && s.Position >= p)
			}).Should(BeTrue())
			done := !fsys.failed.Load()
			if err := statusOf(r, "courses").Err; err != nil {
				Expect(err).To(MatchError(errInjected))
			}
			Expect(r.Close()).To(Succeed())

			r = v.runner()
			m := register(r, upperDef("courses"))
			Expect(r.Start()).To(Succeed())
			waitFor(r, "courses", p)
			waitLive(r, "courses")
			Expect(states(m)).To(Equal(evaluate(v.st, upperDef("courses"))), "after failing write %d", n)
			Expect(keysOf(m.Query(ctx, store.NewTag("full", "true")))).To(Equal([]string{"c2"}), "after failing write %d", n)
			Expect(keysOf(m.Query(ctx, store.NewTag("full", "false")))).To(Equal([]string{"c1", "c4"}), "after failing write %d", n)
			Expect(r.Close()).To(Succeed())
			if done {
				Expect(n).To(BeNumerically(">", 20), "the scenario has many writes to fail")
				break
			}
		}
	})

	It("keeps up with appends that continue during a rebuild", func() {
		build()
		r := v.runner()
		courses := register(r, courseDef("courses"))
		Expect(r.Start()).To(Succeed())
		waitLive(r, "courses")
		var wg sync.WaitGroup
		var last atomic.Uint64
		wg.Go(func() {
			defer GinkgoRecover()
			for i := range 200 {
				p := appendAll(v.st, enrolled("c2", fmt.Sprint("s", i)))
				last.Store(uint64(p))
			}
		})
		for range 3 {
			Expect(r.Rebuild(ctx, "courses")).To(Succeed())
		}
		wg.Wait()
		waitFor(r, "courses", store.Position(last.Load()))
		Expect(states(courses)).To(Equal(evaluate(v.st, courseDef("courses"))))
		Expect(statusOf(r, "courses").Rebuilds).To(Equal(3))
	})

	It("rebuilds several projections in parallel, never more than the bound", func() {
		var events []store.Event
		for i := range 20 {
			events = append(events, created(fmt.Sprint("c", i), "n", 1))
		}
		p := appendAll(v.st, events...)
		v.opts.MaxParallelRebuilds = 2
		r := v.runner()
		var active, peak atomic.Int32
		for i := range 5 {
			d := courseDef(fmt.Sprint("p", i))
			d.Apply = func(cur *course, e store.StoredEvent) (*course, error) {
				n := active.Add(1)
				for {
					m := peak.Load()
					if n <= m || peak.CompareAndSwap(m, n) {
						break
					}
				}
				time.Sleep(2 * time.Millisecond)
				active.Add(-1)
				return foldCourse(cur, e)
			}
			register(r, d)
		}
		Expect(r.Start()).To(Succeed())
		queued := false
		Eventually(func() bool {
			for _, s := range r.Status() {
				queued = queued || s.State == projection.Queued
			}
			return queued
		}).Should(BeTrue())
		Expect(r.WaitForAll(ctx, p)).To(Succeed())
		Expect(peak.Load()).To(BeEquivalentTo(2))
		for _, s := range r.Status() {
			Expect(s.Rebuilds).To(Equal(1))
			Expect(s.Rebuild.Events).To(Equal(20))
			Expect(s.Rebuild.Reason).To(Equal("no read models yet"))
		}
	})

	It("gives a fold only the related events that precede the event, also in a rebuild", func() {
		type roster struct {
			Names []string `json:"names"`
		}
		def := projection.Definition[roster]{
			Name:       "rosters",
			Version:    1,
			EventTypes: []string{"StudentEnrolled"},
			Key:        projection.KeyByTag("courseId"),
			Related: func(e store.StoredEvent) (store.Query, bool) {
				id, _ := e.TagValue("studentId")
				return store.Tagged(store.NewTag("studentId", id)), true
			},
			ApplyRelated: func(cur *roster, e store.StoredEvent, related []store.StoredEvent) (*roster, error) {
				if cur == nil {
					cur = &roster{Names: []string{}}
				}
				name := "?"
				for _, r := range related {
					Expect(r.Position).To(BeNumerically("<", e.Position))
					if r.Type == "StudentRegistered" {
						d, err := store.Decode[studentRegistered](r.Event)
						if err != nil {
							return nil, err
						}
						name = d.Name
					}
				}
				cur.Names = append(cur.Names, name)
				return cur, nil
			},
		}
		r := v.runner()
		rosters := register(r, def)
		Expect(r.Start()).To(Succeed())
		p := appendAll(v.st, registered("s1", "Ann"), created("c1", "Go", 5), enrolled("c1", "s1"), enrolled("c1", "s2"))
		waitFor(r, "rosters", p)
		p = appendAll(v.st, registered("s2", "Bob"), registered("s1", "Anna"))
		waitFor(r, "rosters", p)
		live := states(rosters)
		Expect(live["c1"].Names).To(Equal([]string{"Ann", "?"}))

		Expect(r.Rebuild(ctx, "rosters")).To(Succeed())
		Expect(states(rosters)).To(Equal(live), "a rebuild sees no events from the future")
		Expect(evaluate(v.st, def)).To(Equal(live))
	})

	It("returns from Rebuild only after a rebuild asked for after the previous one published its read models", func() {
		p := appendAll(v.st, created("c1", "Go", 2), enrolled("c1", "s1"))
		r := v.runner()
		register(r, courseDef("courses"))
		// The first build stops right after it swapped its read models
		// in: readers see them, but the build is not counted yet.
		swapped, release := make(chan struct{}), make(chan struct{})
		var first sync.Once
		projection.SetFailpoint(r, func(_, point string) error {
			if point == "rebuild:after-swap" {
				first.Do(func() {
					close(swapped)
					<-release
				})
			}
			return nil
		})
		Expect(r.Start()).To(Succeed())
		DeferCleanup(r.Close)
		Eventually(swapped).Should(BeClosed())
		waitFor(r, "courses", p)

		done := make(chan error, 1)
		go func() { done <- r.Rebuild(ctx, "courses") }()
		// Rebuild has asked for its rebuild once the worker's channel
		// holds the request; give it the time to, then let the first
		// build finish.
		Eventually(func() projection.State { return statusOf(r, "courses").State }).Should(Equal(projection.Live))
		time.Sleep(50 * time.Millisecond)
		close(release)
		Eventually(done).Should(Receive(Succeed()))
		Expect(statusOf(r, "courses").Rebuilds).To(Equal(2), "Rebuild returned before the rebuild it asked for ran")
	})

	It("reports an unknown projection", func() {
		r := v.runner()
		register(r, courseDef("courses"))
		Expect(r.Start()).To(Succeed())
		Expect(r.Rebuild(ctx, "nope")).To(MatchError(projection.ErrUnknownProjection))
		_, err := r.StatusOf("nope")
		Expect(err).To(MatchError(projection.ErrUnknownProjection))
		Expect(errors.Is(r.WaitFor(ctx, "nope", 1), projection.ErrUnknownProjection)).To(BeTrue())
	})
})
