package store_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gofrs/flock"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/opossum-go/opossum/internal/fstree"
	"github.com/opossum-go/opossum/store"
)

// copyFixture copies a format version 1 fixture store into a new
// temporary folder and returns it.
func copyFixture(name string) string {
	GinkgoHelper()
	dir := filepath.Join(GinkgoT().TempDir(), name)
	Expect(os.CopyFS(dir, os.DirFS(filepath.Join("testdata", "v1", name)))).To(Succeed())
	return dir
}

// fileTree describes every file and folder under dir: kind, size,
// permissions, modification time and a hash of the content. Two equal
// trees mean nothing was written.
func fileTree(dir string) map[string]string {
	GinkgoHelper()
	t, err := fstree.Describe(dir)
	Expect(err).NotTo(HaveOccurred())
	return t
}

func eventFile(dir string, p int) string {
	return filepath.Join(dir, "events", fmt.Sprintf("%06d", p/store.ShardSize), fmt.Sprintf("%012d.json", p))
}

func kindsOf(r store.Report) []store.ProblemKind {
	out := []store.ProblemKind{}
	for _, p := range r.Problems {
		out = append(out, p.Kind)
	}
	return out
}

// untar extracts a backup archive into a new folder.
func untar(b []byte) string {
	GinkgoHelper()
	dir := filepath.Join(GinkgoT().TempDir(), "restored")
	gz, err := gzip.NewReader(bytes.NewReader(b))
	Expect(err).NotTo(HaveOccurred())
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		Expect(err).NotTo(HaveOccurred())
		Expect(h.Name).NotTo(ContainSubstring(".."))
		path := filepath.Join(dir, filepath.FromSlash(h.Name))
		if h.Typeflag == tar.TypeDir {
			Expect(os.MkdirAll(path, 0o755)).To(Succeed())
			continue
		}
		data, err := io.ReadAll(tr)
		Expect(err).NotTo(HaveOccurred())
		Expect(os.WriteFile(path, data, 0o644)).To(Succeed())
	}
	return dir
}

