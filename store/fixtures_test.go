package store_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/store"
)

// The fixture stores under testdata/v1 were written by format version 1.
// Every later version of the package must open and read them.
// OPOSSUM_UPDATE_FIXTURES=1 go test -run TestGenerateFixtures ./store/
// regenerates them (only when the format version changes).
func TestGenerateFixtures(t *testing.T) {
	if os.Getenv("OPOSSUM_UPDATE_FIXTURES") != "1" {
		t.Skip("set OPOSSUM_UPDATE_FIXTURES=1 to regenerate testdata/v1")
	}
	clock := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	write := func(name string) {
		dir := filepath.Join("testdata", "v1", name)
		if err := os.RemoveAll(dir); err != nil {
			t.Fatal(err)
		}
		s, err := store.Open(dir, &store.Options{Now: func() time.Time { return clock }})
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		for _, batch := range fixtureBatches() {
			if _, err := s.Append(ctx, batch, nil); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		os.Remove(filepath.Join(dir, ".lock"))
		os.Remove(filepath.Join(dir, ".open"))
	}
	write("small")
	write("no-snapshot")
	if err := os.Remove(filepath.Join("testdata", "v1", "no-snapshot", "index", "snapshot.bin")); err != nil {
		t.Fatal(err)
	}
	write("torn")
	// A crash during the append of a 3-event batch: its first file was
	// written, the others were not, and the head never moved.
	torn := filepath.Join("testdata", "v1", "torn", "events", "000000")
	b, err := os.ReadFile(filepath.Join(torn, "000000000006.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(torn, "000000000007.json"), tornCopy(b), 0o644); err != nil {
		t.Fatal(err)
	}
}

// tornCopy turns the last event file into the first file of a 3-event
// batch at position 7 whose other two files were never written.
func tornCopy(b []byte) []byte {
	s := string(b)
	s = replaceOnce(s, `"position": 6`, `"position": 7`)
	s = replaceOnce(s, `"batch": {"first": 5, "last": 6}`, `"batch": {"first": 7, "last": 9}`)
	return []byte(s)
}

func replaceOnce(s, old, new string) string {
	for i := 0; i+len(old) <= len(s); i++ {
		if s[i:i+len(old)] == old {
			return s[:i] + new + s[i+len(old):]
		}
	}
	panic("fixture text not found: " + old)
}

func fixtureBatches() [][]store.Event {
	c1, c2 := store.NewTag("courseId", "c-1"), store.NewTag("courseId", "c-2")
	s1, s2 := store.NewTag("studentId", "s-1"), store.NewTag("studentId", "s-2")
	return [][]store.Event{
		{store.MustEvent("CourseCreated", map[string]any{"name": "Event Sourcing 101", "capacity": 2}, c1)},
		{
			store.MustEvent("StudentRegistered", map[string]any{"name": "Ada"}, s1),
			store.MustEvent("StudentRegistered", map[string]any{"name": "Grace"}, s2),
		},
		{store.MustEvent("CourseCreated", map[string]any{"name": "DCB in practice", "capacity": 1}, c2)},
		{
			store.MustEvent("StudentEnrolled", map[string]any{}, c1, s1),
			store.MustEvent("StudentEnrolled", map[string]any{}, c2, s2),
		},
	}
}

var _ = Describe("format version 1 fixture stores", func() {
	var ctx context.Context

	open := func(name string) (*store.FileStore, error) {
		GinkgoHelper()
		dir := GinkgoT().TempDir()
		Expect(os.CopyFS(dir, os.DirFS(filepath.Join("testdata", "v1", name)))).To(Succeed())
		return store.Open(dir, nil)
	}

	expectFixtureEvents := func(s store.EventStore) {
		GinkgoHelper()
		all, err := store.ReadAll(ctx, s, store.All())
		Expect(err).NotTo(HaveOccurred())
		types := make([]string, len(all))
		for i, e := range all {
			types[i] = e.Type
			Expect(e.Position).To(Equal(store.Position(i + 1)))
			Expect(e.Metadata.Timestamp).To(BeTemporally("==", time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)))
		}
		Expect(types).To(Equal([]string{"CourseCreated", "StudentRegistered", "StudentRegistered", "CourseCreated", "StudentEnrolled", "StudentEnrolled"}))
		enrolled, err := store.ReadAll(ctx, s, store.TypesTagged([]string{"StudentEnrolled"}, store.NewTag("courseId", "c-2")))
		Expect(err).NotTo(HaveOccurred())
		Expect(enrolled).To(HaveLen(1))
		Expect(enrolled[0].Position).To(Equal(store.Position(6)))
		Expect(enrolled[0].Tags).To(Equal([]store.Tag{{Key: "courseId", Value: "c-2"}, {Key: "studentId", Value: "s-2"}}))
		st, err := store.Decode[struct{ Name string }](all[1].Event)
		Expect(err).NotTo(HaveOccurred())
		Expect(st.Name).To(Equal("Ada"))
	}

	BeforeEach(func() { ctx = context.Background() })

	It("reads a store with an index snapshot", func() {
		s, err := open("small")
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(s.Close)
		expectFixtureEvents(s)
	})

	It("rebuilds a missing index from the event files", func() {
		s, err := open("no-snapshot")
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(s.Close)
		expectFixtureEvents(s)
	})

	It("discards the torn batch a crashed append left behind, and appends after it", func() {
		s, err := open("torn")
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(s.Close)
		expectFixtureEvents(s)
		Expect(filepath.Join(s.Dir(), "events", "000000", "000000000007.json")).NotTo(BeAnExistingFile())
		p, err := s.Append(ctx, []store.Event{{Type: "CourseClosed"}}, nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(p).To(Equal(store.Position(7)))
	})

	It("keeps the fixtures as written by version 1", func() {
		err := filepath.WalkDir(filepath.Join("testdata", "v1"), func(path string, d fs.DirEntry, err error) error {
			Expect(err).NotTo(HaveOccurred())
			if !d.IsDir() {
				Expect(d.Name()).NotTo(BeElementOf(".lock", ".open"), "a lock file was committed in %s", path)
			}
			return nil
		})
		Expect(err).NotTo(HaveOccurred())
	})
})
