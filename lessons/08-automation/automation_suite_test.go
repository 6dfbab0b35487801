package automation_test

import (
	"context"
	"fmt"
	"os"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/internal/workbook/progress/hook"

	auto "github.com/opossum-go/opossum/lessons/08-automation"
	"github.com/opossum-go/opossum/specs/steps"
	"github.com/opossum-go/opossum/store"
)

func TestAutomation(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Lesson 08: Automation")
}

// The workbook records this suite's results as your progress, however you
// run it (go test, go tool ginkgo, an editor).
var _ = hook.Progress()

// The lesson's specs, in the order of its README steps; each step is
// labelled step-N, so --label-filter=step-2 runs step 2 alone.
var _ = steps.Lesson("Lesson 08")

// The crash spec of step 3 runs this test binary again as a child process
// with childStoreEnv set: the child runs a reactor on that store and exits
// with crashExit right after it handled its crashAfter-th enrollment, before
// the checkpoint moves: the worst moment to die.
const (
	childStoreEnv      = "LESSON08_REACTOR_STORE"
	childCheckpointEnv = "LESSON08_REACTOR_CHECKPOINT"
	crashAfter         = 2
	crashExit          = 3
)

func init() {
	dir := os.Getenv(childStoreEnv)
	if dir == "" {
		return
	}
	s, err := store.Open(dir, nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, "child reactor:", err)
		os.Exit(1)
	}
	handled := 0
	r := &auto.Reactor{Store: s, Checkpoint: os.Getenv(childCheckpointEnv), Handled: func(store.StoredEvent) {
		if handled++; handled == crashAfter {
			os.Exit(crashExit) // no Close, no deferred function: a crash
		}
	}}
	if _, err := r.Run(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, "child reactor:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

// fileStore opens a file store in a fresh folder, closed after the spec.
func fileStore(dir string) *store.FileStore {
	GinkgoHelper()
	fs, err := store.Open(dir, nil)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(func() { _ = fs.Close() })
	return fs
}
