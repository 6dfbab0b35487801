package store

import (
	"context"
	"fmt"
	"time"

	"github.com/gofrs/flock"
)

// procLock is the cross-process writer lock: an exclusive flock(2) on the
// store's .lock file. The OS releases it when the process dies, so a crashed
// writer never blocks the others. One procLock is used by one goroutine at
// a time.
//
// A waiter blocks in flock(2) rather than polling: the kernel wakes it when
// the holder releases the lock, so a writer that commits in a tight loop
// does not starve writers in other processes, as it would a poller that
// looks every millisecond. The timeout and the context are enforced around
// the blocking call: a waiter that gives up leaves it to a goroutine, which
// releases the lock at once if it gets it and then closes its descriptor.
type procLock struct {
	path    string
	timeout time.Duration
	fl      *flock.Flock // the descriptor of the next attempt, or the holder
}

func newProcLock(path string, timeout time.Duration) *procLock {
	return &procLock{path: path, timeout: timeout, fl: flock.New(path)}
}

// lock takes the lock, waiting at most the timeout or until ctx is done.
// It returns ctx.Err() when ctx ends first and a *LockError on timeout.
func (l *procLock) lock(ctx context.Context) error {
	ok, err := l.fl.TryLock()
	if err != nil {
		return fmt.Errorf("store: lock %s: %w", l.path, err)
	}
	if ok {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	start := time.Now()
	fl := l.fl
	got := make(chan error, 1)
	go func() { got <- fl.Lock() }()
	timer := time.NewTimer(l.timeout)
	defer timer.Stop()
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
	// The blocked flock cannot be interrupted: hand it over and use a new
	// descriptor next time.
	go func() {
		if <-got == nil {
			_ = fl.Unlock()
		}
		_ = fl.Close()
	}()
	l.fl = flock.New(l.path)
	return err
}

func (l *procLock) unlock() error { return l.fl.Unlock() }

func (l *procLock) close() error { return l.fl.Close() }
