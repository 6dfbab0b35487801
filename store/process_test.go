package store_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gexec"

	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/vfs"
)

// child is a running storeproc (store/internal/storeproc).
type child struct {
	name    string
	session *gexec.Session
	stdin   io.WriteCloser
	out     *lineWriter
}

// lineWriter collects a child's stdout as lines and hands them out in order.
type lineWriter struct {
	mu      sync.Mutex
	partial []byte
	lines   []string
	next    int
	notify  chan struct{}
}

func newLineWriter() *lineWriter { return &lineWriter{notify: make(chan struct{}, 1)} }

func (w *lineWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	w.partial = append(w.partial, p...)
	for {
		i := bytes.IndexByte(w.partial, '\n')
		if i < 0 {
			break
		}
		w.lines = append(w.lines, string(w.partial[:i]))
		w.partial = w.partial[i+1:]
	}
	w.mu.Unlock()
	select {
	case w.notify <- struct{}{}:
	default:
	}
	return len(p), nil
}

// all returns every complete line so far.
func (w *lineWriter) all() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.lines...)
}

// pending reports whether a line is waiting to be taken.
func (w *lineWriter) pending() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.next < len(w.lines)
}

// take returns the next line not taken yet, if there is one.
func (w *lineWriter) take() (string, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.next == len(w.lines) {
		return "", false
	}
	w.next++
	return w.lines[w.next-1], true
}

// startChild starts storeproc with args; it is killed after the spec.
func startChild(bin, name string, args ...string) *child {
	GinkgoHelper()
	cmd := exec.Command(bin, args...)
	stdin, err := cmd.StdinPipe()
	Expect(err).NotTo(HaveOccurred())
	out := newLineWriter()
	session, err := gexec.Start(cmd, io.MultiWriter(out, gexec.NewPrefixedWriter("["+name+"] ", GinkgoWriter)), gexec.NewPrefixedWriter("["+name+" err] ", GinkgoWriter))
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(func() { session.Kill().Wait(10 * time.Second) })
	return &child{name: name, session: session, stdin: stdin, out: out}
}

// next waits for the child's next line starting with prefix; an error
// line or the end of the child fails the spec.
func (c *child) next(ctx context.Context, prefix string) string {
	GinkgoHelper()
	for {
		if l, ok := c.out.take(); ok {
			if strings.HasPrefix(l, prefix) {
				return l
			}
			Expect(l).NotTo(HavePrefix("error"), "%s failed", c.name)
			continue
		}
		select {
		case <-c.out.notify:
		case <-c.session.Exited:
			// gexec closes Exited once all output is written.
			if c.out.pending() {
				continue
			}
			Fail(fmt.Sprintf("%s exited (code %d) before printing %q", c.name, c.session.ExitCode(), prefix))
		case <-ctx.Done():
			Fail(fmt.Sprintf("%s printed no %q line in time", c.name, prefix))
		}
	}
}

func (c *child) send(cmd string) {
	GinkgoHelper()
	_, err := io.WriteString(c.stdin, cmd+"\n")
	Expect(err).NotTo(HaveOccurred())
}

// acks parses the "ack <id> <first> <last>" lines printed so far.
func (c *child) acks() []ack {
	GinkgoHelper()
	var out []ack
	for _, l := range c.out.all() {
		if a, ok := parseAck(l); ok {
			out = append(out, a)
		}
	}
	return out
}

func parseAck(l string) (ack, bool) {
	f := strings.Fields(l)
	if len(f) != 4 || f[0] != "ack" {
		return ack{}, false
	}
	first, err1 := strconv.ParseUint(f[2], 10, 64)
	last, err2 := strconv.ParseUint(f[3], 10, 64)
	if err1 != nil || err2 != nil {
		return ack{}, false
	}
	return ack{ID: f[1], First: store.Position(first), Last: store.Position(last)}, true
}

func parseField(l string, i int) store.Position {
	GinkgoHelper()
	f := strings.Fields(l)
	Expect(len(f)).To(BeNumerically(">", i), "line %q", l)
	n, err := strconv.ParseUint(f[i], 10, 64)
	Expect(err).NotTo(HaveOccurred(), "line %q", l)
	return store.Position(n)
}

