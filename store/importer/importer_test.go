package importer_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/importer"
)

// fixture copies the Opossum fixture store into a new temporary folder.
func fixture() string {
	GinkgoHelper()
	dir := filepath.Join(GinkgoT().TempDir(), "CourseManagement")
	Expect(os.CopyFS(dir, os.DirFS(filepath.Join("testdata", "opossum", "CourseManagement")))).To(Succeed())
	return dir
}

// tree hashes every file below dir: equal trees mean nothing changed.
func tree(dir string) map[string]string {
	GinkgoHelper()
	t := map[string]string{}
	Expect(filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		sum := sha256.Sum256(b)
		t[p] = hex.EncodeToString(sum[:])
		return err
	})).To(Succeed())
	return t
}

func readAll(ctx context.Context, dir string) []store.StoredEvent {
	GinkgoHelper()
	st, err := store.Open(dir, &store.Options{ReadOnly: true})
	Expect(err).NotTo(HaveOccurred())
	defer st.Close()
	evs, err := store.ReadAll(ctx, st, store.All())
	Expect(err).NotTo(HaveOccurred())
	return evs
}

func edit(path string, f func(m map[string]any)) {
	GinkgoHelper()
	b, err := os.ReadFile(path)
	Expect(err).NotTo(HaveOccurred())
	var m map[string]any
	Expect(json.Unmarshal(b, &m)).To(Succeed())
	f(m)
	b, err = json.MarshalIndent(m, "", "  ")
	Expect(err).NotTo(HaveOccurred())
	Expect(os.WriteFile(path, b, 0o644)).To(Succeed())
}

func eventFile(src string, p int) string {
	return filepath.Join(src, "events", fmt.Sprintf("%010d.json", p))
}

