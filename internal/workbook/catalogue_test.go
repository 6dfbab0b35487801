package workbook_test

import (
	"os"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/internal/workbook"
)

var _ = Describe("The lesson catalogue", func() {
	var wb *workbook.Workbook

	BeforeEach(func() {
		wb = sample()
	})

	It("lists the folders of lessons/ named NN-name, in order, with their README titles", func() {
		copyLesson(wb, "02-second")
		write(wb, "lessons/02-second/README.md", "Intro line\n\n## Lesson 02: Second lesson\n")
		write(wb, "lessons/notes/README.md", "# not a lesson\n")
		write(wb, "lessons/3-short/README.md", "# not a lesson either\n")

		lessons, err := wb.Lessons()
		Expect(err).NotTo(HaveOccurred())
		Expect(lessons).To(HaveLen(2))
		Expect(lessons[0]).To(beLesson(1, "01-sample", "A sample lesson"))
		Expect(lessons[1]).To(beLesson(2, "02-second", "Second lesson"))
		Expect(lessons[0].Dir).To(Equal(filepath.Join(wb.Root, "lessons", "01-sample")))
		Expect(lessons[0].SolutionDir).To(Equal(filepath.Join(wb.Root, "solutions", "01-sample")))
		Expect(lessons[0].Path()).To(Equal("lessons/01-sample"))
	})

	It("titles a lesson by its folder name when the README has no heading", func() {
		remove(wb, "lessons/01-sample/README.md")
		l, err := wb.Lesson("1")
		Expect(err).NotTo(HaveOccurred())
		Expect(l.Title).To(Equal("01-sample"))
	})

	DescribeTable("finds a lesson by number, folder name or short name",
		func(ref string) {
			l, err := wb.Lesson(ref)
			Expect(err).NotTo(HaveOccurred())
			Expect(l.Name).To(Equal("01-sample"))
		},
		Entry("a number", "1"),
		Entry("a two-digit number", "01"),
		Entry("the folder name", "01-sample"),
		Entry("the name after the number", "sample"),
	)

	It("names the lessons there are when asked for an unknown one", func() {
		_, err := wb.Lesson("7")
		Expect(err).To(MatchError(workbook.ErrUnknownLesson))
		Expect(err).To(MatchError(ContainSubstring("the lessons are 01-sample")))
	})

	It("finds the workbook root from a folder inside it", func() {
		found, err := workbook.Find(filepath.Join(wb.Root, "lessons", "01-sample"))
		Expect(err).NotTo(HaveOccurred())
		Expect(found.Root).To(Equal(wb.Root))
	})

	It("explains that it found no workbook outside one", func() {
		_, err := workbook.Find(GinkgoT().TempDir())
		Expect(err).To(MatchError(ContainSubstring("no lessons/go.mod")))
	})

	It("refuses a root without a lessons folder", func() {
		_, err := workbook.Open(GinkgoT().TempDir())
		Expect(err).To(MatchError(ContainSubstring("no lessons folder")))
	})

	It("makes a relative root absolute", func() {
		cwd, err := os.Getwd()
		Expect(err).NotTo(HaveOccurred())
		rel, err := filepath.Rel(cwd, wb.Root)
		Expect(err).NotTo(HaveOccurred())
		opened, err := workbook.Open(rel)
		Expect(err).NotTo(HaveOccurred())
		Expect(opened.Root).To(Equal(wb.Root))
	})

	It("lists a lesson's source files with their TODO counts, and its test packages", func() {
		l, err := wb.Lesson("1")
		Expect(err).NotTo(HaveOccurred())
		Expect(l.Sources()).To(Equal([]workbook.SourceFile{{Rel: "given.go", TODOs: 0}, {Rel: "sample.go", TODOs: 2}}))
		Expect(l.TestPackages()).To(Equal([]string{"."}))
	})

	It("counts as TODOs the stubs gen writes and the calls of todo.Implement", func() {
		write(wb, "lessons/01-sample/api/api.go", `package api

import "github.com/opossum-go/opossum/specs/todo"

// Serve serves.
func Serve() { panic("TODO: implement Serve (lessons/01-sample/api/api.go:6) — README step 3") }

// Listen listens.
func Listen() { todo.Implement("README step 3") }

// Other panics, and is no TODO.
func Other() { panic("not a TODO") }
`)
		l, err := wb.Lesson("1")
		Expect(err).NotTo(HaveOccurred())
		Expect(l.Sources()).To(ContainElement(workbook.SourceFile{Rel: "api/api.go", TODOs: 2}))
	})
})

// beLesson matches a lesson's number, folder name and title.
func beLesson(number int, name, title string) OmegaMatcher {
	return SatisfyAll(
		HaveField("Number", number),
		HaveField("Name", name),
		HaveField("Title", title),
	)
}
