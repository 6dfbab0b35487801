//go:build linux

package store

import "golang.org/x/sys/unix"

func (f *lockFile) tryGate() (bool, error) {
	err := f.gateLock(unix.F_OFD_SETLK, unix.F_WRLCK)
	if err == unix.EAGAIN || err == unix.EACCES {
		return false, nil
	}
	return err == nil, err
}

func (f *lockFile) gate() error   { return f.gateLock(unix.F_OFD_SETLKW, unix.F_WRLCK) }
func (f *lockFile) ungate() error { return f.gateLock(unix.F_OFD_SETLK, unix.F_UNLCK) }
