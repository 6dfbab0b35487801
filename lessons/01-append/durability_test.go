package appending_test

import (
	"encoding/json"
	"os"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	appending "github.com/opossum-go/opossum/lessons/01-append"
	"github.com/opossum-go/opossum/specs/matchers"
	"github.com/opossum-go/opossum/specs/steps"
	"github.com/opossum-go/opossum/store"
)

var _ = steps.Describe("Step 5: a store is a folder on disk", func() {
	var dir string

	BeforeEach(func() {
		dir = storeDir()
	})

	// open opens the store in dir with the lesson's OpenStore and closes it
	// when the spec ends.
	open := func(dir string) *store.FileStore {
		GinkgoHelper()
		s, err := appending.OpenStore(dir)
		Expect(err).NotTo(HaveOccurred())
		Expect(s).NotTo(BeNil(), "OpenStore must return the store that store.Open returned")
		DeferCleanup(func() { _ = s.Close() })
		showOnFailure(s, dir)
		return s
	}

	It("keeps every event across Close and a new OpenStore of the same folder", func(ctx SpecContext) {
		s := open(dir)
		appendRaw(ctx, s, ada.Event(), bob.Event())
		appendRaw(ctx, s, cyd.Event())
		Expect(s.Close()).To(Succeed())

		again := open(dir)
		Expect(again).To(matchers.HaveAppended("StudentRegistered", "StudentRegistered", "StudentRegistered"),
			"the events appended before Close must all be read back from the folder")
	})

	It("writes each event as one JSON file, named by its position", func(ctx SpecContext) {
		s := open(dir)
		appendRaw(ctx, s, ada.Event())

		files, err := filepath.Glob(filepath.Join(dir, "events", "*", "*.json"))
		Expect(err).NotTo(HaveOccurred())
		Expect(files).To(HaveLen(1), "one event, one file under events/")
		Expect(filepath.Base(files[0])).To(Equal("000000000001.json"))

		b, err := os.ReadFile(files[0])
		Expect(err).NotTo(HaveOccurred())
		var file struct {
			Position int             `json:"position"`
			Type     string          `json:"type"`
			Data     json.RawMessage `json:"data"`
		}
		Expect(json.Unmarshal(b, &file)).To(Succeed(), "an event file is plain JSON:\n%s", b)
		Expect(file.Position).To(Equal(1))
		Expect(file.Type).To(Equal("StudentRegistered"))
		Expect(string(file.Data)).To(MatchJSON(`{"studentId":"s-ada","firstName":"Ada","lastName":"Lovelace","email":"ada@example.com"}`))
	})

	It("discards a half-written event file that a crash left behind", func(ctx SpecContext) {
		s := open(dir)
		appendRaw(ctx, s, ada.Event(), bob.Event())
		Expect(s.Close()).To(Succeed())

		// The machine lost power while a third event was being written:
		// its file holds only the first bytes, and the append never
		// returned.
		files, err := filepath.Glob(filepath.Join(dir, "events", "*", "*.json"))
		Expect(err).NotTo(HaveOccurred())
		Expect(files).To(HaveLen(2))
		torn := filepath.Join(filepath.Dir(files[1]), "000000000003.json")
		Expect(os.WriteFile(torn, []byte(`{"position": 3, "type": "StudentRegis`), 0o644)).To(Succeed())

		again := open(dir)
		Expect(again).To(matchers.HaveAppended("StudentRegistered", "StudentRegistered"),
			"an append that never returned may be lost, but never half-kept")
		Expect(torn).NotTo(BeAnExistingFile(), "opening the store cleans up what the crash left")
	})

	It("refuses a folder that holds other files, so your events never mix with them", func() {
		Expect(os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("not an event\n"), 0o644)).To(Succeed())

		s, err := appending.OpenStore(dir)
		if s != nil {
			DeferCleanup(func() { _ = s.Close() })
		}
		Expect(err).To(MatchError(store.ErrNotAStore),
			"OpenStore must return the error of store.Open")
	})

	It("can be copied like any folder: the copy holds the same events", func(ctx SpecContext) {
		s := open(dir)
		appendRaw(ctx, s, ada.Event(), bob.Event())
		Expect(s.Close()).To(Succeed())

		copied := filepath.Join(storeDir(), "copy")
		Expect(os.CopyFS(copied, os.DirFS(dir))).To(Succeed())

		Expect(open(copied)).To(matchers.HaveAppended("StudentRegistered", "StudentRegistered"))
	})
})
