package main_test

import (
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gbytes"
	"github.com/onsi/gomega/gexec"

	"github.com/opossum-go/opossum/internal/pgtest"
	"github.com/opossum-go/opossum/store"
)

var _ = Describe("coursemanagement serve with OPOSSUM_STORE", func() {
	It("keeps the events in the PostgreSQL store it names, and the read models in the folder", func(ctx SpecContext) {
		srv := pgtest.Shared()
		schema := pgtest.NewSchema()
		DeferCleanup(func(ctx SpecContext) { pgtest.DropSchema(ctx, srv, schema) })
		dir := GinkgoT().TempDir()
		cmd := exec.Command(binary, "serve", "-addr", "127.0.0.1:0")
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "OPOSSUM_STORE="+srv.URL("")+"&schema="+schema)
		s, err := gexec.Start(cmd, GinkgoWriter, GinkgoWriter)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func() { s.Kill().Wait() })
		Eventually(s.Out).WithTimeout(20 * time.Second).Should(gbytes.Say(`serving http://`))
		m := serving.FindSubmatch(s.Out.Contents())
		Expect(m).NotTo(BeNil())
		Expect(string(s.Out.Contents())).To(ContainSubstring("store PostgreSQL"))

		resp, err := client.Post(string(m[1])+"/students", "application/json",
			strings.NewReader(`{"firstName":"Ada","lastName":"Lovelace","email":"ada@example.com"}`))
		Expect(err).NotTo(HaveOccurred())
		resp.Body.Close()
		Expect(resp.StatusCode).To(Equal(http.StatusCreated))
		var students struct{ TotalCount int }
		Expect(getJSON(ctx, string(m[1])+"/students", 1, &students)).To(Equal(http.StatusOK))
		Expect(students.TotalCount).To(Equal(1), "the read model, fed from PostgreSQL")
		s.Signal(os.Interrupt)
		Eventually(s).WithTimeout(20 * time.Second).Should(gexec.Exit(0))

		pg := pgtest.OpenStoreIn(ctx, schema)
		events, err := store.ReadAll(ctx, pg, store.All())
		Expect(err).NotTo(HaveOccurred())
		Expect(events).To(HaveLen(1))
		Expect(events[0].Type).To(Equal("StudentRegistered"))
		Expect(filepath.Join(dir, "data", "coursemanagement", "projections")).To(BeADirectory())
		Expect(filepath.Join(dir, "data", "coursemanagement", "opossum.json")).NotTo(BeAnExistingFile(), "no file store")
	}, SpecTimeout(2*time.Minute))
})
