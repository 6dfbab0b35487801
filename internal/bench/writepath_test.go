package bench

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/opossum-go/opossum/store"
)

// The write-path benchmarks of issue 14. Each alternates the store with its
// reference in one loop, on the same file system, so that both share the
// machine's noise; each reports its figures as metrics that
// internal/bench/cmd/perftable turns into rows. Their folders are made in
// OPOSSUM_BENCH_DIR when it is set (to measure another file system, say a
// journaled ext4 image on a loop device), else in the system's temporary
// folder.

// writeDir returns a new empty folder for a write benchmark.
func writeDir(b *testing.B) string {
	b.Helper()
	root := os.Getenv("OPOSSUM_BENCH_DIR")
	if root == "" {
		return b.TempDir()
	}
	if err := os.MkdirAll(root, 0o755); err != nil {
		b.Fatal(err)
	}
	d, err := os.MkdirTemp(root, "write-")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { os.RemoveAll(d) })
	return d
}

// latencies collects the durations of single operations.
type latencies []time.Duration

func (l latencies) sorted() latencies {
	s := slices.Clone(l)
	slices.Sort(s)
	return s
}

func (l latencies) mean() time.Duration {
	if len(l) == 0 {
		return 0
	}
	var t time.Duration
	for _, d := range l {
		t += d
	}
	return t / time.Duration(len(l))
}

// quantile returns the q-quantile (0..1) of sorted latencies.
func (l latencies) quantile(q float64) time.Duration {
	if len(l) == 0 {
		return 0
	}
	return l[min(len(l)-1, int(q*float64(len(l))))]
}

func ms(d time.Duration) float64 { return float64(d) / 1e6 }
func us(d time.Duration) float64 { return float64(d) / 1e3 }

// reportSpread reports the lowest, median, 99th percentile and highest of
// l in µs, each metric named prefix plus "-min-µs", "-p50-µs", "-p99-µs",
// "-max-µs".
func reportSpread(b *testing.B, prefix string, l latencies) {
	s := l.sorted()
	if len(s) == 0 {
		return
	}
	b.ReportMetric(us(s[0]), prefix+"-min-µs")
	b.ReportMetric(us(s.quantile(0.5)), prefix+"-p50-µs")
	b.ReportMetric(us(s.quantile(0.99)), prefix+"-p99-µs")
	b.ReportMetric(us(s[len(s)-1]), prefix+"-max-µs")
}

// floorData is the content of a floor file: the size of an event file.
func floorData() []byte {
	data := payload(1)
	return append(data, make([]byte, 400-len(data))...)
}

