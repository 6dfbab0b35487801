//go:build !unix

package store

import "github.com/gofrs/flock"

// lockFile is the .lock file through gofrs/flock, which releases its
// descriptor with the lock. It keeps no writer token: every commit catches
// up in full.
type lockFile struct{ fl *flock.Flock }

func openLockFile(path string) (*lockFile, error) { return &lockFile{fl: flock.New(path)}, nil }

func (f *lockFile) tryLock() (bool, error)         { return f.fl.TryLock() }
func (f *lockFile) lock() error                    { return f.fl.Lock() }
func (f *lockFile) unlock() error                  { return f.fl.Unlock() }
func (f *lockFile) close() error                   { return f.fl.Close() }
func (f *lockFile) swapToken([]byte) (bool, error) { return true, nil }
func (f *lockFile) tryGate() (bool, error)         { return true, nil }
func (f *lockFile) gate() error                    { return nil }
func (f *lockFile) ungate() error                  { return nil }
func (f *lockFile) gateTaken() (bool, error)       { return true, nil }

// canPark is false: without a gate a parked lock would never learn of a
// waiter.
const canPark = false
