//go:build unix

package store

import (
	"bytes"

	"golang.org/x/sys/unix"
)

// lockFile is the descriptor of a .lock file, open read-write.
type lockFile struct{ fd int }

func openLockFile(path string) (*lockFile, error) {
	for {
		fd, err := unix.Open(path, unix.O_RDWR|unix.O_CREAT|unix.O_CLOEXEC, 0o644)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return nil, err
		}
		return &lockFile{fd: fd}, nil
	}
}

func (f *lockFile) tryLock() (bool, error) {
	err := retryEINTR(func() error { return unix.Flock(f.fd, unix.LOCK_EX|unix.LOCK_NB) })
	if err == unix.EWOULDBLOCK {
		return false, nil
	}
	return err == nil, err
}

func (f *lockFile) lock() error {
	return retryEINTR(func() error { return unix.Flock(f.fd, unix.LOCK_EX) })
}

func (f *lockFile) unlock() error {
	return retryEINTR(func() error { return unix.Flock(f.fd, unix.LOCK_UN) })
}

func (f *lockFile) close() error { return unix.Close(f.fd) }

// gateLock is the open-file-description lock on the first byte of the
// file: the gate of procLock.
func (f *lockFile) gateLock(cmd int, typ int16) error {
	lk := unix.Flock_t{Type: typ, Whence: 0, Start: 0, Len: 1}
	return retryEINTR(func() error { return unix.FcntlFlock(uintptr(f.fd), cmd, &lk) })
}

// swapToken reads the writer token in the file (see procLock) and, when it
// is not tok, writes tok and reports true.
func (f *lockFile) swapToken(tok []byte) (bool, error) {
	var b [tokenSize]byte
	n, err := unix.Pread(f.fd, b[:], 0)
	if err == nil && n == len(b) && bytes.Equal(b[:], tok) {
		return false, nil
	}
	for {
		n, err := unix.Pwrite(f.fd, tok, 0)
		switch {
		case err == unix.EINTR:
			continue
		case err != nil:
			return true, err
		case n != len(tok):
			return true, unix.EIO
		}
		return true, nil
	}
}

func retryEINTR(call func() error) error {
	for {
		if err := call(); err != unix.EINTR {
			return err
		}
	}
}