func openFileStore(b *testing.B, dir string, nosync bool) *store.FileStore {
	b.Helper()
	s, err := store.Open(dir, &store.Options{NoSync: nosync})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

// BenchmarkWritePathSingle alternates a single-event append of the file
// store with one floor operation on the same file system: durable, the
// per-file floor (create, write, fdatasync, folder fsync); without sync,
// a raw create, write and close of a new file. events/s is the store's
// rate and ref-events/s the floor's, each over its own time; ours-* and
// ref-* give the lowest, median and highest single operation.
func BenchmarkWritePathSingle(b *testing.B) {
	data := floorData()
	for _, mode := range syncModes {
		b.Run("sync="+mode, func(b *testing.B) {
			s := openFileStore(b, filepath.Join(writeDir(b), "store"), mode == noSync)
			floor := writeDir(b)
			var ours, ref latencies
			n := 0
			for b.Loop() {
				// Alternate which goes first, so neither always follows the other.
				for k := range 2 {
					if (n+k)%2 == 0 {
						t := time.Now()
						if _, err := s.Append(ctxb(), []store.Event{appendEvent(n)}, nil); err != nil {
							b.Fatal(err)
						}
						ours = append(ours, time.Since(t))
					} else {
						t := time.Now()
						if err := floorOp(floor, n, data, mode == durable); err != nil {
							b.Fatal(err)
						}
						ref = append(ref, time.Since(t))
					}
				}
				n++
			}
			b.ReportMetric(1/ours.mean().Seconds(), "events/s")
			b.ReportMetric(1/ref.mean().Seconds(), "ref-events/s")
			reportSpread(b, "ours", ours)
			reportSpread(b, "ref", ref)
		})
	}
}

// BenchmarkWritePathBatchStall measures a durable append of 100 events
// with the file system quiet and while another goroutine writes a large
// file on it (as dd would), alternating: each loop appends one batch
// quiet, then starts the writer, lets it write for 20 ms, appends one
// batch, and stops it and flushes its file before the next quiet batch.
// quiet-p99-ms and loaded-p99-ms are the 99th percentiles (the highest
// with fewer than 100 batches).
func BenchmarkWritePathBatchStall(b *testing.B) {
	dir := writeDir(b)
	s := openFileStore(b, filepath.Join(dir, "store"), false)
	big, err := os.Create(filepath.Join(dir, "big"))
	if err != nil {
		b.Fatal(err)
	}
	defer big.Close()
	var (
		mu      sync.Mutex // held by the writer while it runs
		running atomic.Bool
		stop    = make(chan struct{})
		done    = make(chan struct{})
	)
	chunk := bytes.Repeat([]byte("x"), 1<<20)
	go func() {
		defer close(done)
		var off int64
		for {
			select {
			case <-stop:
				return
			default:
			}
			if !running.Load() {
				time.Sleep(time.Millisecond)
				continue
			}
			mu.Lock()
			if _, err := big.WriteAt(chunk, off); err != nil {
				mu.Unlock()
				b.Error(err)
				return
			}
			mu.Unlock()
			off += int64(len(chunk))
			if off >= 512<<20 { // stay within 512 MiB
				off = 0
			}
		}
	}()
	defer func() { close(stop); <-done }()
	batch := make([]store.Event, 100)
	i := 0
	appendBatch := func() time.Duration {
		for j := range batch {
			batch[j] = appendEvent(i)
			i++
		}
		t := time.Now()
		if _, err := s.Append(ctxb(), batch, nil); err != nil {
			b.Fatal(err)
		}
		return time.Since(t)
	}
	var quiet, loaded latencies
	for b.Loop() {
		quiet = append(quiet, appendBatch())
		running.Store(true)
		time.Sleep(20 * time.Millisecond)
		loaded = append(loaded, appendBatch())
		running.Store(false)
		mu.Lock() // the writer is between chunks
		if err := dataSync(big); err != nil {
			b.Fatal(err)
		}
		mu.Unlock()
	}
	q, l := quiet.sorted(), loaded.sorted()
	b.ReportMetric(ms(q.quantile(0.99)), "quiet-p99-ms")
	b.ReportMetric(ms(l.quantile(0.99)), "loaded-p99-ms")
	reportSpread(b, "quiet", quiet)
	reportSpread(b, "loaded", loaded)
}

// BenchmarkWritePathConcurrent alternates 16 goroutines appending single
// durable events to one store with 16 goroutines each writing floor files
// (create, write, fdatasync, folder fsync) into a folder of its own: each
// loop runs one phase of each, 4 operations per goroutine. events/s is the
// store's aggregate rate, ref-events/s the floor writers'.
func BenchmarkWritePathConcurrent(b *testing.B) {
	const writers, per = 16, 4
	data := floorData()
	root := writeDir(b)
	s := openFileStore(b, filepath.Join(root, "store"), false)
	dirs := make([]string, writers)
	for w := range dirs {
		dirs[w] = filepath.Join(root, fmt.Sprintf("floor-%d", w))
		if err := os.Mkdir(dirs[w], 0o755); err != nil {
			b.Fatal(err)
		}
	}
	var next atomic.Int64
	phase := func(op func(w, n int) error) time.Duration {
		var wg sync.WaitGroup
		var failed atomic.Value
		start := time.Now()
		for w := range writers {
			wg.Go(func() {
				for range per {
					if err := op(w, int(next.Add(1))); err != nil {
						failed.Store(err)
						return
					}
				}
			})
		}
		wg.Wait()
		if err := failed.Load(); err != nil {
			b.Fatal(err)
		}
		return time.Since(start)
	}
	appendOp := func(_, n int) error {
		_, err := s.Append(ctxb(), []store.Event{appendEvent(n)}, nil)
		return err
	}
	floorOp := func(w, n int) error { return floorOp(dirs[w], n, data, true) }
	var ours, ref time.Duration
	rounds := 0
	for b.Loop() {
		if rounds%2 == 0 {
			ours += phase(appendOp)
			ref += phase(floorOp)
		} else {
			ref += phase(floorOp)
			ours += phase(appendOp)
		}
		rounds++
	}
	b.ReportMetric(float64(rounds*writers*per)/ours.Seconds(), "events/s")
	b.ReportMetric(float64(rounds*writers*per)/ref.Seconds(), "ref-events/s")
}

// BenchmarkWritePathFairness measures the writer lock's fairness across
// processes: this process appends single durable events (the probe) while
// a helper process appends with 16 goroutines to the same store, and,
// alternating, while the helper is paused. solo-mean-ms and loaded-mean-ms
// are the probe's mean latencies, solo-max-ms and loaded-max-ms the
// highest; other-events/s is the helper's rate while the probe appends
// beside it (what pacing its groups costs it, see paceAfter in
// store/commit.go).
//
// The reference, alternating with the store's probe round by round: the
// per-file floor (floorOp) in a folder beside the store, done by this
// process the same way, alone and while the helper appends the same way to
// a second store on the same file system (floor-solo-*, floor-loaded-*;
// a second store, so that the probe's store has nothing more to catch up
// with than in its own rounds). The floor takes no lock and waits for
// nobody, so its loaded tail is what the helper's load on the file system
// and the CPUs alone adds to a durable write: the least any store's probe
// would see beside it.
func BenchmarkWritePathFairness(b *testing.B) {
	const probes = 10 // probe appends per phase
	dir := filepath.Join(writeDir(b), "store")
	s := openFileStore(b, dir, false)
	floor := filepath.Join(writeDir(b), "floor")
	if err := os.MkdirAll(floor, 0o755); err != nil {
		b.Fatal(err)
	}
	data := floorData()
	cmd := exec.Command(os.Args[0], "-test.run", "^$")
	cmd.Env = append(os.Environ(), childEnv+"=hammer", "OPOSSUM_BENCH_STORE="+dir, "OPOSSUM_BENCH_STORE2="+dir+"-beside-floor")
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() { stdin.Close(); cmd.Wait() }()
	sc := bufio.NewScanner(out)
	tell := func(cmd, want string) {
		if _, err := io.WriteString(stdin, cmd+"\n"); err != nil {
			b.Fatal(err)
		}
		if !sc.Scan() || sc.Text() != want {
			b.Fatalf("helper answered %q to %q (%v)", sc.Text(), cmd, sc.Err())
		}
	}
	if !sc.Scan() || sc.Text() != "paused" {
		b.Fatal("helper did not start:", sc.Text(), sc.Err())
	}
	n := 0
	probe := func(into *latencies, op func(n int) error) {
		for range probes {
			t := time.Now()
			if err := op(n); err != nil {
				b.Fatal(err)
			}
			*into = append(*into, time.Since(t))
			n++
		}
	}
	appendOp := func(n int) error {
		_, err := s.Append(ctxb(), []store.Event{appendEvent(n)}, nil)
		return err
	}
	floorWrite := func(n int) error { return floorOp(floor, n, data, true) }
	head := func() store.Position {
		h, err := s.Head(ctxb())
		if err != nil {
			b.Fatal(err)
		}
		return h
	}
	var solo, loaded, floorSolo, floorLoaded latencies
	var others store.Position // the helper's appends while the probe ran
	var beside time.Duration
	storeRound := func() {
		probe(&solo, appendOp)
		tell("run", "running")
		time.Sleep(10 * time.Millisecond) // its 16 goroutines get going
		h, t := head(), time.Now()
		probe(&loaded, appendOp)
		beside += time.Since(t)
		others += head() - h - probes
		tell("pause", "paused")
	}
	floorRound := func() {
		probe(&floorSolo, floorWrite)
		tell("run2", "running")
		time.Sleep(10 * time.Millisecond)
		probe(&floorLoaded, floorWrite)
		tell("pause", "paused")
	}
	rounds := 0
	for b.Loop() {
		if rounds%2 == 0 {
			storeRound()
			floorRound()
		} else {
			floorRound()
			storeRound()
		}
		rounds++
	}
	b.ReportMetric(ms(solo.mean()), "solo-mean-ms")
	b.ReportMetric(ms(loaded.mean()), "loaded-mean-ms")
	b.ReportMetric(float64(others)/beside.Seconds(), "other-events/s")
	b.ReportMetric(ms(slices.Max(solo)), "solo-max-ms")
	b.ReportMetric(ms(slices.Max(loaded)), "loaded-max-ms")
	b.ReportMetric(ms(floorSolo.mean()), "floor-solo-mean-ms")
	b.ReportMetric(ms(floorLoaded.mean()), "floor-loaded-mean-ms")
	b.ReportMetric(ms(slices.Max(floorLoaded)), "floor-loaded-max-ms")
	reportSpread(b, "solo", solo)
	reportSpread(b, "loaded", loaded)
	reportSpread(b, "floor-solo", floorSolo)
	reportSpread(b, "floor-loaded", floorLoaded)
}

// BenchmarkWritePathSyscalls counts the system calls of a durable single
// append, and of the per-file floor for reference: it runs a helper
// process under strace -f -c twice, doing 20 and 220 operations on a new
// store (or floor folder), and reports the difference per operation, so
// that starting, opening and closing cancel out. syscalls/append counts
// every call of the process; fs-syscalls/append leaves out the Go
// runtime's own (its scheduler's futex, nanosleep and sched_yield, and the
// signals of goroutine preemption), which any Go program blocking in
// fdatasync makes; floor-* are the same for the floor. It prints the calls
// that make up each figure, and skips when strace is not installed. The
// figure is the same at any -benchtime.
func BenchmarkWritePathSyscalls(b *testing.B) {
	strace, err := exec.LookPath("strace")
	if err != nil {
		b.Skip("strace is not installed (apt-get install strace): cannot count system calls")
	}
	count := func(role string, ops int) (per map[string]int) {
		dir := writeDir(b)
		report := filepath.Join(dir, "strace.txt")
		cmd := exec.Command(strace, "-f", "-c", "-o", report, os.Args[0], "-test.run", "^$")
		cmd.Env = append(os.Environ(), childEnv+"="+role, "OPOSSUM_BENCH_STORE="+filepath.Join(dir, "store"), "OPOSSUM_BENCH_APPENDS="+strconv.Itoa(ops))
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			b.Fatalf("strace: %v", err)
		}
		text, err := os.ReadFile(report)
		if err != nil {
			b.Fatal(err)
		}
		return parseStrace(b, string(text))
	}
	figures := map[string]map[string]float64{}
	for b.Loop() {
		const few, many = 20, 220
		for _, role := range []string{"appends", "floors"} {
			p0, p1 := count(role, few), count(role, many)
			calls := map[string]float64{}
			for name, c := range p1 {
				if d := float64(c-p0[name]) / (many - few); d >= 0.05 {
					calls[name] = d
				}
			}
			figures[role] = calls
		}
	}
	for _, f := range []struct{ role, label, unit string }{
		{"appends", "durable single append", ""},
		{"floors", "per-file floor (create, write, fdatasync, folder fsync)", "floor-"},
	} {
		calls := figures[f.role]
		var all, fs float64
		var parts []string
		for _, name := range slices.Sorted(maps.Keys(calls)) {
			all += calls[name]
			if !runtimeCalls[name] {
				fs += calls[name]
			}
			parts = append(parts, fmt.Sprintf("%s %.2f", name, calls[name]))
		}
		fmt.Printf("system calls per %s: %.2f, %.2f without the Go runtime's (%s)\n", f.label, all, fs, strings.Join(parts, ", "))
		b.ReportMetric(all, f.unit+"syscalls/append")
		b.ReportMetric(fs, f.unit+"fs-syscalls/append")
	}
}

