package bench

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/decision"
)

// slotState is the decision state of the contention benchmark.
type slotState struct{ Claims int }

// BenchmarkDecisionExecute runs decision.Execute (build, decide, append
// under the model's condition, retry on conflict) from 1, 4 and 16
// goroutines that contend for the same keys: consecutive decisions share a
// key (50 per key, which also bounds the history each build reads), so
// concurrent writers conflict and retry. events/s counts decisions that
// appended; retries/op and exhausted/op count conflicts retried and
// decisions that ran out of attempts (the default Policy: 5 attempts).
func BenchmarkDecisionExecute(b *testing.B) {
	for _, kind := range kinds {
		for _, writers := range []int{1, 4, 16} {
			b.Run(fmt.Sprintf("store=%s/sync=durable/writers=%d", kind, writers), func(b *testing.B) {
				s := newStore(b, kind, durable)
				var next, runs, exhausted atomic.Int64
				b.ReportAllocs()
				runConcurrent(b, writers, 1, func() error {
					i := int(next.Add(1))
					key := store.NewTag("slot", fmt.Sprint(i/50))
					p := decision.Projection[slotState]{
						Query: store.Tagged(key),
						Apply: func(st slotState, _ store.StoredEvent) (slotState, error) {
							st.Claims++
							return st, nil
						},
					}
					_, err := decision.Execute(ctxb(), s, func(ctx context.Context) (decision.Decision, error) {
						runs.Add(1)
						m, err := decision.Build(ctx, s, p)
						if err != nil {
							return decision.Decision{}, err
						}
						e := store.Event{Type: "SlotClaimed", Data: payload(i), Tags: []store.Tag{key}}
						return m.Append(e), nil
					}, nil)
					var ex *decision.ExhaustedError
					if errors.As(err, &ex) {
						exhausted.Add(1)
						return nil
					}
					return err
				})
				ops := float64(next.Load())
				b.ReportMetric(float64(runs.Load()-next.Load())/ops, "retries/op")
				b.ReportMetric(float64(exhausted.Load())/ops, "exhausted/op")
			})
		}
	}
}
