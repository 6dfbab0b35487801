package faultfs_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/internal/faultfs"
	"github.com/opossum-go/opossum/store/vfs"
)

// tree lists the regular files under root with their content, and folders
// with a trailing slash and no content.
func tree(root string) map[string]string {
	GinkgoHelper()
	out := map[string]string{}
	Expect(filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == root {
			return err
		}
		r, _ := filepath.Rel(root, p)
		if d.IsDir() {
			out[r+"/"] = ""
			return nil
		}
		b, err := os.ReadFile(p)
		out[r] = string(b)
		return err
	})).To(Succeed())
	return out
}

// create makes a file through the FS and writes s to it.
func create(f vfs.FS, path, s string) vfs.File {
	GinkgoHelper()
	fl, err := f.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
	Expect(err).NotTo(HaveOccurred())
	_, err = fl.Write([]byte(s))
	Expect(err).NotTo(HaveOccurred())
	return fl
}

var _ = Describe("FS", func() {
	var (
		root string
		ffs  *faultfs.FS
		at   func(string) string
	)

	BeforeEach(func() {
		root = GinkgoT().TempDir()
		Expect(os.WriteFile(filepath.Join(root, "old"), []byte("old content"), 0o644)).To(Succeed())
		Expect(os.Mkdir(filepath.Join(root, "sub"), 0o755)).To(Succeed())
		var err error
		ffs, err = faultfs.New(root)
		Expect(err).NotTo(HaveOccurred())
		at = func(name string) string { return filepath.Join(root, name) }
	})

	DescribeTable("a power cut keeps exactly what was made durable",
		func(steps func(f *faultfs.FS, at func(string) string), want map[string]string) {
			steps(ffs, at)
			Expect(ffs.Cut()).To(Succeed())
			Expect(tree(root)).To(Equal(want))
		},
		Entry("files present at New are durable",
			func(f *faultfs.FS, at func(string) string) {},
			map[string]string{"old": "old content", "sub/": ""}),
		Entry("a created file whose data was synced but whose folder was not is gone",
			func(f *faultfs.FS, at func(string) string) {
				fl := create(f, at("new"), "data")
				Expect(fl.Sync()).To(Succeed())
				Expect(fl.Close()).To(Succeed())
			},
			map[string]string{"old": "old content", "sub/": ""}),
		Entry("a created file whose folder was synced but whose data was not is empty",
			func(f *faultfs.FS, at func(string) string) {
				fl := create(f, at("new"), "data")
				Expect(fl.Close()).To(Succeed())
				Expect(f.SyncDir(root)).To(Succeed())
			},
			map[string]string{"old": "old content", "new": "", "sub/": ""}),
		Entry("a created file with its data and its folder synced is kept",
			func(f *faultfs.FS, at func(string) string) {
				fl := create(f, at("new"), "data")
				Expect(fl.Sync()).To(Succeed())
				Expect(fl.Close()).To(Succeed())
				Expect(f.SyncDir(root)).To(Succeed())
			},
			map[string]string{"old": "old content", "new": "data", "sub/": ""}),
		Entry("data written after the last sync is lost",
			func(f *faultfs.FS, at func(string) string) {
				fl := create(f, at("new"), "synced")
				Expect(fl.Sync()).To(Succeed())
				Expect(f.SyncDir(root)).To(Succeed())
				_, err := fl.Write([]byte(" and not"))
				Expect(err).NotTo(HaveOccurred())
				Expect(fl.Close()).To(Succeed())
			},
			map[string]string{"old": "old content", "new": "synced", "sub/": ""}),
		Entry("an in-place rewrite that was not synced is undone",
			func(f *faultfs.FS, at func(string) string) {
				fl, err := f.OpenFile(at("old"), os.O_RDWR, 0)
				Expect(err).NotTo(HaveOccurred())
				_, err = fl.WriteAt([]byte("NEW"), 0)
				Expect(err).NotTo(HaveOccurred())
				Expect(fl.Close()).To(Succeed())
				Expect(f.SyncDir(root)).To(Succeed())
			},
			map[string]string{"old": "old content", "sub/": ""}),
		Entry("a rename whose folder was not synced is undone",
			func(f *faultfs.FS, at func(string) string) {
				Expect(f.Rename(at("old"), at("renamed"))).To(Succeed())
			},
			map[string]string{"old": "old content", "sub/": ""}),
		Entry("a synced file renamed over another, folder synced, replaces it (the atomic write)",
			func(f *faultfs.FS, at func(string) string) {
				fl := create(f, at(".tmp"), "replacement")
				Expect(fl.Sync()).To(Succeed())
				Expect(fl.Close()).To(Succeed())
				Expect(f.Rename(at(".tmp"), at("old"))).To(Succeed())
				Expect(f.SyncDir(root)).To(Succeed())
			},
			map[string]string{"old": "replacement", "sub/": ""}),
		Entry("an unsynced file renamed over another, folder synced, leaves it empty",
			func(f *faultfs.FS, at func(string) string) {
				fl := create(f, at(".tmp"), "replacement")
				Expect(fl.Close()).To(Succeed())
				Expect(f.Rename(at(".tmp"), at("old"))).To(Succeed())
				Expect(f.SyncDir(root)).To(Succeed())
			},
			map[string]string{"old": "", "sub/": ""}),
		Entry("a remove whose folder was not synced is undone",
			func(f *faultfs.FS, at func(string) string) {
				Expect(f.Remove(at("old"))).To(Succeed())
			},
			map[string]string{"old": "old content", "sub/": ""}),
		Entry("a remove whose folder was synced is kept",
			func(f *faultfs.FS, at func(string) string) {
				Expect(f.Remove(at("old"))).To(Succeed())
				Expect(f.SyncDir(root)).To(Succeed())
			},
			map[string]string{"sub/": ""}),
		Entry("a folder made by MkdirAll whose parent was not synced is gone, with its synced files",
			func(f *faultfs.FS, at func(string) string) {
				Expect(f.MkdirAll(at("a/b"), 0o755)).To(Succeed())
				fl := create(f, at("a/b/x"), "data")
				Expect(fl.Sync()).To(Succeed())
				Expect(fl.Close()).To(Succeed())
				Expect(f.SyncDir(at("a/b"))).To(Succeed())
				Expect(f.SyncDir(at("a"))).To(Succeed())
			},
			map[string]string{"old": "old content", "sub/": ""}),
		Entry("a new folder survives when every parent up to the durable one was synced",
			func(f *faultfs.FS, at func(string) string) {
				Expect(f.MkdirAll(at("a/b"), 0o755)).To(Succeed())
				fl := create(f, at("a/b/x"), "data")
				Expect(fl.Sync()).To(Succeed())
				Expect(fl.Close()).To(Succeed())
				Expect(f.SyncDir(at("a/b"))).To(Succeed())
				Expect(f.SyncDir(at("a"))).To(Succeed())
				Expect(f.SyncDir(root)).To(Succeed())
			},
			map[string]string{"old": "old content", "sub/": "", "a/": "", "a/b/": "", "a/b/x": "data"}),
		Entry("syncing a file does not make a folder it is in durable",
			func(f *faultfs.FS, at func(string) string) {
				fl := create(f, at("sub/x"), "data")
				Expect(fl.Sync()).To(Succeed())
				Expect(fl.Close()).To(Succeed())
				Expect(f.SyncDir(root)).To(Succeed())
			},
			map[string]string{"old": "old content", "sub/": ""}),
		Entry("SyncAll makes every file and folder durable",
			func(f *faultfs.FS, at func(string) string) {
				Expect(f.MkdirAll(at("a/b"), 0o755)).To(Succeed())
				Expect(create(f, at("a/b/x"), "data").Close()).To(Succeed())
				Expect(create(f, at("sub/y"), "more").Close()).To(Succeed())
				Expect(f.Remove(at("old"))).To(Succeed())
				Expect(f.SyncAll(root)).To(Succeed())
			},
			map[string]string{"sub/": "", "sub/y": "more", "a/": "", "a/b/": "", "a/b/x": "data"}),
		Entry("files made outside the FS are left alone",
			func(f *faultfs.FS, at func(string) string) {
				Expect(os.WriteFile(at(".lock"), nil, 0o644)).To(Succeed())
			},
			map[string]string{"old": "old content", "sub/": "", ".lock": ""}),
	)

	Describe("injected failures", func() {
		It("fails the n-th operation of a kind, once, and does nothing for it", func() {
			ffs.FailNth(faultfs.OpWrite, 2)
			fl := create(ffs, at("x"), "one")
			_, err := fl.Write([]byte("two"))
			Expect(err).To(MatchError(faultfs.ErrInjected))
			var pe *fs.PathError
			Expect(errors.As(err, &pe)).To(BeTrue())
			Expect(pe.Path).To(Equal(at("x")))
			_, err = fl.Write([]byte("three"))
			Expect(err).NotTo(HaveOccurred())
			Expect(fl.Close()).To(Succeed())
			Expect(ffs.Fired()).To(BeTrue())
			Expect(os.ReadFile(at("x"))).To(Equal([]byte("onethree")))
			Expect(ffs.Count(faultfs.OpWrite)).To(Equal(3))
		})

		It("fails the n-th operation of any kind", func() {
			ffs.FailNth(faultfs.OpAny, 3)
			Expect(ffs.MkdirAll(at("d"), 0o755)).To(Succeed())
			Expect(ffs.SyncDir(root)).To(Succeed())
			Expect(ffs.Rename(at("old"), at("new"))).To(MatchError(faultfs.ErrInjected))
			Expect(at("old")).To(BeAnExistingFile())
		})

		It("does not fire before the n-th operation", func() {
			ffs.FailNth(faultfs.OpSyncAll, 2)
			Expect(ffs.SyncAll(root)).To(Succeed())
			Expect(ffs.Fired()).To(BeFalse())
		})

		It("makes the n-th write short: half the bytes, then an error", func() {
			ffs.ShortWriteNth(1)
			fl, err := ffs.OpenFile(at("x"), os.O_WRONLY|os.O_CREATE, 0o644)
			Expect(err).NotTo(HaveOccurred())
			n, err := fl.Write([]byte("0123456789"))
			Expect(err).To(MatchError(faultfs.ErrInjected))
			Expect(err.Error()).To(ContainSubstring("short write, 5 of 10 bytes"))
			Expect(n).To(Equal(5))
			Expect(fl.Close()).To(Succeed())
			Expect(os.ReadFile(at("x"))).To(Equal([]byte("01234")))
		})
	})

	Describe("power cuts", func() {
		It("kills the FS: every later operation fails with ErrPoweredOff", func() {
			fl := create(ffs, at("x"), "data")
			Expect(ffs.Cut()).To(Succeed())
			Expect(ffs.Dead()).To(BeTrue())
			_, err := fl.Write([]byte("more"))
			Expect(err).To(MatchError(faultfs.ErrPoweredOff))
			Expect(fl.Sync()).To(MatchError(faultfs.ErrPoweredOff))
			Expect(fl.Close()).To(MatchError(faultfs.ErrPoweredOff))
			_, err = ffs.ReadFile(at("old"))
			Expect(err).To(MatchError(faultfs.ErrPoweredOff))
			Expect(ffs.SyncAll(root)).To(MatchError(faultfs.ErrPoweredOff))
		})

		It("cuts the power instead of doing the n-th operation", func() {
			ffs.CutAtNth(faultfs.OpSyncDir, 1)
			fl := create(ffs, at("x"), "data")
			Expect(fl.Sync()).To(Succeed())
			Expect(ffs.SyncDir(root)).To(MatchError(faultfs.ErrPoweredOff))
			Expect(ffs.CutErr()).NotTo(HaveOccurred())
			Expect(fl.Close()).To(MatchError(faultfs.ErrPoweredOff))
			Expect(tree(root)).To(Equal(map[string]string{"old": "old content", "sub/": ""}))
		})

		It("keeps the same model when the real sync calls are turned off", func() {
			ffs.SetRealSync(false)
			fl := create(ffs, at("kept"), "data")
			Expect(fl.Sync()).To(Succeed())
			Expect(fl.Close()).To(Succeed())
			Expect(create(ffs, at("sub/lost"), "data").Close()).To(Succeed())
			Expect(ffs.SyncDir(root)).To(Succeed())
			Expect(ffs.Cut()).To(Succeed())
			Expect(tree(root)).To(Equal(map[string]string{"old": "old content", "kept": "data", "sub/": ""}))
		})

		It("keeps a reproducible random part of what was not durable", func() {
			run := func(seed uint64) map[string]string {
				dir := GinkgoT().TempDir()
				f, err := faultfs.New(dir)
				Expect(err).NotTo(HaveOccurred())
				for _, n := range []string{"a", "b", "c", "d", "e", "f", "g", "h"} {
					fl := create(f, filepath.Join(dir, n), "content of "+n)
					Expect(fl.Close()).To(Succeed())
				}
				Expect(f.CutRandom(seed)).To(Succeed())
				return tree(dir)
			}
			seen := map[string]bool{}
			for seed := range uint64(20) {
				t := run(seed)
				Expect(run(seed)).To(Equal(t), "seed %d", seed)
				for name, content := range t {
					want := "content of " + name
					Expect(want).To(HavePrefix(content), "a file holds a prefix of what was written")
					switch content {
					case "":
						seen["empty"] = true
					case want:
						seen["whole"] = true
					default:
						seen["torn"] = true
					}
				}
				if len(t) < 8 {
					seen["missing"] = true
				}
			}
			keys := make([]string, 0, len(seen))
			for k := range seen {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			Expect(keys).To(Equal([]string{"empty", "missing", "torn", "whole"}))
		})
	})
})
