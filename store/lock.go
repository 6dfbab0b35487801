package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"
)

// procLock is the cross-process writer lock: an exclusive flock(2) on the
// store's .lock file. The OS releases it when the process dies, so a crashed
// writer never blocks the others. One procLock is used by one goroutine at
// a time. Its descriptor stays open from the first lock to close: taking
// and releasing the lock are one system call each.
//
// A waiter blocks in flock(2) rather than polling: the kernel wakes it when
// the holder releases the lock, so a writer that commits in a tight loop
// does not starve writers in other processes, as it would a poller that
// looks every millisecond. The timeout and the context are enforced around
// the blocking call: a waiter that gives up leaves it to a goroutine, which
// releases the lock at once if it gets it and then closes its descriptor.
//
// The writer token. The .lock file holds the token of the last procLock
// that took the lock: 16 random hexadecimal digits and a newline, written
// by every procLock when it takes the lock and finds another's token there,
// before it writes anything else in the store. So a procLock that finds its
// own token knows that no other writer, in this process or another, has
// held the lock since it last released it: nothing was committed, and no
// writer died leaving files after the head. The committer then skips its
// catch-up (reading the head file and probing for the event file after it).
// The spec "sees what another process appended, and settles the files of
// one that died, between two appends of a handle" (store/process_test.go)
// proves both. Every writer of this package writes the token; a writer of
// an earlier version, which does not, is still never overwritten: its
// event files make this one's creation of the same names fail (they are
// created exclusively), which breaks the handle until it is reopened.
type procLock struct {
	path    string
	timeout time.Duration
	token   [tokenSize]byte
	f       *lockFile // nil until the first lock, and after a hand-over
}

// tokenSize is the size of a writer token: 16 hexadecimal digits and a
// newline.
const tokenSize = 17

func newProcLock(path string, timeout time.Duration) *procLock {
	l := &procLock{path: path, timeout: timeout}
	var b [8]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand)
	hex.Encode(l.token[:16], b[:])
	l.token[16] = '\n'
	return l
}

// lock takes the lock, waiting at most the timeout or until ctx is done.
// It returns ctx.Err() when ctx ends first and a *LockError on timeout.
// others reports whether another writer may have held the lock since this
// procLock last released it (always true the first time).
func (l *procLock) lock(ctx context.Context) (others bool, err error) {
	if l.f == nil {
		if l.f, err = openLockFile(l.path); err != nil {
			return false, fmt.Errorf("store: lock %s: %w", l.path, err)
		}
	}
	ok, err := l.f.tryLock()
	if err != nil {
		return false, fmt.Errorf("store: lock %s: %w", l.path, err)
	}
	if !ok {
		if err := l.wait(ctx); err != nil {
			return false, err
		}
	}
	others, err = l.f.swapToken(l.token[:])
	if err != nil {
		_ = l.f.unlock()
		return false, fmt.Errorf("store: lock %s: %w", l.path, err)
	}
	return others, nil
}

// wait blocks in flock(2) until the lock is free, the timeout passes or
// ctx ends.
func (l *procLock) wait(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	start := time.Now()
	f := l.f
	got := make(chan error, 1)
	go func() { got <- f.lock() }()
	timer := time.NewTimer(l.timeout)
	defer timer.Stop()
	var err error
	select {
	case err := <-got:
		if err != nil {
			return fmt.Errorf("store: lock %s: %w", l.path, err)
		}
		return nil
	case <-ctx.Done():
		err = ctx.Err()
	case <-timer.C:
		err = &LockError{Path: l.path, Waited: time.Since(start)}
	}
	// The blocked flock cannot be interrupted: hand it over and open a new
	// descriptor next time.
	go func() {
		if <-got == nil {
			_ = f.unlock()
		}
		_ = f.close()
	}()
	l.f = nil
	return err
}

func (l *procLock) unlock() error {
	if l.f == nil {
		return nil
	}
	return l.f.unlock()
}

func (l *procLock) close() error {
	if l.f == nil {
		return nil
	}
	f := l.f
	l.f = nil
	return f.close()
}