var _ = Describe("Several processes on one store", Ordered, Label("processes"), func() {
	var bin string

	BeforeAll(func() {
		var err error
		bin, err = gexec.Build("github.com/opossum-go/opossum/store/internal/storeproc")
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(os.RemoveAll, filepath.Dir(bin)) // this build's own folder only
	})

	It("lets 3 writer processes append while a reader process sees every event committed before each of its reads", func(ctx SpecContext) {
		dir := filepath.Join(GinkgoT().TempDir(), "store")
		// The processes race to create the store, too.
		reader := startChild(bin, "reader", "-mode", "serve", "-dir", dir)
		var writers []*child
		for w := range 3 {
			writers = append(writers, startChild(bin, fmt.Sprintf("writer%d", w), "-mode", "writer", "-dir", dir,
				"-id", fmt.Sprintf("w%d", w), "-batches", "40", "-max", "5", "-seed", strconv.Itoa(w+1)))
		}
		reader.next(ctx, "opened")

		// Read-your-writes across processes: a writer printed an ack after
		// its Append returned; a read the reader begins after we saw that
		// line must see the event.
		running := func() bool {
			for _, w := range writers {
				if w.session.ExitCode() == -1 {
					return true
				}
			}
			return false
		}
		queries := 0
		for running() || queries < 5 {
			var seen store.Position
			for _, w := range writers {
				for _, a := range w.acks() {
					seen = max(seen, a.Last)
				}
			}
			reader.send("last")
			got := parseField(reader.next(ctx, "last"), 1)
			Expect(got).To(BeNumerically(">=", seen), "the reader's ReadLast began after an append acknowledged up to %d returned", seen)
			queries++
			time.Sleep(2 * time.Millisecond) // let the writers work between reads
		}
		for _, w := range writers {
			Eventually(w.session).WithContext(ctx).WithTimeout(time.Minute).Should(gexec.Exit(0))
		}
		var acks []ack
		for _, w := range writers {
			a := w.acks()
			Expect(a).To(HaveLen(40))
			acks = append(acks, a...)
		}
		total := 0
		for _, a := range acks {
			total += int(a.Last - a.First + 1)
		}
		reader.send("check")
		Expect(parseField(reader.next(ctx, "checked"), 1)).To(Equal(store.Position(total)), "the reader reads every event, in whole batches")
		Expect(reader.stdin.Close()).To(Succeed())
		Eventually(reader.session).WithContext(ctx).WithTimeout(time.Minute).Should(gexec.Exit(0))

		batches := reopenAndCheck(ctx, dir, &store.Options{Logger: specLogger()}, acks)
		Expect(batches).To(HaveLen(120))
		AddReportEntry("read-your-writes queries", queries)
	}, SpecTimeout(2*time.Minute))

	It("sees what another process appended, and settles the files of one that died, between two appends of a handle", func(ctx SpecContext) {
		dir := filepath.Join(GinkgoT().TempDir(), "store")
		s, err := store.Open(dir, &store.Options{Logger: specLogger()})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(s.Close)
		acks := &ackLog{}
		Expect(appendBatch(ctx, s, acks, "mine-1", 1)).To(Succeed())

		other := startChild(bin, "other", "-mode", "serve", "-dir", dir)
		other.next(ctx, "opened")
		other.send("append 2 theirs-1")
		a, ok := parseAck(other.next(ctx, "ack"))
		Expect(ok).To(BeTrue())
		Expect(a).To(Equal(ack{ID: "theirs-1", First: 2, Last: 3}))
		acks.add(a)

		By("a condition sees the other process's events, and the next append goes after them")
		_, err = s.Append(ctx, batchEvents("refused", 1), store.Guard(store.Tagged(batchTag("theirs-1")), 1))
		Expect(err).To(MatchError(store.ErrAppendConditionFailed))
		Expect(appendBatch(ctx, s, acks, "mine-2", 1)).To(Succeed())
		Expect(acks.all()[len(acks.all())-1].First).To(Equal(store.Position(4)))

		By("the other process appends, then dies in the middle of its next append")
		other.send("append 1 theirs-2")
		a, ok = parseAck(other.next(ctx, "ack"))
		Expect(ok).To(BeTrue())
		acks.add(a)
		Expect(other.stdin.Close()).To(Succeed())
		Eventually(other.session).WithContext(ctx).WithTimeout(time.Minute).Should(gexec.Exit(0))
		// What its next append left: batch 6..8 without 7. Its writer
		// token is in the lock file since its last append.
		for _, p := range []store.Position{6, 8} {
			writeDurably(vfs.OSFS(), eventPath(dir, p), eventFileJSON(p, 6, 8, "torn"))
		}

		Expect(appendBatch(ctx, s, acks, "mine-3", 1)).To(Succeed(), "the append removes the torn batch first")
		Expect(acks.all()[len(acks.all())-1].First).To(Equal(store.Position(6)))
		Expect(s.Close()).To(Succeed())
		batches := reopenAndCheck(ctx, dir, &store.Options{Logger: specLogger()}, acks.all())
		Expect(batches).To(HaveLen(5))
	}, SpecTimeout(time.Minute))

	It("times out with ErrLockTimeout naming the lock file while another process holds the lock", func(ctx SpecContext) {
		dir := filepath.Join(GinkgoT().TempDir(), "store")
		s, err := store.Open(dir, nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(appendBatch(ctx, s, nil, "first", 1)).To(Succeed())
		Expect(s.Close()).To(Succeed())
		lockFile := filepath.Join(dir, ".lock")

		appender := startChild(bin, "appender", "-mode", "serve", "-dir", dir, "-lock-timeout", "200ms")
		appender.next(ctx, "opened")
		holder := startChild(bin, "holder", "-mode", "hold", "-dir", dir)
		holder.next(ctx, "locked")

		By("Open in another process")
		opener := startChild(bin, "opener", "-mode", "open", "-dir", dir, "-lock-timeout", "200ms")
		Eventually(opener.session).WithContext(ctx).WithTimeout(time.Minute).Should(gexec.Exit(2))
		Expect(opener.out.all()).To(ConsistOf(And(HavePrefix("error lock-timeout"), ContainSubstring(lockFile))))

		By("Append in another process that opened before the lock was taken")
		appender.send("append 1 refused")
		line := appender.next(ctx, "error")
		Expect(line).To(HavePrefix("error lock-timeout"))
		Expect(line).To(ContainSubstring(lockFile))

		By("Open in this process")
		_, err = store.Open(dir, &store.Options{LockTimeout: 100 * time.Millisecond})
		Expect(err).To(MatchError(store.ErrLockTimeout))
		var le *store.LockError
		Expect(errors.As(err, &le)).To(BeTrue())
		Expect(le.Path).To(Equal(lockFile))
		Expect(err.Error()).To(ContainSubstring(lockFile))

		By("the lock is released when its holder ends")
		Expect(holder.stdin.Close()).To(Succeed())
		Eventually(holder.session).WithContext(ctx).WithTimeout(time.Minute).Should(gexec.Exit(0))
		appender.send("append 2 accepted")
		Expect(appender.next(ctx, "ack")).To(Equal("ack accepted 2 3"))
		Expect(appender.stdin.Close()).To(Succeed())
		Eventually(appender.session).WithContext(ctx).WithTimeout(time.Minute).Should(gexec.Exit(0))
		reopenAndCheck(ctx, dir, nil, []ack{{"first", 1, 1}, {"accepted", 2, 3}})
	}, SpecTimeout(2*time.Minute))

	It("keeps every acknowledged batch, whole, through 20 SIGKILLs of a writer in the middle of its appends", Label("slow"), func(ctx SpecContext) {
		seed := uint64(GinkgoRandomSeed())
		rng := rand.New(rand.NewPCG(seed, 4))
		dir := filepath.Join(GinkgoT().TempDir(), "store")
		var acked []ack
		for cycle := range 20 {
			noSync := cycle%2 == 1 // a process crash loses nothing in either mode
			args := []string{"-mode", "writer", "-dir", dir, "-id", fmt.Sprintf("c%d", cycle), "-max", "7", "-seed", strconv.Itoa(cycle)}
			if noSync {
				args = append(args, "-nosync")
			}
			w := startChild(bin, fmt.Sprintf("writer%d", cycle), args...)
			// Kill it at a random moment: right away (maybe inside Open
			// and its recovery), or after a random number of acks and a
			// random few hundred microseconds more (maybe mid-commit).
			if cycle%5 == 4 {
				time.Sleep(time.Duration(rng.IntN(15000)) * time.Microsecond)
			} else {
				want := 1 + rng.IntN(30)
				Eventually(func() int { return len(w.acks()) }).WithContext(ctx).WithTimeout(time.Minute).Should(BeNumerically(">=", want))
				time.Sleep(time.Duration(rng.IntN(3000)) * time.Microsecond)
			}
			Eventually(w.session.Kill()).WithContext(ctx).WithTimeout(time.Minute).Should(gexec.Exit())
			Expect(w.session.ExitCode()).NotTo(Equal(0), "the writer was killed, not finished")
			acks := w.acks()
			By(fmt.Sprintf("cycle %d (seed %d, NoSync %v): killed after %d acks", cycle, seed, noSync, len(acks)))
			acked = append(acked, acks...)
			batches := reopenAndCheck(ctx, dir, &store.Options{Logger: specLogger()}, acked)
			for i := 1; i < len(batches); i++ {
				Expect(batches[i].First).To(Equal(batches[i-1].Last+1), "positions strictly increasing and contiguous")
			}
		}
		AddReportEntry("acknowledged batches", len(acked))
	}, SpecTimeout(3*time.Minute))
})
