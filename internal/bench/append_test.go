package bench

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/opossum-go/opossum/store"
)

// appendEvent is the i-th event appended by the append benchmarks: two
// tags, a body of about 120 bytes.
func appendEvent(i int) store.Event {
	return store.Event{
		Type: "StudentSubscribedToCourse",
		Data: payload(i),
		Tags: []store.Tag{
			store.NewTag("studentId", fmt.Sprintf("s-%d", i)),
			store.NewTag("courseId", fmt.Sprintf("c-%d", i%100)),
		},
	}
}

// BenchmarkAppend measures one writer appending batches of 1, 10 and 100
// events, durable and without sync, on both stores.
func BenchmarkAppend(b *testing.B) {
	for _, kind := range pgKinds {
		for _, mode := range syncModes {
			for _, size := range []int{1, 10, 100} {
				b.Run(fmt.Sprintf("store=%s/sync=%s/batch=%d", kind, mode, size), func(b *testing.B) {
					s := newStore(b, kind, mode)
					b.ReportAllocs()
					batch := make([]store.Event, size)
					i := 0
					for b.Loop() {
						for j := range batch {
							batch[j] = appendEvent(i)
							i++
						}
						if _, err := s.Append(ctxb(), batch, nil); err != nil {
							b.Fatal(err)
						}
					}
					reportRate(b, size)
				})
			}
		}
	}
}

// BenchmarkAppendConcurrent measures 1, 4, 16 and 64 goroutines appending
// one event each per call, as fast as they can. events/s is the aggregate
// rate, measured from the first append to the last completion.
func BenchmarkAppendConcurrent(b *testing.B) {
	for _, kind := range pgKinds {
		for _, mode := range syncModes {
			for _, writers := range []int{1, 4, 16, 64} {
				b.Run(fmt.Sprintf("store=%s/sync=%s/writers=%d", kind, mode, writers), func(b *testing.B) {
					s := newStore(b, kind, mode)
					b.ReportAllocs()
					var next atomic.Int64
					runConcurrent(b, writers, 1, func() error {
						_, err := s.Append(ctxb(), []store.Event{appendEvent(int(next.Add(1)))}, nil)
						return err
					})
				})
			}
		}
	}
}

// runConcurrent runs op b.N times on writers goroutines and reports the
// aggregate events/s (perOp events per op) over the wall time until the
// last op completed.
func runConcurrent(b *testing.B, writers, perOp int, op func() error) {
	b.Helper()
	tokens := make(chan struct{}, writers)
	var wg sync.WaitGroup
	var failures atomic.Int64
	var firstErr atomic.Value
	for range writers {
		wg.Go(func() {
			for range tokens {
				if err := op(); err != nil {
					if failures.Add(1) == 1 {
						firstErr.Store(err)
					}
				}
			}
		})
	}
	start := time.Now()
	n := 0
	for b.Loop() {
		tokens <- struct{}{}
		n++
	}
	close(tokens)
	wg.Wait()
	if f := failures.Load(); f > 0 {
		b.Fatalf("%d of %d ops failed; first: %v", f, n, firstErr.Load())
	}
	b.ReportMetric(float64(n*perOp)/time.Since(start).Seconds(), "events/s")
}

// BenchmarkAppendConditional compares a single writer's append guarded by
// a DCB condition (the events of the course tag after the last position the
// writer saw) with the same append unguarded. The two alternate within one
// loop, so that they share the disk's noise: events/s is the conditional
// rate, uncond-events/s the unconditional one, each over its own time.
func BenchmarkAppendConditional(b *testing.B) {
	for _, kind := range pgKinds {
		for _, mode := range syncModes {
			b.Run(fmt.Sprintf("store=%s/sync=%s", kind, mode), func(b *testing.B) {
				s := newStore(b, kind, mode)
				// A history for the condition to look at.
				seed := make([]store.Event, 1000)
				for i := range seed {
					seed[i] = appendEvent(i)
				}
				last, err := s.Append(ctxb(), seed, nil)
				if err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				i := len(seed)
				var condT, uncondT time.Duration
				n := 0
				appendOne := func(guarded bool) {
					e := appendEvent(i)
					i++
					var cond *store.AppendCondition
					if guarded {
						cond = store.Guard(store.Tagged(e.Tags[1]), last)
					}
					t := time.Now()
					if last, err = s.Append(ctxb(), []store.Event{e}, cond); err != nil {
						b.Fatal(err)
					}
					if guarded {
						condT += time.Since(t)
					} else {
						uncondT += time.Since(t)
					}
				}
				for b.Loop() {
					// Alternate the order, so that neither always follows the other.
					appendOne(n%2 == 0)
					appendOne(n%2 != 0)
					n++
				}
				b.ReportMetric(float64(n)/condT.Seconds(), "events/s")
				b.ReportMetric(float64(n)/uncondT.Seconds(), "uncond-events/s")
			})
		}
	}
}

// BenchmarkAppendVsFloor alternates, within one loop, a single-event append
// and one floor operation on the same file system (a new small file written
// and, when durable, fsynced with its folder; see BenchmarkFloor), so that
// the ratio of the two holds however noisy the disk is: events/s is the
// store's rate, floor-events/s the floor's, each over its own time.
func BenchmarkAppendVsFloor(b *testing.B) {
	data := payload(1)
	data = append(data, make([]byte, 400-len(data))...)
	for _, kind := range kinds {
		for _, mode := range syncModes {
			b.Run(fmt.Sprintf("store=%s/sync=%s", kind, mode), func(b *testing.B) {
				s := newStore(b, kind, mode)
				dir := b.TempDir()
				b.ReportAllocs()
				var storeT, floorT time.Duration
				n := 0
				for b.Loop() {
					t := time.Now()
					if _, err := s.Append(ctxb(), []store.Event{appendEvent(n)}, nil); err != nil {
						b.Fatal(err)
					}
					storeT += time.Since(t)
					t = time.Now()
					if err := floorOp(dir, n, data, mode == durable); err != nil {
						b.Fatal(err)
					}
					floorT += time.Since(t)
					n++
				}
				b.ReportMetric(float64(n)/storeT.Seconds(), "events/s")
				b.ReportMetric(float64(n)/floorT.Seconds(), "floor-events/s")
			})
		}
	}
}
