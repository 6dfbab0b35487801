package workbook_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/internal/workbook"
)

var _ = Describe("A lesson run's result", func() {
	// The specs in the order they ran, which is the order they are
	// declared in: a lesson keeps its steps in one container.
	result := &workbook.Result{Declared: 8, Specs: []workbook.Spec{
		{Text: "no step", State: "panicked", TODO: true, Message: "TODO: implement C (lessons/x/c.go:3)"},
		{Text: "Step 1 first", State: "passed", Step: 1},
		{Text: "Step 1 second", State: "panicked", TODO: true, Step: 1, SpecLocation: "lessons/x/z_test.go:30",
			Message: "TODO: implement A (lessons/x/a.go:3) — README step 1"},
		{Text: "Step 1 third", State: "failed", Step: 1, SpecLocation: "lessons/x/a_test.go:5", Message: "Expected 1 to equal 2"},
		{Text: "Step 2 b", State: "panicked", TODO: true, Step: 2,
			Message: "TODO: implement B (lessons/x/b.go:3) — README step 2"},
		{Text: "Step 10 over HTTP", State: "failed", TODO: true, Step: 10, SpecLocation: "lessons/x/a_test.go:1",
			Message: `POST /students answered 500: {"detail":"TODO: implement A (lessons/x/a.go:3) — README step 1","instance":"/students"}`},
		{Text: "Step 10 pending", State: "pending", Step: 10},
		{Text: "Step 3 c", State: "panicked", TODO: true, Step: 3,
			Message: "TODO: implement C (lessons/x/c.go:3) — README step 3"},
	}}

	It("counts specs by state", func() {
		Expect(result.Count()).To(Equal(workbook.Counts{Passed: 1, Failed: 6, Pending: 1, TODO: 5}))
		Expect(result.Count().Ran()).To(Equal(7))
	})

	It("orders failures by the README step of the spec, then in declaration order, whatever step a TODO names", func() {
		var texts []string
		for _, s := range result.Failures() {
			texts = append(texts, s.Text)
		}
		Expect(texts).To(Equal([]string{"Step 1 second", "Step 1 third", "Step 2 b", "Step 3 c", "Step 10 over HTTP", "no step"}))
		first, ok := result.FirstFailure()
		Expect(ok).To(BeTrue())
		Expect(first.Text).To(Equal("Step 1 second"))
	})

	It("has no first failure when nothing fails", func() {
		_, ok := (&workbook.Result{Specs: []workbook.Spec{{State: "passed"}}}).FirstFailure()
		Expect(ok).To(BeFalse())
	})
})
