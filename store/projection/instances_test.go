package projection_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gbytes"
	"github.com/onsi/gomega/gexec"

	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/projection"
)

// roleEnv makes the test binary play a role in another process instead of
// running the specs: "writer" (a runner that appends, applies and
// rebuilds) or "instance" (one instance of an application: a standing-by
// runner that reads all the time). roleDirEnv names the store folder.
const (
	roleEnv    = "PROJECTION_TEST_ROLE"
	roleDirEnv = "PROJECTION_TEST_ROLE_DIR"
)

// consistent reports why a course read model is not one a fold of whole
// events made: every enrollment is counted once, and the instance's
// version counts its creation and its enrollments.
func consistent(it projection.Item[course]) error {
	if it.State.Enrolled != len(it.State.Students) {
		return fmt.Errorf("%s: %d enrolled, %d students", it.Key, it.State.Enrolled, len(it.State.Students))
	}
	if it.Meta.Version != uint64(1+it.State.Enrolled) {
		return fmt.Errorf("%s: version %d after %d enrollments", it.Key, it.Meta.Version, it.State.Enrolled)
	}
	return nil
}

func roleMain(t *testing.T, role, dir string) {
	st, err := store.Open(dir, &store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	switch role {
	case "writer":
		r, err := projection.NewRunner(st, &projection.Options{NoSync: true, RebuildFlushEvery: 50})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := projection.Register(r, courseDef("courses")); err != nil {
			t.Fatal(err)
		}
		if err := r.Start(); err != nil {
			t.Fatal(err)
		}
		var p store.Position
		for i := range 400 {
			c := fmt.Sprint("c", i%10)
			e := enrolled(c, fmt.Sprint("s", i))
			if i < 10 {
				e = created(c, "course "+c, 1000)
			}
			if p, err = st.Append(ctx, []store.Event{e}, nil); err != nil {
				t.Fatal(err)
			}
			if i%100 == 50 {
				if err := r.Rebuild(ctx); err != nil {
					t.Fatal(err)
				}
			}
		}
		wctx, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		if err := r.WaitFor(wctx, "courses", p); err != nil {
			t.Fatal(err)
		}
		if err := r.Close(); err != nil {
			t.Fatal(err)
		}
		fmt.Println("done", p)
	case "instance":
		def := courseDef("courses")
		apply := def.Apply
		def.Apply = func(c *course, e store.StoredEvent) (*course, error) {
			time.Sleep(200 * time.Microsecond) // long batches: a kill lands in one
			return apply(c, e)
		}
		r, err := projection.NewRunner(st, &projection.Options{NoSync: true, Standby: true, StandbyPoll: 20 * time.Millisecond, BatchSize: 50})
		if err != nil {
			t.Fatal(err)
		}
		courses, err := projection.Register(r, def)
		if err != nil {
			t.Fatal(err)
		}
		if err := r.Start(); err != nil {
			t.Fatal(err)
		}
		var stop atomic.Bool
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			stop.Store(true)
		}()
		reads, failures, leader := 0, 0, false
		for i := 0; !stop.Load(); i++ {
			if l := r.Leader(); l != leader || i == 0 {
				leader = l
				if l {
					fmt.Println("role leader")
				} else {
					fmt.Println("role standby")
				}
			}
			for it, err := range courses.List(ctx) {
				if err == nil {
					err = consistent(it)
				}
				if err != nil {
					failures++
					fmt.Println("read error:", err)
					break
				}
			}
			reads++
			time.Sleep(2 * time.Millisecond)
		}
		if err := r.Close(); err != nil {
			t.Fatal(err)
		}
		fmt.Printf("reads %d failures %d\n", reads, failures)
	default:
		t.Fatalf("unknown role %q", role)
	}
}

// startRole starts the test binary in another process playing role on the
// store in dir.
func startRole(ctx context.Context, role, dir string) (*gexec.Session, io.WriteCloser) {
	GinkgoHelper()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestProjection$")
	cmd.Env = append(os.Environ(), roleEnv+"="+role, roleDirEnv+"="+dir)
	in, err := cmd.StdinPipe()
	Expect(err).NotTo(HaveOccurred())
	s, err := gexec.Start(cmd, gexec.NewPrefixedWriter("["+role+"] ", GinkgoWriter), gexec.NewPrefixedWriter("["+role+" err] ", GinkgoWriter))
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(func() { s.Kill().Wait(10 * time.Second) })
	return s, in
}

