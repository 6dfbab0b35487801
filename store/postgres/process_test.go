package postgres_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gbytes"
	"github.com/onsi/gomega/gexec"

	"github.com/opossum-go/opossum/internal/pgtest"
	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/postgres"
)

// pgproc is the child program, built on first use and deleted after the
// suite.
var pgproc string

// child starts pgproc with args; it is killed when the spec ends.
func child(name string, args ...string) *gexec.Session {
	GinkgoHelper()
	if pgproc == "" {
		var err error
		pgproc, err = gexec.Build("github.com/opossum-go/opossum/store/postgres/internal/pgproc")
		Expect(err).NotTo(HaveOccurred())
	}
	s, err := gexec.Start(exec.Command(pgproc, args...), nil, gexec.NewPrefixedWriter("["+name+" err] ", GinkgoWriter))
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(func() { s.Kill().Wait(10 * time.Second) })
	return s
}

// ack is a batch a writer was told is stored.
type ack struct {
	id          string
	first, last store.Position
}

// acks parses the "ack <id> <first> <last>" lines of out.
func acks(out []byte) []ack {
	GinkgoHelper()
	var as []ack
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != 4 || f[0] != "ack" {
			continue
		}
		first, err1 := strconv.ParseUint(f[2], 10, 64)
		last, err2 := strconv.ParseUint(f[3], 10, 64)
		Expect(err1).NotTo(HaveOccurred())
		Expect(err2).NotTo(HaveOccurred())
		as = append(as, ack{f[1], store.Position(first), store.Position(last)})
	}
	return as
}

// expectStored checks that every acknowledged batch is in s, whole, at the
// positions it was acknowledged with.
func expectStored(ctx context.Context, s store.EventStore, as []ack) {
	GinkgoHelper()
	for _, a := range as {
		events, err := store.ReadAll(ctx, s, store.Tagged(store.NewTag("batch", a.id)))
		Expect(err).NotTo(HaveOccurred())
		var ps []store.Position
		for _, e := range events {
			ps = append(ps, e.Position)
		}
		want := []store.Position{}
		for p := a.first; p <= a.last; p++ {
			want = append(want, p)
		}
		Expect(ps).To(Equal(want), "acknowledged batch %s", a.id)
	}
}

var _ = Describe("Writers in several processes", func() {
	It("get gap-free positions, seen in order by a reader, and every acknowledged batch is stored whole", func(ctx SpecContext) {
		s := pgtest.OpenStore(ctx, nil)
		conn := pgtest.Shared().ConnString("")
		stop := make(chan struct{})
		reads := make(chan []store.Position, 1)
		go func() {
			defer GinkgoRecover()
			checkReads(ctx, s, stop, reads)
		}()
		var writers []*gexec.Session
		for i := range 3 {
			writers = append(writers, child(fmt.Sprint("writer", i), "-mode", "writer", "-conn", conn, "-schema", s.Schema(),
				"-id", fmt.Sprint("p", i), "-n", "25", "-seed", fmt.Sprint(i+1)))
		}
		// And goroutines of this process, through the handle the reader uses.
		var mu sync.Mutex
		var mine []ack
		var wg sync.WaitGroup
		for g := range 2 {
			wg.Go(func() {
				defer GinkgoRecover()
				for k := range 25 {
					id := fmt.Sprintf("g%d-%d", g, k)
					e := store.MustEvent("BatchEvent", struct{}{}, store.NewTag("batch", id))
					p, err := s.Append(ctx, []store.Event{e, e}, nil)
					Expect(err).NotTo(HaveOccurred())
					mu.Lock()
					mine = append(mine, ack{id, p - 1, p})
					mu.Unlock()
				}
			})
		}
		var all []ack
		for _, w := range writers {
			Eventually(w).WithContext(ctx).WithTimeout(2 * time.Minute).Should(gexec.Exit(0))
			as := acks(w.Out.Contents())
			Expect(as).To(HaveLen(25), "the writer's output:\n%s", w.Out.Contents())
			all = append(all, as...)
		}
		wg.Wait()
		close(stop)
		var seen []store.Position
		Eventually(reads).Should(Receive(&seen))
		Expect(len(seen)).To(BeNumerically(">", 1), "the reader read while the writers wrote")

		all = append(all, mine...)
		expectStored(ctx, s, all)
		total := 0
		for _, a := range all {
			total += int(a.last - a.first + 1)
		}
		Expect(s.Head(ctx)).To(Equal(store.Position(total)), "every position up to the head belongs to an acknowledged batch")
	}, SpecTimeout(3*time.Minute))

	It("number invoices 1 to N with no gap and no duplicate, under their append conditions", func(ctx SpecContext) {
		s := pgtest.OpenStore(ctx, nil)
		conn := pgtest.Shared().ConnString("")
		var procs []*gexec.Session
		for i := range 4 {
			procs = append(procs, child(fmt.Sprint("invoicer", i), "-mode", "invoice", "-conn", conn, "-schema", s.Schema(), "-n", "8"))
		}
		var numbers []int
		for _, p := range procs {
			Eventually(p).WithContext(ctx).WithTimeout(2 * time.Minute).Should(gexec.Exit(0))
			for _, line := range strings.Split(strings.TrimSpace(string(p.Out.Contents())), "\n") {
				var n int
				var pos store.Position
				_, err := fmt.Sscanf(line, "invoice %d %d", &n, &pos)
				Expect(err).NotTo(HaveOccurred(), line)
				numbers = append(numbers, n)
			}
		}
		slices.Sort(numbers)
		want := make([]int, 32)
		for i := range want {
			want[i] = i + 1
		}
		Expect(numbers).To(Equal(want))
		events, err := store.ReadAll(ctx, s, store.Types("InvoiceCreated"))
		Expect(err).NotTo(HaveOccurred())
		Expect(events).To(HaveLen(32))
	}, SpecTimeout(3*time.Minute))
})