var _ = Describe("read-only handles", func() {
	var ctx context.Context
	BeforeEach(func() { ctx = context.Background() })

	DescribeTable("open a fixture store, serve its committed events and write nothing",
		func(fixture string) {
			dir := copyFixture(fixture)
			before := fileTree(dir)
			s, err := store.Open(dir, &store.Options{ReadOnly: true})
			Expect(err).NotTo(HaveOccurred())
			all, err := store.ReadAll(ctx, s, store.All())
			Expect(err).NotTo(HaveOccurred())
			Expect(positionsOf(all)).To(Equal([]store.Position{1, 2, 3, 4, 5, 6}))
			enrolled, err := store.ReadAll(ctx, s, store.Tagged(store.NewTag("courseId", "c-2")))
			Expect(err).NotTo(HaveOccurred())
			Expect(positionsOf(enrolled)).To(Equal([]store.Position{4, 6}))
			_, err = s.Stats(ctx)
			Expect(err).NotTo(HaveOccurred())
			_, err = s.Verify(ctx)
			Expect(err).NotTo(HaveOccurred())
			Expect(s.Close()).To(Succeed())
			Expect(fileTree(dir)).To(Equal(before))
		},
		Entry("with an index snapshot", "small"),
		Entry("without an index snapshot", "no-snapshot"),
		Entry("with a torn batch after the head, left in place", "torn"),
	)

	It("refuses appends and AddTags with ErrReadOnly", func() {
		s, err := store.Open(copyFixture("small"), &store.Options{ReadOnly: true})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(s.Close)
		_, err = s.Append(ctx, []store.Event{{Type: "A"}}, nil)
		Expect(err).To(MatchError(store.ErrReadOnly))
		_, err = s.AddTags(ctx, "CourseCreated", func(store.StoredEvent) []store.Tag { return nil })
		Expect(err).To(MatchError(store.ErrReadOnly))
	})

	It("refuses a missing folder, an empty one and one that is not a store, creating nothing", func() {
		root := GinkgoT().TempDir()
		_, err := store.Open(filepath.Join(root, "missing"), &store.Options{ReadOnly: true})
		Expect(err).To(MatchError(store.ErrNotAStore))
		Expect(filepath.Join(root, "missing")).NotTo(BeADirectory())

		empty := filepath.Join(root, "empty")
		Expect(os.Mkdir(empty, 0o755)).To(Succeed())
		_, err = store.Open(empty, &store.Options{ReadOnly: true})
		Expect(err).To(MatchError(store.ErrNotAStore))
		Expect(os.ReadDir(empty)).To(BeEmpty())
	})

	It("refuses a store of a newer format version", func() {
		dir := copyFixture("small")
		Expect(os.WriteFile(filepath.Join(dir, "opossum.json"), fmt.Appendf(nil, `{"format": %d}`, store.FormatVersion+1), 0o644)).To(Succeed())
		_, err := store.Open(dir, &store.Options{ReadOnly: true})
		Expect(err).To(MatchError(store.ErrUnsupportedFormat))
	})

	It("follows the commits of a writer", func() {
		dir := GinkgoT().TempDir()
		w, err := store.Open(dir, nil)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(w.Close)
		r, err := store.Open(dir, &store.Options{ReadOnly: true})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(r.Close)
		Expect(r.Head(ctx)).To(Equal(store.Position(0)))
		_, err = w.Append(ctx, []store.Event{{Type: "A"}, {Type: "B"}}, nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(r.Head(ctx)).To(Equal(store.Position(2)))
		last, err := r.ReadLast(ctx, store.Types("B"))
		Expect(err).NotTo(HaveOccurred())
		Expect(last.Position).To(Equal(store.Position(2)))
	})

	It("fails to open a store whose unindexed committed event file is damaged, naming the file", func() {
		dir := copyFixture("no-snapshot")
		Expect(os.WriteFile(eventFile(dir, 3), []byte("{"), 0o644)).To(Succeed())
		_, err := store.Open(dir, &store.Options{ReadOnly: true})
		Expect(err).To(MatchError(store.ErrCorrupt))
		Expect(err.Error()).To(ContainSubstring(eventFile(dir, 3)))
	})
})

var _ = Describe("DeleteStore", func() {
	var dir string
	BeforeEach(func() { dir = copyFixture("small") })

	It("deletes a store that nothing holds, as a whole", func() {
		Expect(store.DeleteStore(dir, false)).To(Succeed())
		Expect(dir).NotTo(BeADirectory())
		Expect(os.ReadDir(filepath.Dir(dir))).To(BeEmpty(), "no trash is left beside it")
	})

	It("refuses while a handle of this process has the store open, idle or not, and deletes it after Close", func() {
		s, err := store.Open(dir, nil)
		Expect(err).NotTo(HaveOccurred())
		err = store.DeleteStore(dir, false)
		Expect(err).To(MatchError(store.ErrStoreInUse))
		Expect(err.Error()).To(ContainSubstring(filepath.Join(dir, ".open")))
		Expect(s.Head(context.Background())).To(Equal(store.Position(6)), "the store is intact")
		Expect(s.Close()).To(Succeed())
		Expect(store.DeleteStore(dir, false)).To(Succeed())
		Expect(dir).NotTo(BeADirectory())
	})

	It("refuses while a read-only handle has it open", func() {
		w, err := store.Open(dir, nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(w.Close()).To(Succeed())
		r, err := store.Open(dir, &store.Options{ReadOnly: true})
		Expect(err).NotTo(HaveOccurred())
		Expect(store.DeleteStore(dir, false)).To(MatchError(store.ErrStoreInUse))
		Expect(r.Close()).To(Succeed())
		Expect(store.DeleteStore(dir, false)).To(Succeed())
	})

	It("refuses while another holder has the writer lock", func() {
		held := flock.New(filepath.Join(dir, ".lock"))
		Expect(held.Lock()).To(Succeed())
		DeferCleanup(held.Unlock)
		err := store.DeleteStore(dir, false)
		Expect(err).To(MatchError(store.ErrStoreInUse))
		Expect(err.Error()).To(ContainSubstring(filepath.Join(dir, ".lock")))
		Expect(filepath.Join(dir, "opossum.json")).To(BeAnExistingFile())
	})

	It("deletes a store in use when forced; the open handle's appends then fail", func() {
		s, err := store.Open(dir, nil)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(s.Close)
		Expect(store.DeleteStore(dir, true)).To(Succeed())
		Expect(dir).NotTo(BeADirectory())
		_, err = s.Append(context.Background(), []store.Event{{Type: "A"}}, nil)
		Expect(err).To(HaveOccurred())
	})

	It("deletes only store folders", func() {
		other := GinkgoT().TempDir()
		Expect(os.WriteFile(filepath.Join(other, "notes.txt"), []byte("keep me"), 0o644)).To(Succeed())
		Expect(store.DeleteStore(other, true)).To(MatchError(store.ErrNotAStore))
		Expect(filepath.Join(other, "notes.txt")).To(BeAnExistingFile())
		file := filepath.Join(other, "notes.txt")
		Expect(store.DeleteStore(file, true)).To(MatchError(store.ErrNotAStore))
	})

	It("has nothing to do for a folder that does not exist", func() {
		Expect(store.DeleteStore(filepath.Join(GinkgoT().TempDir(), "gone"), false)).To(Succeed())
	})
})

var _ = Describe("AddTags", func() {
	var (
		ctx context.Context
		dir string
	)
	open := func(o *store.Options) *store.FileStore {
		GinkgoHelper()
		s, err := store.Open(dir, o)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(s.Close)
		return s
	}
	byStudent := func(e store.StoredEvent) []store.Tag {
		v, _ := e.TagValue("studentId")
		return []store.Tag{store.NewTag("student", v), store.NewTag("studentId", v), store.NewTag("student", v)}
	}
	BeforeEach(func() {
		ctx = context.Background()
		dir = copyFixture("small")
	})

	It("adds the missing tags to the events of the type, keeps everything else, and counts", func() {
		s := open(nil)
		before, err := store.ReadAll(ctx, s, store.All())
		Expect(err).NotTo(HaveOccurred())
		res, err := s.AddTags(ctx, "StudentEnrolled", byStudent)
		Expect(err).NotTo(HaveOccurred())
		Expect(res).To(Equal(store.AddTagsResult{EventsProcessed: 2, EventsChanged: 2, TagsAdded: 2}))

		after, err := store.ReadAll(ctx, s, store.All())
		Expect(err).NotTo(HaveOccurred())
		Expect(after[4].Tags).To(Equal([]store.Tag{store.NewTag("courseId", "c-1"), store.NewTag("studentId", "s-1"), store.NewTag("student", "s-1")}))
		for i := range after {
			Expect(after[i].Data).To(Equal(before[i].Data))
			Expect(after[i].Metadata).To(Equal(before[i].Metadata))
			Expect(after[i].Type).To(Equal(before[i].Type))
			if i < 4 {
				Expect(after[i].Tags).To(Equal(before[i].Tags))
			}
		}
		b, err := os.ReadFile(eventFile(dir, 6))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(b)).To(ContainSubstring(`{"key":"student","value":"s-2"}`))
		Expect(string(b)).To(ContainSubstring(`"batch": {"first": 5, "last": 6}`))

		found, err := store.ReadAll(ctx, s, store.Tagged(store.NewTag("student", "s-2")))
		Expect(err).NotTo(HaveOccurred())
		Expect(positionsOf(found)).To(Equal([]store.Position{6}))

		again, err := s.AddTags(ctx, "StudentEnrolled", byStudent)
		Expect(err).NotTo(HaveOccurred())
		Expect(again).To(Equal(store.AddTagsResult{EventsProcessed: 2}), "a second run adds nothing")
	})

	It("shows the new tags to another handle's reads and append conditions, and after a reopen", func() {
		a, b := open(nil), open(nil)
		tag := store.NewTag("student", "s-1")
		Expect(store.ReadAll(ctx, b, store.Tagged(tag))).To(BeEmpty())
		_, err := a.AddTags(ctx, "StudentEnrolled", byStudent)
		Expect(err).NotTo(HaveOccurred())

		found, err := store.ReadAll(ctx, b, store.Tagged(tag))
		Expect(err).NotTo(HaveOccurred())
		Expect(positionsOf(found)).To(Equal([]store.Position{5}))
		_, err = b.Append(ctx, []store.Event{{Type: "X", Tags: []store.Tag{tag}}}, store.Guard(store.Tagged(tag), 4))
		Expect(err).To(MatchError(store.ErrAppendConditionFailed))

		Expect(a.Close()).To(Succeed())
		Expect(b.Close()).To(Succeed())
		Expect(filepath.Join(dir, "index", "snapshot.2.bin")).To(BeAnExistingFile())
		Expect(filepath.Join(dir, "index", "snapshot.bin")).NotTo(BeAnExistingFile(), "the stale snapshot is removed")
		c := open(nil)
		found, err = store.ReadAll(ctx, c, store.Tagged(tag))
		Expect(err).NotTo(HaveOccurred())
		Expect(positionsOf(found)).To(Equal([]store.Position{5}))
		rep, err := c.Verify(ctx)
		Expect(err).NotTo(HaveOccurred())
		Expect(rep.Problems).To(BeEmpty())
	})

	It("never lets a stale handle's snapshot hide the new tags", func() {
		Expect(os.Remove(filepath.Join(dir, "index", "snapshot.bin"))).To(Succeed())
		stale := open(nil) // rebuilt its index: it would write a snapshot on Close
		a := open(nil)
		_, err := a.AddTags(ctx, "StudentEnrolled", byStudent)
		Expect(err).NotTo(HaveOccurred())
		Expect(a.Close()).To(Succeed())
		Expect(stale.Close()).To(Succeed())
		c := open(nil)
		Expect(store.ReadAll(ctx, c, store.Tagged(store.NewTag("student", "s-2")))).To(HaveLen(1))
	})

	It("rebuilds the index when a run died half way (an odd tag epoch)", func() {
		s := open(nil)
		Expect(s.Close()).To(Succeed())
		// What a crash leaves: one file rewritten, the epoch odd.
		b, err := os.ReadFile(eventFile(dir, 5))
		Expect(err).NotTo(HaveOccurred())
		b = bytes.Replace(b, []byte(`{"key":"studentId","value":"s-1"}`), []byte(`{"key":"studentId","value":"s-1"},
    {"key":"student","value":"s-1"}`), 1)
		Expect(os.WriteFile(eventFile(dir, 5), b, 0o644)).To(Succeed())
		head, err := os.ReadFile(filepath.Join(dir, "head"))
		Expect(err).NotTo(HaveOccurred())
		Expect(os.WriteFile(filepath.Join(dir, "head"), append(head[:30], []byte("00000000000000000001 "+crcHex("00000000000000000001")+"\n")...), 0o644)).To(Succeed())

		rep, err := store.VerifyDir(ctx, dir)
		Expect(err).NotTo(HaveOccurred())
		Expect(kindsOf(rep)).To(ContainElement(store.ProblemEpoch))
		Expect(rep.Damaged()).To(BeFalse())

		s = open(nil)
		found, err := store.ReadAll(ctx, s, store.Tagged(store.NewTag("student", "s-1")))
		Expect(err).NotTo(HaveOccurred())
		Expect(positionsOf(found)).To(Equal([]store.Position{5}))
		Expect(s.Close()).To(Succeed())
		rep, err = store.VerifyDir(ctx, dir)
		Expect(err).NotTo(HaveOccurred())
		Expect(rep.Problems).To(BeEmpty())
		Expect(rep.Epoch).To(Equal(uint64(2)))
	})

	It("validates the tags like Append, keeping what it changed before", func() {
		s := open(nil)
		n := 0
		res, err := s.AddTags(ctx, "StudentRegistered", func(e store.StoredEvent) []store.Tag {
			n++
			if n == 2 {
				return []store.Tag{{Key: "bad:key", Value: "x"}}
			}
			return []store.Tag{store.NewTag("registered", "yes")}
		})
		Expect(err).To(MatchError(store.ErrInvalidEvent))
		Expect(err.Error()).To(ContainSubstring("event 3"))
		Expect(res.EventsChanged).To(Equal(1))
		found, err := store.ReadAll(ctx, s, store.Tagged(store.NewTag("registered", "yes")))
		Expect(err).NotTo(HaveOccurred())
		Expect(positionsOf(found)).To(Equal([]store.Position{2}))
		_, err = s.AddTags(ctx, "", byStudent)
		Expect(err).To(MatchError(store.ErrInvalidEvent))
	})

	It("stops when its context ends, keeping what it changed", func() {
		s := open(nil)
		cctx, cancel := context.WithCancel(ctx)
		res, err := s.AddTags(cctx, "StudentRegistered", func(e store.StoredEvent) []store.Tag {
			cancel()
			return []store.Tag{store.NewTag("registered", "yes")}
		})
		Expect(err).To(MatchError(context.Canceled))
		Expect(res).To(Equal(store.AddTagsResult{EventsProcessed: 1, EventsChanged: 1, TagsAdded: 1}))
		Expect(store.ReadAll(ctx, s, store.Tagged(store.NewTag("registered", "yes")))).To(HaveLen(1))
	})

	It("runs under the writer lock while four goroutines append, leaving every index consistent", func(sctx SpecContext) {
		s := open(&store.Options{NoSync: true})
		other := open(&store.Options{NoSync: true})
		head0, err := s.Head(sctx)
		Expect(err).NotTo(HaveOccurred())
		enrolled0, err := store.ReadAll(sctx, s, store.Types("StudentEnrolled"))
		Expect(err).NotTo(HaveOccurred())
		otherTypes := int(head0) - len(enrolled0) // the goroutines append only StudentEnrolled
		var stop atomic.Bool
		var wg sync.WaitGroup
		for w := range 4 {
			wg.Go(func() {
				defer GinkgoRecover()
				for i := 0; !stop.Load(); i++ {
					_, err := other.Append(sctx, []store.Event{{Type: "StudentEnrolled", Tags: []store.Tag{store.NewTag("studentId", fmt.Sprintf("w%d-%d", w, i))}}}, nil)
					Expect(err).NotTo(HaveOccurred())
				}
			})
		}
		var seen store.Position
		Eventually(func() store.Position { seen, _ = s.Head(sctx); return seen }).Should(BeNumerically(">=", 40))
		res, err := s.AddTags(sctx, "StudentEnrolled", byStudent)
		stop.Store(true)
		wg.Wait()
		Expect(err).NotTo(HaveOccurred())
		// The run catches up to at least the head seen, so it tags every
		// StudentEnrolled event up to there: the head less the fixture's
		// events of other types, not the head itself.
		Expect(res.EventsChanged).To(Equal(res.EventsProcessed), "no event had the student tag before")
		enrolled, err := store.ReadAll(sctx, s, store.Types("StudentEnrolled"))
		Expect(err).NotTo(HaveOccurred())
		upToSeen := 0
		for _, e := range enrolled {
			if e.Position > seen {
				continue
			}
			upToSeen++
			v, _ := e.TagValue("studentId")
			Expect(e.HasTag(store.NewTag("student", v))).To(BeTrue(), "event %d, at or before the head %d seen", e.Position, seen)
		}
		Expect(upToSeen).To(Equal(int(seen)-otherTypes), "every event up to the head seen is read")
		Expect(res.EventsChanged).To(BeNumerically(">=", upToSeen))

		for _, h := range []*store.FileStore{s, other} {
			rep, err := h.Verify(sctx)
			Expect(err).NotTo(HaveOccurred())
			Expect(rep.Problems).To(BeEmpty())
			all, err := store.ReadAll(sctx, h, store.Types("StudentEnrolled"))
			Expect(err).NotTo(HaveOccurred())
			tagged, err := store.ReadAll(sctx, h, store.Tagged(store.NewTag("student", "w0-0")))
			Expect(err).NotTo(HaveOccurred())
			Expect(tagged).To(HaveLen(1))
			Expect(len(all)).To(BeNumerically(">", res.EventsProcessed-1))
		}
	}, NodeTimeout(60*time.Second))
})

var _ = Describe("Verify", func() {
	var ctx context.Context
	BeforeEach(func() { ctx = context.Background() })

	It("finds nothing wrong with a sound store, open or not", func() {
		dir := copyFixture("small")
		rep, err := store.VerifyDir(ctx, dir)
		Expect(err).NotTo(HaveOccurred())
		Expect(rep.Problems).To(BeEmpty())
		Expect(rep.Head).To(Equal(store.Position(6)))
		Expect(rep.EventFiles).To(Equal(6))

		s, err := store.Open(dir, nil)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(s.Close)
		rep, err = s.Verify(ctx, store.Checkpoint{Name: "courses", Position: 6})
		Expect(err).NotTo(HaveOccurred())
		Expect(rep.Problems).To(BeEmpty())
	})

	It("reports a torn tail for recovery to settle, not as damage", func() {
		rep, err := store.VerifyDir(ctx, copyFixture("torn"))
		Expect(err).NotTo(HaveOccurred())
		Expect(kindsOf(rep)).To(Equal([]store.ProblemKind{store.ProblemTornTail}))
		Expect(rep.Problems[0].Position).To(Equal(store.Position(7)))
		Expect(rep.Damaged()).To(BeFalse())
	})

	It("reports files after the head as a commit in progress while the writer lock is held", func() {
		dir := copyFixture("torn")
		held := flock.New(filepath.Join(dir, ".lock"))
		Expect(held.Lock()).To(Succeed())
		DeferCleanup(held.Unlock)
		rep, err := store.VerifyDir(ctx, dir)
		Expect(err).NotTo(HaveOccurred())
		Expect(kindsOf(rep)).To(Equal([]store.ProblemKind{store.ProblemInFlight}))
	})

	It("refuses a folder that is not a store, and a newer format", func() {
		_, err := store.VerifyDir(ctx, GinkgoT().TempDir())
		Expect(err).To(MatchError(store.ErrNotAStore))
		_, err = store.VerifyDir(ctx, filepath.Join(GinkgoT().TempDir(), "missing"))
		Expect(err).To(MatchError(store.ErrNotAStore))
		dir := copyFixture("small")
		Expect(os.WriteFile(filepath.Join(dir, "opossum.json"), []byte(`{"format": 7}`), 0o644)).To(Succeed())
		_, err = store.VerifyDir(ctx, dir)
		Expect(err).To(MatchError(store.ErrUnsupportedFormat))
	})

	DescribeTable("reports damage with its kind, file and position",
		func(fixture string, damage func(dir string), kind store.ProblemKind, damaged bool, file string, pos int) {
			dir := copyFixture(fixture)
			damage(dir)
			before := fileTree(dir)
			rep, err := store.VerifyDir(ctx, dir, store.Checkpoint{Name: "courses", Path: filepath.Join(dir, "projections", "courses", "checkpoint.json"), Position: 6})
			Expect(err).NotTo(HaveOccurred())
			Expect(fileTree(dir)).To(Equal(before), "Verify writes nothing")
			Expect(rep.Damaged()).To(Equal(damaged))
			var found *store.Problem
			for i := range rep.Problems {
				if rep.Problems[i].Kind == kind {
					found = &rep.Problems[i]
					break
				}
			}
			Expect(found).NotTo(BeNil(), "problems: %v", rep.Problems)
			Expect(found.Path).To(Equal(filepath.Join(dir, file)))
			Expect(found.Position).To(Equal(store.Position(pos)))
		},
		Entry("an event file that does not parse", "small", func(dir string) {
			Expect(os.WriteFile(eventFile(dir, 3), []byte(`{"position": 3, "ty`), 0o644)).To(Succeed())
		}, store.ProblemCorruptEvent, true, "events/000000/000000000003.json", 3),
		Entry("an event file holding another position", "small", func(dir string) {
			b, _ := os.ReadFile(eventFile(dir, 4))
			Expect(os.WriteFile(eventFile(dir, 3), b, 0o644)).To(Succeed())
		}, store.ProblemCorruptEvent, true, "events/000000/000000000003.json", 3),
		Entry("a missing committed event file", "no-snapshot", func(dir string) {
			Expect(os.Remove(eventFile(dir, 2))).To(Succeed())
		}, store.ProblemMissingEvent, true, "events/000000/000000000002.json", 2),
		Entry("a head beyond the event files", "no-snapshot", func(dir string) {
			Expect(os.WriteFile(filepath.Join(dir, "head"), []byte("00000000000000000008 "+crcHex("00000000000000000008")+"\n"), 0o644)).To(Succeed())
		}, store.ProblemMissingEvent, true, "events/000000/000000000007.json", 7),
		Entry("batches that do not fit together", "no-snapshot", func(dir string) {
			b, _ := os.ReadFile(eventFile(dir, 3))
			b = bytes.Replace(b, []byte(`"batch": {"first": 2, "last": 3}`), []byte(`"batch": {"first": 3, "last": 3}`), 1)
			Expect(os.WriteFile(eventFile(dir, 3), b, 0o644)).To(Succeed())
		}, store.ProblemBatch, true, "events/000000/000000000003.json", 3),
		Entry("an index snapshot that disagrees with the files", "small", func(dir string) {
			b, _ := os.ReadFile(eventFile(dir, 5))
			b = bytes.Replace(b, []byte(`{"key":"courseId","value":"c-1"},`), nil, 1)
			Expect(os.WriteFile(eventFile(dir, 5), b, 0o644)).To(Succeed())
		}, store.ProblemIndex, true, "index/snapshot.bin", 5),
		Entry("two event files with the same id", "no-snapshot", func(dir string) {
			b, _ := os.ReadFile(eventFile(dir, 3))
			b = bytes.Replace(b, []byte(`"position": 3,`), []byte(`"position": 3, "id": "6f706f73-7375-8000-8000-000000000002",`), 1)
			Expect(os.WriteFile(eventFile(dir, 3), b, 0o644)).To(Succeed())
		}, store.ProblemCorruptEvent, true, "events/000000/000000000003.json", 3),
		Entry("an index snapshot whose ids disagree with the files", "small", func(dir string) {
			s, err := store.Open(dir, nil) // writes a snapshot with ids at Close
			Expect(err).NotTo(HaveOccurred())
			Expect(s.Close()).To(Succeed())
			b, _ := os.ReadFile(eventFile(dir, 5))
			b = bytes.Replace(b, []byte(`"position": 5,`), []byte(`"position": 5, "id": "`+store.NewEventID().String()+`",`), 1)
			Expect(os.WriteFile(eventFile(dir, 5), b, 0o644)).To(Succeed())
		}, store.ProblemIndex, true, "index/snapshot.bin", 5),
		Entry("a projection checkpoint ahead of the head", "torn", func(dir string) {
			Expect(os.WriteFile(filepath.Join(dir, "head"), []byte("00000000000000000003 "+crcHex("00000000000000000003")+"\n"), 0o644)).To(Succeed())
			Expect(os.Remove(eventFile(dir, 7))).To(Succeed())
			for _, p := range []int{4, 5, 6} {
				Expect(os.Remove(eventFile(dir, p))).To(Succeed())
			}
		}, store.ProblemCheckpoint, true, "projections/courses/checkpoint.json", 6),
		Entry("an unreadable manifest", "small", func(dir string) {
			Expect(os.WriteFile(filepath.Join(dir, "opossum.json"), []byte(`{"format": `), 0o644)).To(Succeed())
		}, store.ProblemManifest, true, "opossum.json", 0),
		Entry("a torn head file (recovery recomputes it)", "small", func(dir string) {
			Expect(os.WriteFile(filepath.Join(dir, "head"), []byte("0000000000000000000"), 0o644)).To(Succeed())
		}, store.ProblemHead, false, "head", 0),
		Entry("a temporary file left by a crash", "small", func(dir string) {
			Expect(os.WriteFile(filepath.Join(dir, "index", ".snapshot.bin.0badf00d.tmp"), []byte("half"), 0o644)).To(Succeed())
		}, store.ProblemTempFile, false, "index/.snapshot.bin.0badf00d.tmp", 0),
		Entry("a stray file among the events", "small", func(dir string) {
			Expect(os.WriteFile(filepath.Join(dir, "events", "000000", "notes.txt"), []byte("hi"), 0o644)).To(Succeed())
		}, store.ProblemStrayFile, false, "events/000000/notes.txt", 0),
		Entry("a missing index snapshot (rebuilt by Open)", "no-snapshot", func(string) {}, store.ProblemSnapshot, false, "index/snapshot.bin", 0),
	)
})

// crcHex is the checksum the head file carries for its digits.
func crcHex(digits string) string {
	return fmt.Sprintf("%08x", crc32.ChecksumIEEE([]byte(digits)))
}

var _ = Describe("Backup", func() {
	var ctx context.Context
	BeforeEach(func() { ctx = context.Background() })

	// sameEvents expects the backup's events to be the source's first ones.
	sameEvents := func(backup string, src store.EventStore, head store.Position) {
		GinkgoHelper()
		b, err := store.Open(backup, nil)
		Expect(err).NotTo(HaveOccurred())
		defer b.Close()
		got, err := store.ReadAll(ctx, b, store.All())
		Expect(err).NotTo(HaveOccurred())
		Expect(got).To(HaveLen(int(head)))
		want, err := store.ReadAll(ctx, src, store.All(), store.Limit(int(head)))
		Expect(err).NotTo(HaveOccurred())
		for i := range want {
			Expect(got[i].Position).To(Equal(want[i].Position))
			Expect(got[i].Type).To(Equal(want[i].Type))
			Expect(got[i].Tags).To(Equal(want[i].Tags))
			Expect(got[i].Data).To(Equal(want[i].Data))
		}
		tagged, err := store.ReadAll(ctx, b, store.Tagged(store.NewTag("writer", "0")))
		Expect(err).NotTo(HaveOccurred())
		wantTagged, err := store.ReadAll(ctx, src, store.Tagged(store.NewTag("writer", "0")))
		Expect(err).NotTo(HaveOccurred())
		n := 0
		for _, e := range wantTagged {
			if e.Position <= head {
				n++
			}
		}
		Expect(tagged).To(HaveLen(n), "the backup's index is complete")
	}

	It("copies a consistent prefix of the log while four goroutines append; the copy opens and verifies clean", func(sctx SpecContext) {
		dir := GinkgoT().TempDir()
		s, err := store.Open(dir, &store.Options{NoSync: true})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(s.Close)
		var stop atomic.Bool
		var wg sync.WaitGroup
		for w := range 4 {
			wg.Go(func() {
				defer GinkgoRecover()
				for i := 0; !stop.Load(); i++ {
					batch := make([]store.Event, 1+i%3)
					for j := range batch {
						batch[j] = store.MustEvent("Written", map[string]int{"i": i, "j": j}, store.NewTag("writer", fmt.Sprint(w)))
					}
					_, err := s.Append(sctx, batch, nil)
					Expect(err).NotTo(HaveOccurred())
				}
			})
		}
		Eventually(func() store.Position { h, _ := s.Head(sctx); return h }).Should(BeNumerically(">=", 100))

		folder := filepath.Join(GinkgoT().TempDir(), "backup")
		res, err := s.Backup(sctx, folder)
		Expect(err).NotTo(HaveOccurred())
		var archive bytes.Buffer
		ares, err := s.BackupArchive(sctx, &archive)
		Expect(err).NotTo(HaveOccurred())
		Eventually(func() store.Position { h, _ := s.Head(sctx); return h }).Should(BeNumerically(">", ares.Head))
		stop.Store(true)
		wg.Wait()

		Expect(res.Head).To(BeNumerically(">=", 100))
		Expect(res.Events).To(Equal(int(res.Head)))
		for _, c := range []struct {
			dir  string
			head store.Position
		}{{folder, res.Head}, {untar(archive.Bytes()), ares.Head}} {
			rep, err := store.VerifyDir(sctx, c.dir)
			Expect(err).NotTo(HaveOccurred())
			Expect(rep.Problems).To(BeEmpty())
			Expect(rep.Head).To(Equal(c.head))
			sameEvents(c.dir, s, c.head)
		}
	}, NodeTimeout(60*time.Second))

	It("writes nothing into the store it copies", func() {
		dir := copyFixture("torn")
		before := fileTree(dir)
		s, err := store.Open(dir, &store.Options{ReadOnly: true})
		Expect(err).NotTo(HaveOccurred())
		res, err := s.Backup(ctx, filepath.Join(GinkgoT().TempDir(), "b"))
		Expect(err).NotTo(HaveOccurred())
		Expect(res.Head).To(Equal(store.Position(6)))
		Expect(s.Close()).To(Succeed())
		Expect(fileTree(dir)).To(Equal(before))
	})

	It("refuses a destination that is not empty, or inside the store", func() {
		s, err := store.Open(copyFixture("small"), nil)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(s.Close)
		dest := GinkgoT().TempDir()
		Expect(os.WriteFile(filepath.Join(dest, "x"), nil, 0o644)).To(Succeed())
		_, err = s.Backup(ctx, dest)
		Expect(err).To(MatchError(ContainSubstring("not empty")))
		Expect(os.ReadDir(dest)).To(HaveLen(1))
		_, err = s.Backup(ctx, filepath.Join(s.Dir(), "backup"))
		Expect(err).To(MatchError(ContainSubstring("inside the store")))
		Expect(filepath.Join(s.Dir(), "backup")).NotTo(BeADirectory())
	})

	It("fails on a damaged event file, naming it and leaving no backup behind", func() {
		dir := copyFixture("small")
		s, err := store.Open(dir, nil)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(s.Close)
		Expect(os.WriteFile(eventFile(dir, 4), []byte("{}"), 0o644)).To(Succeed())
		dest := filepath.Join(GinkgoT().TempDir(), "b")
		_, err = s.Backup(ctx, dest)
		Expect(err).To(MatchError(store.ErrCorrupt))
		Expect(err.Error()).To(ContainSubstring(eventFile(dir, 4)))
		Expect(dest).NotTo(BeADirectory())
	})
})

var _ = Describe("Stats", func() {
	It("counts events by type and tag and measures the files", func() {
		s, err := store.Open(copyFixture("small"), &store.Options{ReadOnly: true})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(s.Close)
		st, err := s.Stats(context.Background())
		Expect(err).NotTo(HaveOccurred())
		Expect(st.Head).To(Equal(store.Position(6)))
		Expect(st.Types).To(Equal(map[string]int{"CourseCreated": 2, "StudentRegistered": 2, "StudentEnrolled": 2}))
		Expect(st.Tags).To(HaveKeyWithValue(store.NewTag("courseId", "c-1"), 2))
		Expect(st.Tags).To(HaveKeyWithValue(store.NewTag("studentId", "s-2"), 2))
		Expect(st.EventFiles).To(Equal(6))
		Expect(st.ShardFolders).To(Equal(1))
		Expect(st.EventBytes).To(BeNumerically(">", 6*100))
		Expect(st.SnapshotBytes).To(BeNumerically(">", 0))
	})
})

var _ = Describe("admin telemetry", func() {
	It("traces AddTags, Verify and Backup with their counts", func() {
		spans := tracetest.NewSpanRecorder()
		s, err := store.Open(copyFixture("small"), &store.Options{Name: "courses", TracerProvider: sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(s.Close)
		ctx := context.Background()
		_, err = s.AddTags(ctx, "CourseCreated", func(store.StoredEvent) []store.Tag { return []store.Tag{store.NewTag("kind", "course")} })
		Expect(err).NotTo(HaveOccurred())
		_, err = s.Verify(ctx)
		Expect(err).NotTo(HaveOccurred())
		_, err = s.BackupArchive(ctx, io.Discard)
		Expect(err).NotTo(HaveOccurred())

		got := map[string]map[attribute.Key]attribute.Value{}
		for _, sp := range spans.Ended() {
			m := map[attribute.Key]attribute.Value{}
			for _, kv := range sp.Attributes() {
				m[kv.Key] = kv.Value
			}
			got[sp.Name()] = m
		}
		Expect(got).To(HaveKey("add_tags courses"))
		Expect(got["add_tags courses"][store.AttrEventsChanged].AsInt64()).To(Equal(int64(2)))
		Expect(got["add_tags courses"][store.AttrTagsAdded].AsInt64()).To(Equal(int64(2)))
		Expect(got["add_tags courses"][store.AttrStore].AsString()).To(Equal("courses"))
		Expect(got["verify courses"][store.AttrProblems].AsInt64()).To(BeZero())
		Expect(got["backup courses"][store.AttrHead].AsInt64()).To(Equal(int64(6)))
	})
})
