package projection_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/store/projection"
)

var _ = Describe("Inspecting the projections of a folder without their definitions", func() {
	var (
		v  *env
		in *projection.Inspector
	)

	BeforeEach(func() {
		v = newEnv()
		r := v.runner()
		register(r, courseDef("courses"))
		Expect(r.Start()).To(Succeed())
		p := appendAll(v.st, created("c-1", "Go", 2), created("c-2", "DCB", 1), enrolled("c-1", "s-1"), created("c-3", "ES", 3))
		waitFor(r, "courses", p)
		Expect(r.Close()).To(Succeed())
		in = projection.Inspect(v.opts.Dir)
	})

	It("lists each projection with its generation, version and checkpoint", func() {
		found, err := in.Projections()
		Expect(err).NotTo(HaveOccurred())
		Expect(found).To(HaveLen(1))
		Expect(found[0].Name).To(Equal("courses"))
		Expect(found[0].Generation).To(Equal("g000001"))
		Expect(found[0].Version).To(Equal(1))
		Expect(found[0].Position).To(BeEquivalentTo(4))
		Expect(found[0].Problem).To(BeEmpty())
	})

	It("gets a read model's JSON by key", func() {
		it, err := in.Get("courses", "c-1")
		Expect(err).NotTo(HaveOccurred())
		var c course
		Expect(json.Unmarshal(it.Data, &c)).To(Succeed())
		Expect(c.Enrolled).To(Equal(1))
		Expect(it.Meta.Position).To(BeEquivalentTo(3))
		Expect(it.Tags).NotTo(BeEmpty())
	})

	It("says which key or projection does not exist", func() {
		_, err := in.Get("courses", "c-9")
		Expect(err).To(MatchError(projection.ErrNotFound))
		_, err = in.Get("nope", "c-1")
		Expect(err).To(MatchError(projection.ErrUnknownProjection))
		_, err = in.Get("../courses", "c-1")
		Expect(err).To(MatchError(projection.ErrUnknownProjection), "a name is never a path")
	})

	It("pages through the read models in file-name order", func() {
		var keys []string
		after := ""
		for {
			var page []string
			for it, err := range in.List(context.Background(), "courses", after, 2) {
				Expect(err).NotTo(HaveOccurred())
				page = append(page, it.Key)
			}
			if len(page) == 0 {
				break
			}
			Expect(len(page)).To(BeNumerically("<=", 2))
			keys = append(keys, page...)
			after = page[len(page)-1]
		}
		Expect(keys).To(Equal([]string{"c-1", "c-2", "c-3"}))
	})

	It("lists a projection whose checkpoint is damaged with the problem", func() {
		Expect(os.WriteFile(filepath.Join(v.opts.Dir, "courses", "g000001", "checkpoint.json"), []byte("{"), 0o644)).To(Succeed())
		found, err := in.Projections()
		Expect(err).NotTo(HaveOccurred())
		Expect(found[0].Problem).To(ContainSubstring("checkpoint.json"))
	})

	It("finds no projection in a folder that does not exist", func() {
		found, err := projection.Inspect(filepath.Join(GinkgoT().TempDir(), "missing")).Projections()
		Expect(err).NotTo(HaveOccurred())
		Expect(found).To(BeEmpty())
	})
})
