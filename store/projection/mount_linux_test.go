package projection_test

import (
	"os"
	"path/filepath"
	"syscall"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/store/projection"
)

// secondMount bind-mounts dir on a new folder and returns it: the same
// files reached through another mount, as a second PC reaches a share. It
// skips the spec where mounting is not allowed (not root, no namespace).
func secondMount(dir string) string {
	GinkgoHelper()
	other := filepath.Join(GinkgoT().TempDir(), "mount")
	Expect(os.Mkdir(other, 0o755)).To(Succeed())
	if err := syscall.Mount(dir, other, "", syscall.MS_BIND, ""); err != nil {
		Skip("cannot bind-mount here (" + err.Error() + "); this spec needs root")
	}
	DeferCleanup(func() { Expect(syscall.Unmount(other, 0)).To(Succeed()) })
	return other
}

var _ = Describe("The projection folder's lock over a second mount of the same folder", func() {
	It("keeps a second runner out and lets it take over, as on one mount", func(ctx SpecContext) {
		v := newEnv()
		p := appendAll(v.st, created("c1", "Go", 2))
		Expect(os.MkdirAll(v.opts.Dir, 0o755)).To(Succeed())
		other := secondMount(v.opts.Dir)

		r := v.runner()
		register(r, courseDef("courses"))
		Expect(r.Start()).To(Succeed())
		waitFor(r, "courses", p)

		o := v.opts
		o.Dir = other
		_, err := projection.NewRunner(v.st, &o)
		Expect(err).To(MatchError(projection.ErrLocked), "the lock taken through one mount holds through the other")

		o.Standby = true
		standby, err := projection.NewRunner(v.st, &o)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func() { _ = standby.Close() })
		courses := register(standby, courseDef("courses"))
		Expect(standby.Start()).To(Succeed())
		Expect(standby.Leader()).To(BeFalse())
		Expect(courses.Get("c1")).To(HaveField("State.Name", "Go"))

		Expect(r.Close()).To(Succeed())
		Eventually(standby.Leader).Should(BeTrue())
		p = appendAll(v.st, enrolled("c1", "s1"))
		waitFor(standby, "courses", p)
		Expect(courses.Get("c1")).To(HaveField("State.Enrolled", 1))
	})
})
