package main_test

import (
	"os/exec"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

var _ = Describe("The workbook command's build", func() {
	// go run compiles the command before it can print a word; a cold first
	// run must therefore compile little, and say that the lesson's specs
	// compile next, before they do.
	It("needs neither Ginkgo's runner nor the store, so that a cold first run speaks within seconds", func(ctx SpecContext) {
		out, err := exec.CommandContext(ctx, "go", "list", "-deps", "github.com/opossum-go/opossum/cmd/workbook").Output()
		Expect(err).NotTo(HaveOccurred())
		deps := strings.Fields(string(out))
		Expect(deps).To(ContainElement("github.com/opossum-go/opossum/internal/workbook"))
		for _, heavy := range []string{
			"github.com/onsi/ginkgo/v2",
			"github.com/onsi/gomega",
			"github.com/opossum-go/opossum/store",
			"go.opentelemetry.io/otel",
			"golang.org/x/tools/go/packages",
		} {
			Expect(deps).NotTo(ContainElement(heavy))
		}
	}, SpecTimeout(runTimeout))
})
