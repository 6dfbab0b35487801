package writingspecs_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/internal/workbook/progress/hook"

	"github.com/opossum-go/opossum/specs/gwt"
	"github.com/opossum-go/opossum/specs/steps"
	"github.com/opossum-go/opossum/specs/storeenv"
	"github.com/opossum-go/opossum/store"
)

func TestWritingSpecs(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Lesson 06: Writing the specs")
}

// The workbook records this suite's results as your progress, however you
// run it (go test, go tool ginkgo, an editor).
var _ = hook.Progress()

// The lesson's specs, in the order of its README steps; each step is
// labelled step-N, so --label-filter=step-2 runs step 2 alone.
var _ = steps.Lesson("Lesson 06")

// Every scenario runs on a real file store in a fresh folder. Set
// KEEP_STORES=1 to keep the folders: each spec's report then says where its
// store is. OPOSSUM_STORE=postgres://... runs them on PostgreSQL instead
// (see specs/storeenv).
var _ = BeforeSuite(func() {
	gwt.OpenStore = func(dir string) (store.EventStore, error) {
		return storeenv.Open(storeenv.Dir(dir, "opossum-lesson-06-"), nil)
	}
	DeferCleanup(func() { gwt.OpenStore = gwt.Memory })
	DeferCleanup(storeenv.Close)
})
