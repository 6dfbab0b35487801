package evolving_test

import (
	"context"
	"sync"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/internal/workbook/progress/hook"

	"github.com/opossum-go/opossum/specs/gwt"
	"github.com/opossum-go/opossum/specs/steps"
	"github.com/opossum-go/opossum/specs/storeenv"
	"github.com/opossum-go/opossum/store"
)

func TestEvolving(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Lesson 07: Evolving events")
}

// The workbook records this suite's results as your progress, however you
// run it (go test, go tool ginkgo, an editor).
var _ = hook.Progress()

// The lesson's specs, in the order of its README steps; each step is
// labelled step-N, so --label-filter=step-2 runs step 2 alone.
var _ = steps.Lesson("Lesson 07")

// Every spec runs on a real file store in a fresh folder; OPOSSUM_STORE=
// postgres://... runs the scenarios on PostgreSQL instead (see
// specs/storeenv). Step 4 needs the file store itself, and opens one.
var _ = BeforeSuite(func() {
	gwt.OpenStore = func(dir string) (store.EventStore, error) { return storeenv.Open(dir, nil) }
	DeferCleanup(func() { gwt.OpenStore = gwt.Memory })
	DeferCleanup(storeenv.Close)
})

// interleaved wraps a store so that a rival writer gets in between a
// decision's read and its append: just before the first Append made through
// it, the rival's events are appended, unconditionally. It stages a race
// deterministically.
type interleaved struct {
	store.EventStore
	mu    sync.Mutex
	rival []store.Event
}

func (w *interleaved) Append(ctx context.Context, events []store.Event, cond *store.AppendCondition) (store.Position, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.rival != nil {
		if _, err := w.EventStore.Append(ctx, w.rival, nil); err != nil {
			return 0, err
		}
		w.rival = nil
	}
	return w.EventStore.Append(ctx, events, cond)
}

// fileStore opens a file store in a fresh folder, closed after the spec.
func fileStore() *store.FileStore {
	GinkgoHelper()
	fs, err := store.Open(GinkgoT().TempDir(), nil)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(fs.Close)
	return fs
}
