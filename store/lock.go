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
// a time (a FileStore's commitMu). Its descriptor stays open from the
// first lock to close.
//
// A waiter blocks in flock(2) rather than polling: the kernel wakes it when
// the holder releases the lock. That alone is not fair: the holder, if it
// commits again at once, takes the lock back before the woken waiter runs.
// So on Linux a writer first passes a gate, an open-file-description lock
// (F_OFD_SETLKW) on the first byte of the same file, and leaves it as soon
// as it holds the flock: a waiter blocked on the flock holds the gate, and
// the writer that just released the flock cannot take it again before the
// waiter has had its turn. Both locks go with the descriptor when a process
// dies. The timeout and the context are enforced around the blocking
// calls: a waiter that gives up leaves the blocked call to a goroutine,
// which closes the descriptor once it returns, releasing whatever it got.
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
//
// Parking. A NoSync handle appends in tens of microseconds, of which
// taking and releasing the lock (the gate twice, the flock twice, the
// token) would be a fifth. So after its commit such a handle may keep the
// flock (park), and its next lock only checks that nobody waits at the
// gate: one fcntl instead of five calls, and no catch-up, since nobody
// else can have held the lock. A waiter in another process (or another
// handle) holds the gate while it waits for the flock, so the parked
// holder sees it at its next lock and lets it in first, as it would have;
// when the holder has nothing more to commit, it releases the lock after
// lockIdle (see FileStore.release), so a waiter waits about that long at
// most for an idle holder. A holder that dies releases both locks with
// its descriptors, parked or not. Where there is no gate (not Linux), a
// lock cannot tell that someone waits, and nothing parks.
type procLock struct {
	path    string
	timeout time.Duration
	token   [tokenSize]byte
	f       *lockFile // nil until the first lock, and after a hand-over
	held    bool      // the flock is held: by a commit, or parked
}

// lockIdle is how long a parked lock stays held with nothing to commit.
// Go's timers below a millisecond fire after about one when the process
// is otherwise idle, so this is what a waiter of an idle holder waits.
var lockIdle = time.Millisecond

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
	if l.held {
		// Parked: keep it unless someone waits at the gate.
		if waiting, err := l.f.gateTaken(); err == nil && !waiting {
			return false, nil
		}
		if err := l.unlock(); err != nil {
			return false, fmt.Errorf("store: unlock %s: %w", l.path, err)
		}
	}
	if l.f == nil {
		if l.f, err = openLockFile(l.path); err != nil {
			return false, fmt.Errorf("store: lock %s: %w", l.path, err)
		}
	}
	w := waiter{l: l, ctx: ctx, start: time.Now()}
	defer w.stop()
	if err := w.acquire(l.f.tryGate, l.f.gate, nil); err != nil {
		return false, err
	}
	f := l.f
	if err := w.acquire(f.tryLock, f.lock, f.ungate); err != nil {
		return false, err
	}
	if err := f.ungate(); err != nil {
		_ = f.unlock()
		return false, fmt.Errorf("store: lock %s: %w", l.path, err)
	}
	others, err = f.swapToken(l.token[:])
	if err != nil {
		_ = f.unlock()
		return false, fmt.Errorf("store: lock %s: %w", l.path, err)
	}
	l.held = true
	return others, nil
}

// waiter is one lock call's waits: the gate, then the lock, within one
// timeout.
type waiter struct {
	l     *procLock
	ctx   context.Context
	start time.Time
	timer *time.Timer
}

// acquire takes a lock with try and, when it is held, blocks in block
// until it is free, the timeout passes or ctx ends. Giving up, it calls
// release (the gate taken before, if any) and hands the blocked call
// over: a goroutine closes the descriptor once the call returns, which
// releases whatever it got, and the next lock opens a new one.
func (w *waiter) acquire(try func() (bool, error), block func() error, release func() error) error {
	l := w.l
	ok, err := try()
	if err == nil && !ok {
		err = w.ctx.Err()
	}
	if err != nil || ok {
		if err != nil && release != nil {
			_ = release()
		}
		if err != nil && w.ctx.Err() == nil {
			err = fmt.Errorf("store: lock %s: %w", l.path, err)
		}
		return err
	}
	if w.timer == nil {
		w.timer = time.NewTimer(l.timeout)
	}
	f := l.f
	got := make(chan error, 1)
	go func() { got <- block() }()
	select {
	case err := <-got:
		if err != nil {
			if release != nil {
				_ = release()
			}
			return fmt.Errorf("store: lock %s: %w", l.path, err)
		}
		return nil
	case <-w.ctx.Done():
		err = w.ctx.Err()
	case <-w.timer.C:
		err = &LockError{Path: l.path, Waited: time.Since(w.start)}
	}
	if release != nil {
		_ = release()
	}
	go func() {
		<-got
		_ = f.close()
	}()
	l.f = nil
	return err
}

func (w *waiter) stop() {
	if w.timer != nil {
		w.timer.Stop()
	}
}

// unlock releases the lock, parked or not; it does nothing when the lock
// is not held.
func (l *procLock) unlock() error {
	if !l.held {
		return nil
	}
	l.held = false
	return l.f.unlock()
}

// park keeps the lock held after a commit, for the next lock to take at
// the cost of one check (see procLock), or releases it where a waiter
// could not be seen (no gate). It reports whether it parked; the caller
// then releases the lock within lockIdle when nothing locks it again.
func (l *procLock) park() (bool, error) {
	if !l.held || !canPark {
		return false, l.unlock()
	}
	return true, nil
}

func (l *procLock) close() error {
	if l.f == nil {
		return nil // and not held
	}
	l.held = false
	f := l.f
	l.f = nil
	return f.close()
}
