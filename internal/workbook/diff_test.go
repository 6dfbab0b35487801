package workbook_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/internal/workbook"
)

var _ = Describe("Comparing a learner's file with the solution", func() {
	DescribeTable("takes as the same code what gofmt and the order of imports alone explain",
		func(a, b string, same bool) {
			Expect(workbook.SameCode([]byte(a), []byte(b))).To(Equal(same))
		},
		Entry("import order and grouping",
			"package p\n\nimport (\n\t\"fmt\"\n\n\t\"strings\"\n)\n\nvar _, _ = fmt.Sprint, strings.ToUpper\n",
			"package p\n\nimport (\n\t\"strings\"\n\t\"fmt\"\n)\n\nvar _, _ = fmt.Sprint, strings.ToUpper\n", true),
		Entry("layout gofmt fixes",
			"package p\n\nfunc F() int { return 1 }\n",
			"package p\n\nfunc F() int { return   1 }\n", true),
		Entry("a different statement",
			"package p\n\nfunc F() int { return 1 }\n",
			"package p\n\nfunc F() int { return 2 }\n", false),
		Entry("a different import",
			"package p\n\nimport \"fmt\"\n\nvar _ = fmt.Sprint\n",
			"package p\n\nimport fmt \"github.com/x/fmt\"\n\nvar _ = fmt.Sprint\n", false),
		Entry("a file that does not parse, against itself", "package p\n\nfunc {", "package p\n\nfunc {", true),
	)

	It("shows the differences as a unified diff with three lines of context", func() {
		old := "a\nb\nc\nd\ne\nf\ng\nh\n"
		newText := "a\nb\nc\nD\ne\nf\ng\nh\ni\n"
		Expect(workbook.UnifiedDiff("yours", "reference", []byte(old), []byte(newText))).To(Equal(
			"--- yours\n+++ reference\n@@ -1,8 +1,9 @@\n a\n b\n c\n-d\n+D\n e\n f\n g\n h\n+i\n"))
		Expect(workbook.UnifiedDiff("yours", "reference", []byte(old), []byte(old))).To(BeEmpty())
	})

	It("writes a solution file as a learner would, without its directives", func() {
		out, err := workbook.StripDirectives("x.go", []byte(`package p

// F does it.
//
//workbook:todo step 1: do it.
func F() int {
	//workbook:todo step 2: the rest.
	return 1
	//workbook:end
}
`))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(out)).To(Equal("package p\n\n// F does it.\nfunc F() int {\n\treturn 1\n}\n"))
	})
})
