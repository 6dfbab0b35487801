package main_test

import (
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gbytes"
	"github.com/onsi/gomega/gexec"
)

var _ = Describe("The gen command", func() {
	var root string

	BeforeEach(func() {
		root = sampleWorkbook()
	})

	It("is listed in the help as a command for the workbook's authors", func() {
		session := workbookIn(root, "help")
		Expect(session).To(gexec.Exit(0))
		Expect(session).To(gbytes.Say(`gen\s+\[-check\] \[LESSON\.\.\.\]\n\s+for authors: write the lessons' Go files from their solutions; -check only compares`))
	})

	It("with -check passes when the lessons are what it writes, and names the first differing line when not", func() {
		session := workbookIn(root, "gen", "-check")
		Expect(session).To(gexec.Exit(0))
		Expect(session).To(gbytes.Say(`The lessons are what gen writes from their solutions \(1 lesson checked\)\.`))

		write(root, "solutions/01-sample/given.go", "package sample\n\n// Double doubles.\nfunc Double(n int) int { return n + n }\n")
		session = workbookIn(root, "gen", "-check", "1")
		Expect(session).To(gexec.Exit(1))
		Expect(session).To(gbytes.Say(`01-sample: gen: lessons/01-sample/given.go:1 is not what gen writes from solutions/01-sample/given.go`))
		Expect(read(root, "lessons/01-sample/given.go")).NotTo(ContainSubstring("n + n"), "-check writes nothing")

		session = workbookIn(root, "gen")
		Expect(session).To(gexec.Exit(0))
		Expect(session).To(gbytes.Say(`wrote lessons/01-sample/given.go\n`))
		Expect(read(root, "lessons/01-sample/given.go")).To(ContainSubstring("n + n"))
	})

	It("refuses to overwrite a lesson solved in place", func() {
		solve(root)
		write(root, "solutions/01-sample/given.go", "package sample\n\n// Double doubles.\nfunc Double(n int) int { return n + n }\n")
		session := workbookIn(root, "gen")
		Expect(session).To(gexec.Exit(1))
		Expect(session.Err).To(gbytes.Say(`lesson solved in place: lessons/01-sample/sample.go: gen writes lessons from their solutions for the workbook's authors and never overwrites a learner's work`))
		Expect(strings.Count(string(session.Err.Contents()), "solved in place")).To(Equal(1), "said once")
		data, err := os.ReadFile(filepath.Join(root, "lessons", "01-sample", "given.go"))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(data)).NotTo(ContainSubstring("n + n"))
	})
})
