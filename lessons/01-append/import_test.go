package appending_test

import (
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	appending "github.com/opossum-go/opossum/lessons/01-append"
	"github.com/opossum-go/opossum/specs/matchers"
	"github.com/opossum-go/opossum/specs/steps"
	"github.com/opossum-go/opossum/store"
)

var _ = steps.Describe("Step 3: appending several events atomically", func() {
	var s *store.FileStore

	BeforeEach(func() {
		s = newStore()
	})

	It("appends one StudentRegistered event per student, in the order of the list", func(ctx SpecContext) {
		_, err := appending.ImportStudents(ctx, s, "import-1", []appending.StudentRegistered{ada, bob, cyd})
		Expect(err).NotTo(HaveOccurred())

		events := readAll(ctx, s)
		Expect(events).To(matchers.HaveEventTypes("StudentRegistered", "StudentRegistered", "StudentRegistered"),
			"ImportStudents must append one event per student")
		var ids []string
		for _, e := range events {
			student, err := store.Decode[appending.StudentRegistered](e.Event)
			Expect(err).NotTo(HaveOccurred())
			ids = append(ids, student.StudentID)
		}
		Expect(ids).To(Equal([]string{"s-ada", "s-bob", "s-cyd"}),
			"the events must follow the order of the list")
	})

	It("gives the events of one import contiguous positions, and returns the last one", func(ctx SpecContext) {
		appendRaw(ctx, s, courseCreated("c-dcb", "Dynamic Consistency Boundaries", 20))

		last, err := appending.ImportStudents(ctx, s, "import-1", []appending.StudentRegistered{ada, bob, cyd})
		Expect(err).NotTo(HaveOccurred())

		Expect(last).To(Equal(store.Position(4)),
			"ImportStudents must return the position of the last event of the batch, as Append does")
		Expect(readAll(ctx, s)).To(matchers.HavePositions(1, 2, 3, 4))
	})

	It("writes nothing at all when one event of the batch is invalid", func(ctx SpecContext) {
		// Someone pasted a whole file into a spreadsheet cell: this event
		// is larger than the store accepts (1 MiB by default).
		pasted := appending.StudentRegistered{StudentID: "s-big", FirstName: strings.Repeat("x", 2<<20), Email: "big@example.com"}

		_, err := appending.ImportStudents(ctx, s, "import-1", []appending.StudentRegistered{ada, pasted, cyd})

		Expect(err).To(MatchError(store.ErrEventTooLarge),
			"ImportStudents must return the store's error (wrap it with %%w if you add context)")
		Expect(s).To(matchers.HaveAppended(),
			"a batch is all or nothing: build every event first and append them all with ONE call to Append")
	})

	It("marks every event of an import with the import's id as its correlation id", func(ctx SpecContext) {
		_, err := appending.ImportStudents(ctx, s, "import-2026-09", []appending.StudentRegistered{ada, bob})
		Expect(err).NotTo(HaveOccurred())

		events := readAll(ctx, s)
		Expect(events).To(HaveLen(2))
		for _, e := range events {
			Expect(e.Metadata.CorrelationID).To(Equal("import-2026-09"),
				"set Metadata.CorrelationID on each event before you append the batch")
		}
	})

	It("appends nothing for an empty list, and that is not an error", func(ctx SpecContext) {
		last, err := appending.ImportStudents(ctx, s, "import-empty", nil)

		Expect(err).NotTo(HaveOccurred(),
			"the store refuses an empty batch (store.ErrEmptyBatch): return 0 and no error before you call Append")
		Expect(last).To(BeZero())
		Expect(s).To(matchers.HaveAppended())
	})
})
