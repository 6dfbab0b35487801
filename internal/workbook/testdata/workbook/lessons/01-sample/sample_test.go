package sample_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	sample "github.com/opossum-go/opossum/lessons/01-sample"
)

var _ = Describe("The sample lesson", func() {
	It("doubles a number", func() {
		Expect(sample.Double(21)).To(Equal(42))
	})

	It("greets by name", func() {
		Expect(sample.Greet("Ada")).To(Equal("Hello, Ada!"))
	})

	It("sums numbers", func() {
		Expect(sample.Sum(1, 2, 3)).To(Equal(6))
	})
})
