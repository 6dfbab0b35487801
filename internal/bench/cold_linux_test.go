//go:build linux

package bench

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// dropCaches empties the page cache of the files under dirs, so that the
// next read of them goes to the disk. It writes all dirty data out, then
// asks the kernel to drop its clean caches (page cache, dentries and
// inodes: /proc/sys/vm/drop_caches, root only), and where that is not
// permitted advises the kernel that no file under dirs is needed
// (posix_fadvise POSIX_FADV_DONTNEED, which leaves dentries and inodes
// cached). It returns which of the two worked.
func dropCaches(dirs ...string) (method string, err error) {
	unix.Sync()
	if err := os.WriteFile("/proc/sys/vm/drop_caches", []byte("3"), 0); err == nil {
		return "drop_caches", nil
	}
	for _, dir := range dirs {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			f, err := os.Open(path)
			if err != nil {
				return err
			}
			defer f.Close()
			if err := unix.Fadvise(int(f.Fd()), 0, 0, unix.FADV_DONTNEED); err != nil && !d.IsDir() {
				return &fs.PathError{Op: "fadvise", Path: path, Err: err}
			}
			return nil
		})
		if err != nil {
			return "", errors.Join(errors.New("neither /proc/sys/vm/drop_caches nor posix_fadvise can drop the page cache"), err)
		}
	}
	return "fadvise", nil
}
