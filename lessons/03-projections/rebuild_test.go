package projections_test

import (
	"os"
	"path/filepath"
	"sync"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	projections "github.com/opossum-go/opossum/lessons/03-projections"
	"github.com/opossum-go/opossum/specs/steps"
	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/projection"
)

// pausedAt wraps a definition's fold so that it stops before the event at
// position at, until resume is called: a slow rebuild you can look at.
func pausedAt(d projection.Definition[projections.Course], at store.Position) (def projection.Definition[projections.Course], reached <-chan struct{}, resume func()) {
	r, gate := make(chan struct{}), make(chan struct{})
	var once, once2 sync.Once
	apply := d.Apply
	d.Apply = func(c *projections.Course, e store.StoredEvent) (*projections.Course, error) {
		if e.Position == at {
			once.Do(func() { close(r) })
			<-gate
		}
		return apply(c, e)
	}
	return d, r, func() { once2.Do(func() { close(gate) }) }
}

var _ = steps.Describe("Step 7: a changed fold means a new version, and a rebuild", func() {
	name := projections.CourseSummariesName

	It("counts a student once per course, however often the enrollment was recorded", func() {
		var c *projections.Course
		for _, e := range history(dcb, enroll("s-ada", "c-dcb"), enroll("s-ada", "c-dcb"), dcbToThree, enroll("s-bob", "c-dcb")) {
			var err error
			c, err = projections.EvolveCourseV2(c, e)
			Expect(err).NotTo(HaveOccurred())
		}
		Expect(c.Students).To(Equal([]string{"s-ada", "s-bob"}))
		Expect(c.Enrolled).To(Equal(2))
		Expect(c.Capacity).To(Equal(3), "every other rule is the old fold's")
	})

	It("rebuilds the read models from the first event when the version changes; readers see the old ones until the new ones are complete", func(ctx SpecContext) {
		s := newStore()
		p := record(ctx, s, dcb, enroll("s-ada", "c-dcb"), enroll("s-ada", "c-dcb"), golang)

		By("version 1 counted the retried enrollment twice")
		r := newRunner(s)
		old := register(r, projections.CourseSummaries())
		Expect(r.Start()).To(Succeed())
		waitFor(r, name, p)
		it, err := old.Get("c-dcb")
		Expect(err).NotTo(HaveOccurred())
		Expect(it.State.Enrolled).To(Equal(2))
		Expect(r.Close()).To(Succeed())

		By("version 2 starts; its rebuild pauses before the last event")
		v2 := projections.CourseSummariesV2()
		Expect(v2.Version).NotTo(Equal(projections.CourseSummaries().Version),
			"the fold changed, so the version must change: otherwise the runner keeps the old read models")
		def, reached, resume := pausedAt(v2, p)
		DeferCleanup(resume)
		r = newRunner(s)
		courses := register(r, def)
		Expect(r.Start()).To(Succeed())
		Eventually(func() bool {
			checkProjection(r, name)
			select {
			case <-reached:
				return true
			default:
				return false
			}
		}).Should(BeTrue())
		st, err := r.StatusOf(name)
		Expect(err).NotTo(HaveOccurred())
		Expect(st.State).To(Equal(projection.Rebuilding))
		Expect(st.Rebuild.Reason).To(Equal("version changed from 1 to 2"))
		it, err = courses.Get("c-dcb")
		Expect(err).NotTo(HaveOccurred())
		Expect(it.State.Enrolled).To(Equal(2), "during the rebuild, readers see the old read models, complete")

		By("the rebuild completes and replaces them all at once")
		resume()
		Eventually(func() int {
			checkProjection(r, name)
			st, _ := r.StatusOf(name)
			return st.Rebuilds
		}).Should(Equal(1))
		it, err = courses.Get("c-dcb")
		Expect(err).NotTo(HaveOccurred())
		Expect(it.State.Enrolled).To(Equal(1))
		Expect(courses.Get("c-go")).Error().NotTo(HaveOccurred())
	})

	It("builds the new read models in a new folder and switches to it in one step", func(ctx SpecContext) {
		s := newStore()
		p := record(ctx, s, dcb, enroll("s-ada", "c-dcb"), enroll("s-ada", "c-dcb"))
		r := newRunner(s)
		register(r, projections.CourseSummaries())
		Expect(r.Start()).To(Succeed())
		waitFor(r, name, p)
		Expect(r.Close()).To(Succeed())

		r = newRunner(s)
		register(r, projections.CourseSummariesV2())
		Expect(r.Start()).To(Succeed())
		Eventually(func() string {
			checkProjection(r, name)
			st, _ := r.StatusOf(name)
			return st.Generation
		}).Should(Equal("g000002"))
		current, err := os.ReadFile(filepath.Join(s.Dir(), "projections", name, "current"))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(current)).To(ContainSubstring(`"generation": "g000002"`))
		Eventually(func() []string { return files(filepath.Join(s.Dir(), "projections", name)) }).
			ShouldNot(ContainElement(HavePrefix("g000001/")), "the old generation is removed once nobody reads it")
	})
})
