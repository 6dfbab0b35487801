package store

import (
	"context"
	"iter"
	"time"

	"github.com/opossum-go/opossum/internal/notify"
)

// subscription is the shared Subscribe loop. read yields stored matches
// after a position; head reports the committed head (and may refresh it
// from disk); poll, when positive, re-checks the head on a timer for
// commits made by other processes.
type subscription struct {
	read func(ctx context.Context, q Query, after Position) iter.Seq2[StoredEvent, error]
	head func() (Position, error)
	note *notify.Notifier
	poll time.Duration
}

func (s subscription) run(ctx context.Context, q Query, after Position) iter.Seq2[StoredEvent, error] {
	if err := q.Validate(); err != nil {
		return errSeq(err)
	}
	return func(yield func(StoredEvent, error) bool) {
		var timer *time.Timer
		if s.poll > 0 {
			timer = time.NewTimer(s.poll)
			defer timer.Stop()
		}
		seen := after
		for {
			// Register for the next wake before reading, so a commit that
			// lands between the read and the wait is not missed.
			ch, closed := s.note.Changed()
			if closed {
				yield(StoredEvent{}, ErrClosed)
				return
			}
			head, err := s.head()
			if err != nil {
				yield(StoredEvent{}, err)
				return
			}
			if head > seen {
				for e, err := range s.read(ctx, q, seen) {
					if err != nil {
						if ctx.Err() != nil {
							return
						}
						yield(StoredEvent{}, err)
						return
					}
					if !yield(e, nil) {
						return
					}
					seen = e.Position
				}
				// Nothing more matched up to the head we read at.
				if head > seen {
					seen = head
				}
				continue
			}
			var tick <-chan time.Time
			if timer != nil {
				timer.Reset(s.poll)
				tick = timer.C
			}
			select {
			case <-ctx.Done():
				return
			case <-ch:
			case <-tick:
			}
		}
	}
}
