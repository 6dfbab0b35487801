package projection_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/projection"
)

// childDirEnv names the store folder a child process works on: the test
// binary, started with it, runs childMain instead of the specs.
// childVersionEnv is the version of the projection it runs.
const (
	childDirEnv     = "PROJECTION_TEST_CHILD_DIR"
	childVersionEnv = "PROJECTION_TEST_CHILD_VERSION"
)

// slowUpperDef is version 2 of the course projection with a fold slow
// enough for a rebuild to be killed in the middle.
func slowUpperDef() projection.Definition[course] {
	d := upperDef("courses")
	apply := d.Apply
	d.Apply = func(c *course, e store.StoredEvent) (*course, error) {
		time.Sleep(100 * time.Microsecond)
		return apply(c, e)
	}
	return d
}

// childMain opens the store in dir, runs the given version of the slow
// upper-case course projection until it is live, and prints "live". The parent kills it
// at a random moment, usually in the middle of the rebuild.
func childMain(t *testing.T, dir string) {
	st, err := store.Open(dir, &store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	r, err := projection.NewRunner(st, &projection.Options{NoSync: true, RebuildFlushEvery: 97})
	if err != nil {
		t.Fatal(err)
	}
	def := slowUpperDef()
	if def.Version, err = strconv.Atoi(os.Getenv(childVersionEnv)); err != nil {
		t.Fatal(err)
	}
	if _, err := projection.Register(r, def); err != nil {
		t.Fatal(err)
	}
	if err := r.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		s, err := r.StatusOf("courses")
		if err != nil {
			t.Fatal(err)
		}
		if s.State == projection.Failed {
			t.Fatal(s.Err)
		}
		if s.State == projection.Live {
			fmt.Println("live", s.Generation)
			if err := r.Close(); err != nil {
				t.Fatal(err)
			}
			return
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatal("not live within a minute")
}

var _ = Describe("A runner in a child process killed mid-rebuild", func() {
	It("leaves the old or the new read models, never a mix, and completes the rebuild on the next start", func(ctx SpecContext) {
		v := newFileEnv()
		var events []store.Event
		for i := range 700 {
			c := fmt.Sprint("c", i%40)
			if i < 40 {
				events = append(events, created(c, "course "+c, 5))
				continue
			}
			events = append(events, enrolled(c, fmt.Sprint("s", i)))
			if i%50 == 7 {
				events = append(events, cancelled(c), created(c, "again "+c, 9))
			}
		}
		p := appendAll(v.st, events...)
		r := v.runner()
		register(r, courseDef("courses"))
		Expect(r.Start()).To(Succeed())
		waitFor(r, "courses", p)
		Expect(r.Close()).To(Succeed())
		want := map[int]map[string]course{1: evaluate(v.st, courseDef("courses"))}
		for version := 2; version <= 4; version++ {
			want[version] = evaluate(v.st, upperDef("courses"))
		}

		seed := rand.Uint64()
		GinkgoWriter.Printf("kill delays seeded with %d\n", seed)
		rng := rand.New(rand.NewPCG(seed, 0))
		run := func(version int, kill time.Duration) (string, error) {
			cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestProjection$")
			cmd.Env = append(os.Environ(), childDirEnv+"="+v.dir, fmt.Sprint(childVersionEnv, "=", version))
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			Expect(cmd.Start()).To(Succeed())
			if kill > 0 {
				time.Sleep(kill)
				_ = cmd.Process.Kill()
			}
			err := cmd.Wait()
			return out.String(), err
		}
		check := func(round int) {
			GinkgoHelper()
			var cur struct {
				Generation string
				Version    int
			}
			b, err := os.ReadFile(filepath.Join(v.opts.Dir, "courses", "current"))
			Expect(err).NotTo(HaveOccurred())
			Expect(json.Unmarshal(b, &cur)).To(Succeed())
			cp := readCheckpoint(filepath.Join(v.opts.Dir, "courses", cur.Generation))
			Expect(cp.Complete).To(BeTrue(), "round %d: current names a complete generation", round)
			Expect(cp.Version).To(Equal(cur.Version))
			gens, _ := filepath.Glob(filepath.Join(v.opts.Dir, "courses", "g*"))
			progress := ""
			for _, g := range gens {
				if b, err := os.ReadFile(filepath.Join(g, "checkpoint.json")); err == nil {
					progress += fmt.Sprintf(" %s:%s", filepath.Base(g), bytes.Fields(bytes.SplitAfter(b, []byte(`"position": `))[1])[0])
				}
			}
			GinkgoWriter.Printf("round %d: current %s (version %d); checkpoints%s\n", round, cur.Generation, cur.Version, progress)
			o := v.opts
			r, err := projection.NewRunner(v.st, &o)
			Expect(err).NotTo(HaveOccurred())
			m := register(r, courseDef("courses"))
			Expect(states(m)).To(Equal(want[cur.Version]), "round %d: generation %s (version %d) holds exactly one fold's read models", round, cur.Generation, cur.Version)
			Expect(r.Close()).To(Succeed())
		}

		// Versions 2, 3 and 4 in turn: a child resumes the interrupted
		// rebuild of its own version, and starts over from one of an older
		// version.
		killed := 0
		for round := 1; round <= 10; round++ {
			out, err := run(2+(round-1)/4, time.Duration(40+rng.IntN(200))*time.Millisecond)
			if err == nil {
				GinkgoWriter.Printf("round %d: the child finished before it was killed: %s", round, out)
			} else {
				killed++
			}
			check(round)
		}
		Expect(killed).To(BeNumerically(">", 0))
		t0 := time.Now()
		out, err := run(4, 0)
		GinkgoWriter.Printf("the last child ran %s\n", time.Since(t0))
		Expect(err).NotTo(HaveOccurred(), out)
		Expect(out).To(ContainSubstring("live"))
		check(11)

		r = v.runner()
		final := upperDef("courses")
		final.Version = 4
		m := register(r, final)
		Expect(r.Start()).To(Succeed())
		waitLive(r, "courses")
		Expect(statusOf(r, "courses").Rebuilds).To(BeZero())
		Expect(states(m)).To(Equal(want[4]))
		for _, it := range all(m) {
			n := 0
			for _, e := range events {
				if k, _ := e.TagValue("courseId"); k == it.Key {
					n++
					if e.Type == "CourseCancelled" {
						n = 0
					}
				}
			}
			Expect(it.Meta.Version).To(BeEquivalentTo(n), "events applied to %s, each once", it.Key)
		}
		Expect(r.Close()).To(Succeed())
	}, SpecTimeout(3*time.Minute))
})