var _ = Describe("Reading read models from another process", func() {
	It("never sees a half-written model or fails while a runner in a child process applies events and rebuilds", func(ctx SpecContext) {
		v := newFileEnv() // the child process opens the store folder
		m, err := projection.OpenReadModels[course](v.opts.Dir, "courses")
		Expect(err).NotTo(HaveOccurred())
		_, err = m.Get("c1")
		Expect(err).To(MatchError(projection.ErrNotFound), "nothing built yet")

		child, _ := startRole(ctx, "writer", v.dir)
		reads, seen := 0, 0
		for child.ExitCode() == -1 {
			for it, err := range m.List(ctx) {
				Expect(err).NotTo(HaveOccurred())
				Expect(consistent(it)).To(Succeed())
				seen++
			}
			for it, err := range m.Query(ctx, store.NewTag("full", "false")) {
				Expect(err).NotTo(HaveOccurred())
				Expect(consistent(it)).To(Succeed())
			}
			if it, err := m.Get("c3"); err == nil {
				Expect(consistent(it)).To(Succeed())
			} else {
				Expect(err).To(MatchError(projection.ErrNotFound))
			}
			reads++
		}
		Eventually(child).Should(gexec.Exit(0))
		Expect(child.Out).To(gbytes.Say(`done (\d+)`))
		GinkgoWriter.Printf("%d rounds of reads, %d read models seen\n", reads, seen)
		Expect(seen).To(BeNumerically(">", 0))

		head, err := v.st.Head(ctx)
		Expect(err).NotTo(HaveOccurred())
		Expect(m.Position()).To(Equal(head))
		Expect(states(m)).To(Equal(evaluate(v.st, courseDef("courses"))))
		Expect(keysOf(m.Query(ctx, store.NewTag("capacity", "1000")))).To(HaveLen(10))
	}, SpecTimeout(2*time.Minute))
})

var _ = Describe("Several application instances on one store", func() {
	It("lets one instance update the read models, another take over when it is killed, applies no event twice, and keeps every read working", func(ctx SpecContext) {
		v := newFileEnv() // the child processes open the store folder
		var events []store.Event
		for i := range 10 {
			events = append(events, created(fmt.Sprint("c", i), "course", 100000))
		}
		appendAll(v.st, events...)
		reader, err := projection.OpenReadModels[course](v.opts.Dir, "courses")
		Expect(err).NotTo(HaveOccurred())

		a, aIn := startRole(ctx, "instance", v.dir)
		Eventually(a.Out).Should(gbytes.Say("role leader"))
		b, bIn := startRole(ctx, "instance", v.dir)
		Eventually(b.Out).Should(gbytes.Say("role standby"))

		var (
			wg       sync.WaitGroup
			stop     atomic.Bool
			appended atomic.Int64
		)
		wg.Go(func() {
			defer GinkgoRecover()
			for i := 0; !stop.Load(); i++ {
				appendAll(v.st, enrolled(fmt.Sprint("c", i%10), fmt.Sprint("s", i)), enrolled(fmt.Sprint("c", (i+3)%10), fmt.Sprint("t", i)))
				appended.Add(2)
				time.Sleep(time.Millisecond)
			}
		})
		DeferCleanup(func() { stop.Store(true); wg.Wait() })
		Eventually(reader.Position).WithTimeout(20 * time.Second).Should(BeNumerically(">=", 300))

		Expect(a.Kill().Wait(10 * time.Second)).To(gexec.Exit())
		_ = aIn.Close()
		killedAt := appended.Load()
		Eventually(b.Out).WithTimeout(20 * time.Second).Should(gbytes.Say("role leader"))
		Eventually(appended.Load).WithTimeout(20 * time.Second).Should(BeNumerically(">", killedAt+200))
		stop.Store(true)
		wg.Wait()

		head, err := v.st.Head(ctx)
		Expect(err).NotTo(HaveOccurred())
		Eventually(reader.Position).WithTimeout(30 * time.Second).Should(Equal(head))
		Expect(states(reader)).To(Equal(evaluate(v.st, courseDef("courses"))), "every event applied exactly once")
		for _, it := range all(reader) {
			Expect(consistent(it)).To(Succeed())
		}

		Expect(bIn.Close()).To(Succeed())
		Eventually(b).WithTimeout(20 * time.Second).Should(gexec.Exit(0))
		Expect(b.Out).To(gbytes.Say(`reads [1-9]\d* failures 0`))
		Expect(string(a.Out.Contents())).NotTo(ContainSubstring("read error"))
		Expect(string(b.Out.Contents())).NotTo(ContainSubstring("read error"))
	}, SpecTimeout(3*time.Minute))
})
