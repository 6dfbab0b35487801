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
			write(wb, "solutions/01-sample/sample.go", "package sample\n")
			write(wb, "lessons/01-sample/sample.go", "package sample\n")
		}, "lessons/01-sample has no TODO: mark an exercise in solutions/01-sample"),
		Entry("a lesson without specs", func() {
			remove(wb, "lessons/01-sample/sample_test.go")
			remove(wb, "lessons/01-sample/sample_suite_test.go")
		}, "lessons/01-sample has no _test.go files"),
		Entry("a missing solution folder", func() { remove(wb, "solutions/01-sample") },
			"solutions/01-sample is missing"),
		Entry("a lesson file the solution does not generate", func() { remove(wb, "solutions/01-sample/given.go") },
			"lessons/01-sample/given.go is not generated from the solution"),
		Entry("given code that differs", func() {
			write(wb, "solutions/01-sample/given.go", "package sample\n\n// Double doubles.\nfunc Double(n int) int { return n + n }\n")
		}, "lessons/01-sample/given.go:1 is not what gen writes from solutions/01-sample/given.go"),
		Entry("a solution that is not gofmt-clean", func() {
			write(wb, "solutions/01-sample/sample.go", "package sample\nfunc Greet(name string) string {return name}\nfunc Sum(n ...int) int { return 0 }\n")
		}, "solutions/01-sample/sample.go is not gofmt-clean"),
		Entry("a solution that still has a stub", func() {
			write(wb, "solutions/01-sample/sample.go", "package sample\n\n"+
				"func Greet(name string) string { panic(\"TODO: implement Greet (x.go:1)\") }\n\nfunc Sum(n ...int) int { return 0 }\n")
		}, "solutions/01-sample/sample.go still has 1 stub(s)"),
		Entry("a solution file without lesson counterpart", func() {
			write(wb, "solutions/01-sample/extra.go", "package sample\n")
		}, "lessons/01-sample/extra.go is missing: run go run ./cmd/workbook gen"),
		Entry("a spec in the solution", func() {
			write(wb, "solutions/01-sample/sample_test.go", "package sample_test\n")
		}, "solutions/01-sample/sample_test.go is a test file"),
		Entry("an embedded asset that differs", func() {
			write(wb, "solutions/01-sample/api.json", "{}\n")
			write(wb, "lessons/01-sample/api.json", "[]\n")
		}, "lessons/01-sample/api.json:1 is not what gen writes from solutions/01-sample/api.json"),
	)
})
