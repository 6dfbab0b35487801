package projection_test

import (
	"encoding/json"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

var _ = Describe("Read-model metadata", func() {
	It("records the size in bytes of each read model's JSON, updated with every write", func() {
		v := newEnv()
		r := v.runner()
		courses := register(r, courseDef("courses"))
		Expect(r.Start()).To(Succeed())
		size := func(key string) (int, int) {
			GinkgoHelper()
			it, err := courses.Get(key)
			Expect(err).NotTo(HaveOccurred())
			b, err := json.Marshal(it.State)
			Expect(err).NotTo(HaveOccurred())
			return it.Meta.Size, len(b)
		}
		waitFor(r, "courses", appendAll(v.st, created("c1", "Go", 2)))
		got, want := size("c1")
		Expect(got).To(Equal(want))
		waitFor(r, "courses", appendAll(v.st, enrolled("c1", "a-student-with-a-long-id")))
		grown, want := size("c1")
		Expect(grown).To(Equal(want))
		Expect(grown).To(BeNumerically(">", got))
	})
})
