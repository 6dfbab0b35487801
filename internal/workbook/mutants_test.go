package workbook_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/internal/workbook"
)

// Two faults of the sample's solution: the sample's specs check Double, so
// they notice the first; no spec sums nothing, so the second survives.
const (
	doubleAdds = `Fault: Double adds two instead of doubling
File: given.go

<<<<<<< correct
func Double(n int) int { return 2 * n }
=======
func Double(n int) int { return 2 + n }
>>>>>>> faulty
`
	sumOfNothing = `Fault: the sum of no numbers is 1
File: sample.go

<<<<<<< correct
		return 0
=======
		return 1
>>>>>>> faulty
`
)

var _ = Describe("Running a lesson's specs against the faults of its solution", func() {
	var wb *workbook.Workbook

	BeforeEach(func() {
		wb = sample()
		write(wb, "solutions/01-sample/testdata/mutants/double-adds.fault", doubleAdds)
		write(wb, "solutions/01-sample/testdata/mutants/sum-of-nothing.fault", sumOfNothing)
	})

	It("reports a surviving fault by its sentence, and not a fault the specs noticed", func(ctx SpecContext) {
		report := verify(ctx, wb)
		problems := problemsOf(report, "01-sample")
		Expect(problems).To(HaveLen(1))
		Expect(problems[0].Check).To(Equal(workbook.Faults))
		Expect(problems[0].Message).To(ContainSubstring("solutions/01-sample/testdata/mutants/sum-of-nothing.fault (the sum of no numbers is 1)"))
		Expect(problems[0].Message).NotTo(ContainSubstring("Double"))

		By("passing once a spec notices the fault")
		write(wb, "lessons/01-sample/empty_test.go", `package sample_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	sample "github.com/opossum-go/opossum/lessons/01-sample"
)

var _ = It("sums no numbers to 0", func() {
	Expect(sample.Sum()).To(Equal(0))
})
`)
		Expect(verify(ctx, wb).Problems()).To(BeEmpty())
	}, SpecTimeout(3*runTimeout))

	It("runs the lesson as it is, each fault built in place of its file, and tells killed from surviving", func(ctx SpecContext) {
		l, err := wb.Lesson("1")
		Expect(err).NotTo(HaveOccurred())
		results, err := wb.Mutate(ctx, l, nil, workbook.RunOptions{})
		Expect(err).NotTo(HaveOccurred())
		Expect(results).To(HaveLen(2))
		Expect(results[0].Mutant.Name).To(Equal("double-adds"))
		Expect(results[0].Killed).To(BeTrue())
		Expect(results[0].Result.Failures()).To(ContainElement(HaveField("Text", "The sample lesson doubles a number")))
		// sample.go with the fault replaces the lesson's stubs: every spec passes.
		Expect(results[1].Killed).To(BeFalse())
		Expect(workbook.Survivors(results)).To(ConsistOf(HaveField("Fault", "the sum of no numbers is 1")))
	}, SpecTimeout(2*runTimeout))

	It("refuses a fault that no longer applies to the solution, naming its file", func(ctx SpecContext) {
		write(wb, "solutions/01-sample/testdata/mutants/sum-of-nothing.fault",
			"Fault: the sum of no numbers is 1\nFile: sample.go\n\n<<<<<<< correct\n\t\treturn 42\n=======\n\t\treturn 1\n>>>>>>> faulty\n")
		l, err := wb.Lesson("1")
		Expect(err).NotTo(HaveOccurred())
		_, err = wb.Mutate(ctx, l, nil, workbook.RunOptions{})
		Expect(err).To(MatchError(ContainSubstring("fault sum-of-nothing: hunk 1 occurs 0 times in sample.go")))
	}, SpecTimeout(2*runTimeout))
})

var _ = DescribeTable("Parsing a fault file refuses",
	func(text, want string) {
		_, err := workbook.ParseMutant("f", text)
		Expect(err).To(MatchError(ContainSubstring(want)))
	},
	Entry("a fault without its sentence", "File: a.go\n<<<<<<< correct\nx\n=======\n>>>>>>> faulty\n", "no Fault: line"),
	Entry("a file outside the solution", "Fault: f\nFile: ../a.go\n<<<<<<< correct\nx\n=======\n>>>>>>> faulty\n", "must name a file of the solution"),
	Entry("a hunk left open", "Fault: f\nFile: a.go\n<<<<<<< correct\nx\n=======\n", "line 3: the hunk is not closed"),
	Entry("a hunk that replaces nothing", "Fault: f\nFile: a.go\n<<<<<<< correct\n=======\ny\n>>>>>>> faulty\n", "replaces no line"),
	Entry("no hunk at all", "Fault: f\nFile: a.go\n", "no hunk"),
	Entry("a stray line", "Fault: f\nFile: a.go\nreturn 1\n", `line 3: expected Fault:`),
)
