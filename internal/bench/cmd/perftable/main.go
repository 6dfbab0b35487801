// Command perftable runs the performance suite (internal/bench and the
// index memory benchmark of store) and prints the table of
// docs/performance.md: each figure of the file store beside its reference
// measured in the same run (the raw floor of the disk, or the SQLite peer
// store), their ratio, and the target of issue 2 where one applies; then
// the PostgreSQL store (store/postgres, on a throw-away local server)
// beside the file store and the SQLite peer, measured in the same groups.
//
// Run it from the repository root:
//
//	go run ./internal/bench/cmd/perftable                 # 10K and 100K stores
//	go run ./internal/bench/cmd/perftable -1m             # also 1M (slow, ~5 GB)
//	go run ./internal/bench/cmd/perftable -rounds 5 -only append,read
//
// The suite runs in groups (append, concurrent, conditional, read, open,
// cold, subscribe, decision, projection, index, and writepath and
// syscalls, the write path of issue 14); each group runs its figures and
// their references in one process, one after the other, and the whole sequence
// is repeated -rounds times. A figure is the median over the rounds; the
// spread column gives the lowest and highest round. Benchmarks on a shared
// machine are noisy: read the ratios, which share the noise, before the
// absolute figures.
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

// group is one invocation of a test binary.
type group struct {
	name      string
	pkg       string // package to compile
	bench     string // -test.bench pattern
	benchtime string // overrides -benchtime when set
}

var groups = []group{
	{name: "append", pkg: "./internal/bench", bench: "^Benchmark(Floor|Append|AppendVsFloor)$"},
	{name: "concurrent", pkg: "./internal/bench", bench: "^Benchmark(Floor|AppendConcurrent)$"},
	{name: "conditional", pkg: "./internal/bench", bench: "^BenchmarkAppendConditional$"},
	{name: "read", pkg: "./internal/bench", bench: "^Benchmark(Read|ReadLast)$"},
	{name: "open", pkg: "./internal/bench", bench: "^BenchmarkOpen$"},
	{name: "cold", pkg: "./internal/bench", bench: "^Benchmark(ReadCold|OpenCold)$", benchtime: "5x"},
	{name: "subscribe", pkg: "./internal/bench", bench: "^BenchmarkSubscribeLatency$"},
	{name: "decision", pkg: "./internal/bench", bench: "^BenchmarkDecisionExecute$"},
	{name: "projection", pkg: "./internal/bench", bench: "^BenchmarkProjection(Rebuild|LiveUpdate)$"},
	{name: "index", pkg: "./store", bench: "^BenchmarkIndexMemory$", benchtime: "1x"},
	{name: "writepath", pkg: "./internal/bench", bench: "^BenchmarkWritePath(Single|BatchStall|Concurrent|Fairness)$"},
	{name: "syscalls", pkg: "./internal/bench", bench: "^BenchmarkWritePathSyscalls$", benchtime: "1x"},
}

// results holds, per group and benchmark name (without the -N suffix), the
// values of each unit, one per round.
type results map[string]map[string]map[string][]float64

func (r results) add(g, name, unit string, v float64) {
	if r[g] == nil {
		r[g] = map[string]map[string][]float64{}
	}
	if r[g][name] == nil {
		r[g][name] = map[string][]float64{}
	}
	r[g][name][unit] = append(r[g][name][unit], v)
}

// stat is the median, lowest and highest value of a figure.
type stat struct {
	med, lo, hi float64
	n           int
}

func (r results) get(g, name, unit string) (stat, bool) {
	vs := r[g][name][unit]
	if len(vs) == 0 {
		return stat{}, false
	}
	s := slices.Clone(vs)
	slices.Sort(s)
	m := s[len(s)/2]
	if len(s)%2 == 0 {
		m = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return stat{med: m, lo: s[0], hi: s[len(s)-1], n: len(s)}, true
}

var benchLine = regexp.MustCompile(`^(Benchmark\S+?)(?:-\d+)?\s+\d+\s+(.*)$`)

// parse reads go test benchmark output into r under group g.
func parse(r results, g string, out io.Reader) {
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		m := benchLine.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		f := strings.Fields(m[2])
		for i := 0; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				continue
			}
			r.add(g, m[1], f[i+1], v)
		}
	}
}

