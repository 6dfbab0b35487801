package postgres

import (
	"context"
	"errors"
	"iter"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/opossum-go/opossum/store"
)

// Subscribe implements store.EventStore: the stored matches after after,
// then new ones as they commit, in position order, each exactly once.
//
// Every append commits with a NOTIFY on the store's channel; the handle
// LISTENs on a connection of its own and wakes its subscriptions, which
// then read what is new. Appends through this handle wake them at once.
// A subscription survives a broken connection or a server restart: it
// retries its reads with a backoff, and the listener reconnects and wakes
// every subscription, which catches up from the last position it yielded.
// It ends without an error when ctx ends, and with store.ErrClosed when
// the store closes.
func (s *Store) Subscribe(ctx context.Context, q store.Query, after store.Position) iter.Seq2[store.StoredEvent, error] {
	if err := q.Validate(); err != nil {
		return errSeq(err)
	}
	return func(yield func(store.StoredEvent, error) bool) {
		seen := after
		backoff := time.Duration(0)
		for {
			// Take the wake channel before reading, so that a commit
			// between the read and the wait is not missed.
			ch, closed := s.note.Changed()
			if closed {
				yield(store.StoredEvent{}, store.ErrClosed)
				return
			}
			err := s.catchUp(ctx, q, &seen, yield)
			if errors.Is(err, errStop) || ctx.Err() != nil {
				return
			}
			if errors.Is(err, store.ErrClosed) {
				yield(store.StoredEvent{}, store.ErrClosed)
				return
			}
			var retry <-chan time.Time
			if err != nil {
				if !transient(err) {
					yield(store.StoredEvent{}, err)
					return
				}
				backoff = min(max(2*backoff, 10*time.Millisecond), time.Second)
				s.opts.Logger.Warn("postgres: subscription retrying after a connection error", "err", err, "in", backoff)
				retry = time.After(backoff)
			} else {
				backoff = 0
			}
			select {
			case <-ctx.Done():
				return
			case <-ch:
			case <-retry:
			}
		}
	}
}

// errStop means the caller stopped iterating.
var errStop = errors.New("postgres: subscriber stopped")

// catchUp yields the matches after *seen up to the current head and moves
// *seen forward.
func (s *Store) catchUp(ctx context.Context, q store.Query, seen *store.Position, yield func(store.StoredEvent, error) bool) error {
	head, err := s.Head(ctx)
	if err != nil || head <= *seen {
		return err
	}
	for e, err := range s.Read(ctx, q, store.After(*seen)) {
		if err != nil {
			return err
		}
		if !yield(e, nil) {
			return errStop
		}
		*seen = e.Position
	}
	// Nothing more matched up to the head read before.
	*seen = max(*seen, head)
	return nil
}

// listener LISTENs on the store's channel on a connection of its own and
// wakes the notifier on every notification and after every (re)connection.
type listener struct {
	cancel context.CancelFunc
	done   chan struct{}
}

// start runs the listener until stop. It returns once the first LISTEN is
// in place (or failed: the listener then keeps retrying).
func (l *listener) start(s *Store) {
	ctx, cancel := context.WithCancel(context.Background())
	l.cancel, l.done = cancel, make(chan struct{})
	ready := make(chan struct{})
	go l.run(ctx, s, ready)
	select {
	case <-ready:
	case <-time.After(5 * time.Second):
	}
}

func (l *listener) run(ctx context.Context, s *Store, ready chan struct{}) {
	defer close(l.done)
	once := sync.OnceFunc(func() { close(ready) })
	defer once()
	listen := "LISTEN " + pgx.Identifier{s.sql.channel}.Sanitize()
	for delay := time.Duration(0); ; delay = min(max(2*delay, 50*time.Millisecond), 2*time.Second) {
		conn, err := pgx.ConnectConfig(ctx, s.config)
		if err == nil {
			if _, err = conn.Exec(ctx, listen); err == nil {
				delay = 0
				once()
				// Commits made while no LISTEN was in place are found by
				// the subscriptions this wakes.
				s.note.Wake()
				for err == nil {
					_, err = conn.WaitForNotification(ctx)
					if err == nil {
						s.note.Wake()
					}
				}
			}
			_ = conn.Close(context.Background())
		}
		if ctx.Err() != nil {
			return
		}
		once()
		s.opts.Logger.Warn("postgres: listener reconnecting", "err", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(delay):
		}
	}
}

func (l *listener) stop() {
	if l.cancel != nil {
		l.cancel()
		<-l.done
	}
}
