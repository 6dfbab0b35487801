package bench

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/projection"
)

// groupStats is the read model of the projection benchmarks: per group tag
// (100 instances), how many events and the last position.
type groupStats struct {
	Events int            `json:"events"`
	Last   store.Position `json:"last"`
}

func groupDefinition() projection.Definition[groupStats] {
	types := make([]string, 10)
	for i := range types {
		types[i] = fmt.Sprintf("Type%d", i)
	}
	return projection.Definition[groupStats]{
		Name:       "groups",
		Version:    1,
		EventTypes: append(types, "StudentSubscribedToCourse"),
		Key: func(e store.StoredEvent) (string, error) {
			if v, ok := e.TagValue("group"); ok {
				return v, nil
			}
			if v, ok := e.TagValue("courseId"); ok {
				return v, nil
			}
			return "", projection.ErrSkip
		},
		Apply: func(cur *groupStats, e store.StoredEvent) (*groupStats, error) {
			if cur == nil {
				cur = &groupStats{}
			}
			cur.Events++
			cur.Last = e.Position
			return cur, nil
		},
	}
}

// startRunner starts a projection runner with the group projection over s,
// its read models in a fresh folder; it is closed at cleanup.
func startRunner(b *testing.B, s store.EventStore) *projection.Runner {
	b.Helper()
	r, err := projection.NewRunner(s, &projection.Options{Dir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := projection.Register(r, groupDefinition()); err != nil {
		b.Fatal(err)
	}
	if err := r.Start(); err != nil {
		b.Fatal(err)
	}
	return r
}

// BenchmarkProjectionRebuild builds the group projection (100 read models)
// from every event of a fixture store, durably: a new runner with an empty
// folder, started and waited for until it covers the head. events/s is the
// rebuild rate.
func BenchmarkProjectionRebuild(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		for _, kind := range kinds {
			b.Run(fmt.Sprintf("events=%d/store=%s", n, kind), func(b *testing.B) {
				s := fixture(b, kind, n)
				head, err := s.Head(ctxb())
				if err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				for b.Loop() {
					r := startRunner(b, s)
					if err := r.WaitForAll(ctxb(), head); err != nil {
						b.Fatal(err)
					}
					if err := r.Close(); err != nil {
						b.Fatal(err)
					}
				}
				reportRate(b, n)
			})
		}
	}
}

// BenchmarkProjectionLiveUpdate measures one durable append until the
// runner has folded it into the read model and flushed it (Runner.WaitFor):
// the latency of a read model behind a write.
func BenchmarkProjectionLiveUpdate(b *testing.B) {
	for _, kind := range kinds {
		b.Run(fmt.Sprintf("store=%s/sync=durable", kind), func(b *testing.B) {
			s := newStore(b, kind, durable)
			r := startRunner(b, s)
			b.Cleanup(func() { r.Close() })
			b.ReportAllocs()
			i := 0
			var lat []time.Duration
			for b.Loop() {
				start := time.Now()
				p, err := s.Append(ctxb(), []store.Event{appendEvent(i)}, nil)
				if err != nil {
					b.Fatal(err)
				}
				ctx, cancel := context.WithTimeout(ctxb(), timeout)
				err = r.WaitFor(ctx, "groups", p)
				cancel()
				if err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(start))
				i++
			}
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
		})
	}
}
