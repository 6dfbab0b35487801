package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gofrs/flock"
)

// procLock is the cross-process writer lock: an exclusive flock(2) on the
// store's .lock file. The OS releases it when the process dies, so a crashed
// writer never blocks the others.
type procLock struct {
	fl      *flock.Flock
	path    string
	timeout time.Duration
}

func newProcLock(path string, timeout time.Duration) *procLock {
	return &procLock{fl: flock.New(path), path: path, timeout: timeout}
}

// lock takes the lock, waiting at most the timeout or until ctx is done.
func (l *procLock) lock(ctx context.Context) error {
	ok, err := l.fl.TryLock()
	if err != nil {
		return fmt.Errorf("store: lock %s: %w", l.path, err)
	}
	if ok {
		return nil
	}
	start := time.Now()
	tctx, cancel := context.WithTimeout(ctx, l.timeout)
	defer cancel()
	ok, err = l.fl.TryLockContext(tctx, time.Millisecond)
	if ok {
		return nil
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("store: lock %s: %w", l.path, err)
	}
	return &LockError{Path: l.path, Waited: time.Since(start).Round(time.Millisecond).String()}
}

func (l *procLock) unlock() error { return l.fl.Unlock() }

func (l *procLock) close() error { return l.fl.Close() }