// runtimeCalls are the system calls the Go runtime makes on its own: its
// scheduler parking and waking threads, sysmon's sleeps, preemption
// signals, memory management.
var runtimeCalls = map[string]bool{
	"futex": true, "nanosleep": true, "sched_yield": true, "getpid": true, "gettid": true,
	"tgkill": true, "rt_sigreturn": true, "rt_sigprocmask": true, "sigaltstack": true,
	"clone": true, "clone3": true, "mmap": true, "munmap": true, "madvise": true,
	"epoll_pwait": true, "epoll_wait": true,
}

// parseStrace reads the summary of strace -c: the calls per system call.
func parseStrace(b *testing.B, text string) map[string]int {
	b.Helper()
	per := map[string]int{}
	total := -1
	for _, line := range strings.Split(text, "\n") {
		f := strings.Fields(line)
		if len(f) < 5 {
			continue
		}
		if _, err := strconv.ParseFloat(f[0], 64); err != nil {
			continue
		}
		calls, err := strconv.Atoi(f[3])
		if err != nil {
			continue
		}
		name := f[len(f)-1]
		if name == "total" {
			total = calls
			continue
		}
		per[name] = calls
	}
	if total < 0 {
		b.Fatalf("no total in the strace summary:\n%s", text)
	}
	return per
}