func main() {
	rounds := flag.Int("rounds", 3, "how many times to run every group")
	benchtime := flag.String("benchtime", "1s", "go test -benchtime for each benchmark")
	oneM := flag.Bool("1m", false, "also measure stores of 1,000,000 events (sets OPOSSUM_BENCH_1M=1)")
	only := flag.String("only", "", "comma-separated groups to run (default all): "+groupNames())
	dir := flag.String("dir", os.Getenv("OPOSSUM_BENCH_DIR"), "folder that keeps the prebuilt read stores between runs (default: a temporary folder)")
	raw := flag.String("raw", "", "also write the raw benchmark output to this file")
	flag.Parse()

	tmp, err := os.MkdirTemp("", "perftable-")
	check(err)
	defer os.RemoveAll(tmp)
	cache := *dir
	if cache == "" {
		cache = filepath.Join(tmp, "fixtures")
	}
	check(os.MkdirAll(cache, 0o755))

	selected := selectGroups(*only)
	bins := map[string]string{}
	for _, g := range selected {
		if _, ok := bins[g.pkg]; ok {
			continue
		}
		bin := filepath.Join(tmp, strings.NewReplacer("/", "_", ".", "_").Replace(g.pkg)+".test")
		fmt.Fprintf(os.Stderr, "perftable: compiling %s\n", g.pkg)
		cmd := exec.Command("go", "test", "-c", "-o", bin, g.pkg)
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			// Another package's tests may be broken while this one's are
			// not: report it and measure the rest.
			fmt.Fprintf(os.Stderr, "perftable: cannot compile the tests of %s (%v); skipping its groups\n", g.pkg, err)
			bin = ""
		}
		bins[g.pkg] = bin
	}
	selected = slices.DeleteFunc(selected, func(g group) bool { return bins[g.pkg] == "" })

	var rawOut io.Writer = io.Discard
	if *raw != "" {
		f, err := os.Create(*raw)
		check(err)
		defer f.Close()
		rawOut = f
	}
	res := results{}
	start := time.Now()
	for round := 1; round <= *rounds; round++ {
		for _, g := range selected {
			bt := *benchtime
			if g.benchtime != "" {
				bt = g.benchtime
			}
			fmt.Fprintf(os.Stderr, "perftable: round %d/%d, group %s (%s elapsed)\n", round, *rounds, g.name, time.Since(start).Round(time.Second))
			cmd := exec.Command(bins[g.pkg], "-test.run", "^$", "-test.bench", g.bench, "-test.benchmem", "-test.benchtime", bt, "-test.timeout", "0")
			cmd.Dir = g.pkg
			cmd.Env = append(os.Environ(), "OPOSSUM_BENCH_DIR="+cache)
			if *oneM {
				cmd.Env = append(cmd.Env, "OPOSSUM_BENCH_1M=1")
			}
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, os.Stderr
			if err := cmd.Run(); err != nil {
				os.Stderr.Write(out.Bytes())
				check(fmt.Errorf("group %s: %w", g.name, err))
			}
			fmt.Fprintf(rawOut, "# round %d group %s\n%s", round, g.name, out.Bytes())
			parse(res, g.name, &out)
		}
	}
	printTable(os.Stdout, res, *rounds, *benchtime, time.Since(start))
}

func groupNames() string {
	var n []string
	for _, g := range groups {
		n = append(n, g.name)
	}
	return strings.Join(n, ",")
}

func selectGroups(only string) []group {
	if only == "" {
		return groups
	}
	var out []group
	for _, name := range strings.Split(only, ",") {
		i := slices.IndexFunc(groups, func(g group) bool { return g.name == strings.TrimSpace(name) })
		if i < 0 {
			check(fmt.Errorf("unknown group %q (groups: %s)", name, groupNames()))
		}
		out = append(out, groups[i])
	}
	return out
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "perftable:", err)
		os.Exit(1)
	}
}

