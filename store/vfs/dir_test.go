package vfs_test

import (
	"io/fs"
	"os"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/store/vfs"
)

// plainFS hides the OpenDir of the OS's FS, so that vfs.OpenDir returns
// its portable Dir.
type plainFS struct{ vfs.FS }

var _ = Describe("An open folder", func() {
	for _, c := range []struct {
		name string
		fsys vfs.FS
	}{
		{"of the OS's FS", vfs.OSFS()},
		{"of an FS without OpenDir (the portable one)", plainFS{vfs.OSFS()}},
	} {
		Context(c.name, func() {
			It("creates a new file in it by name, which its Sync and the folder's make durable, and refuses a name that is taken", func() {
				dir := GinkgoT().TempDir()
				d, err := vfs.OpenDir(c.fsys, dir)
				Expect(err).NotTo(HaveOccurred())
				DeferCleanup(d.Close)

				f, err := d.Create("a.json")
				Expect(err).NotTo(HaveOccurred())
				n, err := f.Write([]byte("hello"))
				Expect(err).NotTo(HaveOccurred())
				Expect(n).To(Equal(5))
				Expect(f.Sync()).To(Succeed())
				Expect(f.Close()).To(Succeed())
				Expect(d.Sync()).To(Succeed())
				Expect(os.ReadFile(filepath.Join(dir, "a.json"))).To(Equal([]byte("hello")))

				_, err = d.Create("a.json")
				Expect(err).To(MatchError(fs.ErrExist))
				Expect(err.Error()).To(ContainSubstring(filepath.Join(dir, "a.json")), "the error names the file")
				Expect(os.ReadFile(filepath.Join(dir, "a.json"))).To(Equal([]byte("hello")), "the file is left as it was")
			})

			It("fails to create a file once the folder is gone", func() {
				root := GinkgoT().TempDir()
				dir := filepath.Join(root, "shard")
				Expect(os.Mkdir(dir, 0o755)).To(Succeed())
				d, err := vfs.OpenDir(c.fsys, dir)
				Expect(err).NotTo(HaveOccurred())
				DeferCleanup(d.Close)
				Expect(os.Remove(dir)).To(Succeed())
				_, err = d.Create("a.json")
				Expect(err).To(HaveOccurred())
			})
		})
	}

	It("of the OS's FS cannot be opened where there is no folder", func() {
		if _, ok := vfs.OSFS().(vfs.DirOpener); !ok {
			Skip("the OS's FS opens folders itself only on Linux")
		}
		_, err := vfs.OpenDir(vfs.OSFS(), filepath.Join(GinkgoT().TempDir(), "missing"))
		Expect(err).To(MatchError(fs.ErrNotExist))
	})
})
