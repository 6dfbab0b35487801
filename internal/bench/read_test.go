package bench

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync/atomic"
	"testing"
	"time"

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

// coldLimit is how many events of one type BenchmarkReadCold reads.
const coldLimit = 10_000

// BenchmarkReadCold reads up to 10,000 events of one type (Type3, a tenth
// of the store) from stores whose files were just dropped from the page
// cache, alternating the file store with its whole shards packed
// (FileStore.Pack), its SQLite peer, the file store without packs, and the
// file floor: the same event files read by 16 goroutines with
// os.ReadFile, which no read of one file per event can beat. Each round
// opens a fresh handle on each store (so SQLite starts without its own
// page cache too), drops the caches, and times one read; see
// alternateCold for the figures.
func BenchmarkReadCold(b *testing.B) {
	for _, n := range sizes() {
		b.Run(fmt.Sprintf("events=%d/query=type-limit-%d", n, coldLimit), func(b *testing.B) {
			want := min(n/10, coldLimit)
			readStore := func(kind string) coldRun {
				return coldRun{kind: kind, dir: fixtureDir(b, kind, n), prepare: func(dir string) (func() error, func()) {
					s, err := openStore(kind, dir, false)
					if err != nil {
						b.Fatal(err)
					}
					read := func() error {
						got := 0
						for _, err := range s.Read(ctxb(), store.Types("Type3"), store.Limit(coldLimit)) {
							if err != nil {
								return err
							}
							got++
						}
						if got != want {
							return fmt.Errorf("read %d events, want %d", got, want)
						}
						return nil
					}
					return read, func() { s.Close() }
				}}
			}
			floor := coldRun{kind: "floor", dir: fixtureDir(b, kindFile, n), prepare: func(dir string) (func() error, func()) {
				paths := make([]string, want)
				for i := range paths {
					p := 4 + 10*i // Type3 is at positions 4, 14, 24, ...
					paths[i] = filepath.Join(dir, "events", fmt.Sprintf("%06d", p/store.ShardSize), fmt.Sprintf("%012d.json", p))
				}
				return func() error { return readFiles(paths, 16) }, func() {}
			}}
			alternateCold(b, readStore(kindFilePacked), readStore(kindSQLite), readStore(kindFile), floor)
			b.ReportMetric(float64(want), "results/op")
		})
	}
}

// readFiles reads the files at paths with the given number of goroutines.
func readFiles(paths []string, workers int) error {
	var next atomic.Int64
	errs := make(chan error, workers)
	for range workers {
		go func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(paths) {
					errs <- nil
					return
				}
				if _, err := os.ReadFile(paths[i]); err != nil {
					next.Store(int64(len(paths)))
					errs <- err
					return
				}
			}
		}()
	}
	var err error
	for range workers {
		err = errors.Join(err, <-errs)
	}
	return err
}

// BenchmarkOpenCold opens a store whose files were just dropped from the
// page cache and asks for its head, alternating the file store and its
// SQLite peer: the file store reads its index snapshot, not its event
// files, so the time follows the snapshot's size.
func BenchmarkOpenCold(b *testing.B) {
	for _, n := range sizes() {
		b.Run(fmt.Sprintf("events=%d", n), func(b *testing.B) {
			open := func(kind string) coldRun {
				return coldRun{kind: kind, dir: fixtureDir(b, kind, n), prepare: func(dir string) (func() error, func()) {
					return func() error {
						s, err := openStore(kind, dir, false)
						if err != nil {
							return err
						}
						if _, err := s.Head(ctxb()); err != nil {
							s.Close()
							return err
						}
						return s.Close()
					}, func() {}
				}}
			}
			alternateCold(b, open(kindFile), open(kindSQLite))
		})
	}
}

// coldRun is one measured party of alternateCold: prepare, untimed, returns
// the operation to time on the store in dir and what to do after it.
type coldRun struct {
	kind    string
	dir     string
	prepare func(dir string) (op func() error, cleanup func())
}

// alternateCold measures one operation of each run, round by round (one
// b.Loop iteration each), the order of the runs rotating every round. Per
// run it calls prepare, drops the page cache, times the operation, and
// calls cleanup. It reports each run's minimum, median (the upper one for
// an even number of rounds) and maximum in milliseconds, and the ratio of
// the first run's median to each other's; it skips when the page cache
// cannot be dropped. ns/op is the time of all the operations of a round.
func alternateCold(b *testing.B, runs ...coldRun) {
	b.Helper()
	took := make([][]time.Duration, len(runs))
	logged := false
	round := 0
	for b.Loop() {
		for k := range runs {
			i := (k + round) % len(runs)
			b.StopTimer()
			op, cleanup := runs[i].prepare(runs[i].dir)
			method, err := dropCaches(runs[i].dir)
			if err != nil {
				cleanup()
				b.Skipf("cannot measure a cold read: %v", err)
			}
			if !logged {
				b.Logf("page cache dropped with %s", method)
				logged = true
			}
			b.StartTimer()
			start := time.Now()
			err = op()
			took[i] = append(took[i], time.Since(start))
			b.StopTimer()
			cleanup()
			if err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
		}
		round++
	}
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	medians := make([]time.Duration, len(runs))
	for i, r := range runs {
		t := took[i]
		slices.Sort(t)
		medians[i] = t[len(t)/2]
		b.ReportMetric(ms(t[0]), r.kind+"-min-ms")
		b.ReportMetric(ms(medians[i]), r.kind+"-median-ms")
		b.ReportMetric(ms(t[len(t)-1]), r.kind+"-max-ms")
	}
	for i := 1; i < len(runs); i++ {
		b.ReportMetric(float64(medians[0])/float64(medians[i]), runs[0].kind+"/"+runs[i].kind)
	}
}
