package store_test

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/vfs"
)

// eventTouchFS counts the calls that touch the events folder or a file in
// it, by operation.
type eventTouchFS struct {
	vfs.FS
	mu      sync.Mutex
	touches map[string]int
}

func (f *eventTouchFS) note(op, name string) {
	if !strings.Contains(filepath.ToSlash(name), "/events") {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.touches[op]++
}

func (f *eventTouchFS) OpenFile(name string, flag int, perm os.FileMode) (vfs.File, error) {
	f.note("open", name)
	return f.FS.OpenFile(name, flag, perm)
}

func (f *eventTouchFS) ReadFile(name string) ([]byte, error) {
	f.note("read", name)
	return f.FS.ReadFile(name)
}

func (f *eventTouchFS) ReadDir(name string) ([]os.DirEntry, error) {
	f.note("readdir", name)
	return f.FS.ReadDir(name)
}

func (f *eventTouchFS) Stat(name string) (os.FileInfo, error) {
	f.note("stat", name)
	return f.FS.Stat(name)
}

var _ = Describe("the index snapshot", func() {
	// touchesOfOpen opens the store in dir through an eventTouchFS and
	// returns what the open did to the events folder.
	touchesOfOpen := func(dir string) map[string]int {
		GinkgoHelper()
		fsys := &eventTouchFS{FS: vfs.OSFS(), touches: map[string]int{}}
		s, err := store.Open(dir, &store.Options{FS: fsys})
		Expect(err).NotTo(HaveOccurred())
		Expect(s.Close()).To(Succeed())
		return fsys.touches
	}

	It("lets Open touch the same few event files and folders whatever the store's size", func(ctx SpecContext) {
		dir := GinkgoT().TempDir()
		grow := func(n int) {
			GinkgoHelper()
			s, err := store.Open(dir, &store.Options{NoSync: true})
			Expect(err).NotTo(HaveOccurred())
			evs := make([]store.Event, n)
			for i := range evs {
				evs[i] = store.Event{Type: "Counted"}
			}
			_, err = s.Append(ctx, evs, nil)
			Expect(err).NotTo(HaveOccurred())
			Expect(s.Close()).To(Succeed())
			// The first durable Open makes the events the NoSync handle
			// wrote durable, file by file; the opens after it are the
			// ones counted.
			s, err = store.Open(dir, nil)
			Expect(err).NotTo(HaveOccurred())
			Expect(s.Close()).To(Succeed())
		}
		grow(20)
		small := touchesOfOpen(dir)
		grow(3000)
		Expect(touchesOfOpen(dir)).To(Equal(small))
		Expect(small["read"] + small["open"] + small["stat"] + small["readdir"]).To(BeNumerically("<=", 4))
	}, SpecTimeout(time.Minute))

	It("makes a large prefix a NoSync handle wrote durable with one sync of the file system, not file by file", func(ctx SpecContext) {
		dir := GinkgoT().TempDir()
		s, err := store.Open(dir, &store.Options{NoSync: true})
		Expect(err).NotTo(HaveOccurred())
		evs := make([]store.Event, 3000)
		for i := range evs {
			evs[i] = store.Event{Type: "Counted"}
		}
		_, err = s.Append(ctx, evs, nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(s.Close()).To(Succeed())
		touched := touchesOfOpen(dir)
		Expect(touched["open"]).To(BeNumerically("<", 10), "the durable Open opened event files one by one to sync them")
	}, SpecTimeout(time.Minute))
})
