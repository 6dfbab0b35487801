package writingspecs_test

import (
	. "github.com/onsi/ginkgo/v2"

	ws "github.com/opossum-go/opossum/lessons/06-writing-specs"
	"github.com/opossum-go/opossum/specs/steps"
)

// Each spec runs one function of scenarios.go: the spec's text is the rule,
// the function's body is the scenario you write.
var _ = steps.Describe("Step 1: unique email addresses", func() {
	It("registers a student whose address is new", func(ctx SpecContext) {
		ws.RegistersANewAddress(ctx)
	})
	It("refuses an address another student registered", func(ctx SpecContext) {
		ws.RefusesATakenAddress(ctx)
	})
})
