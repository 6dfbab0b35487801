package explorer_test

import (
	"encoding/json"
	"net/http"
	"os/exec"
	"regexp"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gbytes"
	"github.com/onsi/gomega/gexec"

	"github.com/opossum-go/opossum/internal/pgtest"
	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/postgres"
)

var _ = Describe("opossum ui on a PostgreSQL store", func() {
	It("serves its events by its URL, without files or read models", func(ctx SpecContext) {
		s := pgtest.OpenStore(ctx, &postgres.Options{})
		for i := range 3 {
			_, err := store.AppendOne(ctx, s, store.MustEvent("Noted", map[string]int{"i": i}, store.NewTag("n", "x")), nil)
			Expect(err).NotTo(HaveOccurred())
		}
		url := pgtest.Shared().URL("") + "&schema=" + s.Schema()

		ui, err := gexec.Start(exec.Command(opossumBin, "ui", url), GinkgoWriter, GinkgoWriter)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func() {
			ui.Interrupt()
			Eventually(ui).WithTimeout(20 * time.Second).Should(gexec.Exit(0))
		})
		Eventually(ui.Out).WithTimeout(30 * time.Second).Should(gbytes.Say(`Opossum Explorer on http://`))
		page := regexp.MustCompile(`http://\S+/`).FindString(string(ui.Out.Contents()))

		res, body := getValidated(page + "api/events?tag=n:x&limit=2")
		Expect(res.StatusCode).To(Equal(http.StatusOK))
		var p struct {
			Head   int   `json:"head"`
			Events []row `json:"events"`
			Next   int   `json:"next"`
		}
		Expect(json.Unmarshal(body, &p)).To(Succeed())
		Expect(p.Head).To(Equal(3))
		Expect(positions(p.Events)).To(Equal([]int{3, 2}))
		Expect(p.Events[0].Batch).To(BeNil())

		res, body = getValidated(page + "api/projections")
		Expect(res.StatusCode).To(Equal(http.StatusOK))
		Expect(string(body)).To(ContainSubstring(`"projections":[]`))
	}, SpecTimeout(2*time.Minute))
})
