package store_test

// Specs for the head file: what a commit writes to it.

import (
	"os"
	"path/filepath"
	"sync/atomic"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/vfs"
)

// headWritesFS counts the writes to the head file.
type headWritesFS struct {
	vfs.FS
	writes atomic.Int64
}

func (h *headWritesFS) OpenFile(name string, flag int, perm os.FileMode) (vfs.File, error) {
	f, err := h.FS.OpenFile(name, flag, perm)
	if err != nil || filepath.Base(name) != "head" {
		return f, err
	}
	return &countedFile{File: f, n: &h.writes}, nil
}

type countedFile struct {
	vfs.File
	n *atomic.Int64
}

func (f *countedFile) WriteAt(p []byte, off int64) (int, error) {
	f.n.Add(1)
	return f.File.WriteAt(p, off)
}

var _ = Describe("The head file of a NoSync handle", func() {
	It("is written once per commit while the durable prefix stays where it was", func(ctx SpecContext) {
		dir := filepath.Join(GinkgoT().TempDir(), "store")
		h := &headWritesFS{FS: vfs.OSFS()}
		s, err := store.Open(dir, &store.Options{FS: h, NoSync: true, Logger: specLogger()})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(s.Close)
		e, err := store.NewEvent("StudentRegistered", map[string]string{})
		Expect(err).NotTo(HaveOccurred())
		_, err = s.Append(ctx, []store.Event{e}, nil) // the first writes the durable prefix's line
		Expect(err).NotTo(HaveOccurred())
		before := h.writes.Load()
		for range 10 {
			e, err := store.NewEvent("StudentRegistered", map[string]string{})
			Expect(err).NotTo(HaveOccurred())
			_, err = s.Append(ctx, []store.Event{e}, nil)
			Expect(err).NotTo(HaveOccurred())
		}
		Expect(h.writes.Load() - before).To(BeEquivalentTo(10))
	})
})

var _ = Describe("The head line of a handle on the operating system's files", func() {
	It("is seen by another handle at once, and still written when the head file was cut shorter behind the store's back", func(ctx SpecContext) {
		dir := filepath.Join(GinkgoT().TempDir(), "store")
		s, err := store.Open(dir, &store.Options{NoSync: true, Logger: specLogger()})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(s.Close)
		reader, err := store.Open(dir, &store.Options{ReadOnly: true, Logger: specLogger()})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(reader.Close)
		appendOne := func() store.Position {
			e, err := store.NewEvent("StudentRegistered", map[string]string{})
			Expect(err).NotTo(HaveOccurred())
			p, err := s.Append(ctx, []store.Event{e}, nil)
			Expect(err).NotTo(HaveOccurred())
			return p
		}
		for range 3 { // the first append maps the head line; the others store into it
			p := appendOne()
			last, err := reader.ReadLast(ctx, store.All())
			Expect(err).NotTo(HaveOccurred())
			Expect(last.Position).To(Equal(p))
		}

		// A store into a mapping past the end of its file faults; the
		// store writes the line instead.
		Expect(os.Truncate(filepath.Join(dir, "head"), 0)).To(Succeed())
		p := appendOne()
		p = max(p, appendOne())
		last, err := reader.ReadLast(ctx, store.All())
		Expect(err).NotTo(HaveOccurred())
		Expect(last.Position).To(Equal(p))
		Expect(s.Close()).To(Succeed())
		s, err = store.Open(dir, &store.Options{Logger: specLogger()})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(s.Close)
		n := 0
		for _, err := range s.Read(ctx, store.All()) {
			Expect(err).NotTo(HaveOccurred())
			n++
		}
		Expect(n).To(Equal(5))
	})
})

var _ = Describe("A head line", func() {
	It("is the position in twenty digits, a space, their CRC-32 in hex and a newline", func() {
		// The checksums were computed apart, with Python's zlib.crc32.
		Expect(store.EncodeHead(0)).To(Equal("00000000000000000000 c4854223\n"))
		Expect(store.EncodeHead(6)).To(Equal("00000000000000000006 2de6e716\n")) // docs/file-format.md
		Expect(store.EncodeHead(42)).To(Equal("00000000000000000042 4ee7e60b\n"))
		Expect(store.EncodeHead(1<<64 - 1)).To(Equal("18446744073709551615 bffe511a\n"))
	})
})
