package workbook_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/internal/workbook"
)

var _ = Describe("A lesson's hints", func() {
	var wb *workbook.Workbook

	BeforeEach(func() {
		wb = sample()
	})

	hints := func() ([]workbook.HintSection, error) {
		l, err := wb.Lesson("1")
		Expect(err).NotTo(HaveOccurred())
		return l.Hints()
	}

	It("are read per step from hints.md, numbered items in order, without the introduction", func() {
		Expect(hints()).To(Equal([]workbook.HintSection{
			{Title: "Step 1: greet", Step: 1, Hints: []string{
				"`Greet` builds a string.",
				"Join the parts with `+`:\n`\"Hello, \" + name + \"!\"`.",
			}},
			{Title: "Step 2: sum", Step: 2, Hints: []string{"`Sum` loops over its numbers with `range`."}},
		}))
	})

	It("take a section without numbered items as one hint, keyed by its title", func() {
		write(wb, "lessons/01-sample/hints.md", "# Hints\n\n## Naming things\n\nCall it what it is.\nShort names.\n")
		sections, err := hints()
		Expect(err).NotTo(HaveOccurred())
		Expect(sections).To(HaveLen(1))
		Expect(sections[0].Hints).To(Equal([]string{"Call it what it is.\nShort names."}))
		Expect(sections[0].Key()).To(Equal("Naming things"))
	})

	It("take a file without sections as one list", func() {
		write(wb, "lessons/01-sample/hints.md", "# Hints\n\n1. First.\n2. Second.\n")
		Expect(hints()).To(Equal([]workbook.HintSection{{Hints: []string{"First.", "Second."}}}))
	})

	It("are an error when hints.md is missing or empty", func() {
		remove(wb, "lessons/01-sample/hints.md")
		_, err := hints()
		Expect(err).To(MatchError(ContainSubstring("lesson 01-sample has no hints")))
		write(wb, "lessons/01-sample/hints.md", "# Hints\n")
		_, err = hints()
		Expect(err).To(MatchError(ContainSubstring("lessons/01-sample/hints.md has no hints")))
	})
})
