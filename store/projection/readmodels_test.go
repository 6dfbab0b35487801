package projection_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/projection"
)

var _ = Describe("Read models", func() {
	var (
		v       *env
		r       *projection.Runner
		courses *projection.ReadModels[course]
		ctx     = context.Background()
	)
	BeforeEach(func() {
		v = newEnv()
		v.opts.CheckpointInterval = time.Hour // checkpoints only on stop
		r = v.runner()
		courses = register(r, courseDef("courses"))
		Expect(r.Start()).To(Succeed())
	})

	It("folds the events of a key into one read model", func() {
		p := appendAll(v.st, created("c1", "Go", 2), enrolled("c1", "s1"), enrolled("c1", "s2"), created("c2", "Rust", 5))
		waitFor(r, "courses", p)
		it, err := courses.Get("c1")
		Expect(err).NotTo(HaveOccurred())
		Expect(it.State).To(Equal(course{ID: "c1", Name: "Go", Capacity: 2, Enrolled: 2, Students: []string{"s1", "s2"}}))
		Expect(it.Meta.Version).To(BeEquivalentTo(3))
		Expect(it.Meta.Position).To(BeEquivalentTo(3))
		Expect(it.Meta.Created).NotTo(BeZero())
		Expect(it.Meta.Updated).To(BeTemporally(">=", it.Meta.Created))
		Expect(it.Tags).To(ConsistOf(store.NewTag("full", "true"), store.NewTag("capacity", "2")))
	})

	It("deletes a read model when the fold returns nil", func() {
		appendAll(v.st, created("c1", "Go", 2), created("c2", "Rust", 1))
		p := appendAll(v.st, cancelled("c1"))
		waitFor(r, "courses", p)
		_, err := courses.Get("c1")
		Expect(err).To(MatchError(projection.ErrNotFound))
		Expect(keysOf(courses.List(ctx))).To(Equal([]string{"c2"}))
		Expect(keysOf(courses.Query(ctx, store.NewTag("capacity", "2")))).To(BeEmpty())
	})

	It("keeps a tombstone of a deleted read model until the checkpoint has passed it", func() {
		waitFor(r, "courses", appendAll(v.st, created("c1", "Go", 2)))
		waitLive(r, "courses")
		p := appendAll(v.st, cancelled("c1"))
		waitFor(r, "courses", p)
		Expect(withPrefix(files(v.opts.Dir), "courses/g000001/deleted/")).To(Equal([]string{"courses/g000001/deleted/c1.json"}))
		Expect(r.Close()).To(Succeed())
		Expect(readCheckpoint(filepath.Join(v.opts.Dir, "courses", "g000001")).Position).To(Equal(p))
		Expect(withPrefix(files(v.opts.Dir), "courses/g000001/deleted/")).To(BeEmpty())
	})

	It("returns not found before a key exists", func() {
		_, err := courses.Get("nope")
		Expect(err).To(MatchError(projection.ErrNotFound))
	})

	It("lists every read model as a stream", func() {
		var events []store.Event
		for i := range 30 {
			events = append(events, created(string(rune('a'+i%26))+string(rune('a'+i/26)), "n", 1))
		}
		p := appendAll(v.st, events...)
		waitFor(r, "courses", p)
		n := 0
		for it, err := range courses.List(ctx) {
			Expect(err).NotTo(HaveOccurred())
			Expect(it.State.Name).To(Equal("n"))
			n++
			if n == 10 {
				break
			}
		}
		Expect(n).To(Equal(10))
		Expect(all(courses)).To(HaveLen(30))
	})

	It("finds read models by one tag, or by several tags together", func() {
		p := appendAll(v.st,
			created("c1", "Go", 1), enrolled("c1", "s1"),
			created("c2", "Rust", 2), enrolled("c2", "s1"),
			created("c3", "Zig", 2), enrolled("c3", "s1"), enrolled("c3", "s2"))
		waitFor(r, "courses", p)
		Expect(keysOf(courses.Query(ctx, store.NewTag("full", "true")))).To(Equal([]string{"c1", "c3"}))
		Expect(keysOf(courses.Query(ctx, store.NewTag("full", "true"), store.NewTag("capacity", "2")))).To(Equal([]string{"c3"}))
		Expect(keysOf(courses.Query(ctx, store.NewTag("full", "false"), store.NewTag("capacity", "1")))).To(BeEmpty())
	})

	It("compares tags exactly, letter case included, like event tags", func() {
		p := appendAll(v.st, created("c1", "Go", 1), enrolled("c1", "s1"))
		waitFor(r, "courses", p)
		Expect(keysOf(courses.Query(ctx, store.NewTag("full", "true")))).To(Equal([]string{"c1"}))
		Expect(keysOf(courses.Query(ctx, store.NewTag("full", "True")))).To(BeEmpty())
		Expect(keysOf(courses.Query(ctx, store.NewTag("Full", "true")))).To(BeEmpty())
	})

	It("moves a read model between tag values when its state changes", func() {
		p := appendAll(v.st, created("c1", "Go", 1))
		waitFor(r, "courses", p)
		Expect(keysOf(courses.Query(ctx, store.NewTag("full", "false")))).To(Equal([]string{"c1"}))
		p = appendAll(v.st, enrolled("c1", "s1"))
		waitFor(r, "courses", p)
		Expect(keysOf(courses.Query(ctx, store.NewTag("full", "false")))).To(BeEmpty())
		Expect(keysOf(courses.Query(ctx, store.NewTag("full", "true")))).To(Equal([]string{"c1"}))
		Expect(files(v.opts.Dir)).NotTo(ContainElement("courses/g000001/tags/full/false/c1"))
		Expect(files(v.opts.Dir)).To(ContainElement("courses/g000001/tags/full/true/c1"))
	})

	It("rejects a query without tags or with a malformed tag", func() {
		for _, err := range courses.Query(ctx) {
			Expect(err).To(MatchError(projection.ErrNoTags))
		}
		for _, err := range courses.Query(ctx, store.NewTag("", "x")) {
			Expect(err).To(MatchError(projection.ErrInvalidTag))
		}
	})

	It("keeps keys of any text, in files named safely", func() {
		p := appendAll(v.st, created("Course/one", "Go", 1), created("course/one", "Rust", 1))
		waitFor(r, "courses", p)
		Expect(all(courses)).To(HaveLen(2))
		it, err := courses.Get("Course/one")
		Expect(err).NotTo(HaveOccurred())
		Expect(it.State.Name).To(Equal("Go"))
		Expect(files(v.opts.Dir)).To(ContainElements(
			"courses/g000001/state/%43ourse%2Fone.json", "courses/g000001/state/course%2Fone.json"))
	})

	It("writes one human-readable JSON file per read model, with its metadata", func() {
		p := appendAll(v.st, created("c1", "Go", 2), enrolled("c1", "s1"))
		waitFor(r, "courses", p)
		b, err := os.ReadFile(filepath.Join(v.opts.Dir, "courses", "g000001", "state", "c1.json"))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(b)).To(ContainSubstring("\n  \"metadata\": {\n"))
		var doc struct {
			Key      string
			Metadata struct {
				Created, Updated time.Time
				Version          int
				Position         int
			}
			Tags []store.Tag
			Data course
		}
		Expect(json.Unmarshal(b, &doc)).To(Succeed())
		Expect(doc.Key).To(Equal("c1"))
		Expect(doc.Metadata.Version).To(Equal(2))
		Expect(doc.Metadata.Position).To(Equal(2))
		Expect(doc.Data.Students).To(Equal([]string{"s1"}))
		Expect(files(v.opts.Dir)).To(ContainElements("courses/current", "courses/g000001/checkpoint.json",
			"courses/g000001/tags/full/false/c1", "courses/g000001/tags/capacity/2/c1"))
	})
})
