// Package notify broadcasts "something changed" to any number of waiters:
// the event stores of this module use it to wake their subscriptions when
// the head moves.
package notify

import "sync"

// Notifier wakes every goroutine waiting on the channel Changed returned.
// The zero value is not ready: use New. It is safe for concurrent use.
type Notifier struct {
	mu     sync.Mutex
	ch     chan struct{}
	closed bool
	handed bool // ch was returned by Changed since the last Wake
}

// New returns a Notifier with no waiters.
func New() *Notifier { return &Notifier{ch: make(chan struct{})} }

// Wake wakes every current waiter; later waiters wait for the next Wake.
// After Close it does nothing. When nobody has asked for the channel since
// the last Wake, nobody waits on it, and it is kept.
func (n *Notifier) Wake() {
	n.mu.Lock()
	if !n.closed && n.handed {
		close(n.ch)
		n.ch = make(chan struct{})
		n.handed = false
	}
	n.mu.Unlock()
}

// Close wakes every waiter for good: every channel Changed returns from
// then on is closed, and closed reports true.
func (n *Notifier) Close() {
	n.mu.Lock()
	if !n.closed {
		n.closed = true
		close(n.ch)
	}
	n.mu.Unlock()
}

// Changed returns a channel closed at the next Wake or at Close, and
// whether Close was called.
func (n *Notifier) Changed() (<-chan struct{}, bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.handed = true
	return n.ch, n.closed
}