var _ = Describe("Importing an Opossum store", func() {
	var src, dst string
	BeforeEach(func() {
		src = fixture()
		dst = filepath.Join(GinkgoT().TempDir(), "imported")
	})

	It("keeps every event's position, type, tags, payload and metadata, and reads the source only", func(ctx SpecContext) {
		before := tree(src)
		rep, err := importer.Import(ctx, src, dst, nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(tree(src)).To(Equal(before))
		Expect(rep.Events).To(Equal(6))
		Expect(rep.Head).To(Equal(store.Position(6)))
		Expect(rep.Ledger).To(BeEquivalentTo(6))
		Expect(rep.LastFile).To(BeEquivalentTo(6))
		Expect(rep.Types).To(Equal(map[string]int{"CourseCreatedEvent": 1, "StudentRegisteredEvent": 2,
			"StudentEnrolledToCourseEvent": 1, "CourseStudentLimitModifiedEvent": 1, "StudentSubscriptionUpdatedEvent": 1}))
		Expect(rep.IndexFiles).To(Equal(10))
		Expect(rep.MissingFromIndices).To(BeEmpty())
		Expect(rep.StaleInIndices).To(BeEmpty())
		Expect(rep.Skipped).To(ConsistOf(ContainSubstring("Projections/")))

		evs := readAll(ctx, dst)
		Expect(evs).To(HaveLen(6))
		for i, e := range evs {
			Expect(e.Position).To(Equal(store.Position(i + 1)))
			var f struct {
				Event struct {
					EventType string
					Event     map[string]any
					Tags      []store.Tag
				}
				Metadata struct {
					Timestamp                  time.Time
					CorrelationID, CausationID string
					OperationID, UserID        string
				}
			}
			b, err := os.ReadFile(eventFile(src, i+1))
			Expect(err).NotTo(HaveOccurred())
			Expect(json.Unmarshal(b, &f)).To(Succeed())
			Expect(e.Type).To(Equal(f.Event.EventType))
			Expect(e.Tags).To(Equal(f.Event.Tags))
			dotnet := f.Event.Event["$type"]
			delete(f.Event.Event, "$type")
			var data map[string]any
			Expect(json.Unmarshal(e.Data, &data)).To(Succeed())
			Expect(data).To(Equal(f.Event.Event), "the payload without $type")
			Expect(e.Metadata.Extra).To(HaveKeyWithValue("dotnetType", dotnet))
			Expect(e.Metadata.Timestamp.Equal(f.Metadata.Timestamp)).To(BeTrue())
			Expect(e.Metadata.CorrelationID).To(Equal(f.Metadata.CorrelationID))
			Expect(e.Metadata.CausationID).To(Equal(f.Metadata.CausationID))
		}
		Expect(evs[2].Metadata.Extra).To(And(
			HaveKeyWithValue("userId", "a1b2c3d4-e5f6-4a5b-8c7d-9e0f1a2b3c4d"),
			HaveKeyWithValue("operationId", "5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d")))
		Expect(evs[3].Metadata.CausationID).To(Equal("0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0"))
		Expect(string(evs[5].Data)).To(Equal(`{"studentId":"e3f5a1c7-9b2d-4c6e-a8f0-5d4b3a2c1e98","enrollmentTier":"Professional","price":{"amount":49.9,"currency":"EUR"}}`), "members kept in their order, numbers as written")
	})

	It("imports into an existing empty folder, and imports an Opossum store with no events", func(ctx SpecContext) {
		Expect(os.Mkdir(dst, 0o755)).To(Succeed())
		empty := filepath.Join(GinkgoT().TempDir(), "Empty")
		Expect(os.Mkdir(empty, 0o755)).To(Succeed())
		Expect(os.WriteFile(filepath.Join(empty, ".ledger"), nil, 0o644)).To(Succeed())
		rep, err := importer.Import(ctx, empty, dst, nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(rep.Events).To(BeZero())
		Expect(readAll(ctx, dst)).To(BeEmpty())
	})

	It("reports index entries Opossum lacked or kept for no event; the new store indexes every event", func(ctx SpecContext) {
		idx := filepath.Join(src, "Indices", "Tags", "courseId_0c9d2f8e-57a4-4a6e-9d43-1f3f3b7e2a10.json")
		Expect(os.WriteFile(idx, []byte(`{"Positions":[1,5,9]}`), 0o644)).To(Succeed())
		rep, err := importer.Import(ctx, src, dst, nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(rep.MissingFromIndices).To(Equal([]string{"tag courseId:0c9d2f8e-57a4-4a6e-9d43-1f3f3b7e2a10 at 4"}))
		Expect(rep.StaleInIndices).To(Equal([]string{"Indices/Tags/courseId_0c9d2f8e-57a4-4a6e-9d43-1f3f3b7e2a10.json names 9"}))
		st, err := store.Open(dst, &store.Options{ReadOnly: true})
		Expect(err).NotTo(HaveOccurred())
		defer st.Close()
		evs, err := store.ReadAll(ctx, st, store.Tagged(store.NewTag("courseId", "0c9d2f8e-57a4-4a6e-9d43-1f3f3b7e2a10")))
		Expect(err).NotTo(HaveOccurred())
		Expect(evs).To(HaveLen(3))
	})

	It("imports event files beyond the ledger, as Opossum's reconciliation would, and skips temporary files", func(ctx SpecContext) {
		b, err := os.ReadFile(eventFile(src, 6))
		Expect(err).NotTo(HaveOccurred())
		Expect(os.WriteFile(eventFile(src, 7), b, 0o644)).To(Succeed())
		edit(eventFile(src, 7), func(m map[string]any) { m["position"] = 7 })
		Expect(os.WriteFile(filepath.Join(src, "events", "0000000008.json.tmp.0123456789abcdef0123456789abcdef"), []byte(`{"ev`), 0o644)).To(Succeed())
		rep, err := importer.Import(ctx, src, dst, nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(rep.Ledger).To(BeEquivalentTo(6))
		Expect(rep.LastFile).To(BeEquivalentTo(7))
		Expect(rep.Events).To(Equal(7))
		Expect(rep.Skipped).To(ContainElement(ContainSubstring("0000000008.json.tmp.")))
	})

	It("refuses a gap in the positions, and closes it with Renumber, reporting each move", func(ctx SpecContext) {
		Expect(os.Remove(eventFile(src, 3))).To(Succeed())
		_, err := importer.Import(ctx, src, dst, nil)
		Expect(err).To(MatchError(importer.ErrGap))
		Expect(err).To(MatchError(ContainSubstring("position 3")))
		Expect(dst).NotTo(BeADirectory())

		rep, err := importer.Import(ctx, src, dst, &importer.Options{Renumber: true})
		Expect(err).NotTo(HaveOccurred())
		Expect(rep.Moved).To(Equal(map[int64]store.Position{4: 3, 5: 4, 6: 5}))
		evs := readAll(ctx, dst)
		Expect(evs).To(HaveLen(5))
		Expect(evs[2].Type).To(Equal("StudentEnrolledToCourseEvent"))
	})

	DescribeTable("bad input gets a clear error, leaves the source as it was and writes nothing",
		func(ctx SpecContext, damage func(src, dst string) string, want error, says string) {
			from := damage(src, dst)
			before, dstBefore := tree(src), tree(filepath.Dir(dst))
			_, err := importer.Import(ctx, from, dst, nil)
			Expect(err).To(MatchError(want))
			Expect(err).To(MatchError(ContainSubstring(says)))
			Expect(tree(src)).To(Equal(before))
			Expect(tree(filepath.Dir(dst))).To(Equal(dstBefore))
		},
		Entry("a folder that is not an Opossum store", func(src, _ string) string { return filepath.Join(src, "Indices") },
			importer.ErrNotOpossum, "no events folder and no .ledger"),
		Entry("a missing folder", func(src, _ string) string { return filepath.Join(src, "nope") },
			importer.ErrNotOpossum, "does not exist"),
		Entry("the folder holding Opossum stores rather than one", func(src, _ string) string { return filepath.Dir(src) },
			importer.ErrNotOpossum, "holds Opossum stores: CourseManagement"),
		Entry("a store of this project", func(_, dst string) string {
			st, err := store.Open(filepath.Join(filepath.Dir(dst), "mine"), nil)
			Expect(err).NotTo(HaveOccurred())
			Expect(st.Close()).To(Succeed())
			return filepath.Join(filepath.Dir(dst), "mine")
		}, importer.ErrNotOpossum, "it is a store of this project"),
		Entry("a truncated event file", func(src, _ string) string {
			Expect(os.WriteFile(eventFile(src, 4), []byte(`{"event": {"eventType": "Stud`), 0o644)).To(Succeed())
			return src
		}, importer.ErrDamaged, "0000000004.json"),
		Entry("an event file holding another position", func(src, _ string) string {
			edit(eventFile(src, 2), func(m map[string]any) { m["position"] = 5 })
			return src
		}, importer.ErrDamaged, "0000000002.json: holds position 5"),
		Entry("an event without a type", func(src, _ string) string {
			edit(eventFile(src, 2), func(m map[string]any) { m["event"].(map[string]any)["eventType"] = "" })
			return src
		}, importer.ErrDamaged, "no eventType"),
		Entry("a payload that is not an object", func(src, _ string) string {
			edit(eventFile(src, 5), func(m map[string]any) { m["event"].(map[string]any)["event"] = 42 })
			return src
		}, importer.ErrDamaged, "not a JSON object"),
		Entry("a tag with an empty key", func(src, _ string) string {
			edit(eventFile(src, 1), func(m map[string]any) {
				m["event"].(map[string]any)["tags"] = []any{map[string]any{"key": "", "value": "x"}}
			})
			return src
		}, importer.ErrDamaged, "tag"),
		Entry("an event without a timestamp", func(src, _ string) string {
			edit(eventFile(src, 6), func(m map[string]any) { delete(m, "metadata") })
			return src
		}, importer.ErrDamaged, "no metadata.timestamp"),
		Entry("a damaged ledger", func(src, _ string) string {
			Expect(os.WriteFile(filepath.Join(src, ".ledger"), []byte(`{"LastSeq`), 0o644)).To(Succeed())
			return src
		}, importer.ErrDamaged, ".ledger is not a ledger"),
		Entry("a destination that is not empty", func(src, dst string) string {
			Expect(os.MkdirAll(dst, 0o755)).To(Succeed())
			Expect(os.WriteFile(filepath.Join(dst, "notes.txt"), []byte("mine"), 0o644)).To(Succeed())
			return src
		}, importer.ErrDestination, "holds 1 entries"),
		Entry("a destination that is a file", func(src, dst string) string {
			Expect(os.WriteFile(dst, []byte("mine"), 0o644)).To(Succeed())
			return src
		}, importer.ErrDestination, "is a file"),
	)
})
