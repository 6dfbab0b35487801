package personaldata_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/internal/workbook/progress/hook"

	pd "github.com/opossum-go/opossum/lessons/09-personal-data"
	"github.com/opossum-go/opossum/specs/steps"
	"github.com/opossum-go/opossum/store"
)

func TestPersonalData(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Lesson 09: Personal data")
}

// The workbook records this suite's results as your progress, however you
// run it (go test, go tool ginkgo, an editor).
var _ = hook.Progress()

// The lesson's specs, in the order of its README steps; each step is
// labelled step-N, so --label-filter=step-2 runs step 2 alone.
var _ = steps.Lesson("Lesson 09")

// tagKey is the key of the email tag's hash. A real deployment reads it
// from a secret store, never from the event store's folder.
var tagKey = []byte("a secret kept outside the store, 32+ bytes long")

// The students of the specs.
var (
	ada = pd.RegisterStudent{StudentID: "s-ada", FirstName: "Ada", LastName: "Lovelace", Email: "ada@example.com"}
	bob = pd.RegisterStudent{StudentID: "s-bob", FirstName: "Bob", LastName: "Barker", Email: "bob@example.com"}
)

// newKeys returns a key folder of its own, outside any store folder.
func newKeys() *pd.Keys {
	return &pd.Keys{Dir: filepath.Join(GinkgoT().TempDir(), "keys")}
}

// fileStore opens a file store in a fresh folder, closed after the spec.
func fileStore() *store.FileStore {
	GinkgoHelper()
	fs, err := store.Open(GinkgoT().TempDir(), nil)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(fs.Close)
	return fs
}

// filesContaining returns the files under dir whose bytes contain any of
// words, ignoring case: where personal data leaked to disk. Nothing may
// write dir meanwhile (close the projection runner first): a file renamed
// into place during the walk could be missed, and a temporary file that
// vanishes is an error.
func filesContaining(dir string, words ...string) []string {
	GinkgoHelper()
	var found []string
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		text := strings.ToLower(string(data))
		for _, w := range words {
			if strings.Contains(text, strings.ToLower(w)) {
				found = append(found, path+" contains "+w)
			}
		}
		return nil
	})
	Expect(err).NotTo(HaveOccurred())
	return found
}

// beforeFirstAppend wraps a store so that its rival's events are appended,
// unconditionally, just before the first Append made through it: another
// writer gets in between a decision's read and its append. It stages a
// race deterministically.
type beforeFirstAppend struct {
	store.EventStore
	once  sync.Once
	rival []store.Event
}

func (w *beforeFirstAppend) Append(ctx context.Context, events []store.Event, cond *store.AppendCondition) (store.Position, error) {
	var err error
	w.once.Do(func() { _, err = w.EventStore.Append(ctx, w.rival, nil) })
	if err != nil {
		return 0, err
	}
	return w.EventStore.Append(ctx, events, cond)
}

// refusing is a store that refuses every append.
type refusing struct{ store.EventStore }

// errRefused is what refusing returns.
var errRefused = errors.New("the store refuses every append")

func (refusing) Append(context.Context, []store.Event, *store.AppendCondition) (store.Position, error) {
	return 0, errRefused
}
