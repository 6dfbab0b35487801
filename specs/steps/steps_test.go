package steps_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/specs/steps"
)

var _ = Describe("A lesson's steps", func() {
	It("refuses a step container whose text does not name its README step", func() {
		Expect(func() { steps.Describe("appending one event", func() {}) }).To(
			PanicWith(`steps: "appending one event" does not start with "Step N: ", the README step it checks`))
		Expect(func() { steps.Describe("Step two: appending", func() {}) }).To(Panic())
	})

	It("labels step N step-N, for --label-filter", func() {
		Expect(steps.Label(2)).To(Equal("step-2"))
		Expect(steps.Label(10)).To(Equal("step-10"))
	})
})
