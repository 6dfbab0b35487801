package projection_test

import (
	"context"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/projection"
)

var _ = Describe("Definitions and registration", func() {
	var v *env
	BeforeEach(func() { v = newEnv() })

	DescribeTable("an incomplete definition is rejected",
		func(change func(d *projection.Definition[course])) {
			d := courseDef("courses")
			change(&d)
			_, err := projection.Register(v.runner(), d)
			Expect(err).To(MatchError(projection.ErrInvalidDefinition))
		},
		Entry("without a name", func(d *projection.Definition[course]) { d.Name = "" }),
		Entry("with a name that is not a plain folder name", func(d *projection.Definition[course]) { d.Name = "../x" }),
		Entry("without event types", func(d *projection.Definition[course]) { d.EventTypes = nil }),
		Entry("with an empty event type", func(d *projection.Definition[course]) { d.EventTypes = []string{" "} }),
		Entry("without a key", func(d *projection.Definition[course]) { d.Key = nil }),
		Entry("without a fold", func(d *projection.Definition[course]) { d.Apply = nil }),
		Entry("with a negative version", func(d *projection.Definition[course]) { d.Version = -1 }),
		Entry("with related events but no fold that takes them", func(d *projection.Definition[course]) {
			d.Related = func(store.StoredEvent) (store.Query, bool) { return store.All(), true }
		}),
	)

	It("refuses a second projection with the same name", func() {
		r := v.runner()
		register(r, courseDef("courses"))
		_, err := projection.Register(r, courseDef("courses"))
		Expect(err).To(MatchError(projection.ErrDuplicateName))
	})

	It("accepts registrations only before Start", func() {
		r := v.runner()
		register(r, courseDef("courses"))
		Expect(r.Start()).To(Succeed())
		_, err := projection.Register(r, courseDef("more"))
		Expect(err).To(MatchError(projection.ErrStarted))
	})

	It("lets only one runner own a projection folder", func() {
		v.runner()
		o := v.opts
		_, err := projection.NewRunner(v.st, &o)
		Expect(err).To(MatchError(projection.ErrLocked))
	})

	It("needs a folder when the store has none", func() {
		_, err := projection.NewRunner(newMemoryEnv().st, nil)
		Expect(err).To(MatchError(projection.ErrInvalidOption))
	})

	It("keeps the projections inside the file store's folder by default", func() {
		v = newFileEnv()
		r, err := projection.NewRunner(v.st, &projection.Options{NoSync: true})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(r.Close)
		Expect(r.Dir()).To(Equal(filepath.Join(v.dir, "projections")))
	})

	It("works the same over the memory store", func() {
		m := newMemoryEnv()
		r := m.runner()
		courses := register(r, courseDef("courses"))
		Expect(r.Start()).To(Succeed())
		p := appendAll(m.st, created("c1", "Go", 1), enrolled("c1", "s1"), created("c2", "Rust", 2))
		waitFor(r, "courses", p)
		Expect(states(courses)).To(Equal(evaluate(m.st, courseDef("courses"))))
		Expect(keysOf(courses.Query(context.Background(), store.NewTag("full", "true")))).To(Equal([]string{"c1"}))
	})

	It("evaluates a definition in memory with the same rules", func() {
		appendAll(v.st, created("c1", "Go", 2), enrolled("c1", "s1"), created("c2", "Rust", 1), cancelled("c2"))
		got, err := projection.Evaluate(context.Background(), v.st, courseDef("courses"))
		Expect(err).NotTo(HaveOccurred())
		Expect(got).To(HaveLen(1))
		Expect(got["c1"].Enrolled).To(Equal(1))
	})

	It("maps keys to file names that never collide, also when letter case is ignored", func() {
		keys := []string{"c-42", "C-42", "a/b", "a%2Fb", "", ".hidden", "Ünïcode", "x.json", string(make([]byte, 300))}
		seen := map[string]string{}
		for _, k := range keys {
			n := projection.EncodeName(k)
			Expect(n).To(MatchRegexp(`^[a-z0-9_.%~A-F-]+$`))
			Expect(len(n)).To(BeNumerically("<=", 160))
			Expect(n).NotTo(HavePrefix("."))
			folded := ""
			for _, c := range n {
				if c >= 'A' && c <= 'Z' {
					c += 'a' - 'A'
				}
				folded += string(c)
			}
			Expect(seen).NotTo(HaveKey(folded), "key %q collides with %q", k, seen[folded])
			seen[folded] = k
		}
		Expect(projection.EncodeName("c-42")).To(Equal("c-42"))
	})
})
