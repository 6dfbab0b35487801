package bench

import (
	"fmt"
	"os"
	"testing"

	"github.com/opossum-go/opossum/store"
)

// readCase is one query of the read benchmarks, with the number of events
// it returns on a fixture of n events.
type readCase struct {
	name string
	q    func(n int) store.Query
	opts []store.ReadOption
	want func(n int) int
}

var readCases = []readCase{
	{"all", func(int) store.Query { return store.All() }, nil, func(n int) int { return n }},
	{"type", func(int) store.Query { return store.Types("Type3") }, nil, func(n int) int { return n / 10 }},
	{"tag", func(int) store.Query { return store.Tagged(store.NewTag("entity", "e-7")) }, nil, func(int) int { return 10 }},
	{"types+tags", func(int) store.Query {
		return store.TypesTagged([]string{"Type7", "Type8"}, store.NewTag("entity", "e-7"))
	}, nil, func(int) int { return 10 }},
	{"backwards+limit", func(int) store.Query { return store.Types("Type3") }, []store.ReadOption{store.Backwards(), store.Limit(10)}, func(int) int { return 10 }},
}

// BenchmarkRead reads the fixture stores with each query; results/op is the
// number of events each read returned, and events/s the read rate.
func BenchmarkRead(b *testing.B) {
	for _, n := range sizes() {
		for _, rc := range readCases {
			if rc.name == "all" && n >= 1_000_000 && os.Getenv("OPOSSUM_BENCH_ALL_1M") != "1" {
				continue
			}
			for _, kind := range pgKinds {
				b.Run(fmt.Sprintf("events=%d/query=%s/store=%s", n, rc.name, kind), func(b *testing.B) {
					s := fixture(b, kind, n)
					q := rc.q(n)
					want := rc.want(n)
					b.ReportAllocs()
					for b.Loop() {
						got := 0
						for _, err := range s.Read(ctxb(), q, rc.opts...) {
							if err != nil {
								b.Fatal(err)
							}
							got++
						}
						if got != want {
							b.Fatalf("read %d events, want %d", got, want)
						}
					}
					b.ReportMetric(float64(want), "results/op")
					reportRate(b, want)
				})
			}
		}
	}
}

// BenchmarkReadLast finds the newest event of a type and of a tag.
func BenchmarkReadLast(b *testing.B) {
	for _, n := range sizes() {
		for _, c := range []struct {
			name string
			q    store.Query
		}{
			{"type", store.Types("Type3")},
			{"tag", store.Tagged(store.NewTag("entity", "e-7"))},
		} {
			for _, kind := range pgKinds {
				b.Run(fmt.Sprintf("events=%d/query=%s/store=%s", n, c.name, kind), func(b *testing.B) {
					s := fixture(b, kind, n)
					b.ReportAllocs()
					for b.Loop() {
						e, err := s.ReadLast(ctxb(), c.q)
						if err != nil || e == nil {
							b.Fatal(e, err)
						}
					}
				})
			}
		}
	}
}

// BenchmarkOpen opens and closes a fixture store: for the file store, the
// lock, the manifest, the index snapshot and the recovery checks.
func BenchmarkOpen(b *testing.B) {
	for _, n := range sizes() {
		for _, kind := range kinds {
			b.Run(fmt.Sprintf("events=%d/store=%s", n, kind), func(b *testing.B) {
				dir := fixtureDir(b, kind, n)
				b.ReportAllocs()
				for b.Loop() {
					s, err := openStore(kind, dir, false)
					if err != nil {
						b.Fatal(err)
					}
					if _, err := s.Head(ctxb()); err != nil {
						b.Fatal(err)
					}
					if err := s.Close(); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
