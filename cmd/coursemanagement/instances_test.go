package main_test

import (
	"net/http"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gexec"

	"github.com/opossum-go/opossum/internal/courseapp"
	"github.com/opossum-go/opossum/store"
)

var _ = Describe("Two instances of the server on one store", func() {
	It("both start and serve reads; when the one that updates the read models is killed, the other takes over", func(ctx SpecContext) {
		dir := filepath.Join(GinkgoT().TempDir(), "data")
		head := store.Position(seedRun(dir))
		students := func(base string, min store.Position) int {
			var page courseapp.Page[courseapp.StudentShortInfo]
			if getJSON(ctx, base+"/students?pageSize=1", min, &page) != http.StatusOK {
				return -1
			}
			return page.TotalCount
		}

		a, baseA := serveOn(GinkgoT().TempDir(), "-data", dir)
		Eventually(func() int { return students(baseA, head) }).WithTimeout(30 * time.Second).Should(Equal(40))
		_, baseB := serveOn(GinkgoT().TempDir(), "-data", dir)
		Eventually(func() int { return students(baseB, head) }).WithTimeout(30 * time.Second).Should(Equal(40))

		Expect(a.Kill().Wait(20 * time.Second)).To(gexec.Exit())
		head += store.Position(seedRun(dir, "-add", "-seed", "9"))
		Eventually(func() int { return students(baseB, head) }).WithTimeout(60 * time.Second).Should(Equal(80))
	}, SpecTimeout(3*time.Minute))
})
