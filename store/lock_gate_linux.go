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

// canPark says that procLock may park: gateTaken sees waiters.
const canPark = true

// gateTaken reports whether another lock call holds the gate, which it
// does from before it waits for the flock until it holds it (see
// procLock.park).
func (f *lockFile) gateTaken() (bool, error) {
	lk := unix.Flock_t{Type: unix.F_WRLCK, Whence: 0, Start: 0, Len: 1}
	if err := retryEINTR(func() error { return unix.FcntlFlock(uintptr(f.fd), unix.F_OFD_GETLK, &lk) }); err != nil {
		return true, err
	}
	return lk.Type != unix.F_UNLCK, nil
}
