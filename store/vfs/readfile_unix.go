//go:build unix

package vfs

import (
	"io/fs"
	"syscall"
)

// readFile reads a whole small file with the fewest system calls: open,
// read until end of file, close. os.ReadFile also registers the file with
// the network poller (fcntl and epoll_ctl calls that fail for regular
// files) and fstats it; for the store's event files, a few hundred bytes
// each and read by the thousand, those calls cost as much as the read.
// Errors are *fs.PathError, like os.ReadFile's.
func readFile(name string) ([]byte, error) {
	var fd int
	var err error
	for {
		fd, err = syscall.Open(name, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	defer syscall.Close(fd)
	b := make([]byte, 0, 1024)
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := syscall.Read(fd, b[len(b):cap(b)])
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil, &fs.PathError{Op: "read", Path: name, Err: err}
		}
		if n == 0 {
			return b, nil
		}
		b = b[:len(b)+n]
	}
}
