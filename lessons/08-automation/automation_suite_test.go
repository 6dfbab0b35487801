package automation_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
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

// The crash specs of steps 3 and 5 run this test binary again as a child
// process with childStoreEnv set: the child runs a reactor on that store
// (a worker, when childWorkerEnv is set too) and exits with crashExit right
// after it handled its crashAfter-th enrollment, before the checkpoint
// moves or the list learns of it: the worst moment to die.
const (
	childStoreEnv      = "LESSON08_REACTOR_STORE"
	childCheckpointEnv = "LESSON08_REACTOR_CHECKPOINT"
	childWorkerEnv     = "LESSON08_WORKER"
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
		fmt.Fprintln(os.Stderr, "child:", err)
		os.Exit(1)
	}
	handled := 0
	crash := func(store.StoredEvent) {
		if handled++; handled == crashAfter {
			os.Exit(crashExit) // no Close, no deferred function: a crash
		}
	}
	if os.Getenv(childWorkerEnv) != "" {
		_, err = (&auto.Worker{Store: s, Done: crash}).Work(context.Background())
	} else {
		_, err = (&auto.Reactor{Store: s, Checkpoint: os.Getenv(childCheckpointEnv), Handled: crash}).Run(context.Background())
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

// crashChild runs this test binary as a child process on the store in
// storeDir, with env added to its environment, and expects it to die
// with crashExit; a child that fails otherwise fails the spec with its
// output (a TODO you have not written shows there).
func crashChild(ctx context.Context, storeDir string, env ...string) {
	GinkgoHelper()
	child := exec.CommandContext(ctx, os.Args[0])
	child.Env = append(append(os.Environ(), childStoreEnv+"="+storeDir), env...)
	out, err := child.CombinedOutput()
	var exit *exec.ExitError
	Expect(err).To(BeAssignableToTypeOf(exit), "the child should have died: %s", out)
	Expect(child.ProcessState.ExitCode()).To(Equal(crashExit), "the child failed before it died: %s", out)
}

// fileStore opens a file store in a fresh folder, closed after the spec.
func fileStore(dir string) *store.FileStore {
	GinkgoHelper()
	fs, err := store.Open(dir, nil)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(func() { _ = fs.Close() })
	return fs
}