// A row compares a figure of the file store (or, in the rows that say so,
// of the PostgreSQL store) with a reference.
type row struct {
	figure string
	group  string
	ours   string // benchmark name
	ref    string // benchmark name; "" for none
	refLbl string
	unit   string // "events/s" (higher is better), "ns/op" (lower is better), or another metric (lower is better)
	// refUnit, when set, reads the reference from this unit instead of
	// unit: a benchmark that measured ours and its reference in one loop.
	refUnit string
	target  func(ours, ref stat) (string, bool)
}

func printTable(w io.Writer, res results, rounds int, benchtime string, took time.Duration) {
	fmt.Fprintf(w, "Measured %s on %s, %d CPUs (GOMAXPROCS %d), %s; %d rounds of -benchtime %s, %s in all.\n\n",
		time.Now().UTC().Format("2006-01-02 15:04 MST"), cpuModel(), runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.Version(), rounds, benchtime, took.Round(time.Second))
	fmt.Fprintln(w, "| figure | ours (median) | ours spread | reference | reference (median) | ours vs ref | target |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|")
	for _, r := range rows(res) {
		o, ok := res.get(r.group, r.ours, r.unit)
		if !ok {
			continue
		}
		refCell, ratio := "", ""
		var rf stat
		if r.ref != "" {
			ru := r.unit
			if r.refUnit != "" {
				ru = r.refUnit
			}
			if rf, ok = res.get(r.group, r.ref, ru); ok {
				// A reference read from a unit of its own (not a rate,
				// which format labels the same way) shows that unit.
				refCell = format(rf.med, r.unit)
				if !strings.HasSuffix(ru, "events/s") {
					refCell = format(rf.med, ru)
				}
				if r.unit == "events/s" {
					ratio = fmt.Sprintf("%.2f×", o.med/rf.med)
				} else {
					ratio = fmt.Sprintf("%.2f×", rf.med/o.med)
				}
			}
		}
		tgt := ""
		if r.target != nil {
			txt, met := r.target(o, rf)
			mark := "missed"
			if met {
				mark = "met"
			}
			tgt = txt + ": **" + mark + "**"
		}
		fmt.Fprintf(w, "| %s | %s | %s – %s | %s | %s | %s | %s |\n", r.figure, format(o.med, r.unit),
			format(o.lo, r.unit), format(o.hi, r.unit), r.refLbl, refCell, ratio, tgt)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "ours vs ref: how many times faster ours (the file store, or the PostgreSQL store in the rows that name it) is than the reference (its rate ÷ the reference's, or the reference's time ÷ its time); below 1 it is slower.")
}

// format renders a value of unit for the table.
func format(v float64, unit string) string {
	switch unit {
	case "events/s":
		return commas(v) + "/s"
	case "ns/op":
		switch {
		case v >= 1e9:
			return fmt.Sprintf("%.2f s", v/1e9)
		case v >= 1e6:
			return fmt.Sprintf("%.2f ms", v/1e6)
		case v >= 1e3:
			return fmt.Sprintf("%.1f µs", v/1e3)
		}
		return fmt.Sprintf("%.0f ns", v)
	}
	if strings.HasSuffix(unit, "-ms") {
		return fmt.Sprintf("%.1f ms", v)
	}
	return fmt.Sprintf("%.3g %s", v, unit)
}

