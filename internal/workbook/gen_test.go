package workbook_test

import (
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/internal/workbook"
	"github.com/opossum-go/opossum/internal/workbook/workbooktest"
)

// This is gen -check on the real workbook, run by the root go test ./...:
// it reads the lessons and writes nothing.
var _ = Describe("The workbook's lessons", func() {
	It("are what gen writes from their solutions", func() {
		wb, err := workbook.Open(workbooktest.RepoRoot())
		Expect(err).NotTo(HaveOccurred())
		lessons, err := wb.Lessons()
		Expect(err).NotTo(HaveOccurred())
		var problems []string
		for _, l := range lessons {
			for _, p := range wb.CheckGenerated(l) {
				problems = append(problems, p.String())
			}
		}
		Expect(problems).To(BeEmpty(), "run go run ./cmd/workbook gen:\n%s", strings.Join(problems, "\n"))
	})
})

var _ = Describe("Generating a lesson from its solution", func() {
	var wb *workbook.Workbook

	BeforeEach(func() {
		wb = sample()
	})

	lesson := func() workbook.Lesson {
		GinkgoHelper()
		l, err := wb.Lesson("1")
		Expect(err).NotTo(HaveOccurred())
		return l
	}

	generate := func(src string) (string, []workbook.Stub) {
		GinkgoHelper()
		out, stubs, err := workbook.GenerateGo("lessons/01-sample/x.go", []byte(src))
		Expect(err).NotTo(HaveOccurred())
		return string(out), stubs
	}

	It("writes the sample lesson as it is committed", func() {
		Expect(wb.CheckGenerated(lesson())).To(BeEmpty())
		written, err := wb.WriteGenerated(lesson())
		Expect(err).NotTo(HaveOccurred())
		Expect(written).To(BeEmpty())
	})

	It("replaces a marked function body by a TODO comment and a panic naming function, file, line and step", func() {
		out, stubs := generate(`package sample

import (
	"fmt"
	"strings"
)

// Shout shouts.
//
//workbook:todo step 3: upper-case s and add an exclamation mark; the text of a TODO is wrapped when it is longer than a line.
func Shout(s string) string {
	return fmt.Sprint(strings.ToUpper(s), "!")
}

// Lower is given.
func Lower(s string) string { return strings.ToLower(s) }
`)
		Expect(out).To(Equal(`package sample

import (
	"strings"
)

// Shout shouts.
func Shout(s string) string {
	// TODO: upper-case s and add an exclamation mark; the text of a TODO is
	// wrapped when it is longer than a line.
	panic("TODO: implement Shout (lessons/01-sample/x.go:11) — README step 3")
}

// Lower is given.
func Lower(s string) string { return strings.ToLower(s) }
`))
		Expect(stubs).To(Equal([]workbook.Stub{{Func: "Shout", Step: 3, Line: 11}}))
	})

	It("replaces a marked region that ends its block, and names a method as Type.Method", func() {
		out, stubs := generate(`package sample

type T struct{ n int }

// Add adds.
func (t *T) Add(d int) int {
	if d == 0 {
		return t.n
	}
	//workbook:todo step 2: add d to the total.
	t.n += d
	return t.n
	//workbook:end
}
`)
		Expect(out).To(ContainSubstring(`	if d == 0 {
		return t.n
	}
	// TODO: add d to the total.
	panic("TODO: implement T.Add (lessons/01-sample/x.go:11) — README step 2")
}
`))
		Expect(stubs).To(Equal([]workbook.Stub{{Func: "T.Add", Step: 2, Line: 11}}))
	})

	It("leaves out a declaration only the solution needs, and the imports only it used", func() {
		out, _ := generate(`package sample

import "strconv"

// Itoa is an exercise.
//
//workbook:todo step 1: format n.
func Itoa(n int) string { return format(n) }

// format helps the solution.
//
//workbook:solution
func format(n int) string { return strconv.Itoa(n) }
`)
		Expect(out).To(Equal(`package sample

// Itoa is an exercise.
func Itoa(n int) string {
	// TODO: format n.
	panic("TODO: implement Itoa (lessons/01-sample/x.go:6) — README step 1")
}
`))
	})

	DescribeTable("refuses a solution whose markers are wrong, saying where",
		func(src, want string) {
			_, _, err := workbook.GenerateGo("lessons/01-sample/x.go", []byte(src))
			Expect(err).To(MatchError(ContainSubstring(want)))
		},
		Entry("a malformed directive", "package p\n\n//workbook:todo do it\nfunc F() {}\n",
			`x.go:3:1: malformed directive "//workbook:todo do it"`),
		Entry("a region not closed", "package p\n\nfunc F() {\n\t//workbook:todo step 1: x\n\tprintln()\n}\n",
			"x.go:4:2: //workbook:todo region without //workbook:end"),
		Entry("an end without a region", "package p\n\nfunc F() {\n\tprintln()\n\t//workbook:end\n}\n",
			"x.go:5:2: //workbook:end without a //workbook:todo"),
		Entry("a statement after a region", "package p\n\nfunc F() {\n\t//workbook:todo step 1: x\n\tprintln()\n\t//workbook:end\n\tprintln()\n}\n",
			"x.go:7:2: a statement follows the //workbook:todo region"),
		Entry("a directive outside a function", "package p\n\n//workbook:todo step 1: x\nvar v = 1\n",
			"x.go:3:1: misplaced directive"),
	)

	It("reports the lesson file and its first line that is not what gen writes", func() {
		l := lesson()
		original := readFile(wb, "lessons/01-sample/given.go")
		write(wb, "lessons/01-sample/given.go", strings.Replace(original, "2 * n", "n + n", 1))
		problems := wb.CheckGenerated(l)
		Expect(problems).To(HaveLen(1))
		Expect(problems[0].Check).To(Equal(workbook.Generated))
		Expect(problems[0].Message).To(HavePrefix("lessons/01-sample/given.go:5 is not what gen writes from solutions/01-sample/given.go"))
		Expect(problems[0].Message).To(ContainSubstring(`gen writes: "func Double(n int) int { return 2 * n }"`))
		Expect(problems[0].Message).To(ContainSubstring(`lesson has: "func Double(n int) int { return n + n }"`))

		written, err := wb.WriteGenerated(l)
		Expect(err).NotTo(HaveOccurred())
		Expect(written).To(Equal([]string{"lessons/01-sample/given.go"}))
		Expect(readFile(wb, "lessons/01-sample/given.go")).To(Equal(original))
	})

	It("copies the assets of the solution, such as an embedded document", func() {
		write(wb, "solutions/01-sample/api.json", "{\"openapi\": \"3.1.0\"}\n")
		Expect(wb.CheckGenerated(lesson())).To(ConsistOf(HaveField("Message", HavePrefix("lessons/01-sample/api.json is missing"))))
		_, err := wb.WriteGenerated(lesson())
		Expect(err).NotTo(HaveOccurred())
		Expect(readFile(wb, "lessons/01-sample/api.json")).To(Equal("{\"openapi\": \"3.1.0\"}\n"))
	})

	It("never overwrites a lesson a learner has solved in place", func() {
		l := lesson()
		solved := strings.Replace(readFile(wb, "lessons/01-sample/sample.go"),
			`panic("TODO: implement Greet (lessons/01-sample/sample.go:6) — README step 1")`, `return "Hello, " + name + "!"`, 1)
		write(wb, "lessons/01-sample/sample.go", solved)
		write(wb, "solutions/01-sample/given.go", "package sample\n")

		_, err := wb.WriteGenerated(l)
		Expect(err).To(MatchError(workbook.ErrSolvedInPlace))
		Expect(err).To(MatchError(ContainSubstring("lessons/01-sample/sample.go")))
		Expect(readFile(wb, "lessons/01-sample/sample.go")).To(Equal(solved))
		Expect(readFile(wb, "lessons/01-sample/given.go")).To(ContainSubstring("func Double"), "gen writes nothing")

		Expect(wb.SolvedInPlace(l)).To(Equal([]string{"lessons/01-sample/sample.go"}))
		Expect(wb.CheckGenerated(l)).To(ConsistOf(HaveField("Message", ContainSubstring("lessons/01-sample is solved in place"))))
	})

	It("leaves no import behind that a learner's solution would make unused", func() {
		for _, l := range []string{"lessons/01-sample/sample.go"} {
			Expect(readFile(wb, l)).NotTo(ContainSubstring("import"))
		}
		wbReal, err := workbook.Open(workbooktest.RepoRoot())
		Expect(err).NotTo(HaveOccurred())
		lessons, err := wbReal.Lessons()
		Expect(err).NotTo(HaveOccurred())
		for _, l := range lessons {
			files, err := wbReal.Generate(l)
			Expect(err).NotTo(HaveOccurred())
			for _, f := range files {
				Expect(string(f.Data)).NotTo(ContainSubstring("specs/todo"), "%s/%s", l.Path(), f.Rel)
			}
		}
	})
})