var _ = Describe("A server killed during a write loop", Serial, func() {
	It("loses no acknowledged event, and a subscription yields them all once it is back", func(ctx SpecContext) {
		srv, err := pgtest.Start(ctx, nil)
		if err != nil && !pgtest.InCI() {
			Skip(err.Error())
		}
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(srv.Stop)
		conn := srv.ConnString("")

		// The subscriber is a handle of this process; the writer a child.
		s, err := postgres.Open(ctx, conn, &postgres.Options{Schema: "killed", ReconnectTimeout: 30 * time.Second})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(s.Close)
		var mu sync.Mutex
		got := map[store.Position]string{}
		sctx, cancel := context.WithCancel(ctx)
		DeferCleanup(cancel)
		go func() {
			defer GinkgoRecover()
			for e, err := range s.Subscribe(sctx, store.Types("BatchEvent"), 0) {
				if err != nil {
					Expect(sctx.Err()).To(HaveOccurred(), "the subscription ended with %v", err)
					return
				}
				b, _ := e.TagValue("batch")
				mu.Lock()
				got[e.Position] = b
				mu.Unlock()
			}
		}()

		w := child("writer", "-mode", "writer", "-conn", conn, "-schema", "killed", "-n", "0")
		Eventually(w.Out).WithTimeout(time.Minute).Should(gbytes.Say(`(ack .*\n){20}`))
		srv.Kill()
		Expect(srv.Restart(ctx)).To(Succeed())
		// The writer goes on after the restart (which, on a loaded machine,
		// can take a while: a guard against a hang, not a speed check).
		Eventually(w.Out).WithTimeout(2 * time.Minute).Should(gbytes.Say(`(ack .*\n){20}`))
		w.Kill().Wait(10 * time.Second)

		as := acks(w.Out.Contents())
		GinkgoWriter.Printf("%d batches acknowledged; the writer's errors:\n%s\n", len(as), bytes.Join(slices.DeleteFunc(bytes.Split(w.Out.Contents(), []byte("\n")), func(l []byte) bool { return !bytes.HasPrefix(l, []byte("error")) }), []byte("\n")))
		expectStored(ctx, s, as)
		head, err := s.Head(ctx)
		Expect(err).NotTo(HaveOccurred())
		Eventually(func() int {
			mu.Lock()
			defer mu.Unlock()
			return len(got)
		}).WithTimeout(30*time.Second).Should(Equal(int(head)), "the subscription yields every stored event")
		mu.Lock()
		defer mu.Unlock()
		for _, a := range as {
			for p := a.first; p <= a.last; p++ {
				Expect(got).To(HaveKeyWithValue(p, a.id))
			}
		}
	}, SpecTimeout(4*time.Minute))
})

var _ = Describe("A handle whose server restarted", Serial, func() {
	It("reads at once on fresh connections: the pooled ones the server dropped are not an error", func(ctx SpecContext) {
		srv, err := pgtest.Start(ctx, nil)
		if err != nil && !pgtest.InCI() {
			Skip(err.Error())
		}
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(srv.Stop)
		s, err := postgres.Open(ctx, srv.ConnString(""), &postgres.Options{Schema: "restarted"})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(s.Close)
		_, err = s.Append(ctx, []store.Event{store.MustEvent("BatchEvent", map[string]int{"i": 0})}, nil)
		Expect(err).NotTo(HaveOccurred())
		// Fill the pool with idle connections, then restart the server
		// under them.
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				defer GinkgoRecover()
				_, err := store.ReadAll(ctx, s, store.All())
				Expect(err).NotTo(HaveOccurred())
			})
		}
		wg.Wait()
		srv.Kill()
		Expect(srv.Restart(ctx)).To(Succeed())

		Expect(store.ReadAll(ctx, s, store.All())).To(HaveLen(1), "Read")
		Expect(s.ReadLast(ctx, store.Types("BatchEvent"))).NotTo(BeNil(), "ReadLast")
		Expect(s.Head(ctx)).To(Equal(store.Position(1)), "Head")
	}, SpecTimeout(3*time.Minute))
})
