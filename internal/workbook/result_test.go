package workbook_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/internal/workbook"
)

var _ = Describe("A lesson run's result", func() {
	result := &workbook.Result{Declared: 7, Specs: []workbook.Spec{
		{Text: "step 2 b", State: "panicked", TODO: true, SpecLocation: "lessons/x/b_test.go:9",
			Message: "TODO: implement B (lessons/x/b.go:3) — README step 2"},
		{Text: "passes", State: "passed", SpecLocation: "lessons/x/a_test.go:1"},
		{Text: "step 1 later", State: "panicked", TODO: true, SpecLocation: "lessons/x/a_test.go:30",
			Message: "TODO: implement A (lessons/x/a.go:3) — README step 1"},
		{Text: "no step", State: "panicked", TODO: true, SpecLocation: "lessons/x/a_test.go:2",
			Message: "TODO: implement C (lessons/x/c.go:3)"},
		{Text: "step 1 earlier", State: "panicked", TODO: true, SpecLocation: "lessons/x/a_test.go:12",
			Message: "TODO: implement A (lessons/x/a.go:3) — README step 1"},
		{Text: "wrong answer", State: "failed", SpecLocation: "lessons/x/z_test.go:5", Message: "Expected 1 to equal 2"},
		{Text: "pending", State: "pending"},
	}}

	It("counts specs by state", func() {
		Expect(result.Count()).To(Equal(workbook.Counts{Passed: 1, Failed: 5, Pending: 1, TODO: 4}))
		Expect(result.Count().Ran()).To(Equal(6))
	})

	It("orders failures for a learner: wrong code first, then TODOs by README step, then by declaration", func() {
		var texts []string
		for _, s := range result.Failures() {
			texts = append(texts, s.Text)
		}
		Expect(texts).To(Equal([]string{"wrong answer", "step 1 earlier", "step 1 later", "step 2 b", "no step"}))
		first, ok := result.FirstFailure()
		Expect(ok).To(BeTrue())
		Expect(first.Text).To(Equal("wrong answer"))
	})

	It("has no first failure when nothing fails", func() {
		_, ok := (&workbook.Result{Specs: []workbook.Spec{{State: "passed"}}}).FirstFailure()
		Expect(ok).To(BeFalse())
	})
})
