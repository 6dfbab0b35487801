package store_test

import (
	"os"
	"path/filepath"
	"strings"
	"sync"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/vfs"
)

// writebackFS records, in order, the write-backs started and the syncs of
// the event files created through it.
type writebackFS struct {
	vfs.FS
	mu  sync.Mutex
	ops []string // "writeback <name>" or "sync <name>"
}

func (f *writebackFS) OpenFile(name string, flag int, perm os.FileMode) (vfs.File, error) {
	file, err := f.FS.OpenFile(name, flag, perm)
	if err != nil || flag&os.O_CREATE == 0 || filepath.Base(filepath.Dir(filepath.Dir(name))) != "events" {
		return file, err
	}
	return &writebackFile{File: file, fs: f, name: filepath.Base(name)}, nil
}

func (f *writebackFS) record(op string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.ops = append(f.ops, op)
}

type writebackFile struct {
	vfs.File
	fs   *writebackFS
	name string
}

func (f *writebackFile) StartWriteback() error {
	f.fs.record("writeback " + f.name)
	return nil
}

func (f *writebackFile) Sync() error {
	f.fs.record("sync " + f.name)
	return f.File.Sync()
}

var _ = Describe("A commit of several event files", func() {
	It("starts the write-back of every file before the first of their syncs, and syncs each", func(ctx SpecContext) {
		fsys := &writebackFS{FS: vfs.OSFS()}
		s, err := store.Open(GinkgoT().TempDir(), &store.Options{FS: fsys})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(s.Close)
		_, err = s.Append(ctx, []store.Event{{Type: "A"}, {Type: "A"}, {Type: "A"}, {Type: "A"}}, nil)
		Expect(err).NotTo(HaveOccurred())

		fsys.mu.Lock()
		defer fsys.mu.Unlock()
		Expect(fsys.ops).To(HaveLen(8))
		var writebacks, syncs []string
		for i, op := range fsys.ops {
			name, isSync := strings.CutPrefix(op, "sync ")
			if !isSync {
				Expect(i).To(BeNumerically("<", 4), "a write-back after a sync: %v", fsys.ops)
				writebacks = append(writebacks, strings.TrimPrefix(op, "writeback "))
				continue
			}
			syncs = append(syncs, name)
		}
		names := []string{eventFileName(1), eventFileName(2), eventFileName(3), eventFileName(4)}
		Expect(writebacks).To(Equal(names))
		Expect(syncs).To(ConsistOf(names))
	})
})
