package workbook_test

import (
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	. "github.com/onsi/gomega/gstruct"

	"github.com/opossum-go/opossum/internal/workbook"
)

var _ = Describe("Verifying a workbook", func() {
	var wb *workbook.Workbook

	BeforeEach(func() {
		wb = sample()
	})

	It("passes a lesson that passes with its solution and fails only through TODOs without it", func(ctx SpecContext) {
		report := verify(ctx, wb)
		Expect(report.Problems()).To(BeEmpty())
		Expect(report.OK()).To(BeTrue())
		Expect(report.Race).To(Equal(workbook.RaceSupported(ctx, "")))

		Expect(report.Lessons).To(HaveLen(1))
		l := report.Lessons[0]
		Expect(l.Declared).To(Equal(3))
		Expect(l.Solved.Count()).To(Equal(workbook.Counts{Passed: 3}))
		Expect(l.Unsolved.Count()).To(Equal(workbook.Counts{Passed: 1, Failed: 2, TODO: 2}))

		failure, ok := l.Unsolved.FirstFailure()
		Expect(ok).To(BeTrue())
		Expect(failure).To(MatchFields(IgnoreExtras, Fields{
			"Text":         Equal("The sample lesson greets by name"),
			"State":        Equal("panicked"),
			"Message":      Equal("TODO: implement Greet (lessons/01-sample/sample.go:6) — README step 1"),
			"SpecLocation": Equal("lessons/01-sample/sample_test.go:15"),
			"TODO":         BeTrue(),
		}))

		var text strings.Builder
		Expect(report.WriteText(&text)).To(Succeed())
		Expect(text.String()).To(MatchRegexp(`01-sample\s+3\s+3/3 passed\s+2 failed, 2 via TODO\s+[0-9.]+s \+ [0-9.]+s\s+ok`))
		Expect(text.String()).To(ContainSubstring("verify ok: 1 lesson, 0 problems"))

		By("leaving the learner's progress alone: the lesson's hook records nothing")
		Expect(filepath.Join(wb.Root, workbook.StateDir, "results")).NotTo(BeADirectory())
	}, SpecTimeout(runTimeout))

	It("reports every defect of a lesson, with the spec and what went wrong", func(ctx SpecContext) {
		copyLesson(wb, "02-defects")
		write(wb, "lessons/02-defects/defects_test.go", `package sample_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

var _ = Describe("A lesson with defects", func() {
	It("dereferences nil", func() {
		var p *int
		Expect(*p).To(Equal(0))
	})

	It("asserts what is not so", func() {
		Expect(1 + 1).To(Equal(3))
	})

	It("waits until it times out", func(ctx SpecContext) {
		<-ctx.Done()
	}, SpecTimeout(100*time.Millisecond))
})
`)
		copyLesson(wb, "03-broken")
		write(wb, "lessons/03-broken/broken.go", "package sample\n\nvar broken int = \"not an int\"\n")
		write(wb, "solutions/03-broken/broken.go", "package sample\n\nvar broken int = 0\n")

		copyLesson(wb, "04-unfinished")
		write(wb, "lessons/04-unfinished/unfinished_test.go", `package sample_test

import . "github.com/onsi/ginkgo/v2"

var _ = Describe("An unfinished lesson", func() {
	FIt("focuses on one spec", func() {})
	PIt("has a pending spec", func() {})
})
`)
		copyLesson(wb, "05-solved")
		remove(wb, "lessons/05-solved/sample.go")
		write(wb, "lessons/05-solved/sample.go", readFile(wb, "solutions/05-solved/sample.go"))

		copyLesson(wb, "06-crash")
		write(wb, "lessons/06-crash/crash_test.go", `package sample_test

import (
	. "github.com/onsi/ginkgo/v2"

	sample "github.com/opossum-go/opossum/lessons/06-crash"
)

var _ = It("calls a stub from a goroutine without GinkgoRecover", func() {
	done := make(chan struct{})
	go func() {
		defer close(done)
		sample.Greet("Ada")
	}()
	<-done
})
`)

		report := verify(ctx, wb, "2", "3", "4", "5", "6")
		Expect(report.OK()).To(BeFalse())
		Expect(report.Lessons).To(HaveLen(5))

		Expect(problemsOf(report, "02-defects")).To(ContainElements(
			problem(workbook.Unsolved, "A lesson with defects dereferences nil", "panicked, not through a TODO marker: runtime error: invalid memory address or nil pointer dereference (at lessons/02-defects/defects_test.go:13)"),
			problem(workbook.Unsolved, "A lesson with defects asserts what is not so", "failed, not through a TODO marker: Expected\n    <int>: 2\nto equal\n    <int>: 3"),
			problem(workbook.Unsolved, "A lesson with defects waits until it times out", "timedout, not through a TODO marker: A spec timeout occurred"),
			problem(workbook.Solved, "A lesson with defects dereferences nil", "panicked with the solution: runtime error"),
			problem(workbook.Solved, "", "6 of 6 declared specs ran and 3 passed"),
		))
		Expect(problemsOf(report, "03-broken")).To(ConsistOf(
			problem(workbook.Files, "", "lessons/03-broken/broken.go:3 is not what gen writes from solutions/03-broken/broken.go"),
			problem(workbook.Unsolved, "", "does not compile as shipped; every stub must compile:\n# github.com/opossum-go/opossum/lessons/03-broken"),
		))
		Expect(problemsOf(report, "03-broken")[1].Message).To(ContainSubstring(`broken.go:3:18: cannot use "not an int"`))
		Expect(problemsOf(report, "04-unfinished")).To(ContainElements(
			problem(workbook.Solved, "An unfinished lesson has a pending spec", "is pending"),
			problem(workbook.Solved, "The sample lesson doubles a number", "was skipped"),
			problem(workbook.Solved, "", "only 1 of 5 specs were to run: is a spec focused"),
			problem(workbook.Solved, "", "a spec is focused (FIt, FDescribe, Focus)"),
		))
		By("saying once that a lesson is solved in place, and checking its solution and specs")
		Expect(problemsOf(report, "05-solved")).To(BeEmpty())
		Expect(report.Lessons[3].SolvedInPlace).To(Equal([]string{"lessons/05-solved/sample.go"}))
		Expect(report.Lessons[3].Unsolved).To(BeNil())
		Expect(report.Lessons[3].Solved.Count()).To(Equal(workbook.Counts{Passed: 3}))
		Expect(problemsOf(report, "06-crash")).To(ConsistOf(
			problem(workbook.Unsolved, "", "the specs stopped without a report"),
		))
		Expect(problemsOf(report, "06-crash")[0].Message).To(ContainSubstring("panic: TODO: implement Greet (lessons/06-crash/sample.go:6)"))

		var text strings.Builder
		Expect(report.WriteText(&text)).To(Succeed())
		Expect(text.String()).To(MatchRegexp(`03-broken\s+3\s+3/3 passed\s+compile error\s+[0-9.]+s \+ [0-9.]+s\s+2 problems`))
		Expect(text.String()).To(MatchRegexp(`06-crash\s+4\s+4/4 passed\s+crashed\s+[0-9.]+s \+ [0-9.]+s\s+1 problem\n`))
		Expect(text.String()).To(ContainSubstring(`- 02-defects: unsolved: spec "A lesson with defects asserts what is not so": failed, not through a TODO marker: Expected`))
		Expect(text.String()).To(MatchRegexp(`05-solved\s+3\s+3/3 passed\s+solved in place\s+[0-9.]+s \+ -\s+ok\n`))
		Expect(strings.Count(strings.ToLower(text.String()), "solved in place")).To(Equal(2), "once in the table, once in the note")
		Expect(text.String()).To(ContainSubstring("\nSolved in place: lessons/05-solved. Their files hold a learner's work"))
		Expect(text.String()).To(MatchRegexp(`verify FAIL: 5 lessons, \d+ problems`))
	}, SpecTimeout(runTimeout))

	It("refuses an unknown lesson", func() {
		_, err := wb.Verify(background(), workbook.VerifyOptions{Lessons: []string{"9"}})
		Expect(err).To(MatchError(workbook.ErrUnknownLesson))
	})

	It("explains that it needs the go command", func() {
		_, err := wb.Verify(background(), workbook.VerifyOptions{Go: "no-such-go-command"})
		Expect(err).To(MatchError(workbook.ErrNoGo))
	})
})

// problem matches a problem of the given check and spec whose message
// contains the given text.
func problem(check workbook.Check, spec, message string) OmegaMatcher {
	return MatchFields(IgnoreExtras, Fields{
		"Check":   Equal(check),
		"Spec":    Equal(spec),
		"Message": ContainSubstring(message),
	})
}
