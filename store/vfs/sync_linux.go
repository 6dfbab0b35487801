//go:build linux

package vfs

import (
	"os"

	"golang.org/x/sys/unix"
)

// syncAll flushes the whole file system holding path with syncfs(2), which
// reports write-back errors since Linux 5.8.
func syncAll(path string) error {
	d, err := os.Open(path)
	if err != nil {
		return err
	}
	defer d.Close()
	return unix.Syncfs(int(d.Fd()))
}

// dataSync flushes a file's data and the metadata needed to read it back
// (its size) with fdatasync(2).
func dataSync(f *os.File) error {
	for {
		err := unix.Fdatasync(int(f.Fd()))
		if err != unix.EINTR {
			return err
		}
	}
}
