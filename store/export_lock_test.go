package store

import (
	"context"
	"time"
)

// WriterLock is the cross-process writer lock of a store folder, for the
// specs of its fairness.
type WriterLock struct{ l *procLock }

// NewWriterLock returns a writer lock on the lock file of the store in dir,
// as a handle of its own would hold it.
func NewWriterLock(dir string) *WriterLock {
	return &WriterLock{l: newProcLock(layout{dir: dir}.lock(), time.Minute)}
}

func (w *WriterLock) Lock(ctx context.Context) error { _, err := w.l.lock(ctx); return err }
func (w *WriterLock) Unlock() error                  { return w.l.unlock() }
func (w *WriterLock) Close() error                   { return w.l.close() }

// GateHeld reports whether a writer holds the gate of the store in dir,
// which a writer waiting for the lock does.
func GateHeld(dir string) bool {
	return held(dir, (*lockFile).tryGate, (*lockFile).ungate)
}

// held reports whether another descriptor holds what try takes, taking
// and releasing it at once when nobody does.
func held(dir string, try func(*lockFile) (bool, error), release func(*lockFile) error) bool {
	f, err := openLockFile(layout{dir: dir}.lock())
	if err != nil {
		return false
	}
	defer f.close()
	ok, err := try(f)
	if ok {
		_ = release(f)
	}
	return err == nil && !ok
}

// Queued returns how many appends wait in the handle's queue for its
// committer.
func Queued(s *FileStore) int { return len(s.reqs) }

// LockHeld reports whether a writer holds the writer lock of the store in
// dir, taking it and releasing it at once when nobody does.
func LockHeld(dir string) bool {
	return held(dir, (*lockFile).tryLock, (*lockFile).unlock)
}

// SetLockIdle sets how long a parked writer lock stays held with nothing
// to commit, for handles opened after it, and returns a function that
// restores it.
func SetLockIdle(d time.Duration) (restore func()) {
	old := lockIdle
	lockIdle = d
	return func() { lockIdle = old }
}

// EncodeHead is the line of the head file that holds position p.
func EncodeHead(p Position) string { return string(encodeHead(p)) }
