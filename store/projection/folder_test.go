package projection_test

import (
	"encoding/json"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/projection"
)

var _ = Describe("Administering a projections folder while no runner runs", func() {
	var (
		v *env
		p store.Position
	)
	BeforeEach(func() {
		v = newEnv()
		p = appendAll(v.st, created("c1", "Go", 2), enrolled("c1", "s1"), created("c2", "Rust", 1))
		r := v.runner()
		register(r, courseDef("courses"))
		Expect(r.Start()).To(Succeed())
		waitFor(r, "courses", p)
		_, err := projection.OpenFolder(v.opts.Dir, true)
		Expect(err).To(MatchError(projection.ErrLocked), "not while a runner owns the folder")
		Expect(r.Close()).To(Succeed())
	})

	open := func() *projection.Folder {
		GinkgoHelper()
		f, err := projection.OpenFolder(v.opts.Dir, false)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(f.Close)
		return f
	}

	It("describes each projection from its files", func() {
		Expect(open().Projections()).To(ConsistOf(And(
			HaveField("Name", "courses"), HaveField("Generation", "g000001"), HaveField("Version", 1),
			HaveField("Position", p), HaveField("Complete", true), HaveField("ReadModels", 2),
			HaveField("Rebuilding", ""), HaveField("Problem", ""),
		)))
	})

	It("saves a read model as JSON, keeping its tags unless given, and deletes one", func() {
		f := open()
		Expect(f.SaveReadModel("courses", "c2", json.RawMessage(`{"id":"c2","name":"Fixed","capacity":1,"enrolled":0,"students":[]}`), nil)).To(Succeed())
		Expect(f.SaveReadModel("courses", "c9", json.RawMessage(`{"id":"c9","name":"New","capacity":3,"students":[]}`), []store.Tag{store.NewTag("full", "false")})).To(Succeed())
		Expect(f.DeleteReadModel("courses", "c1")).To(Succeed())
		Expect(f.DeleteReadModel("courses", "c1")).To(MatchError(projection.ErrNotFound))
		Expect(f.SaveReadModel("courses", "c3", json.RawMessage(`{nope`), nil)).To(MatchError(projection.ErrInvalidOption))
		Expect(f.SaveReadModel("nope", "c3", json.RawMessage(`{}`), nil)).To(MatchError(projection.ErrUnknownProjection))
		Expect(f.Close()).To(Succeed())

		m, err := projection.OpenReadModels[course](v.opts.Dir, "courses")
		Expect(err).NotTo(HaveOccurred())
		c2, err := m.Get("c2")
		Expect(err).NotTo(HaveOccurred())
		Expect(c2.State.Name).To(Equal("Fixed"))
		Expect(c2.Meta.Version).To(BeEquivalentTo(2))
		Expect(c2.Tags).To(ContainElement(store.NewTag("capacity", "1")), "its tags kept")
		Expect(keysOf(m.Query(specContext(), store.NewTag("full", "false")))).To(Equal([]string{"c2", "c9"}))
		_, err = m.Get("c1")
		Expect(err).To(MatchError(projection.ErrNotFound))

		r := v.runner()
		courses := register(r, courseDef("courses"))
		Expect(r.Start()).To(Succeed())
		q := appendAll(v.st, enrolled("c2", "s5"))
		waitFor(r, "courses", q)
		Expect(courses.Get("c2")).To(HaveField("State.Students", []string{"s5"}), "later events apply to the saved read model")
	})

	It("saves a checkpoint, and marks a projection for a rebuild that the next runner makes", func() {
		f := open()
		Expect(f.SaveCheckpoint("courses", 1)).To(Succeed())
		Expect(f.Projections()).To(ConsistOf(HaveField("Position", store.Position(1))))
		Expect(f.RequestRebuild("courses")).To(Succeed())
		Expect(f.Projections()).To(ConsistOf(HaveField("Complete", false)))
		Expect(f.Close()).To(Succeed())

		r := v.runner()
		courses := register(r, courseDef("courses"))
		Expect(r.Start()).To(Succeed())
		Eventually(func() int { return statusOf(r, "courses").Rebuilds }).Should(Equal(1))
		Expect(statusOf(r, "courses").Rebuild.Reason).To(Equal("current generation incomplete"))
		Expect(states(courses)).To(Equal(evaluate(v.st, courseDef("courses"))))
		Expect(filepath.Join(v.opts.Dir, "courses", "current")).To(BeAnExistingFile())
	})
})