// writePathChildren are the helper processes of the write-path benchmarks
// (see runChild).
var writePathChildren = map[string]func() int{
	"appends": childAppends,
	"floors":  childFloors,
	"hammer":  childHammer,
}

// childFloors does OPOSSUM_BENCH_APPENDS durable floor operations (see
// floorOp) in a new folder OPOSSUM_BENCH_STORE.
func childFloors() int {
	n, err := strconv.Atoi(os.Getenv("OPOSSUM_BENCH_APPENDS"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	dir := os.Getenv("OPOSSUM_BENCH_STORE")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	data := floorData()
	for i := range n {
		if err := floorOp(dir, i, data, true); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
	}
	return 0
}

// childAppends opens a durable store in OPOSSUM_BENCH_STORE, appends
// OPOSSUM_BENCH_APPENDS single events one after the other, and closes it.
func childAppends() int {
	n, err := strconv.Atoi(os.Getenv("OPOSSUM_BENCH_APPENDS"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	s, err := store.Open(os.Getenv("OPOSSUM_BENCH_STORE"), nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	for i := range n {
		if _, err := s.Append(ctxb(), []store.Event{appendEvent(i)}, nil); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
	}
	if err := s.Close(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// childHammer opens the durable store in OPOSSUM_BENCH_STORE and appends
// single events to it from 16 goroutines while running; with
// OPOSSUM_BENCH_STORE2 it opens that store too, and 16 goroutines append to
// it the same way. It starts paused and prints "paused"; the line "run"
// starts the appends to the first store, "run2" those to the second
// ("running"), "pause" stops them once no append is in flight ("paused");
// the end of stdin ends it.
func childHammer() int {
	var stores []store.EventStore
	for _, env := range []string{"OPOSSUM_BENCH_STORE", "OPOSSUM_BENCH_STORE2"} {
		if dir := os.Getenv(env); dir != "" {
			s, err := store.Open(dir, nil)
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				return 1
			}
			defer s.Close()
			stores = append(stores, s)
		}
	}
	// A store's gate is held for writing while its goroutines are paused.
	gates := make([]sync.RWMutex, len(stores))
	var quit atomic.Bool
	var failed atomic.Bool
	var wg sync.WaitGroup
	var next atomic.Int64
	for i, s := range stores {
		gate := &gates[i]
		gate.Lock()
		for range 16 {
			wg.Go(func() {
				for {
					gate.RLock()
					if quit.Load() {
						gate.RUnlock()
						return
					}
					_, err := s.Append(ctxb(), []store.Event{appendEvent(int(next.Add(1)))}, nil)
					gate.RUnlock()
					if err != nil {
						fmt.Fprintln(os.Stderr, err)
						failed.Store(true)
						return
					}
				}
			})
		}
	}
	fmt.Println("paused")
	runs := map[string]int{"run": 0, "run2": 1} // the store each starts
	running := -1
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		cmd := sc.Text()
		switch i, ok := runs[cmd]; {
		case ok && i < len(stores) && running < 0:
			running = i
			gates[running].Unlock()
			fmt.Println("running")
		case cmd == "pause" && running >= 0:
			gates[running].Lock()
			running = -1
			fmt.Println("paused")
		}
	}
	quit.Store(true)
	for i := range gates {
		if i != running {
			gates[i].Unlock()
		}
	}
	wg.Wait()
	if failed.Load() {
		return 1
	}
	return 0
}