func commas(v float64) string {
	s := strconv.FormatInt(int64(math.Round(v)), 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	for _, l := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return runtime.GOARCH
}

// Targets of issue 2.
func atLeastRate(min float64) func(o, _ stat) (string, bool) {
	return func(o, _ stat) (string, bool) { return "≥ " + commas(min) + "/s", o.med >= min }
}

func atMost(limit float64, unit string) func(o, _ stat) (string, bool) {
	return func(o, _ stat) (string, bool) { return "≤ " + format(limit, unit), o.med <= limit }
}

func rows(res results) []row {
	const floorF = "floor: new file + fsync + folder fsync"
	const floorN = "floor: new file, no sync"
	const peerD = "SQLite peer (WAL, synchronous=FULL)"
	const peerN = "SQLite peer (synchronous=OFF)"
	rs := []row{
		{figure: "durable append, 1 writer, 1 event (alternating with the floor)", group: "append", ours: "BenchmarkAppendVsFloor/store=file/sync=durable", ref: "BenchmarkAppendVsFloor/store=file/sync=durable", refUnit: "floor-events/s", refLbl: floorF + ", alternating", unit: "events/s",
			target: func(o, f stat) (string, bool) {
				return "≥ 500/s and ≥ 60% of floor", o.med >= 500 && o.med >= 0.6*f.med
			}},
		{figure: "SQLite peer durable append, 1 event (alternating with the floor)", group: "append", ours: "BenchmarkAppendVsFloor/store=sqlite/sync=durable", ref: "BenchmarkAppendVsFloor/store=sqlite/sync=durable", refUnit: "floor-events/s", refLbl: floorF + ", alternating", unit: "events/s"},
		{figure: "durable append, 1 writer, 1 event", group: "append", ours: "BenchmarkAppend/store=file/sync=durable/batch=1", ref: "BenchmarkFloor/kind=file-fsync", refLbl: floorF + ", run before", unit: "events/s"},
		{figure: "durable append, 1 writer, 1 event", group: "append", ours: "BenchmarkAppend/store=file/sync=durable/batch=1", ref: "BenchmarkAppend/store=sqlite/sync=durable/batch=1", refLbl: peerD, unit: "events/s"},
		{figure: "durable append, batch of 10", group: "append", ours: "BenchmarkAppend/store=file/sync=durable/batch=10", ref: "BenchmarkAppend/store=sqlite/sync=durable/batch=10", refLbl: peerD, unit: "events/s"},
		{figure: "durable append, batch of 100", group: "append", ours: "BenchmarkAppend/store=file/sync=durable/batch=100", ref: "BenchmarkAppend/store=sqlite/sync=durable/batch=100", refLbl: peerD, unit: "events/s"},
		{figure: "no-sync append, 1 writer, 1 event (alternating with the floor)", group: "append", ours: "BenchmarkAppendVsFloor/store=file/sync=nosync", ref: "BenchmarkAppendVsFloor/store=file/sync=nosync", refUnit: "floor-events/s", refLbl: floorN + ", alternating", unit: "events/s", target: atLeastRate(20000)},
		{figure: "no-sync append, 1 writer, 1 event", group: "append", ours: "BenchmarkAppend/store=file/sync=nosync/batch=1", ref: "BenchmarkFloor/kind=file-nosync", refLbl: floorN + ", run before", unit: "events/s"},
		{figure: "no-sync append, 1 writer, 1 event", group: "append", ours: "BenchmarkAppend/store=file/sync=nosync/batch=1", ref: "BenchmarkAppend/store=sqlite/sync=nosync/batch=1", refLbl: peerN, unit: "events/s"},
		{figure: "no-sync append, batch of 10", group: "append", ours: "BenchmarkAppend/store=file/sync=nosync/batch=10", ref: "BenchmarkAppend/store=sqlite/sync=nosync/batch=10", refLbl: peerN, unit: "events/s"},
		{figure: "no-sync append, batch of 100", group: "append", ours: "BenchmarkAppend/store=file/sync=nosync/batch=100", ref: "BenchmarkAppend/store=sqlite/sync=nosync/batch=100", refLbl: peerN, unit: "events/s"},
		{figure: "floor: one log append + fdatasync", group: "append", ours: "BenchmarkFloor/kind=log", ref: "BenchmarkFloor/kind=file-fsync", refLbl: floorF, unit: "events/s"},
	}
	for _, w := range []int{1, 4, 16, 64} {
		r := row{figure: fmt.Sprintf("durable append, %d concurrent writers", w), group: "concurrent",
			ours: fmt.Sprintf("BenchmarkAppendConcurrent/store=file/sync=durable/writers=%d", w),
			ref:  fmt.Sprintf("BenchmarkAppendConcurrent/store=sqlite/sync=durable/writers=%d", w), refLbl: peerD, unit: "events/s"}
		if w == 16 {
			r.target = atLeastRate(4000)
		}
		rs = append(rs, r)
	}
	rs = append(rs,
		row{figure: "durable append, 16 concurrent writers", group: "concurrent", ours: "BenchmarkAppendConcurrent/store=file/sync=durable/writers=16", ref: "BenchmarkFloor/kind=file-fsync", refLbl: floorF, unit: "events/s"},
		row{figure: "no-sync append, 16 concurrent writers", group: "concurrent", ours: "BenchmarkAppendConcurrent/store=file/sync=nosync/writers=16", ref: "BenchmarkAppendConcurrent/store=sqlite/sync=nosync/writers=16", refLbl: peerN, unit: "events/s"},
	)
	for _, mode := range []string{"durable", "nosync"} {
		within := func(o, u stat) (string, bool) { return "within 10% of unconditional", o.med >= 0.9*u.med }
		rs = append(rs,
			row{figure: mode + " conditional append (DCB guard)", group: "conditional", ours: "BenchmarkAppendConditional/store=file/sync=" + mode, ref: "BenchmarkAppendConditional/store=file/sync=" + mode, refUnit: "uncond-events/s", refLbl: "ours, unconditional, alternating", unit: "events/s", target: within},
			row{figure: mode + " conditional append (DCB guard)", group: "conditional", ours: "BenchmarkAppendConditional/store=file/sync=" + mode, ref: "BenchmarkAppendConditional/store=sqlite/sync=" + mode, refLbl: "SQLite peer, conditional", unit: "events/s"},
		)
	}
	sizes := []int{10_000, 100_000, 1_000_000}
	for _, q := range []struct{ name, label string }{
		{"tag", "tag query, 10 results"},
		{"types+tags", "types+tags query, 10 results"},
		{"backwards+limit", "type query backwards, limit 10"},
		{"type", "type query, 10% of the events"},
		{"all", "read all"},
	} {
		for _, n := range sizes {
			r := row{figure: fmt.Sprintf("%s, %s events", q.label, commas(float64(n))), group: "read",
				ours: fmt.Sprintf("BenchmarkRead/events=%d/query=%s/store=file", n, q.name),
				ref:  fmt.Sprintf("BenchmarkRead/events=%d/query=%s/store=sqlite", n, q.name), refLbl: "SQLite peer", unit: "ns/op"}
			if n == 100_000 && q.name == "tag" {
				r.target = atMost(150e3, "ns/op")
			}
			if n == 100_000 && q.name == "type" {
				r.target = atMost(60e6, "ns/op")
			}
			rs = append(rs, r)
		}
	}
	for _, q := range []string{"type", "tag"} {
		for _, n := range sizes {
			r := row{figure: fmt.Sprintf("ReadLast by %s, %s events", q, commas(float64(n))), group: "read",
				ours: fmt.Sprintf("BenchmarkReadLast/events=%d/query=%s/store=file", n, q),
				ref:  fmt.Sprintf("BenchmarkReadLast/events=%d/query=%s/store=sqlite", n, q), refLbl: "SQLite peer", unit: "ns/op"}
			if n == 100_000 {
				r.target = atMost(20e3, "ns/op")
			}
			rs = append(rs, r)
		}
	}
	for _, n := range sizes {
		r := row{figure: fmt.Sprintf("open, %s events", commas(float64(n))), group: "open",
			ours: fmt.Sprintf("BenchmarkOpen/events=%d/store=file", n),
			ref:  fmt.Sprintf("BenchmarkOpen/events=%d/store=sqlite", n), refLbl: "SQLite peer", unit: "ns/op"}
		if n == 1_000_000 {
			r.target = atMost(3e9, "ns/op")
		}
		rs = append(rs, r)
	}
	for _, c := range []struct{ via, mode, label string }{
		{"process", "nosync", "subscription latency, same process, no sync"},
		{"process", "durable", "subscription latency, same process, durable"},
		{"processes", "nosync", "subscription latency, another process"},
	} {
		rs = append(rs, row{figure: c.label, group: "subscribe",
			ours: fmt.Sprintf("BenchmarkSubscribeLatency/via=%s/store=file/sync=%s", c.via, c.mode),
			ref:  fmt.Sprintf("BenchmarkSubscribeLatency/via=%s/store=sqlite/sync=%s", c.via, c.mode), refLbl: "SQLite peer", unit: "ns/op"})
	}
	for _, w := range []int{1, 4, 16} {
		rs = append(rs,
			row{figure: fmt.Sprintf("decision.Execute, %d writers on shared keys", w), group: "decision",
				ours: fmt.Sprintf("BenchmarkDecisionExecute/store=file/sync=durable/writers=%d", w),
				ref:  fmt.Sprintf("BenchmarkDecisionExecute/store=sqlite/sync=durable/writers=%d", w), refLbl: "SQLite peer", unit: "events/s"},
			row{figure: fmt.Sprintf("decision.Execute, %d writers: conflicts retried per decision", w), group: "decision",
				ours: fmt.Sprintf("BenchmarkDecisionExecute/store=file/sync=durable/writers=%d", w),
				ref:  fmt.Sprintf("BenchmarkDecisionExecute/store=sqlite/sync=durable/writers=%d", w), refLbl: "SQLite peer", unit: "retries/op"},
		)
	}
	for _, n := range []int{10_000, 100_000} {
		rs = append(rs, row{figure: fmt.Sprintf("projection rebuild, 100 read models, %s events", commas(float64(n))), group: "projection",
			ours: fmt.Sprintf("BenchmarkProjectionRebuild/events=%d/store=file", n),
			ref:  fmt.Sprintf("BenchmarkProjectionRebuild/events=%d/store=sqlite", n), refLbl: "SQLite peer", unit: "events/s"})
	}
	rs = append(rs, row{figure: "projection live update: durable append until the read model has it", group: "projection",
		ours: "BenchmarkProjectionLiveUpdate/store=file/sync=durable",
		ref:  "BenchmarkProjectionLiveUpdate/store=sqlite/sync=durable", refLbl: "SQLite peer", unit: "ns/op"})
	rs = append(rs, row{figure: "projection live update, median of the latencies", group: "projection",
		ours: "BenchmarkProjectionLiveUpdate/store=file/sync=durable",
		ref:  "BenchmarkProjectionLiveUpdate/store=sqlite/sync=durable", refLbl: "SQLite peer", unit: "p50-ms",
		target: func(o, _ stat) (string, bool) { return "p50 ≤ 5 ms", o.med <= 5 }})
	rs = append(rs, writePathRows()...)
	rs = append(rs, coldRows(sizes)...)
	rs = append(rs, postgresRows()...)
	rs = append(rs, row{figure: "index memory at 1,000,000 events, 2 tags each", group: "index", ours: "BenchmarkIndexMemory", unit: "bytes/event",
		target: func(o, _ stat) (string, bool) { return "≤ 48 bytes/event", o.med <= 48 }})
	return rs
}

// writePathRows are the write-path figures of issue 14, each against the
// reference its benchmark measured in the same loop.
func writePathRows() []row {
	ratioAtLeast := func(r float64) func(o, f stat) (string, bool) {
		return func(o, f stat) (string, bool) { return fmt.Sprintf("≥ %.1f× the reference", r), o.med >= r*f.med }
	}
	timesAtMost := func(r float64) func(o, f stat) (string, bool) {
		return func(o, f stat) (string, bool) { return fmt.Sprintf("≤ %.0f× the reference", r), o.med <= r*f.med }
	}
	return []row{
		{figure: "durable single append (alternating with the floor)", group: "writepath", ours: "BenchmarkWritePathSingle/sync=durable", ref: "BenchmarkWritePathSingle/sync=durable", refUnit: "ref-events/s",
			refLbl: "per-file floor: create, write, fdatasync, folder fsync", unit: "events/s", target: ratioAtLeast(0.9)},
		{figure: "no-sync single append (alternating with the floor)", group: "writepath", ours: "BenchmarkWritePathSingle/sync=nosync", ref: "BenchmarkWritePathSingle/sync=nosync", refUnit: "ref-events/s",
			refLbl: "raw create, write, close", unit: "events/s", target: ratioAtLeast(0.8)},
		{figure: "100-event durable batch, p99 with a large writer on the file system", group: "writepath", ours: "BenchmarkWritePathBatchStall", ref: "BenchmarkWritePathBatchStall", refUnit: "quiet-p99-ms",
			refLbl: "the same, quiet, alternating", unit: "loaded-p99-ms", target: timesAtMost(3)},
		{figure: "probe process's durable append, mean, while another process appends with 16 goroutines", group: "writepath", ours: "BenchmarkWritePathFairness", ref: "BenchmarkWritePathFairness", refUnit: "solo-mean-ms",
			refLbl: "the probe alone, alternating", unit: "loaded-mean-ms", target: timesAtMost(4)},
		{figure: "probe process's durable append, max, while another process appends with 16 goroutines", group: "writepath", ours: "BenchmarkWritePathFairness", ref: "BenchmarkWritePathFairness", refUnit: "solo-mean-ms",
			refLbl: "the probe alone (mean), alternating", unit: "loaded-max-ms", target: timesAtMost(10)},
		{figure: "the per-file floor's durable write, max, beside the same process (no lock: what the file system and the CPUs alone add)", group: "writepath", ours: "BenchmarkWritePathFairness", ref: "BenchmarkWritePathFairness", refUnit: "floor-solo-mean-ms",
			refLbl: "the floor alone (mean), alternating", unit: "floor-loaded-max-ms"},
		{figure: "16 concurrent durable writers", group: "writepath", ours: "BenchmarkWritePathConcurrent", ref: "BenchmarkWritePathConcurrent", refUnit: "ref-events/s",
			refLbl: "16 independent floor writers, alternating", unit: "events/s", target: ratioAtLeast(1.2)},
		{figure: "system calls per durable single append (strace -f -c)", group: "syscalls", ours: "BenchmarkWritePathSyscalls", ref: "BenchmarkWritePathSyscalls", refUnit: "floor-syscalls/append",
			refLbl: "per-file floor in Go", unit: "syscalls/append"},
		{figure: "file-system calls per durable single append (strace, without the Go runtime's)", group: "syscalls", ours: "BenchmarkWritePathSyscalls", ref: "BenchmarkWritePathSyscalls", refUnit: "floor-fs-syscalls/append",
			refLbl: "per-file floor in Go", unit: "fs-syscalls/append", target: func(o, _ stat) (string, bool) { return "≤ 12", o.med <= 12 }},
	}
}

// postgresRows put the PostgreSQL store beside the file store and the
// SQLite peer, measured in the same groups.
func postgresRows() []row {
	var rs []row
	add := func(figure, group, pg, file, sqlite, unit string) {
		rs = append(rs,
			row{figure: "PostgreSQL: " + figure, group: group, ours: pg, ref: file, refLbl: "file store", unit: unit},
			row{figure: "PostgreSQL: " + figure, group: group, ours: pg, ref: sqlite, refLbl: "SQLite peer", unit: unit},
		)
	}
	for _, mode := range []string{"durable", "nosync"} {
		add(mode+" append, 1 writer, 1 event", "append", "BenchmarkAppend/store=postgres/sync="+mode+"/batch=1",
			"BenchmarkAppend/store=file/sync="+mode+"/batch=1", "BenchmarkAppend/store=sqlite/sync="+mode+"/batch=1", "events/s")
	}
	add("durable append, batch of 100", "append", "BenchmarkAppend/store=postgres/sync=durable/batch=100",
		"BenchmarkAppend/store=file/sync=durable/batch=100", "BenchmarkAppend/store=sqlite/sync=durable/batch=100", "events/s")
	for _, w := range []int{1, 16, 64} {
		add(fmt.Sprintf("durable append, %d concurrent writers", w), "concurrent",
			fmt.Sprintf("BenchmarkAppendConcurrent/store=postgres/sync=durable/writers=%d", w),
			fmt.Sprintf("BenchmarkAppendConcurrent/store=file/sync=durable/writers=%d", w),
			fmt.Sprintf("BenchmarkAppendConcurrent/store=sqlite/sync=durable/writers=%d", w), "events/s")
	}
	add("durable conditional append (DCB guard)", "conditional", "BenchmarkAppendConditional/store=postgres/sync=durable",
		"BenchmarkAppendConditional/store=file/sync=durable", "BenchmarkAppendConditional/store=sqlite/sync=durable", "events/s")
	for _, q := range []struct{ name, label string }{
		{"tag", "tag query, 10 results"},
		{"type", "type query, 10% of the events"},
	} {
		for _, n := range []int{10_000, 100_000} {
			add(fmt.Sprintf("%s, %s events", q.label, commas(float64(n))), "read",
				fmt.Sprintf("BenchmarkRead/events=%d/query=%s/store=postgres", n, q.name),
				fmt.Sprintf("BenchmarkRead/events=%d/query=%s/store=file", n, q.name),
				fmt.Sprintf("BenchmarkRead/events=%d/query=%s/store=sqlite", n, q.name), "ns/op")
		}
	}
	for _, q := range []string{"type", "tag"} {
		add("ReadLast by "+q+", 100,000 events", "read",
			"BenchmarkReadLast/events=100000/query="+q+"/store=postgres",
			"BenchmarkReadLast/events=100000/query="+q+"/store=file",
			"BenchmarkReadLast/events=100000/query="+q+"/store=sqlite", "ns/op")
	}
	return rs
}

// coldRows put the file store's cold reads and opens (page cache dropped
// before each, see internal/bench alternateCold) beside the SQLite peer's
// and the raw file floor's, measured alternating in the same benchmark.
func coldRows(sizes []int) []row {
	var rs []row
	for _, n := range sizes {
		read := fmt.Sprintf("BenchmarkReadCold/events=%d/query=type-limit-10000", n)
		figure := fmt.Sprintf("cold read of up to 10,000 events of one type, %s events", commas(float64(n)))
		r := row{figure: figure + ", packed", group: "cold",
			ours: read, ref: read, refUnit: "sqlite-median-ms", refLbl: "SQLite peer, cold, alternating", unit: "file-packed-median-ms"}
		if n == 1_000_000 {
			r.target = func(o, ref stat) (string, bool) { return "≤ 2× the SQLite peer", o.med <= 2*ref.med }
		}
		open := fmt.Sprintf("BenchmarkOpenCold/events=%d", n)
		rs = append(rs, r,
			row{figure: figure + ", without packs", group: "cold",
				ours: read, ref: read, refUnit: "sqlite-median-ms", refLbl: "SQLite peer, cold, alternating", unit: "file-median-ms"},
			row{figure: figure + ", without packs", group: "cold",
				ours: read, ref: read, refUnit: "floor-median-ms", refLbl: "the same files, os.ReadFile by 16 goroutines", unit: "file-median-ms"},
			row{figure: fmt.Sprintf("cold open, %s events", commas(float64(n))), group: "cold",
				ours: open, ref: open, refUnit: "sqlite-median-ms", refLbl: "SQLite peer, cold, alternating", unit: "file-median-ms"},
		)
	}
	return rs
}
