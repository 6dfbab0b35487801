package projection_test

import (
	"encoding/json"
	"os"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/store/projection"
)

// modes returns the permission bits of the read-model files of the
// projection's current generation, by path relative to the projection.
func modes(dir, name string) map[string]os.FileMode {
	GinkgoHelper()
	out := map[string]os.FileMode{}
	gen := readCurrent(filepath.Join(dir, name))
	for _, rel := range append([]string{"current", filepath.Join(gen, "checkpoint.json")}, globRel(filepath.Join(dir, name), filepath.Join(gen, "state", "*.json"))...) {
		fi, err := os.Stat(filepath.Join(dir, name, rel))
		Expect(err).NotTo(HaveOccurred())
		out[filepath.ToSlash(rel)] = fi.Mode().Perm()
	}
	return out
}

func globRel(base, pattern string) []string {
	GinkgoHelper()
	ms, err := filepath.Glob(filepath.Join(base, pattern))
	Expect(err).NotTo(HaveOccurred())
	for i, m := range ms {
		ms[i], _ = filepath.Rel(base, m)
	}
	return ms
}

var _ = Describe("Write protection of read-model files", func() {
	It("writes them read-only, keeps updating, rebuilding and administering them, and reports one whose protection was removed", func(ctx SpecContext) {
		v := newEnv()
		v.opts.WriteProtect = true
		r := v.runner()
		courses := register(r, courseDef("courses"))
		Expect(r.Start()).To(Succeed())
		waitFor(r, "courses", appendAll(v.st, created("c1", "Go", 2), created("c2", "Rust", 1)))
		waitFor(r, "courses", appendAll(v.st, enrolled("c1", "s1")))
		Expect(courses.Get("c1")).To(HaveField("State.Enrolled", 1), "a read-only file is replaced")
		Expect(courses.Save(ctx, "c2", course{ID: "c2", Name: "Fixed", Capacity: 1, Students: []string{}})).To(Succeed())
		Expect(r.Rebuild(ctx, "courses")).To(Succeed())
		waitFor(r, "courses", appendAll(v.st, cancelled("c2")))
		Expect(r.Close()).To(Succeed())
		ms := modes(v.opts.Dir, "courses")
		Expect(ms).To(HaveLen(3), "current, checkpoint, c1")
		Expect(ms).To(HaveEach(Equal(os.FileMode(0o444))))

		f, err := projection.OpenFolder(v.opts.Dir, true)
		Expect(err).NotTo(HaveOccurred())
		Expect(f.SaveReadModel("courses", "c1", json.RawMessage(`{"id":"c1","name":"Patched","capacity":2,"enrolled":1,"students":["s1"]}`), nil)).To(Succeed())
		Expect(f.SaveCheckpoint("courses", 4)).To(Succeed())
		Expect(f.Close()).To(Succeed())
		Expect(modes(v.opts.Dir, "courses")).To(HaveEach(Equal(os.FileMode(0o444))))
		infos, err := projection.ListProjections(v.opts.Dir)
		Expect(err).NotTo(HaveOccurred())
		Expect(infos).To(ConsistOf(And(HaveField("Protected", true), HaveField("Unprotected", BeEmpty()))))

		gen := readCurrent(filepath.Join(v.opts.Dir, "courses"))
		Expect(os.Chmod(filepath.Join(v.opts.Dir, "courses", gen, "state", "c1.json"), 0o644)).To(Succeed())
		infos, err = projection.ListProjections(v.opts.Dir)
		Expect(err).NotTo(HaveOccurred())
		Expect(infos[0].Unprotected).To(Equal([]string{gen + "/state/c1.json"}))
	})

	It("leaves them writable by default", func() {
		v := newEnv()
		r := v.runner()
		register(r, courseDef("courses"))
		Expect(r.Start()).To(Succeed())
		waitFor(r, "courses", appendAll(v.st, created("c1", "Go", 2)))
		Expect(r.Close()).To(Succeed())
		Expect(modes(v.opts.Dir, "courses")).To(HaveEach(Equal(os.FileMode(0o644))))
		infos, err := projection.ListProjections(v.opts.Dir)
		Expect(err).NotTo(HaveOccurred())
		Expect(infos).To(ConsistOf(And(HaveField("Protected", false), HaveField("Unprotected", BeEmpty()))))
	})
})
