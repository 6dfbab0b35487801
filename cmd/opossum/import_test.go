package main_test

import (
	"os"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gbytes"
	"github.com/onsi/gomega/gexec"
)

// opossumFixture copies the Opossum (.NET) fixture store of store/importer.
func opossumFixture() string {
	GinkgoHelper()
	dir := filepath.Join(GinkgoT().TempDir(), "CourseManagement")
	Expect(os.CopyFS(dir, os.DirFS(filepath.Join("..", "..", "store", "importer", "testdata", "opossum", "CourseManagement")))).To(Succeed())
	return dir
}

var _ = Describe("opossum import-opossum", func() {
	It("copies an Opossum store into a new store and reports what it found", func() {
		src := opossumFixture()
		dst := filepath.Join(GinkgoT().TempDir(), "imported")
		s := opossum("import-opossum", src, dst)
		Expect(s).To(gexec.Exit(0))
		Expect(s.Out).To(gbytes.Say(`imported 6 events from .* head 6`))
		Expect(s.Out).To(gbytes.Say(`ledger\s+6, last event file 6`))
		Expect(s.Out).To(gbytes.Say(`StudentRegisteredEvent\s+2`))
		Expect(s.Out).To(gbytes.Say(`indices\s+10 files compared: 0 entries missing, 0 naming no event`))
		Expect(s.Out).To(gbytes.Say(`Projections/`))

		s = opossum("ls", dst)
		Expect(s).To(gexec.Exit(0))
		Expect(s.Out).To(gbytes.Say(`CourseCreatedEvent`))
	})

	It("exits with a code that says what is wrong", func() {
		src := opossumFixture()
		dst := filepath.Join(GinkgoT().TempDir(), "imported")
		Expect(opossum("import-opossum", filepath.Join(src, "Indices"), dst)).To(gexec.Exit(5))
		Expect(os.WriteFile(filepath.Join(src, "events", "0000000002.json"), []byte("{"), 0o644)).To(Succeed())
		s := opossum("import-opossum", src, dst)
		Expect(s).To(gexec.Exit(4))
		Expect(s.Err).To(gbytes.Say(`0000000002.json`))
		Expect(dst).NotTo(BeAnExistingFile())
		Expect(os.MkdirAll(dst, 0o755)).To(Succeed())
		Expect(os.WriteFile(filepath.Join(dst, "x"), nil, 0o644)).To(Succeed())
		Expect(opossum("import-opossum", opossumFixture(), dst)).To(gexec.Exit(2))
	})
})
