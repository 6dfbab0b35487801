package workbook_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/internal/workbook"
)

var _ = Describe("The static checks of a lesson", func() {
	var wb *workbook.Workbook

	BeforeEach(func() {
		wb = sample()
	})

	checkFiles := func() []string {
		GinkgoHelper()
		l, err := wb.Lesson("1")
		Expect(err).NotTo(HaveOccurred())
		var messages []string
		for _, p := range wb.CheckFiles(l) {
			Expect(p.Check).To(Equal(workbook.Files))
			Expect(p.Lesson).To(Equal("01-sample"))
			messages = append(messages, p.Message)
		}
		return messages
	}

	It("pass for the sample lesson", func() {
		Expect(checkFiles()).To(BeEmpty())
	})

	DescribeTable("report what is wrong",
		func(change func(), want string) {
			change()
			Expect(checkFiles()).To(ContainElement(ContainSubstring(want)))
		},
		Entry("a missing README", func() { remove(wb, "lessons/01-sample/README.md") },
			"lessons/01-sample/README.md is missing"),
		Entry("missing hints", func() { remove(wb, "lessons/01-sample/hints.md") },
			"lessons/01-sample/hints.md is missing"),
		Entry("empty hints", func() { write(wb, "lessons/01-sample/hints.md", "") },
			"lessons/01-sample/hints.md is empty"),
		Entry("a lesson without TODO", func() {
			write(wb, "lessons/01-sample/sample.go", "package sample\n")
			write(wb, "solutions/01-sample/sample.go", "package sample\n")
		}, "lessons/01-sample has no TODO"),
		Entry("a lesson without specs", func() {
			remove(wb, "lessons/01-sample/sample_test.go")
			remove(wb, "lessons/01-sample/sample_suite_test.go")
		}, "lessons/01-sample has no _test.go files"),
		Entry("a missing solution folder", func() { remove(wb, "solutions/01-sample") },
			"solutions/01-sample is missing"),
		Entry("a TODO file without solution", func() { remove(wb, "solutions/01-sample/sample.go") },
			"lessons/01-sample/sample.go has 2 TODO(s) but solutions/01-sample/sample.go does not exist"),
		Entry("a given file missing from the solution", func() { remove(wb, "solutions/01-sample/given.go") },
			"given file lessons/01-sample/given.go is missing from the solution"),
		Entry("given code that differs", func() {
			write(wb, "solutions/01-sample/given.go", "package sample\n\n// Double doubles.\nfunc Double(n int) int { return n + n }\n")
		}, "given file lessons/01-sample/given.go differs from solutions/01-sample/given.go"),
		Entry("a solution that is not gofmt-clean", func() {
			write(wb, "solutions/01-sample/sample.go", "package sample\nfunc Greet(name string) string {return name}\nfunc Sum(n ...int) int { return 0 }\n")
		}, "solutions/01-sample/sample.go is not gofmt-clean"),
		Entry("a solution that still has a TODO", func() {
			write(wb, "solutions/01-sample/sample.go", "package sample\n\nimport \"github.com/opossum-go/opossum/specs/todo\"\n\n"+
				"func Greet(name string) string { todo.Implement(\"x\"); return name }\n\nfunc Sum(n ...int) int { return 0 }\n")
		}, "solutions/01-sample/sample.go still calls todo.Implement 1 time(s)"),
		Entry("a solution file without lesson counterpart", func() {
			write(wb, "solutions/01-sample/extra.go", "package sample\n")
		}, "solutions/01-sample/extra.go has no lesson counterpart lessons/01-sample/extra.go"),
		Entry("a spec in the solution", func() {
			write(wb, "solutions/01-sample/sample_test.go", "package sample_test\n")
		}, "solutions/01-sample/sample_test.go is a test file"),
		Entry("a file that is not Go in the solution", func() {
			write(wb, "solutions/01-sample/NOTES.md", "notes\n")
		}, "solutions/01-sample/NOTES.md is not a Go file"),
	)
})
