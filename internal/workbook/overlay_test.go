package workbook_test

import (
	"encoding/json"
	"os"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/internal/workbook"
)

var _ = Describe("The solution overlay", func() {
	var (
		wb     *workbook.Workbook
		lesson workbook.Lesson
	)

	BeforeEach(func() {
		wb = sample()
		var err error
		lesson, err = wb.Lesson("1")
		Expect(err).NotTo(HaveOccurred())
	})

	// writeJSON writes an overlay file as the go command reads it, without
	// validation, and returns its absolute path.
	writeJSON := func(o workbook.Overlay) string {
		GinkgoHelper()
		data, err := json.Marshal(o)
		Expect(err).NotTo(HaveOccurred())
		path := filepath.Join(GinkgoT().TempDir(), "overlay.json")
		Expect(os.WriteFile(path, data, 0o644)).To(Succeed())
		return path
	}

	It("maps every lesson file to its solution, with absolute paths", func() {
		o, err := wb.SolutionOverlay(lesson)
		Expect(err).NotTo(HaveOccurred())
		Expect(o.Replace).To(Equal(map[string]string{
			filepath.Join(lesson.Dir, "given.go"):  filepath.Join(lesson.SolutionDir, "given.go"),
			filepath.Join(lesson.Dir, "sample.go"): filepath.Join(lesson.SolutionDir, "sample.go"),
		}))
		Expect(o.Validate()).To(Succeed())
	})

	DescribeTable("is refused when it would not apply",
		func(o func() workbook.Overlay, want string) {
			Expect(o().Validate()).To(MatchError(ContainSubstring(want)))
			_, err := workbook.ReadOverlayFile(writeJSON(o()))
			Expect(err).To(MatchError(ContainSubstring(want)))
			_, err = wb.Run(background(), lesson, workbook.RunOptions{Overlay: writeJSON(o())})
			Expect(err).To(MatchError(ContainSubstring(want)))
		},
		Entry("a relative lesson path", func() workbook.Overlay {
			return workbook.Overlay{Replace: map[string]string{"01-sample/sample.go": filepath.Join(lesson.SolutionDir, "sample.go")}}
		}, `overlaid file "01-sample/sample.go" is not absolute`),
		Entry("a relative solution path", func() workbook.Overlay {
			return workbook.Overlay{Replace: map[string]string{filepath.Join(lesson.Dir, "sample.go"): "../solutions/01-sample/sample.go"}}
		}, `replacement "../solutions/01-sample/sample.go" is not absolute`),
		Entry("a missing solution file", func() workbook.Overlay {
			return workbook.Overlay{Replace: map[string]string{filepath.Join(lesson.Dir, "sample.go"): filepath.Join(lesson.SolutionDir, "gone.go")}}
		}, "does not exist"),
		Entry("a missing lesson file", func() workbook.Overlay {
			return workbook.Overlay{Replace: map[string]string{filepath.Join(lesson.Dir, "gone.go"): filepath.Join(lesson.SolutionDir, "sample.go")}}
		}, "does not exist"),
		Entry("an empty overlay", func() workbook.Overlay { return workbook.Overlay{} }, "replaces no file"),
	)

	It("is refused when the overlay file itself is named by a relative path", func() {
		_, err := wb.Run(background(), lesson, workbook.RunOptions{Overlay: "overlay.json"})
		Expect(err).To(MatchError(ContainSubstring(`overlay file "overlay.json" is not absolute`)))
	})

	It("is refused when the overlay file does not exist", func() {
		_, err := wb.Run(background(), lesson, workbook.RunOptions{Overlay: filepath.Join(wb.Root, "missing.json")})
		Expect(err).To(MatchError(ContainSubstring("no such file")))
	})

	It("that silently did not apply still fails the solved check: the stubs' TODOs show", func(sctx SpecContext) {
		// Relative to the lesson folder, as if written for ginkgo, which runs
		// go in each package folder; go test runs in lessons/ and ignores it.
		relative := writeJSON(workbook.Overlay{Replace: map[string]string{
			"sample.go": "../../solutions/01-sample/sample.go",
		}})
		res, err := wb.RunUnvalidated(sctx, lesson, workbook.RunOptions{Overlay: relative})
		Expect(err).NotTo(HaveOccurred())
		Expect(res.Count().TODO).To(Equal(2), res.Output)

		problems := workbook.CheckSolved(lesson.Name, res, 3)
		Expect(problems).To(ContainElement(HaveField("Message", ContainSubstring("the overlay did not apply"))))
	}, SpecTimeout(runTimeout))

	It("that lacks a solution file makes verify fail", func(sctx SpecContext) {
		remove(wb, "solutions/01-sample/sample.go")
		report := verify(sctx, wb)
		Expect(report.OK()).To(BeFalse())
		messages := problemsOf(report, "01-sample")
		Expect(messages).To(ContainElements(
			HaveField("Message", ContainSubstring("lessons/01-sample/sample.go is not generated from the solution")),
			HaveField("Message", ContainSubstring("the overlay did not apply")),
		))
	}, SpecTimeout(runTimeout))
})
