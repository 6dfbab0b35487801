package projection_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/projection"
)

// lockedBuffer is a bytes.Buffer safe for the runner's goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

var _ = Describe("Projection control", func() {
	var (
		v   *env
		ctx context.Context
	)
	BeforeEach(func() {
		ctx = specContext()
		v = newEnv()
	})

	// build runs version 1 over a few events and closes.
	build := func() store.Position {
		GinkgoHelper()
		p := appendAll(v.st, created("c1", "Go", 2), enrolled("c1", "s1"), created("c2", "Rust", 1))
		r := v.runner()
		register(r, courseDef("courses"))
		Expect(r.Start()).To(Succeed())
		waitFor(r, "courses", p)
		Expect(r.Close()).To(Succeed())
		return p
	}

	Describe("startup rebuild modes", func() {
		It("rebuilds nothing with RebuildNone: a projection that needs a rebuild waits, its readers keep the old read models, until Rebuild", func() {
			build()
			v.opts.StartupRebuild = projection.RebuildNone
			r := v.runner()
			courses := register(r, upperDef("courses"))
			Expect(r.Start()).To(Succeed())
			Eventually(func() projection.State { return statusOf(r, "courses").State }).Should(Equal(projection.NeedsRebuild))
			Expect(statusOf(r, "courses").Rebuild.Reason).To(Equal("version changed from 1 to 2"))
			it, err := courses.Get("c1")
			Expect(err).NotTo(HaveOccurred())
			Expect(it.State.Name).To(Equal("Go"))
			Expect(courses.Save(ctx, "c1", course{})).To(MatchError(projection.ErrNotReady))

			Expect(r.Rebuild(ctx, "courses")).To(Succeed())
			Expect(states(courses)).To(Equal(evaluate(v.st, upperDef("courses"))))
		})

		It("leaves a projection with no read models unbuilt with RebuildNone", func() {
			appendAll(v.st, created("c1", "Go", 2))
			v.opts.StartupRebuild = projection.RebuildNone
			r := v.runner()
			courses := register(r, courseDef("courses"))
			Expect(r.Start()).To(Succeed())
			Eventually(func() projection.State { return statusOf(r, "courses").State }).Should(Equal(projection.NeedsRebuild))
			Expect(statusOf(r, "courses").Rebuild.Reason).To(Equal("no read models yet"))
			_, err := courses.Get("c1")
			Expect(err).To(MatchError(projection.ErrNotFound))
		})

		It("rebuilds every projection with RebuildAll, also one that is up to date", func() {
			p := build()
			v.opts.StartupRebuild = projection.RebuildAll
			r := v.runner()
			courses := register(r, courseDef("courses"))
			Expect(r.Start()).To(Succeed())
			Eventually(func() int { return statusOf(r, "courses").Rebuilds }).Should(Equal(1))
			waitFor(r, "courses", p)
			Expect(statusOf(r, "courses").Rebuild.Reason).To(Equal("every projection rebuilt at start"))
			Expect(states(courses)).To(Equal(evaluate(v.st, courseDef("courses"))))
		})

		It("rebuilds only what is missing by default", func() {
			build()
			r := v.runner()
			register(r, courseDef("courses"))
			Expect(r.Start()).To(Succeed())
			waitLive(r, "courses")
			Expect(statusOf(r, "courses").Rebuilds).To(BeZero())
		})

		It("refuses an unknown mode", func() {
			v.opts.StartupRebuild = projection.RebuildMode(7)
			_, err := projection.NewRunner(v.st, &v.opts)
			Expect(err).To(MatchError(projection.ErrInvalidOption))
		})
	})

	Describe("a manual projection", func() {
		It("is not updated by the runner, only by Update, which brings it to the head", func() {
			build()
			r := v.runner()
			courses := register(r, courseDef("courses"), projection.Manual())
			Expect(r.Start()).To(Succeed())
			Eventually(func() projection.State { return statusOf(r, "courses").State }).Should(Equal(projection.Idle))
			before := statusOf(r, "courses").Position
			p := appendAll(v.st, enrolled("c2", "s2"), other(1))
			Consistently(func() store.Position { return statusOf(r, "courses").Position }, "200ms").Should(Equal(before))
			Expect(courses.Get("c2")).To(HaveField("State.Enrolled", 0))

			got, err := r.Update(ctx, "courses")
			Expect(err).NotTo(HaveOccurred())
			Expect(got).To(Equal(p))
			Expect(statusOf(r, "courses").Position).To(Equal(p))
			Expect(states(courses)).To(Equal(evaluate(v.st, courseDef("courses"))))
			Expect(r.Close()).To(Succeed())

			r = v.runner()
			register(r, courseDef("courses"), projection.Manual())
			Expect(r.Start()).To(Succeed())
			Eventually(func() projection.State { return statusOf(r, "courses").State }).Should(Equal(projection.Idle))
			Expect(statusOf(r, "courses").Position).To(Equal(p), "the update's checkpoint survives a restart")
			Expect(statusOf(r, "courses").Rebuilds).To(BeZero())
		})

		It("reports a fold error from Update and keeps its read models", func() {
			build()
			r := v.runner()
			courses := register(r, courseDef("courses"), projection.Manual())
			Expect(r.Start()).To(Succeed())
			Eventually(func() projection.State { return statusOf(r, "courses").State }).Should(Equal(projection.Idle))
			appendAll(v.st, enrolled("nope", "s1"))
			_, err := r.Update(ctx, "courses")
			var fe *projection.FoldError
			Expect(errors.As(err, &fe)).To(BeTrue())
			Expect(states(courses)).To(HaveLen(2))
		})

		It("lets Update wait for the head on a projection that follows the store", func() {
			r := v.runner()
			courses := register(r, courseDef("courses"))
			Expect(r.Start()).To(Succeed())
			p := appendAll(v.st, created("c1", "Go", 2))
			Expect(r.Update(ctx, "courses")).To(BeNumerically(">=", p))
			Expect(courses.Get("c1")).To(HaveField("State.Name", "Go"))
		})
	})

	Describe("saving a checkpoint by hand", func() {
		It("skips the events up to a position ahead, and delivers again from one behind only what a read model has not seen", func() {
			build()
			r := v.runner()
			courses := register(r, courseDef("courses"), projection.Manual())
			Expect(r.Start()).To(Succeed())
			Eventually(func() projection.State { return statusOf(r, "courses").State }).Should(Equal(projection.Idle))
			p := appendAll(v.st, enrolled("c1", "s2"))
			Expect(r.SaveCheckpoint(ctx, "courses", p)).To(Succeed())
			Expect(r.Update(ctx, "courses")).To(Equal(p))
			Expect(courses.Get("c1")).To(HaveField("State.Enrolled", 1), "s2 skipped")

			Expect(r.SaveCheckpoint(ctx, "courses", 0)).To(Succeed())
			Expect(r.Update(ctx, "courses")).To(Equal(p))
			c1, err := courses.Get("c1")
			Expect(err).NotTo(HaveOccurred())
			Expect(c1.State.Students).To(Equal([]string{"s1", "s2"}), "s1 not applied twice, s2 delivered again")

			Expect(r.SaveCheckpoint(ctx, "courses", p+1)).To(MatchError(projection.ErrInvalidOption))
		})

		It("moves a live projection's checkpoint, and it keeps following the store", func() {
			p := build()
			r := v.runner()
			courses := register(r, courseDef("courses"))
			Expect(r.Start()).To(Succeed())
			waitLive(r, "courses")
			Expect(r.SaveCheckpoint(ctx, "courses", p-1)).To(Succeed())
			p = appendAll(v.st, created("c3", "Zig", 1))
			waitFor(r, "courses", p)
			Expect(states(courses)).To(Equal(evaluate(v.st, courseDef("courses"))))
		})
	})

	Describe("an administrator's save and delete of one read model", func() {
		It("replaces a read model with its tags, applies later events to it, and a rebuild recomputes it", func() {
			p := build()
			r := v.runner()
			courses := register(r, courseDef("courses"))
			Expect(r.Start()).To(Succeed())
			waitFor(r, "courses", p)

			Expect(courses.Save(ctx, "c2", course{ID: "c2", Name: "Patched", Capacity: 5, Students: []string{}})).To(Succeed())
			it, err := courses.Get("c2")
			Expect(err).NotTo(HaveOccurred())
			Expect(it.State.Name).To(Equal("Patched"))
			Expect(it.Meta.Version).To(BeEquivalentTo(2))
			Expect(it.Tags).To(ContainElement(store.NewTag("capacity", "5")))
			Expect(keysOf(courses.Query(ctx, store.NewTag("capacity", "5")))).To(Equal([]string{"c2"}))
			Expect(keysOf(courses.Query(ctx, store.NewTag("capacity", "1")))).To(BeEmpty())

			p = appendAll(v.st, enrolled("c2", "s9"))
			waitFor(r, "courses", p)
			it, err = courses.Get("c2")
			Expect(err).NotTo(HaveOccurred())
			Expect(it.State.Name).To(Equal("Patched"))
			Expect(it.State.Students).To(Equal([]string{"s9"}))

			Expect(courses.Save(ctx, "c7", course{ID: "c7", Name: "New", Capacity: 1, Students: []string{}})).To(Succeed())
			Expect(courses.Get("c7")).To(HaveField("Meta.Version", BeEquivalentTo(1)))

			Expect(r.Rebuild(ctx, "courses")).To(Succeed())
			Expect(states(courses)).To(Equal(evaluate(v.st, courseDef("courses"))))
		})

		It("deletes a read model and its tags; the next event for its key starts a new one", func() {
			p := build()
			r := v.runner()
			courses := register(r, courseDef("courses"))
			Expect(r.Start()).To(Succeed())
			waitFor(r, "courses", p)
			Expect(courses.Delete(ctx, "c2")).To(Succeed())
			_, err := courses.Get("c2")
			Expect(err).To(MatchError(projection.ErrNotFound))
			Expect(keysOf(courses.Query(ctx, store.NewTag("capacity", "1")))).To(BeEmpty())
			Expect(courses.Delete(ctx, "c2")).To(MatchError(projection.ErrNotFound))
			Expect(r.Close()).To(Succeed())

			r = v.runner()
			courses = register(r, courseDef("courses"))
			Expect(r.Start()).To(Succeed())
			p = appendAll(v.st, created("c2", "Again", 3))
			waitFor(r, "courses", p)
			Expect(courses.Get("c2")).To(HaveField("State.Name", "Again"))
		})

		It("is refused by a read-only reader and by a runner standing by", func() {
			build()
			m, err := projection.OpenReadModels[course](v.opts.Dir, "courses")
			Expect(err).NotTo(HaveOccurred())
			Expect(m.Save(ctx, "c1", course{})).To(MatchError(projection.ErrReadOnly))
			Expect(m.Delete(ctx, "c1")).To(MatchError(projection.ErrReadOnly))

			r := v.runner()
			register(r, courseDef("courses"))
			Expect(r.Start()).To(Succeed())
			o := v.opts
			o.Standby = true
			standby, err := projection.NewRunner(v.st, &o)
			Expect(err).NotTo(HaveOccurred())
			DeferCleanup(func() { _ = standby.Close() })
			sm := register(standby, courseDef("courses"))
			Expect(standby.Start()).To(Succeed())
			Expect(standby.Leader()).To(BeFalse())
			Expect(sm.Save(ctx, "c1", course{})).To(MatchError(projection.ErrStandby))
			Expect(standby.Rebuild(ctx)).To(MatchError(projection.ErrStandby))
			Expect(sm.Get("c1")).To(HaveField("State.Name", "Go"), "a standing-by runner serves reads")
		})
	})

	Describe("a rebuild's report", func() {
		It("returns events, duration and an outcome per projection, logs progress with events per second, and records a span", func() {
			var events []store.Event
			for i := range 60 {
				events = append(events, created(fmt.Sprint("c", i), "Go", 2))
			}
			appendAll(v.st, events...)
			logs := &lockedBuffer{}
			spans := tracetest.NewSpanRecorder()
			v.opts.Logger = slog.New(slog.NewTextHandler(logs, nil))
			v.opts.TracerProvider = sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))
			v.opts.RebuildFlushEvery = 10
			r := v.runner()
			register(r, courseDef("courses"))
			broken := courseDef("broken")
			broken.Apply = func(*course, store.StoredEvent) (*course, error) { return nil, errors.New("bad fold") }
			register(r, broken)
			Expect(r.Start()).To(Succeed())
			waitLive(r, "courses")

			res, err := r.RebuildReport(ctx, "courses", "broken")
			Expect(err).To(MatchError(ContainSubstring("bad fold")))
			Expect(res.Duration).To(BeNumerically(">", 0))
			Expect(res.Events).To(Equal(60))
			Expect(res.Projections).To(HaveLen(2))
			Expect(res.Projections[0]).To(And(HaveField("Name", "courses"), HaveField("Err", BeNil()), HaveField("Events", 60),
				HaveField("Position", BeEquivalentTo(60)), HaveField("Duration", BeNumerically(">", 0))))
			Expect(res.Projections[1].Err).To(MatchError(ContainSubstring("bad fold")))
			Expect(res.Failed()).To(Equal([]string{"broken"}))

			Expect(logs.String()).To(MatchRegexp(`msg="projection: rebuild progress" projection=courses events=\d+ position=\d+ target=60 events_per_second=\d+`))
			var rebuilds []sdktrace.ReadOnlySpan
			for _, s := range spans.Ended() {
				if s.Name() == "opossum.projection.rebuild" {
					rebuilds = append(rebuilds, s)
				}
			}
			Expect(len(rebuilds)).To(BeNumerically(">=", 3), "the first builds and the requested rebuilds")
			attrs := map[string]attribute.Value{}
			for _, s := range rebuilds {
				for _, a := range s.Attributes() {
					if a.Key == "opossum.projection" && a.Value.AsString() == "courses" {
						for _, a := range s.Attributes() {
							attrs[string(a.Key)] = a.Value
						}
					}
				}
			}
			Expect(attrs).To(HaveKeyWithValue("opossum.events_processed", attribute.IntValue(60)))
		})
	})
})
